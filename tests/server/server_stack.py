"""Test helpers: per-run secrets, a server config, and the two servers as real subprocesses (via the CLI)."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import secrets
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg

from gameport.server.cli import listening_socket
from gameport.server.stores import is_postgres_url
from gameport.testing.local_stack import LocalServers, running_servers

LISTENING_PREFIX = "gameport-server listening on "
START_TIMEOUT_S = 30.0

CATALOG = [
    {"product_id": "gems_100", "title": "100 gems", "grants": {"gems": 100}, "tiktok_beans": 10,
     "meta_price": "0.99", "meta_currency": "USD", "web_price": "1.00", "web_currency": "EUR"},
    {"product_id": "gems_600", "title": "600 gems", "grants": {"gems": 600}, "tiktok_beans": 50,
     "meta_price": "4.99", "meta_currency": "USD", "web_price": "5.00", "web_currency": "EUR"},
    {"product_id": "no_ads", "title": "Remove ads", "grants": {"no_ads": 1}, "tiktok_beans": 100},
]  # fmt: skip


def make_config(api_base_url: str = "http://127.0.0.1:9") -> dict[str, Any]:
    """A sandbox config with secrets generated for this run."""
    return {
        "environment": "sandbox",
        "tiktok": {"client_key": "ck_" + secrets.token_hex(6), "client_secret": secrets.token_hex(24),
                   "api_base_url": api_base_url, "timeout_s": 30, "max_retries": 2},
        "meta": {"app_id": "app_" + secrets.token_hex(4), "app_secret": secrets.token_hex(24),
                 "webhook_verify_token": "vt_" + secrets.token_hex(8)},
        "web": {"checkout_url": api_base_url, "webhook_secret": secrets.token_hex(24)},
        "risk": {"velocity_max": 5, "velocity_window_s": 3600},
        "catalog": CATALOG,
    }  # fmt: skip


def db_rows(db: str, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Run one query on a backend's database (SQLite file or PostgreSQL URL); ``?`` marks parameters."""
    if is_postgres_url(db):
        with psycopg.connect(db) as conn:
            return conn.execute(sql.replace("?", "%s").encode(), params).fetchall()
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def db_execute(db: str, sql: str, *params: object) -> None:
    """Run one statement on a backend's database and commit it; ``?`` marks parameters."""
    if is_postgres_url(db):
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute(sql.replace("?", "%s").encode(), params)
        return
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute(sql, params)
    finally:
        conn.close()


@contextlib.contextmanager
def running_pair(config: dict[str, Any], config_path: Path, db: Path) -> Iterator[LocalServers]:
    """The mock platform server and a backend on the SQLite file ``db``, wired together by
    :func:`gameport.testing.local_stack.running_servers` on ``config`` (written to ``config_path``, then
    pointed at the mock). On the way out both are stopped and must have exited 0 (AssertionError).

    Raises:
        ServerStartError: one of them did not start.
    """
    config_path.write_text(json.dumps(config))
    with running_servers(config_path, db) as servers:
        yield servers
    assert servers.exit_codes == [0, 0], f"servers did not stop cleanly: {servers.exit_codes}"


@dataclass
class ServerProcess:
    """A ``python -m gameport.server`` child; ``url`` is read from its single stdout line."""

    args: list[str]
    env: dict[str, str] = field(default_factory=dict)
    stderr: Path | None = None
    proc: subprocess.Popen[str] | None = None
    url: str = ""
    pass_fds: tuple[int, ...] = ()
    _terminated: bool = False
    _lines: queue.Queue[str] = field(default_factory=queue.Queue)

    def start(self) -> ServerProcess:
        """Start and wait until it listens."""
        return self.spawn().ready()

    def spawn(self) -> ServerProcess:
        """Start the process without waiting (several start at once; then :meth:`ready` each)."""
        env = {**os.environ, **self.env}
        self._terminated = False
        err = subprocess.DEVNULL if self.stderr is None else self.stderr.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gameport.server", *self.args],
            stdout=subprocess.PIPE, stderr=err, text=True, env=env, pass_fds=self.pass_fds,
        )  # fmt: skip
        if self.stderr is not None:
            err.close()  # type: ignore[union-attr]
        stdout = self.proc.stdout
        assert stdout is not None
        threading.Thread(target=lambda: self._lines.put(stdout.readline()), daemon=True).start()
        return self

    def ready(self) -> ServerProcess:
        """Wait for the listening line (RuntimeError after START_TIMEOUT_S) and read the URL from it."""
        try:
            line = self._lines.get(timeout=START_TIMEOUT_S)
        except queue.Empty:
            self.kill()
            raise RuntimeError(f"server did not start: {self.args}") from None
        assert line.startswith(LISTENING_PREFIX), f"unexpected first line {line!r}"
        self.url = line[len(LISTENING_PREFIX) :].strip()
        return self

    def terminate(self) -> None:
        """SIGTERM, once: a second one could land after the server restored the default handler on exit."""
        assert self.proc is not None
        if not self._terminated and self.proc.poll() is None:
            self._terminated = True
            self.proc.send_signal(signal.SIGTERM)

    def stop(self) -> int:
        """SIGTERM (unless sent already) and wait; returns the exit code."""
        assert self.proc is not None
        self.terminate()
        try:
            code = self.proc.wait(timeout=20)
        finally:
            if self.proc.stdout:
                self.proc.stdout.close()
        return code

    def children(self) -> list[int]:
        """The pids of this process's children (the workers of a ``--workers N`` backend)."""
        assert self.proc is not None
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def backend_process(
    stack: Stack, *, env: dict[str, str] | None = None, workers: int = 1, stderr: Path | None = None
) -> ServerProcess:
    """The stack's backend (not started), its JSON-lines log kept with the test's tmp_path."""
    return ServerProcess(
        ["backend", "--host", "127.0.0.1", "--port", "0", "--db", stack.db,
         "--config", str(stack.config_path), "--workers", str(workers)], env=env or {},
        stderr=stderr or stack.tmp / "backend.log",
    )  # fmt: skip


