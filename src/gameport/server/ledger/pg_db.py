"""PostgreSQL plumbing shared by every store of a backend process: one connection pool (psycopg_pool),
opened on first use, which also migrates the schema (:mod:`.pg_schema`).

Connections are in autocommit mode; :meth:`PgDatabase.write` wraps its block in a transaction (``READ
COMMITTED``), and the stores take row locks (``SELECT .. FOR UPDATE``) or rely on unique keys wherever a
read-check-write must not interleave. Those guarantees hold across processes, which is the point.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from ..errors import UnstorableInputError
from .pg_schema import migrate

Conn = AsyncConnection[tuple[object, ...]]


class PgDatabase:
    """A pool of connections to one PostgreSQL database.

    ``max_size`` bounds this process's connections (several processes each have their own pool: keep
    ``processes x max_size`` under the server's ``max_connections``).
    """

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 8) -> None:
        self.url = url
        self._pool: AsyncConnectionPool[Conn] = AsyncConnectionPool(
            url, min_size=min_size, max_size=max_size, open=False, kwargs={"autocommit": True},
            timeout=60.0,
        )  # fmt: skip
        self._opened = False
        self._closed = False
        self._opening: asyncio.Lock | None = None

    async def open(self) -> None:
        """Open the pool and migrate the schema (once; later calls return at once).

        Raises:
            SchemaError: the database's schema is newer than this code's.
            psycopg.OperationalError / psycopg_pool.PoolTimeout: the server cannot be reached.
        """
        if self._opened:
            return
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            if self._opened:
                return
            await self._pool.open(wait=True, timeout=60.0)
            try:
                async with self._pool.connection() as conn:
                    await migrate(conn)
            except BaseException:
                await self._pool.close()
                raise
            self._opened = True

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Conn]:
        """A pooled connection (autocommit: each statement sees the latest committed data).

        Raises:
            UnstorableInputError: a statement's data was refused as such (text with NUL, ...); whatever
                the block's transaction wrote is rolled back.
        """
        await self.open()
        try:
            async with self._pool.connection() as conn:
                yield conn
        except psycopg.DataError as exc:
            raise UnstorableInputError(f"the database cannot store this input: {exc}") from exc

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Conn]:
        """A pooled connection inside one transaction: committed on success, rolled back on any exception."""
        async with self.read() as conn, conn.transaction():
            yield conn

    async def close(self) -> None:
        """Close the pool (idempotent; the stores sharing it may each call this)."""
        if not self._closed:
            self._closed = True
            await self._pool.close()
