"""The PostgreSQL schema as versioned migrations, applied in order at start-up (see :func:`migrate`).

Every table of the backend lives here (orders, callbacks, grants, sessions, tokens, nonces, leaderboards),
so several backend processes share all of it. ``schema_version`` holds the number of migrations applied; a
database migrated by a newer gameport is refused with :class:`~..errors.SchemaError` and left untouched.
Processes starting together serialise on a transaction-level advisory lock, so each migration runs once.
"""

from __future__ import annotations

from psycopg import AsyncConnection

from ..errors import SchemaError

#: Key of the advisory lock held while migrating ("gameport" in ASCII, as a bigint).
MIGRATION_LOCK = 0x67616D65706F7274

MIGRATIONS: tuple[str, ...] = (
    # 1: the same tables as SQLite's migration 1, plus nonces and leaderboards (a leaderboard's extra is
    # UTF-8 in BYTEA: PostgreSQL's TEXT cannot hold NUL, which a player's extra may contain)
    """
CREATE TABLE orders (
    order_id TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    environment TEXT NOT NULL,
    user_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    amount TEXT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    platform_ref TEXT,
    created_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL,
    refunded_amount BIGINT NOT NULL DEFAULT 0,
    risk_flags TEXT NOT NULL DEFAULT '[]'
);
CREATE UNIQUE INDEX orders_ref ON orders (platform, platform_ref);
CREATE INDEX orders_user ON orders (user_id, platform, created_at);
CREATE INDEX orders_status ON orders (platform, status, created_at);
CREATE TABLE order_events (
    id BIGSERIAL PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (order_id),
    status TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX order_events_order ON order_events (order_id);
CREATE TABLE callbacks (
    callback_id BIGSERIAL PRIMARY KEY,
    order_id TEXT,
    platform TEXT NOT NULL,
    kind TEXT NOT NULL,
    received_at DOUBLE PRECISION NOT NULL,
    headers TEXT NOT NULL,
    raw_body BYTEA NOT NULL,
    processed_at DOUBLE PRECISION,
    outcome TEXT
);
CREATE INDEX callbacks_order ON callbacks (order_id);
CREATE INDEX callbacks_pending ON callbacks (callback_id) WHERE processed_at IS NULL;
CREATE TABLE grants (
    order_id TEXT PRIMARY KEY REFERENCES orders (order_id),
    user_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    product_id TEXT NOT NULL,
    items TEXT NOT NULL,
    granted_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX grants_user ON grants (user_id, platform);
CREATE TABLE applied_events (
    order_id TEXT NOT NULL,
    event_key TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (order_id, event_key)
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE TABLE tiktok_tokens (
    open_id TEXT PRIMARY KEY,
    access_token TEXT NOT NULL,
    access_expires_at DOUBLE PRECISION NOT NULL,
    refresh_token TEXT NOT NULL,
    refresh_expires_at DOUBLE PRECISION NOT NULL,
    scope TEXT NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL
);
CREATE TABLE nonces (
    nonce TEXT PRIMARY KEY,
    expires_at DOUBLE PRECISION NOT NULL,
    consumed_at DOUBLE PRECISION
);
CREATE INDEX nonces_expiry ON nonces (expires_at);
CREATE TABLE leaderboard_scores (
    board TEXT NOT NULL,
    platform TEXT NOT NULL,
    player_id TEXT NOT NULL,
    score BIGINT NOT NULL,
    extra BYTEA,
    achieved_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (board, platform, player_id)
);
CREATE INDEX leaderboard_order ON leaderboard_scores (board, platform, score DESC, achieved_at, player_id);
""",
    # 2: what each repair / reconcile run found, for the operator's metrics
    """
CREATE TABLE maintenance_results (
    run_id TEXT NOT NULL,
    command TEXT NOT NULL,
    environment TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    result TEXT NOT NULL,
    orders INTEGER NOT NULL,
    PRIMARY KEY (run_id, result)
);
""",
)


async def migrate(conn: AsyncConnection[tuple[object, ...]]) -> int:
    """Apply the missing migrations in one transaction; returns the schema version.

    Raises:
        SchemaError: the database's schema version is newer than this code's.
    """
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        cur = await conn.execute("SELECT MAX(version) FROM schema_version")
        row = await cur.fetchone()
        current = int(row[0] or 0) if row is not None and isinstance(row[0], int) else 0
        if current > len(MIGRATIONS):
            raise SchemaError(
                f"database schema version {current} is newer than this gameport's ({len(MIGRATIONS)})"
            )
        for sql in MIGRATIONS[current:]:
            await conn.execute(sql.encode())
        if current < len(MIGRATIONS):
            await conn.execute("DELETE FROM schema_version")
            await conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (len(MIGRATIONS),))
    return len(MIGRATIONS)
