"""Fixtures for the server tests (helpers: ``server_stack.py``; the PostgreSQL server: ``pg_server.py``).

``db`` is where a stack's backend keeps its data: a SQLite file by default. ``any_db`` is parametrised over
both databases (a SQLite file, and a fresh database on the session's throwaway PostgreSQL server); a module
runs its stack tests on both by overriding ``db`` with it. Without PostgreSQL installed those tests fail and
say why (``pg_server.PostgresMissingError``); none is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_server import PgServer
from server_stack import Stack

DB_KINDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg() -> Iterator[PgServer]:
    """One throwaway PostgreSQL server for the whole run (started on first use)."""
    server = PgServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=DB_KINDS)
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A SQLite file path, or the URL of a new, empty PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.sqlite3")
    server: PgServer = request.getfixturevalue("pg")
    return server.new_database()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "ledger.sqlite3")


@pytest.fixture
def stack(tmp_path: Path, db: str) -> Iterator[Stack]:
    st = Stack.open(tmp_path, db)
    try:
        yield st
    finally:
        st.close()
