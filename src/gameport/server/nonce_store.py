"""One-time nonces for Meta ``getSignedPlayerInfoAsync(nonce)`` (replay protection, B.12).

The flow: the backend issues a nonce (:meth:`NonceStore.issue`), the game passes it to
``getSignedPlayerInfoAsync``, Meta echoes it as ``request_payload`` inside the signed payload, and the backend
consumes it (:meth:`NonceStore.consume`) exactly once. A nonce that was never issued, has expired, or
was already consumed is refused.

Two synchronous implementations: :class:`MemoryNonceStore` (one process) and :class:`SqliteNonceStore` (a
table in a SQLite file, shared by every process using that file). The backend uses the async interface
(:class:`AsyncNonceStore`): :class:`ThreadedNonceStore` over a synchronous store, or
:class:`~.pg_nonce_store.PgNonceStore` (PostgreSQL, shared by every backend process).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import secrets
import sqlite3
import threading
from pathlib import Path
from typing import Protocol


class NonceOutcome(enum.Enum):
    """Result of :meth:`NonceStore.consume`."""

    OK = "ok"
    REPLAYED = "replayed"
    UNKNOWN = "unknown"  # never issued, or expired


class NonceStore(Protocol):
    """Issues nonces and consumes each at most once."""

    def issue(self, *, ttl_s: float, now: float) -> str: ...

    def consume(self, nonce: str, *, now: float) -> NonceOutcome: ...


class AsyncNonceStore(Protocol):
    """The same contract as :class:`NonceStore`, awaited (a database round trip must not block the loop)."""

    async def issue(self, *, ttl_s: float, now: float) -> str: ...

    async def consume(self, nonce: str, *, now: float) -> NonceOutcome: ...

    async def close(self) -> None: ...


class ThreadedNonceStore:
    """An :class:`AsyncNonceStore` running a synchronous store's calls in worker threads."""

    def __init__(self, store: NonceStore) -> None:
        self.store = store

    async def issue(self, *, ttl_s: float, now: float) -> str:
        return await asyncio.to_thread(lambda: self.store.issue(ttl_s=ttl_s, now=now))

    async def consume(self, nonce: str, *, now: float) -> NonceOutcome:
        return await asyncio.to_thread(lambda: self.store.consume(nonce, now=now))

    async def close(self) -> None:
        pass


def new_nonce() -> str:
    """A fresh unguessable nonce (URL-safe)."""
    return secrets.token_urlsafe(24)


class MemoryNonceStore:
    """Thread-safe in-memory store; expired entries are dropped lazily."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._expires: dict[str, float] = {}
        self._consumed: dict[str, float] = {}

    def issue(self, *, ttl_s: float, now: float) -> str:
        nonce = new_nonce()
        with self._lock:
            self._purge(now)
            self._expires[nonce] = now + ttl_s
        return nonce

    def consume(self, nonce: str, *, now: float) -> NonceOutcome:
        with self._lock:
            if nonce in self._consumed:
                return NonceOutcome.REPLAYED
            expires = self._expires.pop(nonce, None)
            if expires is None or expires < now:
                return NonceOutcome.UNKNOWN
            self._consumed[nonce] = expires
            return NonceOutcome.OK

    def _purge(self, now: float) -> None:
        for table in (self._expires, self._consumed):
            for key in [k for k, exp in table.items() if exp < now]:
                del table[key]


class SqliteNonceStore:
    """Nonces in a SQLite table (WAL); safe across threads and processes sharing the file."""

    def __init__(self, path: str | Path) -> None:
        self._path = str(path)
        with contextlib.closing(self._connect()) as conn:  # closed now, not whenever gc finds it
            conn.execute(
                "CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, expires_at REAL NOT NULL,"
                " consumed_at REAL)"
            )

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, timeout=30.0, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    def issue(self, *, ttl_s: float, now: float) -> str:
        nonce = new_nonce()
        conn = self._connect()
        try:
            conn.execute("DELETE FROM nonces WHERE expires_at < ?", (now - ttl_s,))
            conn.execute("INSERT INTO nonces (nonce, expires_at) VALUES (?, ?)", (nonce, now + ttl_s))
        finally:
            conn.close()
        return nonce

    def consume(self, nonce: str, *, now: float) -> NonceOutcome:
        conn = self._connect()
        try:
            cur = conn.execute(
                "UPDATE nonces SET consumed_at = ? WHERE nonce = ? AND consumed_at IS NULL"
                " AND expires_at >= ?",
                (now, nonce, now),
            )
            if cur.rowcount == 1:
                return NonceOutcome.OK
            row = conn.execute("SELECT consumed_at FROM nonces WHERE nonce = ?", (nonce,)).fetchone()
        finally:
            conn.close()
        if row is not None and row[0] is not None:
            return NonceOutcome.REPLAYED
        return NonceOutcome.UNKNOWN
