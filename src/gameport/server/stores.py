"""Open every store of the backend on one database: a SQLite file (the embedded default) or PostgreSQL
(a ``postgresql://`` URL; several backend processes can share it).

Both kinds are migrated to the current schema when opened (SQLite at once, PostgreSQL on :meth:`Stores.start`
or first use) and refuse a schema newer than this code's (:class:`~.errors.SchemaError`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .leaderboard_store import LeaderboardStore, SqliteLeaderboardStore
from .ledger import LedgerStore, SessionStore, SqliteLedger, SqliteSessionStore
from .ledger.stats import LedgerStats, SqliteStats
from .nonce_store import AsyncNonceStore, SqliteNonceStore, ThreadedNonceStore

if TYPE_CHECKING:
    from .ledger.pg_db import PgDatabase

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(db: object) -> bool:
    """Whether ``db`` names a PostgreSQL database (else it is a SQLite file path)."""
    return isinstance(db, str) and db.startswith(POSTGRES_SCHEMES)


@dataclass
class Stores:
    """The four stores of one backend process and, for PostgreSQL, their shared pool."""

    ledger: LedgerStore
    sessions: SessionStore
    nonces: AsyncNonceStore
    leaderboards: LeaderboardStore
    stats: LedgerStats
    pg: PgDatabase | None = None

    @property
    def kind(self) -> str:
        """``"postgresql"`` or ``"sqlite"`` (a label for logs, metrics and the bench)."""
        return "sqlite" if self.pg is None else "postgresql"

    async def start(self) -> None:
        """Connect and migrate now rather than at the first request (PostgreSQL; SQLite already did).

        Raises:
            SchemaError: the database's schema is newer than this code's.
            psycopg.OperationalError / psycopg_pool.PoolTimeout: PostgreSQL cannot be reached.
        """
        if self.pg is not None:
            await self.pg.open()

    async def close(self) -> None:
        """Close every connection (the shared pool once)."""
        await self.ledger.close()
        await self.sessions.close()
        await self.nonces.close()
        await self.leaderboards.close()


def open_stores(
    db: str | Path, *, before_commit: Callable[[], None] | None = None, pool_size: int = 8
) -> Stores:
    """The stores on ``db``: a ``postgresql://`` URL, else a SQLite file path.

    ``pool_size`` bounds this process's PostgreSQL connections. Raises :class:`~.errors.SchemaError` at once
    for a SQLite file with a newer schema.
    """
    if is_postgres_url(db):
        # imported here: a SQLite backend (and every test's mock platform) never loads psycopg (~0.1 s)
        from .ledger.pg_db import PgDatabase
        from .ledger.pg_ledger import PgLedger
        from .ledger.pg_sessions import PgSessionStore
        from .ledger.stats import PgStats
        from .pg_leaderboard_store import PgLeaderboardStore
        from .pg_nonce_store import PgNonceStore

        pg = PgDatabase(str(db), max_size=pool_size)
        return Stores(
            ledger=PgLedger(pg, before_commit=before_commit),
            sessions=PgSessionStore(pg),
            nonces=PgNonceStore(pg),
            leaderboards=PgLeaderboardStore(pg),
            stats=PgStats(pg),
            pg=pg,
        )
    ledger = SqliteLedger(db, before_commit=before_commit)
    return Stores(
        ledger=ledger,
        sessions=SqliteSessionStore(db),
        nonces=ThreadedNonceStore(SqliteNonceStore(db)),
        leaderboards=SqliteLeaderboardStore(db),
        stats=SqliteStats(ledger.db),
    )
