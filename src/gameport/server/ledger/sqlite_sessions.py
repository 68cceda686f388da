"""Player sessions of the reference backend and the TikTok user tokens it needs (SQLite, same file).

A session token is handed to the client after a verified login; only its SHA-256 is stored. TikTok's
trade-order APIs take the *paying user's* ``act.`` token (pitfall 4), so the backend keeps each user's latest
token pair (access + refresh) to create, query and later repair that user's orders. In production these tokens
should be encrypted at rest; this reference keeps them in the ledger file.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from .sqlite_db import SqliteDb


@dataclass(frozen=True)
class StoredTokens:
    open_id: str
    access_token: str
    access_expires_at: float
    refresh_token: str
    refresh_expires_at: float
    scope: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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
                    (_hash(token), platform, user_id, now, now + self._ttl),
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
                    (_hash(token), time.time()),
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
