"""The SQLite ledger: exactly-once delivery under concurrency (threads, two ledger instances on one file),
status history, raw callbacks, idempotent refunds and creation by platform reference."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from gameport.server.errors import LedgerError
from gameport.server.ledger import OrderStatus, SqliteLedger


async def _order(ledger: SqliteLedger, ref: str | None = None) -> str:
    order = await ledger.create_order(
        platform="tiktok", environment="sandbox", user_id="u1", product_id="gems_100", amount="10",
        currency="BEANS", platform_ref=ref,
    )  # fmt: skip
    return order.order_id


async def test_concurrent_deliveries_from_two_instances_grant_once(tmp_path: Path) -> None:
    a, b = SqliteLedger(tmp_path / "l.db"), SqliteLedger(tmp_path / "l.db")
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


async def test_failed_commit_rolls_back_everything(tmp_path: Path) -> None:
    def boom() -> None:
        raise RuntimeError("power cut")

    ledger = SqliteLedger(tmp_path / "l.db", before_commit=boom)
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


async def test_refund_is_idempotent_per_event_and_flags_undelivered(tmp_path: Path) -> None:
    ledger = SqliteLedger(tmp_path / "l.db")
    order_id = await _order(ledger)
    _, applied = await ledger.refund(order_id, amount=4, event_key="e1", reason="r")
    again, applied_again = await ledger.refund(order_id, amount=4, event_key="e1", reason="r")
    assert (applied, applied_again) == (True, False)
    assert again.refunded_amount == 4 and again.status is OrderStatus.REFUNDED
    assert again.risk_flags == ("refund_before_delivery:status created",)
    result = await ledger.deliver(order_id, items={"gems": 1}, reason="late")
    assert result.delivered_now is False, "a refunded order is never delivered afterwards"
    await ledger.close()


async def test_create_by_platform_ref_is_idempotent_and_fail_is_guarded(tmp_path: Path) -> None:
    ledger = SqliteLedger(tmp_path / "l.db")
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
