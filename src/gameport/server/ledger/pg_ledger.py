"""The PostgreSQL implementation of :class:`~.model.LedgerStore`, shared by several backend processes.

Exactly-once rests on the database: a state change first locks the order's row (``SELECT .. FOR UPDATE``),
so concurrent duplicates from any process wait for each other and the second sees the first one's committed
status; the grant's primary key (``order_id``) and ``applied_events``' key back that up, and an order created
by platform reference is an ``INSERT .. ON CONFLICT DO NOTHING`` on the unique ``(platform, platform_ref)``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from ..errors import LedgerError
from .model import (
    DELIVERABLE,
    CallbackRecord,
    DeliveryResult,
    Grant,
    Order,
    OrderStatus,
    new_order_id,
    refund_risk_flags,
    storable_text,
    with_risk_flags,
)
from .pg_db import Conn, PgDatabase
from .pg_polls import PollBatcher
from .rows import (
    CALLBACK_COLUMNS,
    EVENT_COLUMNS,
    GRANT_COLUMNS,
    ORDER_COLUMNS,
    callback_from_row,
    grant_from_row,
    order_from_row,
)
from .session_model import token_hash

# The whole delivery in one statement (one round trip, one commit): lock the order's row, and only if its
# status is deliverable (read after the lock: a duplicate that waited sees the first one's committed
# status), insert the grant, set the status, add the history entry; mark the callback either way. An
# empty result means no such order.
_DELIVER_SQL = (
    f"WITH o AS (SELECT {ORDER_COLUMNS} FROM orders WHERE order_id = %(id)s FOR UPDATE),"
    " g AS (INSERT INTO grants (order_id, user_id, platform, product_id, items, granted_at)"
    " SELECT order_id, user_id, platform, product_id, %(items)s, %(now)s FROM o"
    " WHERE status = ANY(%(deliverable)s) RETURNING order_id),"
    " u AS (UPDATE orders SET status = %(status)s, updated_at = %(now)s"
    " WHERE order_id IN (SELECT order_id FROM g)),"
    " e AS (INSERT INTO order_events (order_id, status, at, reason)"
    " SELECT order_id, %(status)s, %(now)s, %(reason)s FROM g),"
    " c AS (UPDATE callbacks SET processed_at = %(now)s,"
    " outcome = CASE WHEN EXISTS (SELECT 1 FROM g) THEN 'delivered' ELSE 'duplicate' END"
    " WHERE callback_id = %(cb)s AND processed_at IS NULL AND EXISTS (SELECT 1 FROM o))"
    f" SELECT {ORDER_COLUMNS}, EXISTS (SELECT 1 FROM g) FROM o"
)


async def _rows(conn: Conn, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
    cur = await conn.execute(sql.encode(), params)
    return await cur.fetchall()


async def _load(conn: Conn, order_id: str, *, lock: bool = False, history: bool = True) -> Order | None:
    rows = await _rows(
        conn, f"SELECT {ORDER_COLUMNS} FROM orders WHERE order_id = %s" + (" FOR UPDATE" if lock else ""),
        (order_id,),
    )  # fmt: skip
    if not rows:
        return None
    row = rows[0]
    events: list[tuple[Any, ...]] = []
    callbacks: list[tuple[Any, ...]] = []
    if history:
        events = await _rows(
            conn, f"SELECT {EVENT_COLUMNS} FROM order_events WHERE order_id = %s ORDER BY id", (order_id,)
        )
        callbacks = await _rows(
            conn,
            f"SELECT {CALLBACK_COLUMNS} FROM callbacks WHERE order_id = %s ORDER BY callback_id",
            (order_id,),
        )
    return order_from_row(row, events, callbacks)


async def _must(conn: Conn, order_id: str, *, lock: bool = False) -> Order:
    """The order (locked: only its own fields, which is all a guarded transition reads), else LedgerError."""
    order = await _load(conn, order_id, lock=lock, history=not lock)
    if order is None:
        raise LedgerError(f"unknown order {order_id!r}")
    return order


async def _event(conn: Conn, order_id: str, status: OrderStatus, at: float, reason: str) -> None:
    await conn.execute(
        "INSERT INTO order_events (order_id, status, at, reason) VALUES (%s, %s, %s, %s)",
        (order_id, status.value, at, reason),
    )


async def _finish(conn: Conn, callback_id: int | None, outcome: str, now: float) -> None:
    if callback_id is not None:
        await conn.execute(
            "UPDATE callbacks SET processed_at = %s, outcome = %s WHERE callback_id = %s"
            " AND processed_at IS NULL",
            (now, outcome, callback_id),
        )


class PgLedger:
    """Orders, callbacks and grants in PostgreSQL (see the module docstring for how duplicates are stopped).

    ``before_commit`` is the same fault-injection seam as :class:`~.sqlite_ledger.SqliteLedger`'s.
    """

    def __init__(self, db: PgDatabase, *, before_commit: Callable[[], None] | None = None) -> None:
        self.db = db
        self._before_commit = before_commit
        self._polls = PollBatcher(db)

    # -- reads ---------------------------------------------------------------------------------------------
    async def get_order(self, order_id: str, *, history: bool = True) -> Order | None:
        async with self.db.read() as conn:
            return await _load(conn, order_id, history=history)

    async def session_order(self, token: str, order_id: str) -> tuple[tuple[str, str] | None, Order | None]:
        # polls arriving together share one query (.pg_polls); an id PostgreSQL cannot hold as text names
        # no order, and must not fail the other polls of its batch
        row = await self._polls.poll(token_hash(token), order_id if storable_text(order_id) else "")
        if row is None:
            return None, None
        return (row[0], row[1]), (None if row[2] is None else order_from_row(row[2:]))

    async def find_by_ref(self, platform: str, platform_ref: str, *, history: bool = True) -> Order | None:
        async with self.db.read() as conn:
            rows = await _rows(conn, "SELECT order_id FROM orders WHERE platform = %s AND platform_ref = %s",
                               (platform, platform_ref))  # fmt: skip
            return await _load(conn, rows[0][0], history=history) if rows else None

    async def list_orders(
        self, *, platform: str | None = None, status: OrderStatus | None = None
    ) -> list[Order]:
        async with self.db.read() as conn, conn.transaction():  # one snapshot for the list and its orders
            await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            ids = await _rows(
                conn, "SELECT order_id FROM orders WHERE (%(p)s::text IS NULL OR platform = %(p)s)"
                " AND (%(s)s::text IS NULL OR status = %(s)s) ORDER BY created_at, order_id",
                {"p": platform, "s": None if status is None else status.value},
            )  # fmt: skip
            return [await _must(conn, r[0]) for r in ids]

    async def count_orders_since(self, user_id: str, platform: str, since: float) -> int:
        async with self.db.read() as conn:
            rows = await _rows(
                conn, "SELECT COUNT(*) FROM orders WHERE user_id = %s AND platform = %s AND created_at >= %s",
                (user_id, platform, since),
            )  # fmt: skip
            return int(rows[0][0])

    async def unprocessed_callbacks(self) -> list[CallbackRecord]:
        sql = f"SELECT {CALLBACK_COLUMNS} FROM callbacks WHERE processed_at IS NULL ORDER BY callback_id"
        async with self.db.read() as conn:
            return [callback_from_row(r) for r in await _rows(conn, sql)]

    async def orphan_callbacks(self) -> list[CallbackRecord]:
        sql = f"SELECT {CALLBACK_COLUMNS} FROM callbacks WHERE order_id IS NULL ORDER BY callback_id"
        async with self.db.read() as conn:
            return [callback_from_row(r) for r in await _rows(conn, sql)]

    async def grants(self, user_id: str, platform: str) -> list[Grant]:
        async with self.db.read() as conn:
            rows = await _rows(
                conn, f"SELECT {GRANT_COLUMNS} FROM grants"
                " WHERE user_id = %s AND platform = %s ORDER BY granted_at, order_id", (user_id, platform),
            )  # fmt: skip
        return [grant_from_row(r) for r in rows]

    # -- writes --------------------------------------------------------------------------------------------
    async def create_order(
        self,
        *,
        platform: str,
        environment: str,
        user_id: str,
        product_id: str,
        amount: str,
        currency: str,
        platform_ref: str | None = None,
        risk_flags: tuple[str, ...] = (),
    ) -> Order:
        order_id = new_order_id(platform)
        now = time.time()
        async with self.db.write() as conn:
            inserted = await _rows(
                conn, f"INSERT INTO orders ({ORDER_COLUMNS}) VALUES"
                " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0, %s)"
                " ON CONFLICT (platform, platform_ref) DO NOTHING RETURNING order_id",
                (order_id, platform, environment, user_id, product_id, amount, currency,
                 OrderStatus.CREATED.value, platform_ref, now, now, json.dumps(list(risk_flags))),
            )  # fmt: skip
            if inserted:
                await _event(conn, order_id, OrderStatus.CREATED, now, "order created")
                return await _must(conn, order_id)
        # the same (platform, platform_ref) was created first, possibly by another process: that order
        found = await self.find_by_ref(platform, platform_ref or "")
        if found is None:  # pragma: no cover - a conflict means the row exists and rows are never deleted
            raise LedgerError(f"order for {platform} ref {platform_ref!r} vanished")
        return found

    async def attach_platform_ref(self, order_id: str, platform_ref: str) -> Order:
        async with self.db.write() as conn:
            order = await _must(conn, order_id, lock=True)
            if order.platform_ref not in (None, platform_ref):
                raise LedgerError(f"order {order_id!r} already has platform ref {order.platform_ref!r}")
            await conn.execute(
                "UPDATE orders SET platform_ref = %s, updated_at = %s WHERE order_id = %s",
                (platform_ref, time.time(), order_id),
            )
            return await _must(conn, order_id)

    async def add_risk_flags(self, order_id: str, flags: tuple[str, ...]) -> None:
        if not flags:
            return
        async with self.db.write() as conn:
            order = await _must(conn, order_id, lock=True)
            merged = with_risk_flags(order, flags)
            await conn.execute(
                "UPDATE orders SET risk_flags = %s WHERE order_id = %s", (json.dumps(merged), order_id)
            )

    async def record_callback(
        self, *, platform: str, kind: str, raw_body: bytes, headers: Mapping[str, str], order_id: str | None
    ) -> int:
        async with self.db.read() as conn:  # one statement: atomic and durable on its own (autocommit)
            rows = await _rows(
                conn, "INSERT INTO callbacks (order_id, platform, kind, received_at, headers, raw_body)"
                " VALUES (%s, %s, %s, %s, %s, %s) RETURNING callback_id",
                (order_id, platform, kind, time.time(), json.dumps(dict(headers)), raw_body),
            )  # fmt: skip
            return int(rows[0][0])

    async def finish_callback(self, callback_id: int, outcome: str) -> None:
        async with self.db.read() as conn:  # one statement
            await _finish(conn, callback_id, outcome, time.time())

    async def deliver(
        self, order_id: str, *, items: Mapping[str, int], reason: str, callback_id: int | None = None
    ) -> DeliveryResult:
        now = time.time()
        params = {
            "id": order_id, "items": json.dumps(dict(items)), "now": now, "reason": reason, "cb": callback_id,
            "status": OrderStatus.DELIVERED.value, "deliverable": sorted(s.value for s in DELIVERABLE),
        }  # fmt: skip
        if self._before_commit is None:  # autocommit: the statement is its own transaction
            async with self.db.read() as conn:
                rows = await _rows(conn, _DELIVER_SQL, params)
        else:  # the fault-injection seam needs a moment after the writes and before the commit
            async with self.db.write() as conn:
                rows = await _rows(conn, _DELIVER_SQL, params)
                self._before_commit()
        if not rows:
            raise LedgerError(f"unknown order {order_id!r}")
        order, delivered_now = order_from_row(rows[0][:-1]), bool(rows[0][-1])
        if delivered_now:
            order = replace(order, status=OrderStatus.DELIVERED, updated_at=now)
        return DeliveryResult(order, delivered_now=delivered_now)

    async def fail(self, order_id: str, *, reason: str) -> Order:
        now = time.time()
        async with self.db.write() as conn:
            order = await _must(conn, order_id, lock=True)
            if order.status is not OrderStatus.CREATED:
                raise LedgerError(f"cannot fail order {order_id!r} in status {order.status.value}")
            await conn.execute(
                "UPDATE orders SET status = %s, updated_at = %s WHERE order_id = %s",
                (OrderStatus.FAILED.value, now, order_id),
            )
            await _event(conn, order_id, OrderStatus.FAILED, now, reason)
            return await _must(conn, order_id)

    async def refund(
        self, order_id: str, *, amount: int, event_key: str, reason: str, callback_id: int | None = None
    ) -> tuple[Order, bool]:
        now = time.time()
        async with self.db.write() as conn:
            order = await _must(conn, order_id, lock=True)
            applied = bool(
                await _rows(
                    conn,
                    "INSERT INTO applied_events (order_id, event_key, at) VALUES (%s, %s, %s)"
                    " ON CONFLICT DO NOTHING RETURNING order_id",
                    (order_id, event_key, now),
                )
            )
            if applied:
                flags = refund_risk_flags(order)
                await conn.execute(
                    "UPDATE orders SET status = %s, refunded_amount = refunded_amount + %s, updated_at = %s,"
                    " risk_flags = %s WHERE order_id = %s",
                    (OrderStatus.REFUNDED.value, amount, now, json.dumps(flags), order_id),
                )
                await _event(conn, order_id, OrderStatus.REFUNDED, now, reason)
            await _finish(conn, callback_id, "refunded" if applied else "duplicate", now)
            return await _must(conn, order_id), applied

    async def close(self) -> None:
        await self.db.close()
