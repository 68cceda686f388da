"""Aggregates of the ledger for the operator: metrics at scrape time, the period export, and the results of
repair / reconcile runs (kept in ``maintenance_results`` so any process can report them).

Everything here is computed from the database when asked, so every backend process answers the same and a
restart loses nothing. Environments are always a grouping key: sandbox and production are never summed.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from .sqlite_db import SqliteDb

if TYPE_CHECKING:
    from .pg_db import PgDatabase

EXPORT_COLUMNS = (
    "order_id", "platform", "environment", "user_id", "product_id", "amount", "currency", "status",
    "platform_ref", "created_at", "updated_at", "refunded_amount", "delivered_at", "risk_flags",
)  # fmt: skip

_QUERIES = {
    "orders": "SELECT platform, environment, status, COUNT(*) FROM orders"
    " GROUP BY platform, environment, status",
    "deliveries": "SELECT o.platform, o.environment, COUNT(*) FROM grants g JOIN orders o"
    " ON o.order_id = g.order_id GROUP BY o.platform, o.environment",
    "callbacks": "SELECT c.platform, COALESCE(o.environment, 'unknown'), COALESCE(c.outcome, 'pending'),"
    " COUNT(*) FROM callbacks c LEFT JOIN orders o ON o.order_id = c.order_id"
    " GROUP BY c.platform, COALESCE(o.environment, 'unknown'), COALESCE(c.outcome, 'pending')",
    "maintenance": "SELECT command, environment, result, SUM(orders) FROM maintenance_results"
    " GROUP BY command, environment, result",
    "last_runs": "SELECT command, environment, MAX(at) FROM maintenance_results"
    " GROUP BY command, environment",
}
_EXPORT = (
    "SELECT o.order_id, o.platform, o.environment, o.user_id, o.product_id, o.amount, o.currency, o.status,"
    " o.platform_ref, o.created_at, o.updated_at, o.refunded_amount, g.granted_at, o.risk_flags"
    " FROM orders o LEFT JOIN grants g ON g.order_id = o.order_id"
    " WHERE o.created_at >= {p} AND o.created_at < {p} AND ({p} IS NULL OR o.environment = {p})"
    " ORDER BY o.created_at, o.order_id"
)


@dataclass(frozen=True)
class LedgerCounts:
    """One consistent-enough read of the ledger's totals (each mapping keyed by its labels, in order)."""

    orders: Mapping[tuple[str, str, str], int]  # (platform, environment, status)
    deliveries: Mapping[tuple[str, str], int]  # (platform, environment): grants
    callbacks: Mapping[tuple[str, str, str], int]  # (platform, environment, outcome); unprocessed: pending
    maintenance: Mapping[tuple[str, str, str], int]  # (command, environment, result): orders
    last_runs: Mapping[tuple[str, str], float]  # (command, environment): unix time of the last run


class LedgerStats(Protocol):
    """The aggregates' interface (:class:`SqliteStats`, :class:`PgStats`)."""

    async def counts(self) -> LedgerCounts:
        """Every total, from one snapshot of the database."""
        ...

    async def export(self, since: float, until: float, environment: str | None) -> list[tuple[Any, ...]]:
        """Orders created in ``[since, until)`` (optionally of one environment) as :data:`EXPORT_COLUMNS`."""
        ...

    async def record_maintenance(self, command: str, environment: str, results: Mapping[str, int]) -> None:
        """Keep what one repair / reconcile run found: orders per result."""
        ...


def _grouped(rows: list[tuple[Any, ...]]) -> dict[Any, Any]:
    return {tuple(str(v) for v in row[:-1]): row[-1] for row in rows}


def _counts(rows: dict[str, list[tuple[Any, ...]]]) -> LedgerCounts:
    ints = {name: {k: int(v) for k, v in _grouped(rows[name]).items()} for name in _QUERIES}
    return LedgerCounts(
        orders=ints["orders"], deliveries=ints["deliveries"], callbacks=ints["callbacks"],
        maintenance=ints["maintenance"],
        last_runs={k: float(v) for k, v in _grouped(rows["last_runs"]).items()},
    )  # fmt: skip


class SqliteStats:
    """:class:`LedgerCounts`, exports and maintenance records on the SQLite file."""

    def __init__(self, db: SqliteDb) -> None:
        self.db = db

    async def counts(self) -> LedgerCounts:
        def run() -> LedgerCounts:
            conn = self.db.conn()
            conn.execute("BEGIN")  # one snapshot for every total
            try:
                return _counts({name: conn.execute(sql).fetchall() for name, sql in _QUERIES.items()})
            finally:
                conn.execute("COMMIT")

        return await asyncio.to_thread(run)

    async def export(self, since: float, until: float, environment: str | None) -> list[tuple[Any, ...]]:
        sql = _EXPORT.format(p="?")
        params = (since, until, environment, environment)
        return await asyncio.to_thread(lambda: self.db.conn().execute(sql, params).fetchall())

    async def record_maintenance(self, command: str, environment: str, results: Mapping[str, int]) -> None:
        run_id, now = secrets.token_hex(8), time.time()

        def run() -> None:
            with self.db.write() as conn:
                for result, orders in results.items():
                    conn.execute(
                        "INSERT INTO maintenance_results (run_id, command, environment, at, result, orders)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        (run_id, command, environment, now, result, orders),
                    )

        await asyncio.to_thread(run)


class PgStats:
    """:class:`LedgerCounts`, exports and maintenance records on PostgreSQL."""

    def __init__(self, db: PgDatabase) -> None:
        self.db = db

    async def counts(self) -> LedgerCounts:
        rows: dict[str, list[tuple[Any, ...]]] = {}
        async with self.db.write() as conn:
            await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # one snapshot
            for name, sql in _QUERIES.items():
                cur = await conn.execute(sql.encode())
                rows[name] = await cur.fetchall()
        return _counts(rows)

    async def export(self, since: float, until: float, environment: str | None) -> list[tuple[Any, ...]]:
        async with self.db.read() as conn:
            cur = await conn.execute(
                _EXPORT.format(p="%s").replace("%s IS NULL", "%s::text IS NULL").encode(),
                (since, until, environment, environment),
            )
            return await cur.fetchall()

    async def record_maintenance(self, command: str, environment: str, results: Mapping[str, int]) -> None:
        run_id, now = secrets.token_hex(8), time.time()
        async with self.db.write() as conn:
            for result, orders in results.items():
                await conn.execute(
                    "INSERT INTO maintenance_results (run_id, command, environment, at, result, orders)"
                    " VALUES (%s, %s, %s, %s, %s, %s)",
                    (run_id, command, environment, now, result, orders),
                )
