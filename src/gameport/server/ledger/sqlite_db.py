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

from .sqlite_schema import migrate


class SqliteDb:
    """Per-thread connections to one SQLite file, migrated to the current schema when opened.

    Raises:
        SchemaError: the file was written by a newer gameport.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        self._inline: sqlite3.Connection | None = None
        migrate(self.conn())

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

    def inline_reader(self) -> sqlite3.Connection:
        """A read-only connection for one short read on the event loop's own thread, where a worker thread's
        hand-off would cost more than the read (order polling). WAL readers never wait for the writer; for
        the rare moments a reader does (a checkpoint by a closing connection, recovery after a crash) its
        busy timeout is 50 ms, so the loop cannot stall: the read raises ``sqlite3.OperationalError`` and
        the caller retries it on a worker thread."""
        conn = self._inline
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=0.05, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA query_only=ON")
            self._inline = conn
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
        self._inline = None
