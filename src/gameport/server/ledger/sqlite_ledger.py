"""The SQLite implementation of :class:`~.model.LedgerStore` (a file, WAL).

Blocking SQLite work runs in worker threads (``asyncio.to_thread``), each with its own connection (order
polling, a short read, runs on the loop's thread: :meth:`~.sqlite_db.SqliteDb.inline_reader`); every
state change is a ``BEGIN IMMEDIATE`` transaction, so concurrent duplicates (threads or processes sharing the
file) serialise on the write lock and the second one sees the first one's committed status.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Callable, Mapping
from pathlib import Path
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
from .rows import (
    CALLBACK_COLUMNS,
    EVENT_COLUMNS,
    GRANT_COLUMNS,
    ORDER_COLUMNS,
    callback_from_row,
    grant_from_row,
    order_from_row,
    qualified,
)
from .session_model import token_hash
from .sqlite_db import SqliteDb

_SESSION_ORDER_SQL = (
    f"SELECT s.platform, s.user_id, {qualified(ORDER_COLUMNS, 'o')}"
    " FROM sessions s LEFT JOIN orders o ON o.order_id = ? AND o.user_id = s.user_id"
    " AND o.platform = s.platform WHERE s.token_hash = ? AND s.expires_at >= ?"
)


class SqliteLedger:
    """Orders, callbacks and grants in one SQLite file.

    ``before_commit`` is a fault-injection seam: it is called inside the delivery transaction, after every
    write and before ``COMMIT`` (tests make it kill the process there).
    """

    def __init__(self, path: str | Path, *, before_commit: Callable[[], None] | None = None) -> None:
        self.db = SqliteDb(path)
        self._before_commit = before_commit

    # -- reads ---------------------------------------------------------------------------------------------
    def _load(self, conn: sqlite3.Connection, order_id: str, history: bool = True) -> Order | None:
        row = conn.execute(f"SELECT {ORDER_COLUMNS} FROM orders WHERE order_id = ?", (order_id,)).fetchone()
        if row is None:
            return None
        if not history:
            return order_from_row(row)
        events = conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM order_events WHERE order_id = ? ORDER BY id", (order_id,)
        ).fetchall()
        callbacks = conn.execute(
            f"SELECT {CALLBACK_COLUMNS} FROM callbacks WHERE order_id = ? ORDER BY callback_id", (order_id,)
        ).fetchall()
        return order_from_row(row, events, callbacks)

    def _must(self, conn: sqlite3.Connection, order_id: str) -> Order:
        order = self._load(conn, order_id)
        if order is None:
            raise LedgerError(f"unknown order {order_id!r}")
        return order

    async def get_order(self, order_id: str, *, history: bool = True) -> Order | None:
        return await asyncio.to_thread(lambda: self._load(self.db.conn(), order_id, history))

    async def session_order(self, token: str, order_id: str) -> tuple[tuple[str, str] | None, Order | None]:
        params = (order_id if storable_text(order_id) else "", token_hash(token), time.time())

        def run(conn: sqlite3.Connection) -> tuple[Any, ...] | None:
            row: tuple[Any, ...] | None = conn.execute(_SESSION_ORDER_SQL, params).fetchone()
            return row

        try:  # every paying client polls every 1-2 s: read on the loop's thread, no hand-off
            row = run(self.db.inline_reader())
        except sqlite3.OperationalError:  # the file is busy for a moment: wait for it on a worker thread
            row = await asyncio.to_thread(lambda: run(self.db.conn()))
        if row is None:
            return None, None
        return (row[0], row[1]), (None if row[2] is None else order_from_row(row[2:]))

    async def find_by_ref(self, platform: str, platform_ref: str, *, history: bool = True) -> Order | None:
        def run() -> Order | None:
            conn = self.db.conn()
            row = conn.execute(
                "SELECT order_id FROM orders WHERE platform = ? AND platform_ref = ?",
                (platform, platform_ref),
            ).fetchone()
            return None if row is None else self._load(conn, row[0], history)

        return await asyncio.to_thread(run)

    async def list_orders(
        self, *, platform: str | None = None, status: OrderStatus | None = None
    ) -> list[Order]:
        def run() -> list[Order]:
            conn = self.db.conn()
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT order_id FROM orders WHERE (?1 IS NULL OR platform = ?1)"
                    " AND (?2 IS NULL OR status = ?2) ORDER BY created_at, order_id",
                    (platform, None if status is None else status.value),
                )
            ]
            return [self._must(conn, i) for i in ids]

        return await asyncio.to_thread(run)

    async def count_orders_since(self, user_id: str, platform: str, since: float) -> int:
        def run() -> int:
            row = (
                self.db.conn()
                .execute(
                    "SELECT COUNT(*) FROM orders WHERE user_id = ? AND platform = ? AND created_at >= ?",
                    (user_id, platform, since),
                )
                .fetchone()
            )
            return int(row[0])

        return await asyncio.to_thread(run)

    async def unprocessed_callbacks(self) -> list[CallbackRecord]:
        sql = f"SELECT {CALLBACK_COLUMNS} FROM callbacks WHERE processed_at IS NULL ORDER BY callback_id"
        return await asyncio.to_thread(lambda: [callback_from_row(r) for r in self.db.conn().execute(sql)])

    async def orphan_callbacks(self) -> list[CallbackRecord]:
        sql = f"SELECT {CALLBACK_COLUMNS} FROM callbacks WHERE order_id IS NULL ORDER BY callback_id"
        return await asyncio.to_thread(lambda: [callback_from_row(r) for r in self.db.conn().execute(sql)])

    async def grants(self, user_id: str, platform: str) -> list[Grant]:
        def run() -> list[Grant]:
            rows = self.db.conn().execute(
                f"SELECT {GRANT_COLUMNS} FROM grants WHERE user_id = ? AND platform = ?"
                " ORDER BY granted_at, order_id",
                (user_id, platform),
            )
            return [grant_from_row(r) for r in rows]

        return await asyncio.to_thread(run)

    # -- writes --------------------------------------------------------------------------------------------
    @staticmethod
    def _event(conn: sqlite3.Connection, order_id: str, status: OrderStatus, at: float, reason: str) -> None:
        conn.execute(
            "INSERT INTO order_events (order_id, status, at, reason) VALUES (?, ?, ?, ?)",
            (order_id, status.value, at, reason),
        )

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

        def run() -> Order:
            now = time.time()
            with self.db.write() as conn:
                if platform_ref is not None:  # idempotent on (platform, platform_ref)
                    row = conn.execute(
                        "SELECT order_id FROM orders WHERE platform = ? AND platform_ref = ?",
                        (platform, platform_ref),
                    ).fetchone()
                    if row is not None:
                        return self._must(conn, row[0])
                conn.execute(
                    f"INSERT INTO orders ({ORDER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
                    (order_id, platform, environment, user_id, product_id, amount, currency,
                     OrderStatus.CREATED.value, platform_ref, now, now, json.dumps(list(risk_flags))),
                )  # fmt: skip
                self._event(conn, order_id, OrderStatus.CREATED, now, "order created")
            return self._must(self.db.conn(), order_id)

        return await asyncio.to_thread(run)

    async def attach_platform_ref(self, order_id: str, platform_ref: str) -> Order:
        def run() -> Order:
            with self.db.write() as conn:
                order = self._must(conn, order_id)
                if order.platform_ref not in (None, platform_ref):
                    raise LedgerError(f"order {order_id!r} already has platform ref {order.platform_ref!r}")
                conn.execute(
                    "UPDATE orders SET platform_ref = ?, updated_at = ? WHERE order_id = ?",
                    (platform_ref, time.time(), order_id),
                )
            return self._must(self.db.conn(), order_id)

        return await asyncio.to_thread(run)

    async def add_risk_flags(self, order_id: str, flags: tuple[str, ...]) -> None:
        def run() -> None:
            with self.db.write() as conn:
                order = self._must(conn, order_id)
                merged = with_risk_flags(order, flags)
                conn.execute(
                    "UPDATE orders SET risk_flags = ? WHERE order_id = ?", (json.dumps(merged), order_id)
                )

        if flags:
            await asyncio.to_thread(run)

    async def record_callback(
        self,
        *,
        platform: str,
        kind: str,
        raw_body: bytes,
        headers: Mapping[str, str],
        order_id: str | None,
    ) -> int:
        def run() -> int:
            with self.db.write() as conn:
                cur = conn.execute(
                    "INSERT INTO callbacks (order_id, platform, kind, received_at, headers, raw_body)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (order_id, platform, kind, time.time(), json.dumps(dict(headers)), raw_body),
                )
                return int(cur.lastrowid or 0)

        return await asyncio.to_thread(run)

    @staticmethod
    def _finish(conn: sqlite3.Connection, callback_id: int | None, outcome: str, now: float) -> None:
        if callback_id is not None:
            conn.execute(
                "UPDATE callbacks SET processed_at = ?, outcome = ? WHERE callback_id = ?"
                " AND processed_at IS NULL",
                (now, outcome, callback_id),
            )

    async def finish_callback(self, callback_id: int, outcome: str) -> None:
        def run() -> None:
            with self.db.write() as conn:
                self._finish(conn, callback_id, outcome, time.time())

        await asyncio.to_thread(run)

    async def deliver(
        self,
        order_id: str,
        *,
        items: Mapping[str, int],
        reason: str,
        callback_id: int | None = None,
    ) -> DeliveryResult:
        def run() -> DeliveryResult:
            now = time.time()
            with self.db.write() as conn:
                order = self._must(conn, order_id)
                if order.status not in DELIVERABLE:
                    self._finish(conn, callback_id, "duplicate", now)
                    delivered_now = False
                else:
                    conn.execute(
                        "INSERT INTO grants (order_id, user_id, platform, product_id, items, granted_at)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            order_id,
                            order.user_id,
                            order.platform,
                            order.product_id,
                            json.dumps(dict(items)),
                            now,
                        ),
                    )
                    conn.execute(
                        "UPDATE orders SET status = ?, updated_at = ? WHERE order_id = ?",
                        (OrderStatus.DELIVERED.value, now, order_id),
                    )
                    self._event(conn, order_id, OrderStatus.DELIVERED, now, reason)
                    self._finish(conn, callback_id, "delivered", now)
                    delivered_now = True
                    if self._before_commit is not None:
                        self._before_commit()
            return DeliveryResult(self._must(self.db.conn(), order_id), delivered_now)

        return await asyncio.to_thread(run)

    async def fail(self, order_id: str, *, reason: str) -> Order:
        def run() -> Order:
            now = time.time()
            with self.db.write() as conn:
                order = self._must(conn, order_id)
                if order.status is not OrderStatus.CREATED:
                    raise LedgerError(f"cannot fail order {order_id!r} in status {order.status.value}")
                conn.execute(
                    "UPDATE orders SET status = ?, updated_at = ? WHERE order_id = ?",
                    (OrderStatus.FAILED.value, now, order_id),
                )
                self._event(conn, order_id, OrderStatus.FAILED, now, reason)
            return self._must(self.db.conn(), order_id)

        return await asyncio.to_thread(run)

    async def refund(
        self, order_id: str, *, amount: int, event_key: str, reason: str, callback_id: int | None = None
    ) -> tuple[Order, bool]:
        def run() -> tuple[Order, bool]:
            now = time.time()
            with self.db.write() as conn:
                order = self._must(conn, order_id)
                cur = conn.execute(
                    "INSERT OR IGNORE INTO applied_events (order_id, event_key, at) VALUES (?, ?, ?)",
                    (order_id, event_key, now),
                )
                applied = cur.rowcount == 1
                if applied:
                    flags = refund_risk_flags(order)
                    conn.execute(
                        "UPDATE orders SET status = ?, refunded_amount = refunded_amount + ?, updated_at = ?,"
                        " risk_flags = ? WHERE order_id = ?",
                        (OrderStatus.REFUNDED.value, amount, now, json.dumps(flags), order_id),
                    )
                    self._event(conn, order_id, OrderStatus.REFUNDED, now, reason)
                self._finish(conn, callback_id, "refunded" if applied else "duplicate", now)
            return self._must(self.db.conn(), order_id), applied

        return await asyncio.to_thread(run)

    async def close(self) -> None:
        self.db.close()
