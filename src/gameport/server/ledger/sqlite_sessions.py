"""Player sessions and TikTok user tokens in the ledger's SQLite file (see :mod:`.session_model`)."""

from __future__ import annotations

import asyncio
import secrets
import time
from pathlib import Path

from .session_model import StoredTokens, token_hash
from .sqlite_db import SqliteDb


class SqliteSessionStore:
    """Sessions and TikTok tokens in the ledger's SQLite file."""

    def __init__(self, path: str | Path, *, session_ttl_s: float = 7 * 24 * 3600) -> None:
        self.db = SqliteDb(path)
        self._ttl = session_ttl_s

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

    async def close(self) -> None:
        self.db.close()