@dataclass
class Stack:
    """A mock platform and a backend talking to each other over real HTTP."""

    tmp: Path
    config: dict[str, Any]
    config_path: Path
    db: str
    mock: ServerProcess
    backend: ServerProcess
    http: httpx.Client

    def start_backend(
        self, env: dict[str, str] | None = None, *, workers: int = 1, stderr: Path | None = None
    ) -> ServerProcess:
        proc = backend_process(self, env=env, workers=workers, stderr=stderr).start()
        self.backend = proc
        self.post(f"{self.mock.url}/mock/config", {"backend_url": proc.url})
        return proc

    @classmethod
    def open(cls, tmp: Path, db: str, *, workers: int = 1, config: dict[str, Any] | None = None) -> Stack:
        """The mock platform and a backend on ``db``, started at the same time: the mock's socket is bound
        here first, so the backend's config can name the mock before the mock has started."""
        config = config or make_config()
        sock = listening_socket("127.0.0.1", 0)
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        config["tiktok"]["api_base_url"] = config["web"]["checkout_url"] = url
        config_path = tmp / "server-config.json"
        config_path.write_text(json.dumps(config))
        args = ["mock-platform", "--config", str(config_path), "--listen-fd", str(sock.fileno())]
        try:
            mock = ServerProcess(args, pass_fds=(sock.fileno(),)).spawn()
        finally:
            sock.close()  # the child has its own copy
        st = cls(tmp, config, config_path, db, mock, mock, httpx.Client(timeout=120))
        backend = backend_process(st, workers=workers).spawn()
        try:
            mock.ready()
            st.backend = backend.ready()
        except BaseException:
            mock.kill()
            backend.kill()
            st.http.close()
            raise
        st.post(f"{mock.url}/mock/config", {"backend_url": st.backend.url})
        return st

    def close(self) -> None:
        """Stop both servers (at once) and assert that both exited cleanly."""
        self.http.close()
        for proc in (self.backend, self.mock):
            proc.terminate()
        backend = self.backend.stop() if self.backend is not self.mock else 0
        codes = {"backend": backend, "mock": self.mock.stop()}
        assert codes == {"backend": 0, "mock": 0}, f"servers did not stop cleanly: {codes}"

    def rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        """Query the backend's database directly (``?`` parameters)."""
        return db_rows(self.db, sql, *params)

    def post(self, url: str, body: dict[str, Any], session: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {session}"} if session else {}
        response = self.http.post(url, json=body, headers=headers)
        assert response.status_code == 200, (url, response.status_code, response.text)
        return response.json()

    def get(self, url: str, session: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {session}"} if session else {}
        response = self.http.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code, response.text)
        return response.json()

    def tiktok_login(self, open_id: str | None = None) -> tuple[str, str]:
        code = self.post(f"{self.mock.url}/mock/tiktok/login_code", {"open_id": open_id} if open_id else {})
        answer = self.post(f"{self.backend.url}/api/tiktok/login", {"code": code["code"]})
        return answer["session"], answer["open_id"]

    def order(self, session: str, product_id: str = "gems_100") -> dict[str, Any]:
        result: dict[str, Any] = self.post(
            f"{self.backend.url}/api/tiktok/orders", {"product_id": product_id}, session
        )
        return result

    def grants(self, session: str) -> dict[str, Any]:
        result: dict[str, Any] = self.get(f"{self.backend.url}/api/grants", session)
        return result

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gameport.server", *args, "--db", self.db,
             "--config", str(self.config_path)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
