"""The game backend under load: requests per second and p50/p99 latency of a trivial route (the ceiling),
order-status polling and webhook delivery, on SQLite and PostgreSQL, with 1, 2 and 4 backend processes.

``python3 build.py bench --server`` runs this in the project's .venv (``--quick``: one short round, a smoke
run). Every setup is started first; then each round measures every setup and route in turn, so that all of
them see the same machine (other processes on its cores come and go): the ratios are taken within a round,
and the table gives the median round. Load comes from wrk (:mod:`.server_load`) over keep-alive connections
to 127.0.0.1. Each delivery is a first delivery of its own order (orders made beforehand through the
ledger's interface), and at the end ``/metrics`` must count exactly the deliveries sent. PostgreSQL is a
throwaway cluster with fsync on and ``synchronous_commit`` on (as durable as SQLite's ``synchronous=FULL``).
Nothing here is asserted against a target: the targets are printed beside the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import re
import secrets
import statistics
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from tests.server.pg_server import PgServer
from tests.server.server_stack import ServerProcess, make_config

from bench.server_load import Load, drive, request_bytes, tree_cpu_s, wrk_path
from gameport.server.catalog import TIKTOK
from gameport.server.config import parse_config
from gameport.server.stores import open_stores
from gameport.server.tiktok_webhook import build_webhook_body, sign_webhook
from gameport.server.unconfirmed import TIKTOK_EVENT_PAID

CONFIGS = (("sqlite", 1), ("sqlite", 4), ("postgresql", 1), ("postgresql", 2), ("postgresql", 4))
ROUTES = ("trivial", "polling", "delivery")
CONNECTIONS = 32
SESSIONS = 20
POLLED_ORDERS = 200
WARM_UP = 64


@dataclass
class Setup:
    """One backend (``kind`` database, ``workers`` processes) with its mock platform, sessions and orders."""

    kind: str
    workers: int
    db: str
    config: dict[str, Any]
    mock: ServerProcess
    backend: ServerProcess
    polling: list[bytes] = field(default_factory=list)
    deliveries: list[list[tuple[str, str]]] = field(default_factory=list)
    sent: int = 0

    @property
    def port(self) -> int:
        return int(self.backend.url.rsplit(":", 1)[1])

    def stop(self) -> None:
        self.backend.stop()
        self.mock.stop()


def _start(kind: str, workers: int, db: str, tmp: Path) -> Setup:
    config = make_config()
    config["risk"]["velocity_max"] = 10**9
    path = tmp / f"config-{kind}-{workers}.json"
    path.write_text(json.dumps(config))
    mock = ServerProcess(["mock-platform", "--port", "0", "--config", str(path)]).start()
    config["tiktok"]["api_base_url"] = mock.url
    path.write_text(json.dumps(config))
    backend = ServerProcess(["backend", "--port", "0", "--config", str(path), "--db", db,
                             "--workers", str(workers)]).start()  # fmt: skip
    return Setup(kind, workers, db, config, mock, backend)


def _polling(setup: Setup) -> tuple[list[bytes], list[str]]:
    """Log players in and make orders through the real routes; the polls of those orders."""
    mock, backend = setup.mock.url, setup.backend.url
    with httpx.Client(timeout=120) as http:
        http.post(f"{mock}/mock/config", json={"backend_url": backend}).raise_for_status()

        def login(i: int) -> tuple[str, str]:
            code = http.post(f"{mock}/mock/tiktok/login_code", json={"open_id": f"bench-{i}"}).json()["code"]
            answer = http.post(f"{backend}/api/tiktok/login", json={"code": code}).json()
            return answer["session"], answer["open_id"]

        def order(session: str) -> tuple[str, str]:
            made = http.post(f"{backend}/api/tiktok/orders", json={"product_id": "gems_100"},
                             headers={"Authorization": f"Bearer {session}"}).json()  # fmt: skip
            return session, made["order_id"]

        with ThreadPoolExecutor(8) as pool:
            players = list(pool.map(login, range(SESSIONS)))
            sessions = [s for s, _ in players]
            made = list(pool.map(order, itertools.islice(itertools.cycle(sessions), POLLED_ORDERS)))
    polls = [request_bytes("GET", f"/api/orders/{o}", {"Authorization": f"Bearer {s}"}) for s, o in made]
    return polls, [open_id for _, open_id in players]


async def _orders(db: str, config: dict[str, Any], players: list[str], count: int) -> list[tuple[str, str]]:
    """``count`` TikTok orders waiting for payment, made through the ledger's own interface (the backend's
    order route would also ask the mock platform for each): ``(order_id, trade_order_id)``."""
    amount, currency = parse_config(config).catalog.get("gems_100").price_for(TIKTOK)
    stores = open_stores(db, pool_size=4)
    await stores.start()
    made: list[tuple[str, str]] = []
    try:

        async def one(i: int) -> None:
            trade = f"bench_trade_{secrets.token_hex(8)}"  # as TikTok's trade_order_id, known at creation
            order = await stores.ledger.create_order(
                platform=TIKTOK, environment="sandbox", user_id=players[i % len(players)],
                product_id="gems_100", amount=amount, currency=currency, platform_ref=trade,
            )  # fmt: skip
            made.append((order.order_id, trade))

        for start in range(0, count, 50):
            await asyncio.gather(*(one(i) for i in range(start, min(count, start + 50))))
    finally:
        await stores.close()
    return made


def _webhooks(config: dict[str, Any], orders: list[tuple[str, str]]) -> list[bytes]:
    secret, key = config["tiktok"]["client_secret"], config["tiktok"]["client_key"]
    hooks = []
    for order_id, trade in orders:
        body = build_webhook_body(client_key=key, event=TIKTOK_EVENT_PAID, trade_order_id=trade,
                                  order_id=order_id, is_sandbox=True)  # fmt: skip
        signed = {"TikTok-Signature": sign_webhook(body, secret), "Content-Type": "application/json"}
        hooks.append(request_bytes("POST", "/api/tiktok/webhook", signed, body))
    return hooks


def _prepare(setup: Setup, rounds: int, per_batch: int) -> None:
    """Sessions and polled orders; one batch of orders to deliver per round, and a small one to warm up."""
    setup.polling, players = _polling(setup)
    orders = asyncio.run(_orders(setup.db, setup.config, players, rounds * per_batch + WARM_UP))
    setup.deliveries = [orders[i * per_batch : (i + 1) * per_batch] for i in range(rounds)]
    setup.deliveries.append(orders[rounds * per_batch :])


def _measure(setup: Setup, route: str, batch: int, seconds: float, pg: PgServer) -> Measured:
    """One route on one setup, with the CPU time its backend processes and PostgreSQL spent meanwhile."""
    assert setup.backend.proc is not None
    pids = (setup.backend.proc.pid, *([pg.postmaster_pid()] if setup.kind == "postgresql" else []))
    before = [tree_cpu_s(pid) for pid in pids]
    if route == "delivery":
        # signed just before sending: the signature's timestamp must be inside the webhook tolerance
        hooks = _webhooks(setup.config, setup.deliveries[batch])
        setup.sent += len(hooks)
        load = drive(setup.port, hooks, once=True, connections=CONNECTIONS, seconds=600)
    else:
        reqs = [request_bytes("GET", "/api/health", {})] if route == "trivial" else setup.polling
        load = drive(setup.port, reqs, once=False, connections=CONNECTIONS, seconds=seconds)
    spent = [tree_cpu_s(pid) - b for pid, b in zip(pids, before, strict=True)] + [0.0]
    per = max(1, load.done) / 1000
    return Measured(load, spent[0] / per, spent[1] / per)


@dataclass(frozen=True)
class Measured:
    """A load and the CPU milliseconds per request of the backend (all its processes) and of PostgreSQL."""

    load: Load
    backend_ms: float
    db_ms: float


def _delivered(setup: Setup) -> int:
    text = httpx.get(f"{setup.backend.url}/metrics", timeout=60).text
    found = re.search(r'^gameport_deliveries_total\{[^}]*platform="tiktok"[^}]*\} (\S+)$', text, re.M)
    return int(float(found.group(1))) if found else 0


def _report(rounds: list[dict[tuple[str, int, str], Measured]]) -> None:
    print("| database | processes | route | req/s (median round) | each round | p50 ms | p99 ms | bad "
          "| CPU ms/req: backend | PostgreSQL |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for kind, workers in CONFIGS:
        for route in ROUTES:
            runs = sorted((r[(kind, workers, route)] for r in rounds), key=lambda m: m.load.rps)
            mid = runs[len(runs) // 2]
            each = " / ".join(f"{r[(kind, workers, route)].load.rps:,.0f}" for r in rounds)
            bad = sum(m.load.bad for m in runs)
            db = f"{mid.db_ms:.2f}" if kind == "postgresql" else "-"
            print(f"| {kind} | {workers} | {route} | {mid.load.rps:,.0f} | {each} | {mid.load.p50_ms:.1f} | "
                  f"{mid.load.p99_ms:.1f} | {bad} | {mid.backend_ms:.2f} | {db} |")  # fmt: skip
    print()

    def ratios(label: str, num: tuple[str, int, str], den: tuple[str, int, str], target: str) -> None:
        each = [r[num].load.rps / r[den].load.rps for r in rounds]
        shown = " / ".join(f"{x:.2f}" for x in each)
        print(f"* {label} = {statistics.median(each):.2f}x (rounds: {shown}; target {target})")

    for kind, workers in CONFIGS:
        ratios(f"{kind} x {workers}: polling / trivial route", (kind, workers, "polling"),
               (kind, workers, "trivial"), ">= 0.5")  # fmt: skip
    for workers in (2, 4):
        target = ">= 1.6" if workers == 2 else "none"
        ratios(f"postgresql delivery: {workers} processes / 1", ("postgresql", workers, "delivery"),
               ("postgresql", 1, "delivery"), target)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py bench --server", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one short round: a smoke run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every setup (default 3)")
    args = parser.parse_args(argv)
    rounds, seconds, per_batch = (1, 2.0, 150) if args.quick else (max(1, args.rounds), 5.0, 500)
    wrk_path()
    print(f"== game backend: {rounds} round(s); per setup and round {seconds:.0f} s of trivial requests and "
          f"of polls, {per_batch} first deliveries; {CONNECTIONS} keep-alive connections (wrk), 127.0.0.1 ==",
          flush=True)  # fmt: skip
    pg = PgServer(durable=True)
    setups: list[Setup] = []
    results: list[dict[tuple[str, int, str], Measured]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="gameport-bench-") as tmp:
            for kind, workers in CONFIGS:
                sqlite = str(Path(tmp) / f"ledger-{workers}.sqlite3")
                db = sqlite if kind == "sqlite" else pg.new_database("b")
                setups.append(_start(kind, workers, db, Path(tmp)))
                _prepare(setups[-1], rounds, per_batch)
                print(f"ready: {kind} x {workers}", file=sys.stderr, flush=True)
            for setup in setups:  # warm-up: pools filled, statements prepared, first-use costs paid
                for route in ROUTES:
                    _measure(setup, route, rounds, 1.0, pg)
            for index in range(rounds):
                results.append({})
                for setup in setups:
                    for route in ROUTES:
                        measured = _measure(setup, route, index, seconds, pg)
                        results[-1][(setup.kind, setup.workers, route)] = measured
                print(f"round {index + 1} of {rounds} done", file=sys.stderr, flush=True)
            for setup in setups:
                counted = _delivered(setup)
                if counted != setup.sent:
                    where = f"{setup.kind} x {setup.workers}: /metrics counts {counted} deliveries"
                    raise RuntimeError(f"{where}, {setup.sent} were sent")
    finally:
        for setup in setups:
            setup.stop()
        pg.stop()
    _report(results)
    print("(every delivery sent was granted exactly once: /metrics matches on every setup)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
