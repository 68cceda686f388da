"""The reference game backend (ASGI, Starlette). Prices live here only; the client sends product ids.

All routes answer CORS (``*``). Errors are ``{"error": {"code", "message"}}`` with a 4xx (5xx only for our own
faults or 502 when TikTok fails). Authenticated routes take ``Authorization: Bearer <session>`` from a login.

* ``GET  /api/health`` → ``{ok}``.
* ``GET  /api/catalog?platform=tiktok|meta|web`` → ``{platform, products: [{product_id, title, description,
  price, currency, grants}]}``.
* ``POST /api/tiktok/login`` ``{code}`` (from ``TTMinis.game.login``) → ``{session, open_id}``.
* ``POST /api/meta/nonce`` → ``{nonce, expires_in}``: pass it to ``getSignedPlayerInfoAsync(nonce)``.
* ``POST /api/meta/login`` ``{signed_player_info}`` (``SignedPlayerInfo.getSignature()``) → ``{session,
  player_id}``; the nonce inside is consumed once.
* ``POST /api/tiktok/orders`` ``{product_id}`` (TikTok session) → ``{order_id, trade_order_id, status}``: pass
  ``trade_order_id`` to ``TTMinis.game.pay``, then poll ``/api/orders/{order_id}``.
* ``POST /api/meta/purchases`` ``{signed_request}`` (Meta session) → ``{order_id, status, delivered,
  delivered_now, consume, purchase_token, ...}``: verify, deliver exactly once per ``purchase_token``, then
  the client calls ``consumePurchaseAsync``. Re-sending the same purchase is safe (:mod:`.purchase_routes`).
* ``GET|POST /api/meta/webhook``: Meta's IAP payment webhooks, handshake and notifications
  (:mod:`.meta_webhook`).
* ``POST /api/web/orders`` ``{product_id}`` (web session) → ``{order_id, pay_url, status, ...}`` and
  ``POST /api/web/webhook``: the sandbox web checkout (:mod:`.web_checkout`).
* ``POST /api/tiktok/webhook``: TikTok's webhook (``TikTok-Signature``). 2xx once durably recorded
  (:mod:`.webhook_route`).
* ``GET  /metrics``: Prometheus text format (:mod:`.metrics`).
* ``GET  /api/orders/{order_id}`` (owner's session) → ``{order_id, platform, product_id, status, delivered}``.
* ``GET  /api/grants`` (session) → ``{user_id, platform, grants: [{order_id, product_id, items, granted_at}],
  totals}``: every grant of the player on this platform, oldest first (what the client's ``restore()`` reads).
  A refunded order's grant stays listed (``totals`` counts it): taking goods back is the game's decision.
* ``POST /api/web/login`` ``{token}`` (the web platform's ``web-dev.<id>``) → ``{session, player_id}``;
  sandbox only, 403 ``dev_login_disabled`` in production (:mod:`.dev_login`).
* ``POST /api/leaderboards/{board}/scores`` ``{score, extra?}`` (session) → ``{board, improved, entry}``;
  ``GET`` the same path ``?count=&offset=`` → ``{board, total, entries}`` (:mod:`.leaderboard_routes`).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .catalog import META, PLATFORMS, TIKTOK, refuse_client_price
from .config import ServerConfig
from .dev_login import web_login_route
from .errors import BadRequestError, ServerError, TikTokOAuthError
from .faults import armed, crash_point
from .fulfilment import user_access_token
from .http_util import field, json_object, log, server_error_handler
from .leaderboard_routes import leaderboard_routes
from .leaderboard_store import LeaderboardStore
from .ledger import LedgerStore, SessionStore, StoredTokens
from .meta_signed import verify_signed_player_info_async
from .meta_webhook import meta_webhook_routes
from .metrics import LatencyMiddleware, counting_signature_failures, metrics_route
from .nonce_store import AsyncNonceStore
from .purchase_routes import meta_purchase_route
from .recovery import recover_all
from .risk import velocity_flags
from .session_auth import bearer_token, require_session, unauthorized
from .stores import Stores, open_stores
from .tiktok_api import TikTokApiClient
from .web_checkout import web_checkout_routes
from .webhook_route import tiktok_webhook_route

NONCE_TTL_S = 300.0


@dataclass
class Backend:
    """Everything a request handler needs."""

    config: ServerConfig
    stores: Stores
    tiktok: TikTokApiClient

    @property
    def ledger(self) -> LedgerStore:
        return self.stores.ledger

    @property
    def sessions(self) -> SessionStore:
        return self.stores.sessions

    @property
    def nonces(self) -> AsyncNonceStore:
        return self.stores.nonces

    @property
    def leaderboards(self) -> LeaderboardStore:
        return self.stores.leaderboards

    async def user_token(self, open_id: str) -> str:
        """A valid ``act.`` token for ``open_id``, refreshed when (nearly) expired."""
        return await user_access_token(self.sessions, self.tiktok, open_id)

    async def aclose(self) -> None:
        """Close the TikTok client and every database connection."""
        await self.tiktok.aclose()
        await self.stores.close()


def build_routes(backend: Backend) -> list[Route]:
    cfg = backend.config

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "service": "gameport-backend", "environment": cfg.environment})

    async def catalog(request: Request) -> Response:
        platform = request.query_params.get("platform", TIKTOK)
        if platform not in PLATFORMS:
            raise BadRequestError(f"platform must be one of {PLATFORMS}")
        products = [p.public(platform) for p in cfg.catalog.for_platform(platform)]
        return JSONResponse({"platform": platform, "products": products})

    async def tiktok_login(request: Request) -> Response:
        code = field(await json_object(request), "code", str)
        try:
            tokens = await backend.tiktok.exchange_code(code)
        except TikTokOAuthError as exc:
            if exc.error not in ("invalid_grant", "invalid_request", "access_denied"):
                raise  # our configuration or TikTok itself: 502
            refused = BadRequestError("login code refused by TikTok", status=401, code="invalid_login_code")
            raise refused from exc
        await backend.sessions.save_tokens(StoredTokens(**vars(tokens)))
        session = await backend.sessions.create_session(TIKTOK, tokens.open_id)
        return JSONResponse({"session": session, "open_id": tokens.open_id})

    async def meta_nonce(request: Request) -> Response:
        nonce = await backend.nonces.issue(ttl_s=NONCE_TTL_S, now=time.time())
        return JSONResponse({"nonce": nonce, "expires_in": NONCE_TTL_S})

    async def meta_login(request: Request) -> Response:
        signed = field(await json_object(request), "signed_player_info", str)
        with counting_signature_failures("meta_player_info", cfg.environment):
            info = await verify_signed_player_info_async(
                signed, cfg.meta.app_secret, backend.nonces, max_age_s=cfg.meta.player_info_max_age_s
            )
        session = await backend.sessions.create_session(META, info.player_id)
        return JSONResponse({"session": session, "player_id": info.player_id})

    async def tiktok_order(request: Request) -> Response:
        _, open_id = await require_session(backend.sessions, request, TIKTOK)
        body = await json_object(request)
        refuse_client_price(body)
        product = cfg.catalog.get(field(body, "product_id", str))
        amount, currency = product.price_for(TIKTOK)
        since = time.time() - cfg.risk.velocity_window_s
        recent = await backend.ledger.count_orders_since(open_id, TIKTOK, since) + 1
        access_token = await backend.user_token(open_id)
        order = await backend.ledger.create_order(
            platform=TIKTOK, environment=cfg.environment, user_id=open_id, product_id=product.product_id,
            amount=amount, currency=currency, risk_flags=tuple(velocity_flags(recent, cfg.risk)),
        )  # fmt: skip
        try:
            trade_order_id = await backend.tiktok.create_trade_order(
                access_token, token_amount=int(amount), order_id=order.order_id,
                product_name=product.title, product_id=product.product_id,
            )  # fmt: skip
        except ServerError as exc:
            await backend.ledger.fail(order.order_id, reason=f"trade order create failed: {exc}")
            raise
        order = await backend.ledger.attach_platform_ref(order.order_id, trade_order_id)
        return JSONResponse(
            {"order_id": order.order_id, "trade_order_id": trade_order_id, "status": order.status.value}
        )

    async def order_status(request: Request) -> Response:
        # every paying client polls this every 1-2 s: the session and the order in one read
        token = bearer_token(request)
        session, order = await backend.ledger.session_order(token, request.path_params["order_id"])
        if session is None:
            raise unauthorized()
        if order is None:  # unknown, or another player's (or the same player's on another platform)
            raise BadRequestError("no such order", status=404, code="not_found")
        return JSONResponse(order.public())

    async def grants(request: Request) -> Response:
        platform, user_id = await require_session(backend.sessions, request)
        rows = await backend.ledger.grants(user_id, platform)
        totals: dict[str, int] = {}
        for grant in rows:
            for item, count in grant.items.items():
                totals[item] = totals.get(item, 0) + count
        items = [{"order_id": g.order_id, "product_id": g.product_id, "items": dict(g.items),
                  "granted_at": g.granted_at} for g in rows]  # fmt: skip
        return JSONResponse({"user_id": user_id, "platform": platform, "grants": items, "totals": totals})

    post = ["POST"]
    return [
        Route("/api/health", health, methods=["GET"]),
        Route("/api/catalog", catalog, methods=["GET"]),
        Route("/api/tiktok/login", tiktok_login, methods=post),
        Route("/api/meta/nonce", meta_nonce, methods=post),
        Route("/api/meta/login", meta_login, methods=post),
        Route("/api/tiktok/orders", tiktok_order, methods=post),
        meta_purchase_route(cfg, backend.ledger, backend.sessions),
        *meta_webhook_routes(cfg, backend.ledger),
        *web_checkout_routes(cfg, backend.ledger, backend.sessions),
        tiktok_webhook_route(cfg, backend.ledger),
        metrics_route(backend.stores.stats),
        Route("/api/orders/{order_id}", order_status, methods=["GET"]),
        Route("/api/grants", grants, methods=["GET"]),
        web_login_route(cfg.environment, backend.sessions),
        *leaderboard_routes(backend.leaderboards, backend.sessions),
        *meta_webhook_routes(cfg, backend.ledger),
        *web_checkout_routes(cfg, backend.ledger, backend.sessions),
    ]


def _before_commit_crash() -> Callable[[], None] | None:
    """The ledger's before-commit seam, set only when a test arms that crash point: without it PostgreSQL
    delivers in one autocommit statement instead of a transaction around it."""
    return (lambda: crash_point("before_commit")) if armed("before_commit") else None


def open_backend(
    config: ServerConfig,
    db: str | Path,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    pool_size: int = 8,
) -> Backend:
    """Open the database (orders, sessions, nonces, leaderboards) and build the TikTok client.

    ``db`` is a SQLite file path or a ``postgresql://`` URL (:func:`~.stores.open_stores`); ``transport``
    routes the TikTok client in-process in tests. Raises :class:`~.errors.SchemaError` for a newer schema.
    """
    return Backend(
        config=config,
        stores=open_stores(db, before_commit=_before_commit_crash(), pool_size=pool_size),
        tiktok=TikTokApiClient(
            client_key=config.tiktok.client_key, client_secret=config.tiktok.client_secret,
            base_url=config.tiktok.api_base_url, timeout_s=config.tiktok.timeout_s,
            max_retries=config.tiktok.max_retries, transport=transport,
        ),
    )  # fmt: skip


def create_backend_app(backend: Backend) -> Starlette:
    """The ASGI app; start-up re-applies callbacks recorded before a crash, shutdown closes everything."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await backend.stores.start()
        recovered = await recover_all(backend.ledger, backend.config.catalog, backend.config.environment)
        if recovered:
            log.warning("recovered %d unprocessed callback(s) after restart", recovered)
        try:
            yield
        finally:
            await backend.aclose()

    cors = Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"], allow_headers=["*"])
    return Starlette(
        routes=build_routes(backend), middleware=[Middleware(LatencyMiddleware), cors], lifespan=lifespan,
        exception_handlers={ServerError: server_error_handler},
    )  # fmt: skip
