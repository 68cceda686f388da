"""`python3 build.py demo`, as a person runs it: it serves the game and prints its URL, the backend and the
mock platform server answer, and Ctrl+C (SIGINT to build.py alone, so the servers must be stopped by it)
ends all three."""

from __future__ import annotations

import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_S = 600  # a fresh clone sets up and builds first; here that is all cached


def _answers(url: str) -> int:
    """The HTTP status ``url`` answers with (an error status is an answer too)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _refuses(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()
    except OSError:
        return True
    return False


def test_build_py_demo_serves_the_game_and_ctrl_c_stops_all_three() -> None:
    demo = subprocess.Popen(
        [sys.executable, "build.py", "demo", "--port", "0", "--platform", "tiktok"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in demo.stdout or ():
            lines.put(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + START_S
        while not any("the demo game on tiktok: " in line for line in seen):
            assert demo.poll() is None, "".join(seen)
            seen.append(lines.get(timeout=max(0.1, deadline - time.monotonic())))
        url = next(line for line in seen if "the demo game on" in line).split(": ", 1)[1].strip()
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        assert query["mock"] == "tiktok", url
        backend, mock_server = query["backend"], query["platform_url"]
        assert any("backend: " in line for line in seen) and any("mock TikTok/Meta" in line for line in seen)

        assert _answers(url) == 200
        assert _answers(f"{backend}/api/health") == 200
        assert _answers(f"{mock_server}/") < 500  # any answer: it is up

        demo.send_signal(signal.SIGINT)  # to build.py only, as a terminal's Ctrl+C reaches it first
        assert demo.wait(timeout=60) == 0, "".join(seen)
        for server in (url, backend, mock_server):
            assert _refuses(server), f"{server} still answers after Ctrl+C"
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
        reader.join(timeout=10)  # the pipe ends with the process (and the servers it started)
        if demo.stdout is not None:
            demo.stdout.close()
