"""SQLite plumbing shared by the ledger and the session store: one connection per thread, WAL,
``synchronous=FULL`` (a commit is on disk when it returns), and ``BEGIN IMMEDIATE`` write transactions so
that a read-check-write sequence runs under the database write lock, across threads *and* processes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
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
"""


class SqliteDb:
    """Per-thread connections to one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        self.conn().executescript(SCHEMA)

    def conn(self) -> sqlite3.Connection:
        """This thread's connection (autocommit mode; transactions are explicit)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60.0, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A ``BEGIN IMMEDIATE`` transaction: committed on success, rolled back on any exception."""
        conn = self.conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        """Close every connection opened by any thread."""
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            conn.close()
        self._local = threading.local()
