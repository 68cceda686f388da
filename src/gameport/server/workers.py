"""Several backend processes behind one port: ``python -m gameport.server backend --workers N``.

The supervisor binds N listening sockets to one port with ``SO_REUSEPORT`` (the kernel spreads new
connections over them) and starts one worker per socket (``backend --worker-fd``), each a complete backend
with its own database pool. It keeps every socket open itself, so a worker that dies (even by SIGKILL) is
replaced on the same socket and connections queued meanwhile are served by its successor, which first
re-applies any callback recorded but not processed (start-up recovery). Workers share nothing in memory:
orders, sessions, nonces and leaderboards are in the database (PostgreSQL for real deployments; a SQLite file
works too, serialised by its write lock), and process-local metrics go to ``PROMETHEUS_MULTIPROC_DIR``, a
folder the supervisor makes so that ``/metrics`` on any worker reports the sum of all of them.

SIGTERM / SIGINT stop every worker gracefully; the supervisor exits 0 when all of them did.
"""

from __future__ import annotations

import logging
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence

from .faults import CRASH_ENV

log = logging.getLogger("gameport.server")
READY_TIMEOUT_S = 60.0
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def reuseport_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """``count`` listening sockets on one port (``port`` 0: the first picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    socks: list[socket.socket] = []
    for _ in range(count):
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(2048)
        sock.set_inheritable(True)
        port = sock.getsockname()[1]
        socks.append(sock)
    return socks


class Supervisor:
    """Starts, watches and stops the workers. ``child_args`` are the worker's CLI arguments without
    ``--worker-fd``."""

    def __init__(self, child_args: Sequence[str], socks: list[socket.socket]) -> None:
        self.child_args = list(child_args)
        self.socks = socks
        self.metrics_dir = tempfile.mkdtemp(prefix="gameport-metrics-")
        self.procs: list[subprocess.Popen[bytes] | None] = [None] * len(socks)
        self.stopping = False

    def _popen(self, index: int, *, first: bool) -> subprocess.Popen[bytes]:
        env = {**os.environ, MULTIPROC_ENV: self.metrics_dir}
        if not first:
            env.pop(CRASH_ENV, None)  # a test's injected crash happens once, not again in the replacement
        fd = self.socks[index].fileno()
        return subprocess.Popen(
            [sys.executable, "-m", "gameport.server", "backend", *self.child_args, "--worker-fd", str(fd)],
            stdout=subprocess.PIPE, pass_fds=(fd,), env=env,
        )  # fmt: skip

    @staticmethod
    def _ready(index: int, proc: subprocess.Popen[bytes], deadline: float) -> subprocess.Popen[bytes]:
        """Wait for the worker's listening line; RuntimeError (the worker killed) if none by ``deadline``."""
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        line = proc.stdout.readline() if ready else b""
        proc.stdout.close()
        if not line.startswith(b"gameport-server listening on "):
            proc.kill()
            proc.wait()
            raise RuntimeError(f"worker {index} did not start (said {line!r})")
        return proc

    def _spawn(self, index: int, *, first: bool) -> subprocess.Popen[bytes]:
        return self._ready(index, self._popen(index, first=first), time.monotonic() + READY_TIMEOUT_S)

    def start(self) -> None:
        """Start every worker; returns once all accept connections (or a stop was asked for meanwhile).

        Raises RuntimeError if one fails to start.
        """

        def stop(signum: int, frame: object) -> None:
            self.stopping = True

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, stop)
        # all at once: each worker spends its start-up importing and connecting, which overlaps
        started = [self._popen(index, first=True) for index in range(len(self.socks))]
        deadline = time.monotonic() + READY_TIMEOUT_S
        failure: RuntimeError | None = None
        for index, proc in enumerate(started):
            try:
                self.procs[index] = self._ready(index, proc, deadline)
            except RuntimeError as exc:
                failure = failure or exc
        if failure is not None:
            raise failure

    def watch(self) -> None:
        """Replace dead workers until SIGTERM / SIGINT (a failed replacement is retried a second later)."""
        while not self.stopping:
            for index, proc in enumerate(self.procs):
                if proc is not None and proc.poll() is not None and not self.stopping:
                    log.warning("worker %d exited (%s): starting a replacement", proc.pid, proc.returncode)
                    self._forget_metrics(proc.pid)
                    try:
                        self.procs[index] = self._spawn(index, first=False)
                    except RuntimeError as exc:
                        log.error("replacement worker failed: %s", exc)
                        time.sleep(1.0)
            time.sleep(0.1)

    def _forget_metrics(self, pid: int) -> None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid, self.metrics_dir)  # type: ignore[no-untyped-call]

    def stop(self) -> int:
        """SIGTERM every worker and wait; 0 when all exited cleanly. Removes the metrics folder."""
        live = [p for p in self.procs if p is not None]
        for proc in live:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        codes = []
        for proc in live:
            try:
                codes.append(proc.wait(timeout=20))
            except subprocess.TimeoutExpired:
                proc.kill()
                codes.append(proc.wait())
        for sock in self.socks:
            sock.close()
        shutil.rmtree(self.metrics_dir, ignore_errors=True)
        return 0 if all(code == 0 for code in codes) else 1


def run_supervisor(child_args: Sequence[str], host: str, port: int, workers: int, listening: str) -> int:
    """Bind, start ``workers`` workers, print ``listening`` (formatted with the port) once all accept
    connections, then supervise until SIGTERM / SIGINT. Returns the exit status."""
    socks = reuseport_sockets(host, port, workers)
    supervisor = Supervisor(child_args, socks)
    try:
        supervisor.start()
        shown = f"[{host}]" if ":" in host else host
        sys.stdout.write(listening.format(host=shown, port=socks[0].getsockname()[1]) + "\n")
        sys.stdout.flush()
        supervisor.watch()
    finally:
        code = supervisor.stop()
    return code
