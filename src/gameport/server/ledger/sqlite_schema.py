"""The SQLite schema as versioned migrations, applied in order at start-up (see :func:`migrate`).

``schema_version`` holds one row: the number of migrations applied. A file written by a newer gameport (a
higher version than :data:`MIGRATIONS` knows) is refused with :class:`~..errors.SchemaError` and left as is.
Files created before versioning have the version-1 tables already; migration 1 only creates what is missing.
"""

from __future__ import annotations

import sqlite3

from ..errors import SchemaError

MIGRATIONS: tuple[str, ...] = (
    # 1: orders, their history, raw callbacks, grants, applied refund events, sessions, TikTok tokens
    """
CREATE TABLE IF NOT EXISTS orders (
    order_id TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    environment TEXT NOT NULL,
    user_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    amount TEXT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    platform_ref TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    refunded_amount INTEGER NOT NULL DEFAULT 0,
    risk_flags TEXT NOT NULL DEFAULT '[]'
);
CREATE UNIQUE INDEX IF NOT EXISTS orders_ref ON orders (platform, platform_ref);
CREATE INDEX IF NOT EXISTS orders_user ON orders (user_id, platform, created_at);
CREATE TABLE IF NOT EXISTS order_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT NOT NULL REFERENCES orders (order_id),
    status TEXT NOT NULL,
    at REAL NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS order_events_order ON order_events (order_id);
CREATE TABLE IF NOT EXISTS callbacks (
    callback_id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT,
    platform TEXT NOT NULL,
    kind TEXT NOT NULL,
    received_at REAL NOT NULL,
    headers TEXT NOT NULL,
    raw_body BLOB NOT NULL,
    processed_at REAL,
    outcome TEXT
);
CREATE INDEX IF NOT EXISTS callbacks_order ON callbacks (order_id);
CREATE INDEX IF NOT EXISTS callbacks_pending ON callbacks (processed_at);
CREATE TABLE IF NOT EXISTS grants (
    order_id TEXT PRIMARY KEY REFERENCES orders (order_id),
    user_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    product_id TEXT NOT NULL,
    items TEXT NOT NULL,
    granted_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS grants_user ON grants (user_id, platform);
CREATE TABLE IF NOT EXISTS applied_events (
    order_id TEXT NOT NULL,
    event_key TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (order_id, event_key)
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tiktok_tokens (
    open_id TEXT PRIMARY KEY,
    access_token TEXT NOT NULL,
    access_expires_at REAL NOT NULL,
    refresh_token TEXT NOT NULL,
    refresh_expires_at REAL NOT NULL,
    scope TEXT NOT NULL,
    updated_at REAL NOT NULL
);
""",
    # 2: what each repair / reconcile run found, for the operator's metrics
    """
CREATE TABLE IF NOT EXISTS maintenance_results (
    run_id TEXT NOT NULL,
    command TEXT NOT NULL,
    environment TEXT NOT NULL,
    at REAL NOT NULL,
    result TEXT NOT NULL,
    orders INTEGER NOT NULL,
    PRIMARY KEY (run_id, result)
);
""",
)


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the missing migrations in one ``BEGIN IMMEDIATE`` transaction; returns the schema version.

    Raises:
        SchemaError: the file's schema version is newer than this code's.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        current = int(row[0] or 0)
        if current > len(MIGRATIONS):
            raise SchemaError(
                f"database schema version {current} is newer than this gameport's ({len(MIGRATIONS)})"
            )
        for sql in MIGRATIONS[current:]:
            for statement in sql.split(";"):
                if statement.strip():
                    conn.execute(statement)
        if current < len(MIGRATIONS):
            conn.execute("DELETE FROM schema_version")
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (len(MIGRATIONS),))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return len(MIGRATIONS)
