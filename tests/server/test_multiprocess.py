"""Four backend processes behind one port on one PostgreSQL database, over real HTTP with real signatures:
duplicate webhooks spread over every process deliver once, a worker killed by SIGKILL mid-delivery loses
nothing and grants nothing twice after repair, and hostile requests never get a 5xx."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from pg_server import PgServer
from server_stack import Stack, make_config

from gameport.server.tiktok_webhook import build_webhook_body, sign_webhook
from gameport.server.unconfirmed import TIKTOK_EVENT_PAID

WORKERS = 4
ORDERS = 100
COPIES = 5


@pytest.fixture
def multi(tmp_path: Path, pg: PgServer) -> Iterator[Stack]:
    """Mock platform + a 4-worker backend on a fresh PostgreSQL database; backend logs in backend.log."""
    config = make_config()
    config["risk"]["velocity_max"] = 1000
    st = Stack.open(tmp_path, pg.new_database(), workers=WORKERS, config=config)
    try:
        assert len(st.backend.children()) == WORKERS
        yield st
    finally:
        st.close()


def _paid_orders(stack: Stack, count: int) -> list[dict[str, Any]]:
    """``count`` orders of 10 players, paid on the mock without a webhook (the test sends them)."""
    with ThreadPoolExecutor(16) as pool:
        sessions = list(pool.map(lambda i: stack.tiktok_login(f"mp-player-{i}")[0], range(10)))
        orders = list(pool.map(lambda i: stack.order(sessions[i % 10]), range(count)))
        pay = f"{stack.mock.url}/mock/tiktok/pay"
        list(pool.map(lambda o: stack.post(pay, {"trade_order_id": o["trade_order_id"], "webhook": False}),
                      orders))  # fmt: skip
    return orders


def _webhooks(stack: Stack, orders: list[dict[str, Any]]) -> list[tuple[bytes, str]]:
    """``COPIES`` byte-identical signed success webhooks per order, shuffled."""
    secret, key = stack.config["tiktok"]["client_secret"], stack.config["tiktok"]["client_key"]
    bodies = [
        build_webhook_body(client_key=key, event=TIKTOK_EVENT_PAID, trade_order_id=o["trade_order_id"],
                           order_id=o["order_id"], is_sandbox=True)
        for o in orders
    ]  # fmt: skip
    sent = [(body, sign_webhook(body, secret)) for body in bodies for _ in range(COPIES)]
    random.Random(14).shuffle(sent)
    return sent


async def _send_all(url: str, webhooks: list[tuple[bytes, str]]) -> list[int | None]:
    """Send every webhook at once over up to 100 connections; ``None`` where the connection failed."""
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:

        async def one(body: bytes, header: str) -> int | None:
            try:
                response = await client.post(f"{url}/api/tiktok/webhook", content=body,
                                             headers={"TikTok-Signature": header})  # fmt: skip
            except httpx.HTTPError:
                return None
            return response.status_code

        return await asyncio.gather(*(one(body, header) for body, header in webhooks))


def _log_pids(stack: Stack) -> Counter[int]:
    """Which worker pids logged a delivery outcome (JSON lines of backend.log)."""
    pids: Counter[int] = Counter()
    for line in (stack.tmp / "backend.log").read_text().splitlines():
        record = json.loads(line)
        if record.get("outcome") in ("delivered", "duplicate"):
            assert record["platform"] == "tiktok" and record["environment"] == "sandbox", record
            assert record["order_id"].startswith("ti_"), record
            pids[record["pid"]] += 1
    return pids


def _assert_each_order_granted_once(stack: Stack, orders: list[dict[str, Any]]) -> None:
    ids = [o["order_id"] for o in orders]
    assert stack.rows("SELECT COUNT(*) FROM grants") == [(ORDERS,)]
    statuses = Counter(row[0] for row in stack.rows("SELECT status FROM orders"))
    assert statuses == {"delivered": ORDERS}
    delivered_events = Counter(
        row[0] for row in stack.rows("SELECT order_id FROM order_events WHERE status = 'delivered'")
    )
    assert delivered_events == dict.fromkeys(ids, 1), "exactly one delivery per order"
    assert stack.rows("SELECT COUNT(*) FROM callbacks WHERE processed_at IS NULL") == [(0,)]
    session_totals = {
        row[0]: row[1] for row in stack.rows("SELECT user_id, COUNT(*) FROM grants GROUP BY user_id")
    }
    assert session_totals == {f"mp-player-{i}": ORDERS // 10 for i in range(10)}


def test_500_duplicate_webhooks_over_4_processes_grant_exactly_100(multi: Stack) -> None:
    orders = _paid_orders(multi, ORDERS)
    statuses = asyncio.run(_send_all(multi.backend.url, _webhooks(multi, orders)))
    assert statuses == [200] * (ORDERS * COPIES)
    _assert_each_order_granted_once(multi, orders)
    outcomes = Counter(row[0] for row in multi.rows("SELECT outcome FROM callbacks"))
    assert outcomes == {"delivered": ORDERS, "duplicate": ORDERS * (COPIES - 1)}
    pids = _log_pids(multi)
    assert set(pids) == set(multi.backend.children()), f"not spread over every worker: {pids}"
    assert sum(pids.values()) == ORDERS * COPIES


def test_a_worker_killed_mid_delivery_loses_nothing_and_repair_grants_once(multi: Stack) -> None:
    orders = _paid_orders(multi, ORDERS)
    webhooks = _webhooks(multi, orders)
    results: list[int | None] = []
    sender = threading.Thread(
        target=lambda: results.extend(asyncio.run(_send_all(multi.backend.url, webhooks)))
    )
    sender.start()
    deadline = time.monotonic() + 60
    while multi.rows("SELECT COUNT(*) FROM grants")[0][0] < 10 and time.monotonic() < deadline:
        time.sleep(0.02)
    victim = multi.backend.children()[0]
    os.kill(victim, signal.SIGKILL)
    granted_at_kill = multi.rows("SELECT COUNT(*) FROM grants")[0][0]
    sender.join(timeout=120)
    assert 10 <= granted_at_kill < ORDERS, f"the kill must land mid-delivery ({granted_at_kill} granted)"
    assert len(results) == ORDERS * COPIES and set(results) <= {200, None}
    deadline = time.monotonic() + 30
    while (victim in multi.backend.children() or len(multi.backend.children()) < WORKERS) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.1)
    assert victim not in multi.backend.children() and len(multi.backend.children()) == WORKERS
    repaired = multi.cli("repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    _assert_each_order_granted_once(multi, orders)
    assert multi.cli("reconcile").returncode == 0
    again = asyncio.run(_send_all(multi.backend.url, webhooks[:50]))
    assert again == [200] * 50
    _assert_each_order_granted_once(multi, orders)


HOSTILE: list[tuple[str, str, dict[str, str | bytes], bytes]] = [
    ("POST", "/api/tiktok/webhook", {}, b"{}"),
    ("POST", "/api/tiktok/webhook", {"TikTok-Signature": "t=1,s=" + "0" * 64}, b"{}"),
    ("POST", "/api/tiktok/webhook", {"TikTok-Signature": "t=9" * 40}, b"\xff\xfe"),
    ("POST", "/api/tiktok/webhook", {"TikTok-Signature": "s=,t=,s="}, b"[" * 5000),
    ("POST", "/api/tiktok/orders", {"Authorization": "Bearer ' OR 1=1 --"}, b'{"product_id": "gems_100"}'),
    ("POST", "/api/meta/login", {}, b'{"signed_player_info": "a.b.c"}'),
    ("POST", "/api/meta/login", {}, json.dumps({"signed_player_info": "\u0000" * 100}).encode()),
    ("POST", "/api/meta/purchases", {"Authorization": "Bearer x"}, b'{"signed_request": 1}'),
    ("POST", "/api/web/login", {}, b'{"token": "web-dev.' + b"a" * 5000 + b'"}'),
    ("POST", "/api/leaderboards/%00/scores", {}, b'{"score": 1e400}'),
    ("GET", "/api/orders/" + "x" * 3000, {"Authorization": "Bearer gps_\u00e9".encode("latin-1")}, b""),
    ("GET", "/api/leaderboards/main/scores?count=-1&offset=" + "9" * 50, {}, b""),
    ("GET", "/api/catalog?platform=%ff", {}, b""),
    ("GET", "/metrics?x=" + "%" * 100, {}, b""),
    ("DELETE", "/api/grants", {}, b""),
]


ROUTES = ["/api/tiktok/webhook", "/api/tiktok/orders", "/api/meta/login", "/api/meta/purchases",
          "/api/leaderboards/main/scores", "/api/web/login"]  # fmt: skip


def _raw_status(url: str, tail: bytes) -> int:
    """Send a webhook request with hand-written (lying) framing headers; the status answered (0: none)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(b"POST /api/tiktok/webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + tail)
        first = conn.makefile("rb").readline()
    return int(first.split()[1]) if first.startswith(b"HTTP/1.1 ") else 0


def test_hostile_requests_on_4_processes_never_get_a_5xx(multi: Stack) -> None:
    session, _ = multi.tiktok_login("mp-hostile")
    rng = random.Random(1414)
    requests = list(HOSTILE)
    auth = {"Authorization": f"Bearer {session}"}
    requests += [("GET", "/api/orders/%00", auth, b""), ("GET", "/api/orders/a%00b", auth, b""),
                 ("POST", "/api/tiktok/orders", auth, b'{"product_id": "gems\\u0000"}')]  # fmt: skip
    for _ in range(150):
        route = rng.choice(ROUTES)
        body = rng.randbytes(rng.randint(0, 400))
        signature = f"t={int(time.time())},s={rng.randbytes(32).hex()}"
        headers = rng.choice([{}, {"Authorization": f"Bearer {session}"}, {"TikTok-Signature": signature}])
        requests.append(("POST", route, headers, body))

    async def send_all() -> list[tuple[int, str]]:
        async with httpx.AsyncClient(base_url=multi.backend.url, timeout=60) as client:

            async def one(method: str, path: str, headers: Any, body: bytes) -> tuple[int, str]:
                response = await client.request(method, path, headers=headers, content=body)
                return response.status_code, path

            return await asyncio.gather(*(one(*r) for r in requests))

    answers = asyncio.run(send_all())
    answers.append((_raw_status(multi.backend.url, b"Content-Length: 99999999999999999999\r\n\r\nx"), "len"))
    answers.append((_raw_status(multi.backend.url, b"Transfer-Encoding: chunked\r\n\r\nzz\r\n"), "chunk"))
    assert [a for a in answers if a[0] >= 500] == []
    assert {a[0] for a in answers} >= {400, 401, 413}
    assert multi.rows("SELECT COUNT(*) FROM callbacks") == [(0,)], "a refused webhook writes nothing"
    errors = [
        line for line in (multi.tmp / "backend.log").read_text().splitlines() if '"level": "ERROR"' in line
    ]
    assert errors == [], "no request may end in a server error, even one the client hung up on"
    assert multi.get(f"{multi.backend.url}/api/health")["ok"] is True
    kept = multi.post(f"{multi.backend.url}/api/leaderboards/main/scores", {"score": 3, "extra": "a\u0000b"},
                      session)  # fmt: skip
    assert kept["entry"]["extra"] == "a\u0000b", "a NUL in an extra round-trips, as on SQLite"
