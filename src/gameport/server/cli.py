"""``python -m gameport.server`` — run the servers, repair and reconcile.

::

    backend        --host 127.0.0.1 --port 0 --db PATH --config PATH
    mock-platform  --host 127.0.0.1 --port 0 --backend-url URL --config PATH
    repair         --db PATH --config PATH [--expire-after SECONDS]
    reconcile      --db PATH --config PATH [--platform-export PATH]

Servers print exactly one line to stdout once they accept connections (``--port 0`` picks a free port)::

    gameport-server listening on http://127.0.0.1:PORT

and stop cleanly (exit 0) on SIGTERM / SIGINT. Logs go to stderr. ``repair`` and ``reconcile`` print a report
and exit 0 when consistent, 1 otherwise (2 for a usage or configuration error).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from .backend_app import create_backend_app, open_backend
from .config import ServerConfig, load_config
from .errors import ConfigError
from .mock_platform_app import MockPlatform, create_mock_platform_app
from .reconcile import reconcile, repair

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


async def serve(app: ASGIApp, host: str, port: int) -> int:
    """Serve ``app`` until SIGTERM/SIGINT; print the listening line once ready."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    config = uvicorn.Config(
        app, log_config=None, access_log=False, lifespan="on", timeout_graceful_shutdown=5, backlog=2048
    )
    server = _AnnouncingServer(config, LISTENING.format(host=shown, port=sock.getsockname()[1]))
    # uvicorn re-raises a captured signal after its graceful shutdown; ours are no-ops so the exit is clean.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: None)
    await server.serve(sockets=[sock])
    sock.close()
    return 0 if server.started else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gameport.server", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("backend", "mock-platform"):
        p = sub.add_parser(name)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=0)
        p.add_argument("--config", required=True, type=Path)
        if name == "backend":
            p.add_argument("--db", required=True, help="a SQLite file, or a postgresql:// URL")
        else:
            p.add_argument("--backend-url", default="", help="where webhooks go (also settable at runtime)")
            p.add_argument("--webhook-path", default="/api/tiktok/webhook")
    for name in ("repair", "reconcile"):
        p = sub.add_parser(name)
        p.add_argument("--db", required=True, help="a SQLite file, or a postgresql:// URL")
        p.add_argument("--config", required=True, type=Path)
        if name == "repair":
            p.add_argument("--expire-after", type=float, default=None, help="seconds (default: config)")
        else:
            p.add_argument("--platform-export", type=Path, default=None, help="JSON list of platform orders")
    return parser


async def _offline(args: argparse.Namespace, config: ServerConfig) -> int:
    backend = open_backend(config, args.db)
    try:
        await backend.stores.start()
        if args.command == "repair":
            expire = config.pending_expiry_s if args.expire_after is None else args.expire_after
            rep = await repair(backend.ledger, backend.sessions, backend.tiktok, config.catalog,
                               environment=config.environment, expire_after_s=expire)  # fmt: skip
            print(rep.render(), flush=True)
            return 1 if rep.errors else 0
        export: list[dict[str, Any]] | None = None
        if args.platform_export is not None:
            raw = json.loads(args.platform_export.read_text(encoding="utf-8"))
            export = raw["orders"] if isinstance(raw, dict) else raw
        report = await reconcile(backend.ledger, backend.sessions, backend.tiktok, platform_export=export)
        print(report.render(), flush=True)
        return 0 if report.consistent else 1
    finally:
        await backend.aclose()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    if args.command == "backend":
        return asyncio.run(serve(create_backend_app(open_backend(config, args.db)), args.host, args.port))
    if args.command == "mock-platform":
        state = MockPlatform(
            client_key=config.tiktok.client_key, client_secret=config.tiktok.client_secret,
            meta_app_secret=config.meta.app_secret, backend_url=args.backend_url.rstrip("/"),
            webhook_path=args.webhook_path, is_sandbox=config.environment == "sandbox",
        )  # fmt: skip
        return asyncio.run(serve(create_mock_platform_app(state), args.host, args.port))
    return asyncio.run(_offline(args, config))
