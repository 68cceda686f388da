"""The game backend under load: requests per second and p50/p99 latency of a trivial route (the ceiling),
order-status polling and webhook delivery, on SQLite and PostgreSQL, with 1 to 4 backend processes.

``python3 build.py bench --server`` runs this in the project's .venv (``--quick``: fewer requests, a smoke
run). Every request goes to 127.0.0.1, over a bounded number of keep-alive connections, bounded in count and
time. PostgreSQL is a throwaway cluster with fsync on (as durable as SQLite's ``synchronous=FULL``). The load
generator shares the machine's cores with the servers, so compare the ratios within one run; nothing here is
asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from tests.server.pg_server import PgServer
from tests.server.server_stack import ServerProcess, make_config

from gameport.server.tiktok_webhook import build_webhook_body, sign_webhook
from gameport.server.unconfirmed import TIKTOK_EVENT_PAID

CONFIGS = (("sqlite", 1), ("sqlite", 4), ("postgresql", 1), ("postgresql", 2), ("postgresql", 4))
CONNECTIONS = 32
TIME_LIMIT_S = 20.0


@dataclass(frozen=True)
class Load:
    """What one measurement did: completed requests, their statuses, wall time and latencies."""

    done: int
    bad: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        """The q-quantile latency in ms."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def _drive(port: int, requests: list[bytes], connections: int) -> Load:
    """Send ``requests`` over ``connections`` keep-alive HTTP/1.1 connections (a minimal client, so the load
    generator costs as little CPU as it can)."""
    counter = itertools.count()
    latencies: list[float] = []
    bad = 0
    deadline = time.monotonic() + TIME_LIMIT_S

    async def worker() -> None:
        nonlocal bad
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while (i := next(counter)) < len(requests) and time.monotonic() < deadline:
                started = time.perf_counter()
                writer.write(requests[i])
                status = int((await reader.readline()).split()[1])
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.partition(b":")
                    if name.lower() == b"content-length":
                        length = int(value)
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - started)
                bad += status != 200
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return Load(len(latencies), bad, time.perf_counter() - started, latencies)


def _request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _measure(db: str, workers: int, orders: int, polls: int, tmp: Path) -> dict[str, Load]:
    config = make_config()
    config["risk"]["velocity_max"] = 10**9
    path = tmp / f"config-{workers}.json"
    path.write_text(json.dumps(config))
    mock = ServerProcess(["mock-platform", "--port", "0", "--config", str(path)]).start()
    config["tiktok"]["api_base_url"] = mock.url
    path.write_text(json.dumps(config))
    backend = ServerProcess(["backend", "--port", "0", "--config", str(path), "--db", db,
                             "--workers", str(workers)]).start()  # fmt: skip
    http = httpx.Client(timeout=120)
    try:
        http.post(f"{mock.url}/mock/config", json={"backend_url": backend.url}).raise_for_status()

        def login(i: int) -> str:
            code = http.post(f"{mock.url}/mock/tiktok/login_code", json={"open_id": f"bench-{i}"}).json()[
                "code"
            ]
            session: str = http.post(f"{backend.url}/api/tiktok/login", json={"code": code}).json()["session"]
            return session

        def order(i: int) -> tuple[str, dict[str, Any]]:
            session = sessions[i % len(sessions)]
            made = http.post(f"{backend.url}/api/tiktok/orders", json={"product_id": "gems_100"},
                             headers={"Authorization": f"Bearer {session}"}).json()  # fmt: skip
            http.post(f"{mock.url}/mock/tiktok/pay", json={"trade_order_id": made["trade_order_id"],
                                                            "webhook": False})  # fmt: skip
            return session, made

        with ThreadPoolExecutor(16) as pool:
            sessions = list(pool.map(login, range(20)))
            made = list(pool.map(order, range(orders)))
        port = int(backend.url.rsplit(":", 1)[1])
        secret, key = config["tiktok"]["client_secret"], config["tiktok"]["client_key"]
        trivial = [_request("GET", "/api/health", {})] * polls
        polling = [_request("GET", f"/api/orders/{o['order_id']}", {"Authorization": f"Bearer {s}"})
                   for s, o in itertools.islice(itertools.cycle(made), polls)]  # fmt: skip
        hooks = []
        for _, o in made:
            body = build_webhook_body(
                client_key=key, event=TIKTOK_EVENT_PAID, trade_order_id=o["trade_order_id"],
                order_id=o["order_id"], is_sandbox=True,
            )  # fmt: skip
            signed = {"TikTok-Signature": sign_webhook(body, secret), "Content-Type": "application/json"}
            hooks.append(_request("POST", "/api/tiktok/webhook", signed, body))
        runs = (("trivial", trivial), ("polling", polling), ("delivery", hooks))
        results = {name: asyncio.run(_drive(port, reqs, CONNECTIONS)) for name, reqs in runs}
        grants = http.get(f"{backend.url}/metrics").text.count("gameport_deliveries_total{")
        assert grants >= 1, "deliveries must show in /metrics"
        return results
    finally:
        http.close()
        backend.stop()
        mock.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py bench --server", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests: a smoke run")
    quick = parser.parse_args(argv).quick
    orders, polls = (100, 500) if quick else (600, 4000)
    print(f"== game backend: {polls} polls and trivial requests, {orders} first deliveries per setup, "
          f"{CONNECTIONS} keep-alive connections, 127.0.0.1 ==", flush=True)  # fmt: skip
    pg = PgServer(durable=True)
    table: dict[tuple[str, int], dict[str, Load]] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="gameport-bench-") as tmp:
            for kind, workers in CONFIGS:
                db = (
                    str(Path(tmp) / f"ledger-{workers}.sqlite3") if kind == "sqlite" else pg.new_database("b")
                )
                table[(kind, workers)] = _measure(db, workers, orders, polls, Path(tmp))
                print(f"measured {kind} x {workers}", file=sys.stderr, flush=True)
    finally:
        pg.stop()
    print("| database | processes | route | req/s | p50 ms | p99 ms | non-200 |")
    print("|---|---|---|---|---|---|---|")
    for (kind, workers), loads in table.items():
        for name, load in loads.items():
            figures = f"{load.rps:,.0f} | {load.pct(0.5):.1f} | {load.pct(0.99):.1f} | {load.bad}"
            print(f"| {kind} | {workers} | {name} | {figures} |")
    print()
    for key, loads in table.items():
        ratio = loads["polling"].rps / loads["trivial"].rps
        print(f"{key[0]} x {key[1]}: polling = {ratio:.2f}x the trivial route (target >= 0.5)")
    one = table[("postgresql", 1)]["delivery"].rps
    for workers in (2, 4):
        ratio = table[("postgresql", workers)]["delivery"].rps / one
        print(f"postgresql delivery, {workers} processes = {ratio:.2f}x one (target for 2: >= 1.6)")
    medians = statistics.median(load.pct(0.5) for loads in table.values() for load in loads.values())
    print(f"(median of all p50s: {medians:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
