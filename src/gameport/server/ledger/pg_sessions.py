"""Player sessions and TikTok user tokens in PostgreSQL (see :mod:`.session_model` for what they are)."""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg

from .pg_db import PgDatabase
from .session_model import StoredTokens, token_hash


class PgSessionStore:
    """Sessions and TikTok tokens in the backend's PostgreSQL database (shared by every process)."""

    def __init__(self, db: PgDatabase, *, session_ttl_s: float = 7 * 24 * 3600) -> None:
        self.db = db
        self._ttl = session_ttl_s

    async def create_session(self, platform: str, user_id: str) -> str:
        token = "gps_" + secrets.token_urlsafe(32)
        now = time.time()
        async with self.db.write() as conn:
            await conn.execute("DELETE FROM sessions WHERE expires_at < %s", (now,))
            await conn.execute(
                "INSERT INTO sessions (token_hash, platform, user_id, created_at, expires_at)"
                " VALUES (%s, %s, %s, %s, %s)",
                (token_hash(token), platform, user_id, now, now + self._ttl),
            )
        return token

    async def session_user(self, token: str) -> tuple[str, str] | None:
        async with self.db.read() as conn:
            cur = await conn.execute(
                "SELECT platform, user_id FROM sessions WHERE token_hash = %s AND expires_at >= %s",
                (token_hash(token), time.time()),
            )
            row = await cur.fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    async def save_tokens(self, tokens: StoredTokens) -> None:
        async with self.db.write() as conn:
            await conn.execute(
                "INSERT INTO tiktok_tokens (open_id, access_token, access_expires_at, refresh_token,"
                " refresh_expires_at, scope, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (open_id) DO UPDATE SET access_token = excluded.access_token,"
                " access_expires_at = excluded.access_expires_at, refresh_token = excluded.refresh_token,"
                " refresh_expires_at = excluded.refresh_expires_at, scope = excluded.scope,"
                " updated_at = excluded.updated_at",
                (tokens.open_id, tokens.access_token, tokens.access_expires_at, tokens.refresh_token,
                 tokens.refresh_expires_at, tokens.scope, time.time()),
            )  # fmt: skip

    async def load_tokens(self, open_id: str) -> StoredTokens | None:
        async with self.db.read() as conn:
            cur = await conn.execute(
                "SELECT open_id, access_token, access_expires_at, refresh_token, refresh_expires_at, scope"
                " FROM tiktok_tokens WHERE open_id = %s",
                (open_id,),
            )
            row = await cur.fetchone()
        if row is None:
            return None
        return StoredTokens(str(row[0]), str(row[1]), float(row[2]), str(row[3]), float(row[4]), str(row[5]))  # type: ignore[arg-type]

    @asynccontextmanager
    async def refresh_lock(self, open_id: str) -> AsyncIterator[None]:
        """A transaction-level advisory lock on the user (every process waits for the holder), on a
        connection of its own: holders must not take pool connections that the refresh itself needs."""
        async with await psycopg.AsyncConnection.connect(self.db.url, autocommit=True) as conn:
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 14))", (open_id,))
                yield

    async def close(self) -> None:
        await self.db.close()
