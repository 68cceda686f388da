"""A throwaway PostgreSQL server for tests and the bench: Debian's binaries, a temporary data folder, a unix
socket in that folder (no TCP port), stopped and deleted at the end.

PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` user (``runuser``) in a
folder that user owns. Missing binaries are an error naming the fix (``python3 build.py setup``), never a
skip.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

PG_ROOT = Path("/usr/lib/postgresql")
_names = itertools.count(1)


class PostgresMissingError(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def pg_bin() -> Path:
    """The newest ``/usr/lib/postgresql/<ver>/bin`` holding initdb and pg_ctl."""
    found = sorted(
        (p for p in PG_ROOT.glob("*/bin") if (p / "initdb").exists() and (p / "pg_ctl").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if not found:
        raise PostgresMissingError(
            f"PostgreSQL server binaries not found under {PG_ROOT}: run `python3 build.py setup` (as root it "
            "installs Debian's postgresql package)"
        )
    return found[-1]


class PgServer:
    """One PostgreSQL cluster; ``durable=False`` turns fsync off (tests: speed; the bench keeps it on)."""

    def __init__(self, *, durable: bool = False, max_connections: int = 300) -> None:
        self.bin = pg_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="gameport-pg-"))
        self.data = self.dir / "data"
        self._as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self.dir.chmod(0o700)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C", "--no-sync")  # fmt: skip
        options = f"-k {self.dir} -c listen_addresses='' -c max_connections={max_connections}"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w", "-t", "60",
                  "-o", options, "start")  # fmt: skip

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run(
            [*self._as_postgres, str(self.bin / tool), *args], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed ({result.returncode}): {result.stdout}{result.stderr}")

    def url(self, dbname: str = "postgres") -> str:
        """A ``postgresql://`` URL reaching ``dbname`` through the socket folder."""
        return f"postgresql://postgres@/{dbname}?host={self.dir}"

    def new_database(self, prefix: str = "t") -> str:
        """The URL of a fresh, empty place for one backend's tables: a new schema, which the URL makes the
        connection's ``search_path``. (A schema costs a catalog row; a database copies a template.)"""
        name = f"{prefix}_{os.getpid()}_{next(_names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{name}"'.encode())
        return self.url() + f"&options=-c%20search_path%3D{name}"

    def postmaster_pid(self) -> int:
        """The server's main process (every backend process of the cluster is its child)."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def stop(self) -> None:
        """Stop the server (immediate: nothing of it is kept) and delete its folder."""
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
