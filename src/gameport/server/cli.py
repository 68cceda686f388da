"""``python -m gameport.server`` — run the servers; repair, reconcile and inspect the ledger.

::

    backend        --host 127.0.0.1 --port 0 --db DB --config PATH [--workers N] [--pool-size 8]
    mock-platform  --host 127.0.0.1 --port 0 --backend-url URL --config PATH
    repair         --db DB --config PATH [--expire-after SECONDS]
    reconcile      --db DB --config PATH [--platform-export PATH]
    order ORDER_ID --db DB --config PATH          (the order, its events, callbacks and grant: JSON)
    grants         --db DB --config PATH --user ID --platform tiktok|meta|web
    export         --db DB --config PATH --since T --until T [--environment E] [--out FILE.csv]

``DB`` is a SQLite file or a ``postgresql://`` URL (or the config's ``database``). ``--workers N`` runs N
backend processes behind the one port (:mod:`.workers`). Servers print exactly one line to stdout once they
accept connections (``--port 0`` picks a free port)::

    gameport-server listening on http://127.0.0.1:PORT

and stop cleanly (exit 0) on SIGTERM / SIGINT. Logs go to stderr as JSON lines. ``repair`` and ``reconcile``
print a report (and keep its figures for ``/metrics``) and exit 0 when consistent, 1 otherwise; ``order``
exits 1 for an unknown order; every command exits 2 for a usage or configuration error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from .backend_app import Backend, create_backend_app, open_backend
from .config import ServerConfig, load_config
from .errors import BadRequestError, ConfigError
from .json_logs import setup_logging
from .mock_platform_app import MockPlatform, MockPurchases, create_mock_platform_app
from .operator_cmds import export_csv, parse_time, show_grants, show_order
from .reconcile import reconcile, repair
from .web_repair import repair_web
from .workers import run_supervisor

LISTENING = "gameport-server listening on http://{host}:{port}"


class _AnnouncingServer(uvicorn.Server):
    """A uvicorn server that prints the listening line once it accepts connections."""

    def __init__(self, config: uvicorn.Config, line: str) -> None:
        super().__init__(config)
        self._line = line

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            sys.stdout.write(self._line + "\n")
            sys.stdout.flush()


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket on ``host:port`` (0: a free port).

    The protocol is named (``IPPROTO_TCP``, not 0) because asyncio sets ``TCP_NODELAY`` on accepted
    connections only when it sees it; without it, Nagle's algorithm and the client's delayed ACK held
    every keep-alive response for 40 ms.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


async def serve(app: ASGIApp, sock: socket.socket) -> int:
    """Serve ``app`` on ``sock`` until SIGTERM/SIGINT; print the listening line once ready."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if sock.family == socket.AF_INET6 else host
    config = uvicorn.Config(
        app, log_config=None, access_log=False, lifespan="on", timeout_graceful_shutdown=5, backlog=2048
    )
    server = _AnnouncingServer(config, LISTENING.format(host=shown, port=port))
    # uvicorn re-raises a captured signal after its graceful shutdown; ours are no-ops so the exit is clean.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: None)
    await server.serve(sockets=[sock])
    sock.close()
    return 0 if server.started else 1


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, not {text!r}")
    return int(text)


def _time_arg(text: str) -> float:
    try:
        return parse_time(text)
    except BadRequestError as exc:  # argparse prints it and exits 2
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gameport.server", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("backend", "mock-platform"):
        p = sub.add_parser(name)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=0)
        p.add_argument("--config", required=True, type=Path)
        if name == "backend":
            p.add_argument("--db", default=None, help="a SQLite file or a postgresql:// URL (else config)")
            p.add_argument(
                "--workers", type=_positive, default=1, help="backend processes behind the one port"
            )
            p.add_argument(
                "--pool-size", type=_positive, default=8, help="PostgreSQL connections per process"
            )
            p.add_argument("--worker-fd", type=int, default=None, help=argparse.SUPPRESS)
        else:
            p.add_argument("--backend-url", default="", help="where webhooks go (also settable at runtime)")
            p.add_argument("--webhook-path", default="/api/tiktok/webhook")
            # a socket bound by the caller (tests start the backend meanwhile, already knowing this URL)
            p.add_argument("--listen-fd", type=int, default=None, help=argparse.SUPPRESS)
    for name in ("repair", "reconcile", "order", "grants", "export"):
        p = sub.add_parser(name)
        p.add_argument("--db", default=None, help="a SQLite file or a postgresql:// URL (else config)")
        p.add_argument("--config", required=True, type=Path)
        if name == "repair":
            p.add_argument("--expire-after", type=float, default=None, help="seconds (default: config)")
        elif name == "reconcile":
            p.add_argument("--platform-export", type=Path, default=None, help="JSON list of platform orders")
        elif name == "order":
            p.add_argument("order_id")
        elif name == "grants":
            p.add_argument("--user", required=True)
            p.add_argument("--platform", required=True, choices=["tiktok", "meta", "web"])
        else:
            p.add_argument("--since", required=True, type=_time_arg, help="ISO 8601 (UTC) or unix seconds")
            p.add_argument("--until", required=True, type=_time_arg, help="exclusive")
            p.add_argument("--environment", choices=["sandbox", "production"], default=None)
            p.add_argument("--out", type=Path, default=None, help="CSV file (default: stdout)")
    return parser


