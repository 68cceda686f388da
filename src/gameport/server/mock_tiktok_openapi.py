"""The TikTok Open API half of the mock platform: OAuth and the Minis business endpoints (A.5, A.6), with the
real paths, field names, envelopes and documented error codes, plus the mock's in-memory state.

See :mod:`.mock_platform_app` for the whole route list.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .errors import BadRequestError
from .http_util import field as body_field
from .http_util import json_object, read_body
from .unconfirmed import (
    TIKTOK_CHECK_AMOUNTS_PATH,
    TIKTOK_OAUTH_TOKEN_PATH,
    TIKTOK_ORDER_CREATE_PATH,
    TIKTOK_ORDER_QUERY_PATH,
    TIKTOK_TIER_INFOS_PATH,
)

BusinessHandler = Callable[[dict[str, Any], str], Awaitable[Response]]

TIERS = {str(i): amount for i, amount in enumerate((1, 5, 10, 50, 100, 500, 1000), start=1)}


@dataclass
class MockOrder:
    trade_order_id: str
    order_id: str
    open_id: str
    token_amount: int
    product_name: str
    product_id: str | None
    status: str = "PENDING"
    created_at: float = field(default_factory=time.time)


@dataclass
class MockPlatform:
    """The mock's whole state (in memory)."""

    client_key: str
    client_secret: str
    meta_app_secret: str
    backend_url: str = ""
    webhook_path: str = "/api/tiktok/webhook"
    is_sandbox: bool = True
    codes: dict[str, str] = field(default_factory=dict)
    access: dict[str, tuple[str, float]] = field(default_factory=dict)
    refresh: dict[str, tuple[str, float]] = field(default_factory=dict)
    orders: dict[str, MockOrder] = field(default_factory=dict)
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    faults: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    http: httpx.AsyncClient | None = None


def _envelope(
    data: dict[str, Any] | None, code: str = "ok", message: str = "", status: int = 200
) -> Response:
    log_id = secrets.token_hex(8)
    return JSONResponse(
        {"data": data or {}, "error": {"code": code, "message": message, "log_id": log_id}},
        status_code=status,
    )


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    body = {"error": error, "error_description": description, "log_id": secrets.token_hex(8)}
    return JSONResponse(body, status_code=status)


def openapi_routes(state: MockPlatform) -> list[Route]:
    """Routes of the mocked TikTok Open API over ``state``."""

    def _tokens(open_id: str) -> dict[str, Any]:
        now = time.time()
        access, refresh = "act." + secrets.token_urlsafe(24), "rft." + secrets.token_urlsafe(24)
        state.access[access] = (open_id, now + 86400)
        state.refresh[refresh] = (open_id, now + 31536000)
        return {
            "access_token": access,
            "expires_in": 86400,
            "open_id": open_id,
            "refresh_token": refresh,
            "refresh_expires_in": 31536000,
            "scope": "user.info.basic",
            "token_type": "Bearer",
        }

    async def oauth_token(request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await read_body(request)).decode("utf-8", "replace")).items()}
        if form.get("client_key") != state.client_key or form.get("client_secret") != state.client_secret:
            return _oauth_error("invalid_client", "client_key or client_secret is wrong", 401)
        grant = form.get("grant_type")
        if grant == "authorization_code":
            open_id = state.codes.pop(form.get("code", ""), None)
            return (
                _oauth_error("invalid_grant", "code invalid or used")
                if open_id is None
                else JSONResponse(_tokens(open_id))
            )
        if grant == "refresh_token":
            entry = state.refresh.pop(form.get("refresh_token", ""), None)
            if entry is None or entry[1] < time.time():
                return _oauth_error("invalid_grant", "refresh token invalid")
            return JSONResponse(_tokens(entry[0]))
        return _oauth_error("unsupported_grant_type", f"grant_type {grant!r}")

    def _business(handler: BusinessHandler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            queued = state.faults.get(request.url.path)
            if queued:
                code, status = queued.pop(0)
                if code.startswith("http_"):
                    return Response("unavailable", status_code=status)
                return _envelope(None, code, "injected fault", status)
            auth = request.headers.get("authorization", "")
            entry = state.access.get(auth.removeprefix("Bearer ").strip())
            if not auth.startswith("Bearer ") or entry is None or entry[1] < time.time():
                return _envelope(None, "access_token_invalid", "user access token required", 401)
            try:
                body = await json_object(request)
                result: Response = await handler(body, entry[0])
            except BadRequestError as exc:
                return _envelope(None, "invalid_params", str(exc), 400)
            return result

        return endpoint

    async def create_order(body: dict[str, Any], open_id: str) -> Response:
        info = body_field(body, "order_info", dict)
        amount = body_field(body, "token_amount", int)
        order_id, name = body_field(info, "order_id", str), body_field(info, "product_name", str)
        if body.get("token_type") != "BEANS" or amount <= 0:
            return _envelope(None, "40001000", "token_type must be BEANS, token_amount > 0", 400)
        if any(o.order_id == order_id for o in state.orders.values()):
            return _envelope(None, "20021002", "duplicate order_id", 400)
        trade_order_id = "tto_" + secrets.token_hex(10)
        product_id = info.get("product_id") if isinstance(info.get("product_id"), str) else None
        state.orders[trade_order_id] = MockOrder(trade_order_id, order_id, open_id, amount, name, product_id)
        return _envelope({"trade_order_id": trade_order_id})

    async def query_order(body: dict[str, Any], open_id: str) -> Response:
        order = state.orders.get(body_field(body, "trade_order_id", str))
        if order is None:
            return _envelope(None, "20011002", "order does not exist", 400)
        return _envelope({"trade_order_id": order.trade_order_id, "trade_order_status": order.status})

    async def tier_infos(body: dict[str, Any], open_id: str) -> Response:
        ids = body_field(body, "tier_ids", list)
        if not all(isinstance(i, str) and i in TIERS for i in ids):
            return _envelope(None, "20001003", "tier ID invalid", 400)
        infos = {
            i: {
                "tier_id": i,
                "tier_name": f"Tier {i}",
                "token_type": "BEANS",
                "token_amount": TIERS[i],
                "price": f"{TIERS[i] * 0.0119:.2f}",
                "currency": "USD",
                "symbol": "$",
            }
            for i in ids
        }
        return _envelope({"tier_infos": infos})

    async def check_amounts(body: dict[str, Any], open_id: str) -> Response:
        amounts = body_field(body, "token_amounts", list)
        return _envelope({"valid": all(isinstance(a, int) and a in TIERS.values() for a in amounts)})

    post = ["POST"]
    return [
        Route(TIKTOK_OAUTH_TOKEN_PATH, oauth_token, methods=post),
        Route(TIKTOK_ORDER_CREATE_PATH, _business(create_order), methods=post),
        Route(TIKTOK_ORDER_QUERY_PATH, _business(query_order), methods=post),
        Route(TIKTOK_TIER_INFOS_PATH, _business(tier_infos), methods=post),
        Route(TIKTOK_CHECK_AMOUNTS_PATH, _business(check_amounts), methods=post),
    ]
