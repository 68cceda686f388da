"""The ledger on SQLite and on PostgreSQL: exactly-once delivery under concurrency (two ledger instances on
one database), status history, raw callbacks, idempotent refunds, creation by platform reference, and
versioned migrations that refuse a newer schema."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from server_stack import db_execute, db_rows

from gameport.server.errors import LedgerError, SchemaError
from gameport.server.ledger import LedgerStore, OrderStatus, SqliteLedger
from gameport.server.stores import open_stores

OpenLedger = Callable[..., LedgerStore]


@pytest.fixture
def open_ledger(any_db: str) -> OpenLedger:
    """Opens a ledger on this test's database (every call: a new instance, its own connections)."""

    def opened(*, before_commit: Callable[[], None] | None = None) -> LedgerStore:
        return open_stores(any_db, before_commit=before_commit).ledger

    return opened


async def _order(ledger: LedgerStore, ref: str | None = None) -> str:
    order = await ledger.create_order(
        platform="tiktok", environment="sandbox", user_id="u1", product_id="gems_100", amount="10",
        currency="BEANS", platform_ref=ref,
    )  # fmt: skip
    return order.order_id


async def test_concurrent_deliveries_from_two_instances_grant_once(open_ledger: OpenLedger) -> None:
    a, b = open_ledger(), open_ledger()
    try:
        order_id = await _order(a)
        callbacks = [
            await (a if i % 2 else b).record_callback(
                platform="tiktok",
                kind="paid",
                raw_body=f"body{i}".encode(),
                headers={"h": "v"},
                order_id=order_id,
            )
            for i in range(40)
        ]
        results = await asyncio.gather(*(
            (a if i % 2 else b).deliver(order_id, items={"gems": 100}, reason="test", callback_id=cb)
            for i, cb in enumerate(callbacks)
        ))  # fmt: skip
        assert sum(r.delivered_now for r in results) == 1
        order = await a.get_order(order_id)
        assert order is not None and order.status is OrderStatus.DELIVERED
        assert [h.status for h in order.history] == [OrderStatus.CREATED, OrderStatus.DELIVERED]
        assert sorted(c.outcome or "" for c in order.callbacks) == ["delivered"] + ["duplicate"] * 39
        assert order.callbacks[3].raw_body == b"body3" and order.callbacks[3].headers == {"h": "v"}
        assert len(await b.grants("u1", "tiktok")) == 1
        assert await a.unprocessed_callbacks() == []
    finally:
        await a.close()
        await b.close()


async def test_failed_commit_rolls_back_everything(open_ledger: OpenLedger) -> None:
    def boom() -> None:
        raise RuntimeError("power cut")

    ledger = open_ledger(before_commit=boom)
    order_id = await _order(ledger)
    cb = await ledger.record_callback(
        platform="tiktok", kind="paid", raw_body=b"x", headers={}, order_id=order_id
    )
    with pytest.raises(RuntimeError):
        await ledger.deliver(order_id, items={"gems": 1}, reason="test", callback_id=cb)
    order = await ledger.get_order(order_id)
    assert order is not None and order.status is OrderStatus.CREATED
    assert await ledger.grants("u1", "tiktok") == []
    assert [c.callback_id for c in await ledger.unprocessed_callbacks()] == [cb]
    await ledger.close()


async def test_refund_is_idempotent_per_event_and_flags_undelivered(open_ledger: OpenLedger) -> None:
    ledger = open_ledger()
    order_id = await _order(ledger)
    _, applied = await ledger.refund(order_id, amount=4, event_key="e1", reason="r")
    again, applied_again = await ledger.refund(order_id, amount=4, event_key="e1", reason="r")
    assert (applied, applied_again) == (True, False)
    assert again.refunded_amount == 4 and again.status is OrderStatus.REFUNDED
    assert again.risk_flags == ("refund_before_delivery:status created",)
    result = await ledger.deliver(order_id, items={"gems": 1}, reason="late")
    assert result.delivered_now is False, "a refunded order is never delivered afterwards"
    await ledger.close()


async def test_create_by_platform_ref_is_idempotent_and_fail_is_guarded(open_ledger: OpenLedger) -> None:
    ledger = open_ledger()
    ids = await asyncio.gather(*(_order(ledger, "pay_1") for _ in range(10)))
    assert len(set(ids)) == 1
    await ledger.deliver(ids[0], items={"gems": 1}, reason="paid")
    with pytest.raises(LedgerError):
        await ledger.fail(ids[0], reason="too late")
    with pytest.raises(LedgerError):
        await ledger.deliver("nope", items={}, reason="x")
    await ledger.close()


