"""The load generator of the server bench: wrk (C, Debian's ``wrk``) replaying pre-built requests through
``bench/server_load.lua``, so that generating load costs a small part of one core (a Python client took
most of one of the machine's two).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("server_load.lua")


class WrkMissingError(RuntimeError):
    """Debian's wrk is not installed."""


@dataclass(frozen=True)
class Load:
    """One measurement: completed requests, how many were not 2xx/3xx or failed, wall time, latencies."""

    done: int
    bad: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` and its live descendants (Linux /proc)."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (OSError, IndexError, ValueError):
        return total
    return total + sum(tree_cpu_s(int(child)) for child in children)


def request_bytes(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """One raw HTTP/1.1 keep-alive request."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def wrk_path() -> str:
    """The wrk binary; raises :class:`WrkMissingError` naming the fix."""
    found = shutil.which("wrk")
    if found is None:
        raise WrkMissingError("wrk is missing: run `python3 build.py setup` (installs Debian's wrk)")
    return found


def drive(port: int, requests: list[bytes], *, once: bool, connections: int, seconds: float) -> Load:
    """Send ``requests`` to 127.0.0.1:``port`` over ``connections`` keep-alive connections.

    ``once``: each request exactly once (``seconds`` is then only an upper bound); else round-robin for
    ``seconds``. Raises RuntimeError if wrk fails or prints no figures.
    """
    with tempfile.NamedTemporaryFile(prefix="gameport-wrk-", suffix=".bin") as file:
        for raw in requests:
            file.write(b"%d\n" % len(raw) + raw)
        file.flush()
        cmd = [wrk_path(), "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "60s",
               "-s", str(SCRIPT), f"http://127.0.0.1:{port}", "--", file.name,
               "once" if once else "cycle"]  # fmt: skip
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        finished = threading.Event()
        lines: list[str] = []

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line)
                if line.strip() == "finished":
                    finished.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        if once:
            # wrk's main thread sleeps out -d; SIGINT ends the sleep once the last answer is in (repeated:
            # a signal taken by the load thread before it stopped would not wake the main thread)
            while proc.poll() is None:
                if finished.wait(0.05):
                    proc.send_signal(signal.SIGINT)
                    time.sleep(0.1)
        proc.wait()
        reader.join(5)
        stderr = proc.stderr.read() if proc.stderr else ""
    figures = [line for line in lines if line.startswith("{")]
    if proc.returncode != 0 or not figures:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {''.join(lines)}{stderr}")
    out = json.loads(figures[-1])
    bad = out["non_2xx_3xx"] + out["socket_errors"] + out["timeouts"]
    if once and out["requests"] < len(requests):
        bad += len(requests) - out["requests"]
    return Load(out["requests"], bad, out["duration_us"] / 1e6, out["p50_us"] / 1000, out["p99_us"] / 1000)
