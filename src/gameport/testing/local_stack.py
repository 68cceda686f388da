"""A game's local stack as real processes: the reference backend and the mock platform server
(``python -m gameport.server``, wired together over HTTP), a static server for a built site, and how
Chromium is launched headless for tests.

Standard library only: ``build.py`` (which runs before any virtualenv exists) loads this file by its path
for ``build.py servers`` / ``demo``, and the pytest plugin's ``gameport_game`` fixture uses it too.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import queue
import secrets
import signal
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit

LISTENING = "gameport-server listening on "
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 20.0
DEFAULT_CHROMIUM = "/usr/bin/chromium"  # Debian's package; GAMEPORT_CHROMIUM names another
# How the browser tests, the bench and the plugin launch it: headless, quiet, no network of its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MIME_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".html": "text/html",
    ".py": "text/x-python",
    ".css": "text/css",
    ".png": "image/png",
    ".br": "application/octet-stream",
    ".gz": "application/octet-stream",
}


class ServerStartError(RuntimeError):
    """A ``gameport.server`` process did not say it was listening (it failed or took over 30 s)."""


def chromium_path() -> Path:
    """The Chromium the tests launch: ``$GAMEPORT_CHROMIUM`` or Debian's ``/usr/bin/chromium``."""
    return Path(os.environ.get("GAMEPORT_CHROMIUM", DEFAULT_CHROMIUM))


def sandbox_server_config(catalog: list[dict[str, Any]]) -> dict[str, Any]:
    """A sandbox configuration for the reference backend and mock platform server, with secrets made now
    (never reuse them for anything real) and the game's product ``catalog`` (gameport.server's format)."""
    return {
        "environment": "sandbox",
        "tiktok": {"client_key": "ck_local_" + secrets.token_hex(4), "client_secret": secrets.token_hex(24)},
        "meta": {"app_id": "local_" + secrets.token_hex(4), "app_secret": secrets.token_hex(24),
                 "webhook_verify_token": "vt_" + secrets.token_hex(8)},
        "web": {"webhook_secret": secrets.token_hex(24)},
        "risk": {"velocity_max": 20, "velocity_window_s": 3600},
        "catalog": catalog,
    }  # fmt: skip


def start_server(
    args: list[str], *, python: str = sys.executable, cwd: Path | None = None, stderr: Path | None = None
) -> tuple[subprocess.Popen[str], str]:
    """Start ``python -m gameport.server ARGS``; the process and the URL of its one "listening" line.

    Raises:
        ServerStartError: it exited or said something else first, or said nothing within 30 s.
    """
    err: IO[bytes] | int = subprocess.DEVNULL if stderr is None else stderr.open("ab")
    try:
        proc = subprocess.Popen(
            [python, "-m", "gameport.server", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=err, text=True
        )
    finally:
        if not isinstance(err, int):
            err.close()
    stdout = proc.stdout
    assert stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=START_TIMEOUT_S)
    except queue.Empty:
        line = "(nothing within 30 s)"
    if not line.startswith(LISTENING):
        proc.kill()
        proc.wait()
        stdout.close()
        raise ServerStartError(f"gameport.server {args[0]} did not start (said {line!r})")
    return proc, line[len(LISTENING) :].strip()


def stop_processes(procs: list[subprocess.Popen[str]]) -> list[int]:
    """SIGTERM each (a hung one is killed after 20 s); their exit codes, in order."""
    codes = []
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            codes.append(proc.wait(timeout=STOP_TIMEOUT_S))
        except subprocess.TimeoutExpired:
            proc.kill()
            codes.append(proc.wait())
        if proc.stdout is not None:
            proc.stdout.close()
    return codes


def post_json(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


@dataclass
class LocalServers:
    """The running pair: ``backend_url`` (the game backend), ``mock_url`` (TikTok's and Meta's servers, the
    web checkout), ``processes`` (backend first) and ``exit_codes`` once stopped."""

    backend_url: str
    mock_url: str
    processes: list[subprocess.Popen[str]]
    exit_codes: list[int] = field(default_factory=list)


@contextlib.contextmanager
def running_servers(
    config_path: Path,
    db: Path,
    *,
    python: str = sys.executable,
    cwd: Path | None = None,
    logs: Path | None = None,
) -> Iterator[LocalServers]:
    """The mock platform server and the reference backend on free 127.0.0.1 ports, wired together: the
    config file gets the mock's URL as TikTok's API and the web checkout, the mock sends its webhooks to the
    backend. Both are stopped (SIGTERM) on the way out, even on Ctrl+C; ``exit_codes`` says how.
    ``logs``: a folder for their stderr (``mock.log``, ``backend.log``); None discards it.

    Raises:
        ServerStartError: one of them did not start (the other is stopped).
    """

    def log(name: str) -> Path | None:
        return None if logs is None else logs / name

    mock, mock_url = start_server(
        ["mock-platform", "--port", "0", "--config", str(config_path)],
        python=python, cwd=cwd, stderr=log("mock.log"),
    )  # fmt: skip
    servers = LocalServers("", mock_url, [mock])
    try:
        config = json.loads(config_path.read_text())
        config["tiktok"]["api_base_url"] = mock_url
        config.setdefault("web", {})["checkout_url"] = mock_url
        config_path.write_text(json.dumps(config, indent=1))
        backend, servers.backend_url = start_server(
            ["backend", "--port", "0", "--config", str(config_path), "--db", str(db)],
            python=python, cwd=cwd, stderr=log("backend.log"),
        )  # fmt: skip
        servers.processes.insert(0, backend)
        post_json(f"{mock_url}/mock/config", {"backend_url": servers.backend_url})
        yield servers
    finally:
        servers.exit_codes = stop_processes(servers.processes)


class _FolderHandler(http.server.SimpleHTTPRequestHandler):
    folder: Path = Path()

    def translate_path(self, path: str) -> str:
        base = self.folder.resolve()
        target = (base / unquote(urlsplit(path).path).lstrip("/")).resolve()
        return str(target if target == base or base in target.parents else base / "__not_found__")

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return MIME_TYPES.get(Path(path).suffix, super().guess_type(path))

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serving_folder(folder: Path) -> Iterator[str]:
    """Serve ``folder`` (only it) as static files on a free 127.0.0.1 port; yields the base URL."""
    handler = type("Handler", (_FolderHandler,), {"folder": folder})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    with serving(server) as base_url:
        yield base_url


@contextlib.contextmanager
def serving(server: http.server.HTTPServer) -> Iterator[str]:
    """Run ``server`` (bound to 127.0.0.1) in a daemon thread; yields its base URL, then shuts it down and
    closes its socket."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
