"""The session store interface (:class:`SessionStore`) and the TikTok token pair it keeps.

A session token is handed to the client after a verified login; only its SHA-256 is stored. TikTok's
trade-order APIs take the *paying user's* ``act.`` token (pitfall 4), so the backend keeps each user's latest
token pair (access + refresh) to create, query and later repair that user's orders. In production these tokens
should be encrypted at rest; this reference keeps them in the ledger database.
"""

from __future__ import annotations

import hashlib
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class StoredTokens:
    open_id: str
    access_token: str
    access_expires_at: float
    refresh_token: str
    refresh_expires_at: float
    scope: str


def token_hash(token: str) -> str:
    """What is stored for a session token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SessionStore(Protocol):
    """Sessions and TikTok tokens (SQLite: :class:`~.sqlite_sessions.SqliteSessionStore`; PostgreSQL:
    :class:`~.pg_sessions.PgSessionStore`)."""

    async def create_session(self, platform: str, user_id: str) -> str:
        """A new session token for ``(platform, user_id)``; expired sessions are purged on the way."""
        ...

    async def session_user(self, token: str) -> tuple[str, str] | None:
        """``(platform, user_id)`` for a live session token, else ``None``."""
        ...

    async def save_tokens(self, tokens: StoredTokens) -> None:
        """Keep ``tokens`` as the user's latest pair (replacing the previous one)."""
        ...

    async def load_tokens(self, open_id: str) -> StoredTokens | None: ...

    def refresh_lock(self, open_id: str) -> AbstractAsyncContextManager[None]:
        """Held while this user's tokens are refreshed, so that one refresh runs at a time: TikTok rotates the
        refresh token, and a second refresh with the old one would fail. Held across every process sharing
        the database (PostgreSQL: an advisory lock; SQLite: a file lock beside the database file)."""
        ...

    async def close(self) -> None: ...
