"""Player sessions and TikTok user tokens in the ledger's SQLite file (see :mod:`.session_model`)."""

from __future__ import annotations

import asyncio
import fcntl
import os
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from .session_model import StoredTokens, token_hash
from .sqlite_db import SqliteDb


class SqliteSessionStore:
    """Sessions and TikTok tokens in the ledger's SQLite file."""

    def __init__(self, path: str | Path, *, session_ttl_s: float = 7 * 24 * 3600) -> None:
        self.db = SqliteDb(path)
        self._ttl = session_ttl_s
        self._refreshing: dict[str, asyncio.Lock] = {}

    async def create_session(self, platform: str, user_id: str) -> str:
        token = "gps_" + secrets.token_urlsafe(32)

        def run() -> None:
            now = time.time()
            with self.db.write() as conn:
                conn.execute("DELETE FROM sessions WHERE expires_at < ?", (now,))
                conn.execute(
                    "INSERT INTO sessions (token_hash, platform, user_id, created_at, expires_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (token_hash(token), platform, user_id, now, now + self._ttl),
                )

        await asyncio.to_thread(run)
        return token

    async def session_user(self, token: str) -> tuple[str, str] | None:
        """``(platform, user_id)`` for a live session token, else ``None``."""

        def run() -> tuple[str, str] | None:
            row = (
                self.db.conn()
                .execute(
                    "SELECT platform, user_id FROM sessions WHERE token_hash = ? AND expires_at >= ?",
                    (token_hash(token), time.time()),
                )
                .fetchone()
            )
            return None if row is None else (row[0], row[1])

        return await asyncio.to_thread(run)

    async def save_tokens(self, tokens: StoredTokens) -> None:
        def run() -> None:
            with self.db.write() as conn:
                conn.execute(
                    "INSERT OR REPLACE INTO tiktok_tokens (open_id, access_token, access_expires_at,"
                    " refresh_token, refresh_expires_at, scope, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (tokens.open_id, tokens.access_token, tokens.access_expires_at, tokens.refresh_token,
                     tokens.refresh_expires_at, tokens.scope, time.time()),
                )  # fmt: skip

        await asyncio.to_thread(run)

    async def load_tokens(self, open_id: str) -> StoredTokens | None:
        def run() -> StoredTokens | None:
            row = (
                self.db.conn()
                .execute(
                    "SELECT open_id, access_token, access_expires_at, refresh_token, refresh_expires_at,"
                    " scope FROM tiktok_tokens WHERE open_id = ?",
                    (open_id,),
                )
                .fetchone()
            )
            return None if row is None else StoredTokens(*row)

        return await asyncio.to_thread(run)

    @asynccontextmanager
    async def refresh_lock(self, open_id: str) -> AsyncIterator[None]:
        """Per user within this process, then ``flock`` on ``<file>.refresh-lock`` across the processes
        sharing the file (one lock for every user: refreshes are rare). SQLite's own write lock is not
        used: holding it across an HTTP call would stall every writer."""
        lock = self._refreshing.setdefault(open_id, asyncio.Lock())
        try:
            async with lock:
                fd = os.open(self.db.path + ".refresh-lock", os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
                    yield
                finally:
                    os.close(fd)  # releases the flock
        finally:
            if not lock.locked() and self._refreshing.get(open_id) is lock:
                del self._refreshing[open_id]

    async def close(self) -> None:
        self.db.close()