def test_file_is_wal_and_survives_reopen(tmp_path: Path) -> None:
    async def scenario() -> str:
        ledger = SqliteLedger(tmp_path / "l.db")
        order_id = await _order(ledger)
        await ledger.close()
        return order_id

    order_id = asyncio.run(scenario())
    conn = sqlite3.connect(tmp_path / "l.db")
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert conn.execute("SELECT status FROM orders WHERE order_id = ?", (order_id,)).fetchone() == (
        "created",
    )
    conn.close()


async def test_migrations_refuse_a_newer_schema_and_touch_nothing(any_db: str) -> None:
    stores = open_stores(any_db)
    await stores.start()
    order_id = await _order(stores.ledger)
    await stores.close()
    (current,) = db_rows(any_db, "SELECT version FROM schema_version")[0]
    assert current >= 2
    db_execute(any_db, "UPDATE schema_version SET version = ?", current + 1)
    with pytest.raises(SchemaError, match="newer"):
        newer = open_stores(any_db)
        await newer.start()
    assert db_rows(any_db, "SELECT status FROM orders WHERE order_id = ?", order_id) == [("created",)]


async def test_session_order_reads_the_session_and_the_players_order_at_once(any_db: str) -> None:
    stores = open_stores(any_db)
    owner = await stores.sessions.create_session("tiktok", "u1")
    other = await stores.sessions.create_session("tiktok", "u2")
    same_player_elsewhere = await stores.sessions.create_session("meta", "u1")
    order_id = await _order(stores.ledger)
    session, order = await stores.ledger.session_order(owner, order_id)
    assert session == ("tiktok", "u1")
    assert order is not None and (order.order_id, order.status, order.user_id) == (
        order_id, OrderStatus.CREATED, "u1"
    )  # fmt: skip
    assert (order.history, order.callbacks) == ((), ())
    assert await stores.ledger.session_order(other, order_id) == (("tiktok", "u2"), None)
    assert await stores.ledger.session_order(same_player_elsewhere, order_id) == (("meta", "u1"), None)
    assert await stores.ledger.session_order(owner, "no_such_order") == (("tiktok", "u1"), None)
    for token in ("", "gps_unknown", owner + "x"):
        assert await stores.ledger.session_order(token, order_id) == (None, None)
    await stores.close()


async def test_concurrent_polls_each_get_their_own_answer(any_db: str) -> None:
    """PostgreSQL answers polls that arrive together with one query: each still gets its own row, and an id
    the database cannot hold (NUL, a lone surrogate) is just an unknown order, not a failure of the batch."""
    stores = open_stores(any_db)
    players = [f"p{i}" for i in range(4)]
    sessions = {p: await stores.sessions.create_session("tiktok", p) for p in players}
    orders = {}
    for p in players:
        order = await stores.ledger.create_order(
            platform="tiktok", environment="sandbox", user_id=p, product_id="gems_100", amount="10",
            currency="BEANS",
        )  # fmt: skip
        orders[p] = order.order_id
    asks = [(sessions[p], orders[q]) for p in players for q in players]
    asks += [(sessions["p0"], "bad\x00id"), (sessions["p1"], "bad\udcffid"), ("gps_nobody", orders["p0"])]
    answers = await asyncio.gather(*(stores.ledger.session_order(token, oid) for token, oid in asks))
    for (token, oid), (session, order) in zip(asks, answers, strict=True):
        owner = next((p for p, t in sessions.items() if t == token), None)
        assert session == (None if owner is None else ("tiktok", owner))
        expected = oid if owner is not None and orders[owner] == oid else None
        assert (order.order_id if order else None) == expected
    await stores.close()


async def test_a_sqlite_poll_waits_out_a_locked_file_on_a_worker_thread(tmp_path: Path) -> None:
    """Polls read SQLite on the event loop's thread with a 50 ms busy timeout; when another process holds
    the file exclusively (here a connection in exclusive locking mode, in the middle of a write), the poll
    must neither fail nor stall the loop: it waits on a worker thread and answers once the file is free."""
    path = tmp_path / "ledger.sqlite3"
    stores = open_stores(str(path))
    token = await stores.sessions.create_session("tiktok", "p1")
    order = await stores.ledger.create_order(
        platform="tiktok", environment="sandbox", user_id="p1", product_id="gems_100", amount="10",
        currency="BEANS",
    )  # fmt: skip
    await stores.close()  # its connections reopen on use; closed, they let another one lock the file
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE orders SET updated_at = updated_at WHERE order_id = ?", (order.order_id,))
    ticks = 0

    async def loop_keeps_running() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(loop_keeps_running())
    asyncio.get_running_loop().call_later(0.3, lambda: (holder.execute("COMMIT"), holder.close()))
    session, polled = await stores.ledger.session_order(token, order.order_id)
    ticker.cancel()
    assert session == ("tiktok", "p1") and polled is not None and polled.order_id == order.order_id
    assert ticks >= 5, "the loop ran while the poll waited for the file"
    await stores.close()
