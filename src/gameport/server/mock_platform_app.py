"""A mock of the platforms' servers (ASGI, Starlette), for tests and local development only.

It holds the secrets the real platforms hold (TikTok client secret, Meta app secret), so they never reach the
page. Every route answers CORS (``*``), because the JS SDK mocks run in a page on another origin.

TikTok Open API (real paths and shapes, A.5/A.6):

* ``POST /v2/oauth/token/`` form ``client_key, client_secret, grant_type, code | refresh_token``.
* ``POST /v2/minis/trade_order/create/``, ``/v2/minis/trade_order/query/``,
  ``/v2/minis/utility/get_tier_infos/``, ``/v2/minis/utility/check_redeem_amounts/``;
  ``Authorization: Bearer act.…`` of a user.

Mock control surface (JSON in, JSON out):

* ``POST /mock/tiktok/login_code`` ``{open_id?}`` → ``{code}``: a one-time code for ``/v2/oauth/token/``.
* ``POST /mock/tiktok/pay`` ``{trade_order_id, outcome: "success"|"fail", webhook?: true}`` → marks the order
  SUCCESS and sends the signed ``minis.trade_order.redeem.success`` webhook (unless ``webhook`` is false) →
  ``{ok, webhook_status}``; 404 for an unknown order. ``fail`` leaves the order PENDING and sends nothing.
* ``POST /mock/tiktok/webhooks`` ``{trade_order_id, event: "success"|"refund"|<event name>, copies?: 1,
  refund_amount?, resign?: false, age_s?: 0}`` → sends ``copies`` webhooks *concurrently* (identical bytes
  unless ``resign``; ``age_s`` back-dates ``t``) → ``{statuses: [...]}``.
* ``POST /mock/tiktok/alter`` ``{trade_order_id, status?, token_amount?, open_id?, product_id?, delete?}``:
  changes the mock's record (reconciliation tests). ``POST /mock/tiktok/inject`` ``{order_id, open_id,
  token_amount, status?, product_id?}`` → ``{trade_order_id}``: a platform-only order.
* ``GET /mock/tiktok/orders`` → ``{orders: [...]}``: the platform export used by reconciliation.
* ``GET /mock/tiktok/deliveries`` → ``{deliveries: [{trade_order_id, event, status, error}]}``.
* ``POST /mock/tiktok/fault`` ``{path, code, http_status?: 400, count?: 1}``: the next ``count`` calls to
  ``path`` answer that error (``code`` ``"http_<n>"`` answers a bare HTTP error).
* ``POST /mock/config`` ``{backend_url?, webhook_path?, is_sandbox?}``; ``GET /mock/health``.

Meta:

* ``POST /mock/meta/sign`` ``{payload: {...}}`` → ``{signed}``: ``<b64url sig>.<b64url payload>`` with the app
  secret, adding ``algorithm`` and ``issued_at`` when missing (for ``getSignedPlayerInfoAsync`` and
  ``purchaseAsync``).

The web checkout (``/mock/web/pay``, ``/mock/web/webhooks``, ``/mock/web/orders``) and Meta's payment webhooks
(``/mock/meta/webhooks``) are in :mod:`.mock_purchases`.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .errors import BadRequestError, ServerError
from .http_util import error_response, json_object, server_error_handler
from .http_util import field as body_field
from .meta_signed import sign_meta_payload
from .mock_purchases import MockPurchases, purchase_mock_routes
from .mock_tiktok_openapi import MockOrder, MockPlatform, openapi_routes
from .tiktok_webhook import build_webhook_body, sign_webhook
from .unconfirmed import TIKTOK_EVENT_PAID, TIKTOK_EVENT_REFUND_TRACEBACK, TIKTOK_SIGNATURE_HEADER


def create_mock_platform_app(state: MockPlatform, purchases: MockPurchases | None = None) -> Starlette:
    """Build the mock app around ``state`` (and ``purchases``, the web checkout's; default: unconfigured)."""

    async def send_webhook(
        order: MockOrder,
        event: str,
        *,
        copies: int = 1,
        refund_amount: int | None = None,
        resign: bool = False,
        age_s: int = 0,
    ) -> list[int | None]:
        client = state.http
        assert client is not None
        body = build_webhook_body(
            client_key=state.client_key,
            event=event,
            trade_order_id=order.trade_order_id,
            order_id=order.order_id,
            is_sandbox=state.is_sandbox,
            refund_amount=refund_amount,
        )
        header = sign_webhook(body, state.client_secret, timestamp=int(time.time()) - age_s)

        async def one() -> int | None:
            signature = sign_webhook(body, state.client_secret, timestamp=int(time.time()) - age_s)
            headers = {
                TIKTOK_SIGNATURE_HEADER: signature if resign else header,
                "Content-Type": "application/json",
            }
            status: int | None = None
            error = None
            try:
                response = await client.post(
                    state.backend_url + state.webhook_path,
                    content=body,
                    headers=headers,
                )
                status = response.status_code
            except httpx.HTTPError as exc:
                error = repr(exc)
            state.deliveries.append(
                {"trade_order_id": order.trade_order_id, "event": event, "status": status, "error": error}
            )
            return status

        return list(await asyncio.gather(*(one() for _ in range(copies))))

    def _order(body: dict[str, Any]) -> MockOrder:
        order = state.orders.get(body_field(body, "trade_order_id", str))
        if order is None:
            raise BadRequestError("unknown trade_order_id", status=404, code="not_found")
        return order

    async def login_code(request: Request) -> Response:
        body = await json_object(request)
        open_id = body_field(body, "open_id", str, required=False) or "oid_" + secrets.token_hex(8)
        code = "code_" + secrets.token_urlsafe(16)
        state.codes[code] = open_id
        return JSONResponse({"code": code})

    async def pay(request: Request) -> Response:
        body = await json_object(request)
        order = _order(body)
        outcome = body.get("outcome", "success")
        if outcome not in ("success", "fail"):
            raise BadRequestError("outcome must be 'success' or 'fail'")
        if outcome == "fail":
            return JSONResponse({"ok": True, "status": order.status, "webhook_status": None})
        order.status = "SUCCESS"
        statuses = [None] if body.get("webhook") is False else await send_webhook(order, TIKTOK_EVENT_PAID)
        return JSONResponse({"ok": True, "status": order.status, "webhook_status": statuses[0]})

    async def webhooks(request: Request) -> Response:
        body = await json_object(request)
        order = _order(body)
        name = body_field(body, "event", str, required=False) or "success"
        event = {"success": TIKTOK_EVENT_PAID, "refund": TIKTOK_EVENT_REFUND_TRACEBACK}.get(name, name)
        copies = body_field(body, "copies", int, required=False) or 1
        if not 1 <= copies <= 500:
            raise BadRequestError("copies must be 1..500")
        refund = body_field(body, "refund_amount", int, required=False)
        if event == TIKTOK_EVENT_REFUND_TRACEBACK and refund is None:
            refund = order.token_amount
        statuses = await send_webhook(
            order,
            event,
            copies=copies,
            refund_amount=refund,
            resign=body.get("resign") is True,
            age_s=body_field(body, "age_s", int, required=False) or 0,
        )
        return JSONResponse({"statuses": statuses})

    async def alter(request: Request) -> Response:
        body = await json_object(request)
        order = _order(body)
        if body.get("delete") is True:
            del state.orders[order.trade_order_id]
            return JSONResponse({"ok": True})
        for name, kind in (("status", str), ("token_amount", int), ("open_id", str), ("product_id", str)):
            if name in body:
                setattr(order, name, body_field(body, name, kind))
        return JSONResponse({"ok": True, "order": asdict(order)})

    async def inject(request: Request) -> Response:
        body = await json_object(request)
        trade_order_id = "tto_" + secrets.token_hex(10)
        state.orders[trade_order_id] = MockOrder(
            trade_order_id,
            body_field(body, "order_id", str),
            body_field(body, "open_id", str),
            body_field(body, "token_amount", int),
            "injected",
            body_field(body, "product_id", str, required=False),
            status=body_field(body, "status", str, required=False) or "SUCCESS",
        )
        return JSONResponse({"trade_order_id": trade_order_id})

    async def orders(request: Request) -> Response:
        return JSONResponse({"orders": [asdict(o) for o in state.orders.values()]})

    async def deliveries(request: Request) -> Response:
        return JSONResponse({"deliveries": state.deliveries})

    async def fault(request: Request) -> Response:
        body = await json_object(request)
        path, code = body_field(body, "path", str), body_field(body, "code", str)
        status = body_field(body, "http_status", int, required=False) or 400
        count = body_field(body, "count", int, required=False) or 1
        state.faults.setdefault(path, []).extend([(code, status)] * count)
        return JSONResponse({"ok": True})

    async def configure(request: Request) -> Response:
        body = await json_object(request)
        if "backend_url" in body:
            state.backend_url = body_field(body, "backend_url", str).rstrip("/")
        if "webhook_path" in body:
            state.webhook_path = body_field(body, "webhook_path", str)
        if "is_sandbox" in body:
            state.is_sandbox = body_field(body, "is_sandbox", bool)
        return JSONResponse({"ok": True})

    async def meta_sign(request: Request) -> Response:
        payload = body_field(await json_object(request), "payload", dict)
        return JSONResponse({"signed": sign_meta_payload(payload, state.meta_app_secret)})

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "service": "mock-platform"})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        limits = httpx.Limits(max_connections=512, max_keepalive_connections=64)
        async with httpx.AsyncClient(timeout=60.0, limits=limits) as client:
            state.http = client
            yield
            state.http = None

    post = ["POST"]
    routes = [
        *openapi_routes(state),
        Route("/mock/tiktok/login_code", login_code, methods=post),
        Route("/mock/tiktok/pay", pay, methods=post),
        Route("/mock/tiktok/webhooks", webhooks, methods=post),
        Route("/mock/tiktok/alter", alter, methods=post),
        Route("/mock/tiktok/inject", inject, methods=post),
        Route("/mock/tiktok/orders", orders, methods=["GET"]),
        Route("/mock/tiktok/deliveries", deliveries, methods=["GET"]),
        Route("/mock/tiktok/fault", fault, methods=post),
        Route("/mock/config", configure, methods=post),
        Route("/mock/meta/sign", meta_sign, methods=post),
        Route("/mock/health", health, methods=["GET"]),
        *purchase_mock_routes(state, purchases or MockPurchases()),
    ]
    cors = Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"], allow_headers=["*"])
    return Starlette(
        routes=routes,
        middleware=[cors],
        lifespan=lifespan,
        exception_handlers={ServerError: server_error_handler},
    )


__all__ = ["MockOrder", "MockPlatform", "MockPurchases", "create_mock_platform_app", "error_response"]