async def _maintenance(args: argparse.Namespace, config: ServerConfig, backend: Backend) -> int:
    env = config.environment
    if args.command == "repair":
        expire = config.pending_expiry_s if args.expire_after is None else args.expire_after
        rep = await repair(backend.ledger, backend.sessions, backend.tiktok, config.catalog,
                           environment=env, expire_after_s=expire)  # fmt: skip
        await repair_web(backend.ledger, config.catalog, config, rep, expire_after_s=expire)
        await backend.stores.stats.record_maintenance("repair", env, {
            "recovered_callback": rep.recovered_callbacks, "delivered": len(rep.delivered),
            "failed": len(rep.failed), "pending": len(rep.pending), "error": len(rep.errors),
        })  # fmt: skip
        print(rep.render(), flush=True)
        return 1 if rep.errors else 0
    export: list[dict[str, Any]] | None = None
    if args.platform_export is not None:
        raw = json.loads(args.platform_export.read_text(encoding="utf-8"))
        export = raw["orders"] if isinstance(raw, dict) else raw
    report = await reconcile(backend.ledger, backend.sessions, backend.tiktok, platform_export=export)
    await backend.stores.stats.record_maintenance("reconcile", env, {
        "checked": report.checked, "mismatch": len(report.mismatches), "refund": len(report.refunds),
        "error": len(report.errors),
    })  # fmt: skip
    print(report.render(), flush=True)
    return 0 if report.consistent else 1


async def _offline(args: argparse.Namespace, config: ServerConfig, db: str) -> int:
    backend = open_backend(config, db)
    try:
        await backend.stores.start()
        if args.command in ("repair", "reconcile"):
            return await _maintenance(args, config, backend)
        if args.command == "order":
            return await show_order(backend.stores, args.order_id, sys.stdout)
        if args.command == "grants":
            return await show_grants(backend.stores, args.user, args.platform, sys.stdout)
        if args.out is None:
            await export_csv(backend.stores, args.since, args.until, args.environment, sys.stdout)
        else:
            with args.out.open("w", encoding="utf-8", newline="") as out:
                count = await export_csv(backend.stores, args.since, args.until, args.environment, out)
            print(f"exported {count} order(s) to {args.out}", file=sys.stderr)
        return 0
    finally:
        await backend.aclose()


def _backend(args: argparse.Namespace, config: ServerConfig, db: str) -> int:
    if args.workers > 1 and args.worker_fd is None:
        child = ["--config", str(args.config), "--db", db, "--pool-size", str(args.pool_size)]
        try:
            return run_supervisor(child, args.host, args.port, args.workers, LISTENING)
        except (RuntimeError, OSError) as exc:  # a worker that cannot start (database down, bad schema)
            print(f"backend did not start: {exc}", file=sys.stderr)
            return 1
    if args.worker_fd is not None:
        sock = socket.socket(fileno=args.worker_fd)
    else:
        sock = listening_socket(args.host, args.port)
    app = create_backend_app(open_backend(config, db, pool_size=args.pool_size))
    return asyncio.run(serve(app, sock))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    setup_logging()
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    db = getattr(args, "db", None) or config.database
    if args.command != "mock-platform" and not db:
        print(
            "no database: pass --db (a SQLite file or a postgresql:// URL) or set 'database'", file=sys.stderr
        )
        return 2
    if args.command == "backend":
        return _backend(args, config, str(db))
    if args.command == "mock-platform":
        state = MockPlatform(
            client_key=config.tiktok.client_key, client_secret=config.tiktok.client_secret,
            meta_app_secret=config.meta.app_secret, backend_url=args.backend_url.rstrip("/"),
            webhook_path=args.webhook_path, is_sandbox=config.environment == "sandbox",
        )  # fmt: skip
        app = create_mock_platform_app(state, MockPurchases(web_secret=config.web.webhook_secret))
        if args.listen_fd is not None:
            sock = socket.socket(fileno=args.listen_fd)
        else:
            sock = listening_socket(args.host, args.port)
        return asyncio.run(serve(app, sock))
    return asyncio.run(_offline(args, config, str(db)))
