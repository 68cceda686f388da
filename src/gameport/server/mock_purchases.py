"""The purchase half of the mock platform server: the sandbox web checkout and Meta's payment webhooks.

Web checkout (the ``pay_url`` that ``POST /api/web/orders`` hands out; CORS ``*``, so a web page can call it):

* ``POST /mock/web/pay`` ``{order_id, outcome: "success"|"cancel"|"fail", webhook?: true, copies?: 1,
  delay_ms?: 0}`` → ``{ok, outcome, order_id, payment_id?, webhook_statuses}``. ``success`` records the order
  as paid (one ``payment_id`` per order) and sends ``copies`` signed ``paid`` webhooks to the backend
  (concurrently; after ``delay_ms`` in the background, then ``webhook_statuses`` is empty; none with
  ``webhook: false``). ``cancel`` / ``fail`` send nothing. The mock does not know the backend's orders: it
  accepts any ``order_id`` and the backend ignores webhooks for orders it does not have.
* ``POST /mock/web/webhooks`` ``{order_id, copies?: 1, event?: "paid"|"refund", age_s?: 0}`` → ``{statuses}``:
  (re)sends webhooks for an order the mock saw paid (404 otherwise); ``age_s`` back-dates the signature.
* ``GET /mock/web/orders`` → ``{orders: [{order_id, payment_id, status: "paid"|"cancelled"|"failed",
  updated_at}]}``: what repair asks when a webhook never arrived.

Meta:

* ``POST /mock/meta/webhooks`` ``{field: "purchase"|"refund", value: {...}, copies?: 1, bad_signature?:
  false}`` → ``{statuses}``: sends the assumed-shape payments webhook of :mod:`.meta_webhook`, signed with the
  app secret (``bad_signature`` signs with another key).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .errors import BadRequestError
from .http_util import field as body_field
from .http_util import json_object
from .meta_webhook import META_WEBHOOK_PATH, sign_meta_webhook
from .mock_tiktok_openapi import MockPlatform
from .unconfirmed import META_WEBHOOK_FIELDS, META_WEBHOOK_OBJECT, META_WEBHOOK_SIGNATURE_HEADER
from .web_checkout import (
    WEB_EVENT_PAID,
    WEB_EVENT_REFUND,
    WEB_ORDERS_PATH,
    WEB_PAY_PATH,
    WEB_SIGNATURE_HEADER,
    WEB_WEBHOOK_PATH,
    build_web_webhook_body,
    sign_web_webhook,
)

OUTCOMES = {"success": "paid", "cancel": "cancelled", "fail": "failed"}


@dataclass
class MockWebOrder:
    order_id: str
    payment_id: str | None
    status: str
    updated_at: float = field(default_factory=time.time)


@dataclass
class MockPurchases:
    """The web checkout's state; ``web_secret`` is the config's ``web.webhook_secret`` (None: not set)."""

    web_secret: str | None = None
    web_orders: dict[str, MockWebOrder] = field(default_factory=dict)


def _copies(body: dict[str, Any]) -> int:
    copies = body_field(body, "copies", int, required=False) or 1
    if not 1 <= copies <= 500:
        raise BadRequestError("copies must be 1..500")
    return int(copies)


def purchase_mock_routes(platform: MockPlatform, state: MockPurchases) -> list[Route]:
    """The routes above; webhooks go to ``platform.backend_url`` with ``platform.http``."""

    async def post_all(path: str, body: bytes, headers: dict[str, str], copies: int) -> list[int | None]:
        async def one() -> int | None:
            client = platform.http
            if client is None:
                return None
            try:
                response = await client.post(platform.backend_url + path, content=body, headers=headers)
            except (httpx.HTTPError, RuntimeError):
                return None  # no backend (yet), or the mock is shutting down: the caller sees None
            return response.status_code

        return list(await asyncio.gather(*(one() for _ in range(copies))))

    async def send_web(order: MockWebOrder, event: str, copies: int, age_s: int = 0) -> list[int | None]:
        if state.web_secret is None:
            raise BadRequestError(
                "no web.webhook_secret configured", status=503, code="web_checkout_unconfigured"
            )
        body = build_web_webhook_body(order.order_id, event, str(order.payment_id))
        signature = sign_web_webhook(body, state.web_secret, timestamp=int(time.time()) - age_s)
        headers = {WEB_SIGNATURE_HEADER: signature, "Content-Type": "application/json"}
        return await post_all(WEB_WEBHOOK_PATH, body, headers, copies)

    async def web_pay(request: Request) -> Response:
        body = await json_object(request)
        order_id = body_field(body, "order_id", str)
        outcome = body.get("outcome", "success")
        if outcome not in OUTCOMES:
            raise BadRequestError("outcome must be 'success', 'cancel' or 'fail'")
        copies, delay_ms = _copies(body), body_field(body, "delay_ms", int, required=False) or 0
        if not 0 <= delay_ms <= 60_000:
            raise BadRequestError("delay_ms must be 0..60000")
        order = state.web_orders.get(order_id)
        if outcome != "success":
            if order is None or order.status != "paid":
                state.web_orders[order_id] = MockWebOrder(order_id, None, OUTCOMES[outcome])
            return JSONResponse(
                {"ok": True, "outcome": outcome, "order_id": order_id, "webhook_statuses": []}
            )
        if state.web_secret is None:
            raise BadRequestError(
                "no web.webhook_secret configured", status=503, code="web_checkout_unconfigured"
            )
        if order is None or order.payment_id is None:
            order = MockWebOrder(order_id, "wpay_" + secrets.token_hex(10), "paid")
            state.web_orders[order_id] = order
        answer: dict[str, Any] = {"ok": True, "outcome": outcome, "order_id": order_id,
                                  "payment_id": order.payment_id, "webhook_statuses": []}  # fmt: skip
        if body.get("webhook") is False:
            return JSONResponse(answer)
        if delay_ms:
            paid = order

            async def later() -> None:
                await asyncio.sleep(delay_ms / 1000)
                await send_web(paid, WEB_EVENT_PAID, copies)

            return JSONResponse(answer, background=BackgroundTask(later))
        answer["webhook_statuses"] = await send_web(order, WEB_EVENT_PAID, copies)
        return JSONResponse(answer)

    async def web_webhooks(request: Request) -> Response:
        body = await json_object(request)
        order = state.web_orders.get(body_field(body, "order_id", str))
        if order is None or order.payment_id is None:
            raise BadRequestError("no paid web order with that order_id", status=404, code="not_found")
        event = body_field(body, "event", str, required=False) or WEB_EVENT_PAID
        if event not in (WEB_EVENT_PAID, WEB_EVENT_REFUND):
            raise BadRequestError("event must be 'paid' or 'refund'")
        age_s = body_field(body, "age_s", int, required=False) or 0
        if not 0 <= age_s <= 10**9:
            raise BadRequestError("age_s must be 0..1e9")
        return JSONResponse({"statuses": await send_web(order, event, _copies(body), age_s)})

    async def web_orders(request: Request) -> Response:
        return JSONResponse({"orders": [asdict(o) for o in state.web_orders.values()]})

    async def meta_webhooks(request: Request) -> Response:
        body = await json_object(request)
        change_field = body_field(body, "field", str)
        if change_field not in META_WEBHOOK_FIELDS:
            raise BadRequestError(f"field must be one of {META_WEBHOOK_FIELDS}")
        value = body_field(body, "value", dict)
        payload = {"object": META_WEBHOOK_OBJECT, "entry": [{"id": "mock-app", "time": int(time.time()),
                   "changes": [{"field": change_field, "value": value}]}]}  # fmt: skip
        raw = json.dumps(payload, separators=(",", ":")).encode("utf-8")
        key = secrets.token_hex(16) if body.get("bad_signature") is True else platform.meta_app_secret
        headers = {
            META_WEBHOOK_SIGNATURE_HEADER: sign_meta_webhook(raw, key),
            "Content-Type": "application/json",
        }
        return JSONResponse({"statuses": await post_all(META_WEBHOOK_PATH, raw, headers, _copies(body))})

    return [
        Route(WEB_PAY_PATH, web_pay, methods=["POST"]),
        Route("/mock/web/webhooks", web_webhooks, methods=["POST"]),
        Route(WEB_ORDERS_PATH, web_orders, methods=["GET"]),
        Route("/mock/meta/webhooks", meta_webhooks, methods=["POST"]),
    ]
