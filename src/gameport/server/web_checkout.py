"""The sandbox web checkout: purchases on the web platform, so a web build can be played end to end.

There is no payment provider behind the web platform; the mock platform server plays one (its pay sheet,
``POST /mock/web/pay``, see :mod:`.mock_purchases`). Both routes are **sandbox only**: with
``"environment": "production"`` they answer 403 ``web_checkout_disabled`` before reading anything, and in a
sandbox without the ``web`` configuration section (``checkout_url``, ``webhook_secret``) 503
``web_checkout_unconfigured``.

* ``POST /api/web/orders`` ``{product_id}`` (web session, from ``/api/web/login``) → ``{order_id, pay_url,
  status: "created", product_id, price, currency}``; the price is the catalog's ``web_price``. The client
  then POSTs ``{order_id, outcome: "success"|"cancel"|"fail"}`` to ``pay_url`` and polls
  ``/api/orders/{order_id}``. 400 ``client_price`` if the body carries ``price``/``amount``; 400
  ``unknown_product``; 401 ``unauthorized``.
* ``POST /api/web/webhook``: the checkout's notification ``{order_id, event: "paid"|"refund", payment_id,
  create_time}``, signed with the TikTok scheme (:mod:`.tiktok_webhook`) under our own header and key:
  ``Gameport-Signature: t=<unix>,s=<hex HMAC-SHA256(web.webhook_secret, t + "." + raw body)>``. A bad or stale
  signature is recorded as a rejected callback and answered 401; a verified one is recorded, then applied
  exactly once → 200 ``{ok, outcome: "delivered"|"duplicate"|"refunded"|"orphan"|"payment_mismatch"|
  "ignored"}``. Duplicates and late copies are harmless.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .catalog import WEB, Catalog, refuse_client_price
from .config import ServerConfig, WebSettings
from .errors import BadRequestError, SignatureError
from .faults import crash_point
from .fulfilment import deliver_paid
from .http_util import field, json_object, read_body
from .ledger import LedgerStore, SessionStore
from .metrics import counting_signature_failures
from .rejected_webhook import record_rejected_webhook
from .risk import velocity_flags
from .session_auth import require_session
from .tiktok_webhook import sign_webhook, verify_webhook_signature

#: The one place the web webhook's signature header is named (the mock signs with it, the backend checks it).
WEB_SIGNATURE_HEADER: Final = "Gameport-Signature"
WEB_WEBHOOK_PATH: Final = "/api/web/webhook"
#: Paths on the mock platform server (``web.checkout_url``): the pay sheet and the paid-order list for repair.
WEB_PAY_PATH: Final = "/mock/web/pay"
WEB_ORDERS_PATH: Final = "/mock/web/orders"
WEB_EVENT_PAID: Final = "paid"
WEB_EVENT_REFUND: Final = "refund"
REJECTED_KIND: Final = "web.rejected"
_ID: Final = re.compile(r"[A-Za-z0-9_.:-]{1,128}")


@dataclass(frozen=True)
class WebEvent:
    """A decoded web checkout webhook body."""

    order_id: str
    event: str
    payment_id: str
    create_time: int


def sign_web_webhook(body: bytes, secret: str, *, timestamp: int | None = None) -> str:
    """The ``Gameport-Signature`` header value for ``body`` (mock side)."""
    return sign_webhook(body, secret, timestamp=timestamp)


def build_web_webhook_body(
    order_id: str, event: str, payment_id: str, *, create_time: int | None = None
) -> bytes:
    """Serialise a web webhook body (mock side)."""
    body = {"order_id": order_id, "event": event, "payment_id": payment_id,
            "create_time": int(time.time()) if create_time is None else create_time}  # fmt: skip
    return json.dumps(body, separators=(",", ":")).encode("utf-8")


def parse_web_webhook(body: bytes) -> WebEvent:
    """Decode a (signature-verified) body; raises :class:`BadRequestError` ``malformed_webhook``."""
    try:
        raw = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequestError("web webhook body is not JSON", code="malformed_webhook") from exc
    if not isinstance(raw, dict):
        raise BadRequestError("web webhook body is not an object", code="malformed_webhook")
    values = [raw.get(name) for name in ("order_id", "event", "payment_id")]
    created = raw.get("create_time", 0)
    if (
        not all(isinstance(v, str) and _ID.fullmatch(v) for v in values)
        or isinstance(created, bool)
        or (not isinstance(created, int))
    ):
        raise BadRequestError("web webhook needs order_id, event, payment_id", code="malformed_webhook")
    return WebEvent(str(values[0]), str(values[1]), str(values[2]), created)


def web_checkout_settings(web: WebSettings, environment: str) -> tuple[str, str]:
    """``(checkout_url, webhook_secret)``; 403 ``web_checkout_disabled`` outside a sandbox, 503 if unset."""
    if environment != "sandbox":
        raise BadRequestError(
            "the web checkout is a sandbox for development and is disabled in production",
            status=403,
            code="web_checkout_disabled",
        )
    if web.checkout_url is None or web.webhook_secret is None:
        raise BadRequestError(
            "the server configuration has no web.checkout_url / web.webhook_secret",
            status=503,
            code="web_checkout_unconfigured",
        )
    return web.checkout_url, web.webhook_secret


async def process_web_event(ledger: LedgerStore, catalog: Catalog, event: WebEvent, callback_id: int) -> str:
    """Apply one recorded, verified web webhook; returns the outcome recorded on the callback."""
    order = await ledger.get_order(event.order_id)
    if order is None or order.platform != WEB:
        await ledger.finish_callback(callback_id, "orphan")
        return "orphan"
    if order.platform_ref is None:
        order = await ledger.attach_platform_ref(order.order_id, event.payment_id)
    elif order.platform_ref != event.payment_id:
        await ledger.add_risk_flags(order.order_id, (f"payment_mismatch:{event.payment_id}",))
        await ledger.finish_callback(callback_id, "payment_mismatch")
        return "payment_mismatch"
    if event.event == WEB_EVENT_PAID:
        done = await deliver_paid(ledger, catalog, order, reason="web checkout paid", callback_id=callback_id)
        return "delivered" if done else "duplicate"
    if event.event == WEB_EVENT_REFUND:
        _, applied = await ledger.refund(
            order.order_id, amount=0, event_key=f"web_refund:{event.payment_id}",
            reason="web checkout refund", callback_id=callback_id,
        )  # fmt: skip
        return "refunded" if applied else "duplicate"
    await ledger.finish_callback(callback_id, "ignored")
    return "ignored"


def web_checkout_routes(cfg: ServerConfig, ledger: LedgerStore, sessions: SessionStore) -> list[Route]:
    """``POST /api/web/orders`` and ``POST /api/web/webhook`` (see the module docstring)."""

    async def web_order(request: Request) -> Response:
        checkout_url, _ = web_checkout_settings(cfg.web, cfg.environment)
        _, player_id = await require_session(sessions, request, WEB)
        body = await json_object(request)
        refuse_client_price(body)
        product = cfg.catalog.get(field(body, "product_id", str))
        amount, currency = product.price_for(WEB)
        since = time.time() - cfg.risk.velocity_window_s
        recent = await ledger.count_orders_since(player_id, WEB, since) + 1
        order = await ledger.create_order(
            platform=WEB, environment=cfg.environment, user_id=player_id, product_id=product.product_id,
            amount=amount, currency=currency, risk_flags=tuple(velocity_flags(recent, cfg.risk)),
        )  # fmt: skip
        answer: dict[str, Any] = {"order_id": order.order_id, "pay_url": checkout_url + WEB_PAY_PATH,
                                  "status": order.status.value, "product_id": product.product_id,
                                  "price": amount, "currency": currency}  # fmt: skip
        return JSONResponse(answer)

    async def web_webhook(request: Request) -> Response:
        _, secret = web_checkout_settings(cfg.web, cfg.environment)
        body = await read_body(request)
        header = request.headers.get(WEB_SIGNATURE_HEADER)
        headers = {WEB_SIGNATURE_HEADER: (header or "")[:512]}
        try:
            with counting_signature_failures("web_webhook", cfg.environment):
                verify_webhook_signature(
                    header,
                    body,
                    secret,
                    tolerance_s=cfg.web.webhook_tolerance_s,
                    header_name=WEB_SIGNATURE_HEADER,
                )
        except SignatureError as exc:
            await record_rejected_webhook(
                ledger,
                exc,
                source="web webhook",
                platform=WEB,
                kind=REJECTED_KIND,
                body=body,
                headers=headers,
            )
            raise
        event = parse_web_webhook(body)
        order = await ledger.get_order(event.order_id)
        known = order is not None and order.platform == WEB
        callback_id = await ledger.record_callback(
            platform=WEB, kind=f"web.{event.event}", raw_body=body, headers=headers,
            order_id=event.order_id if known else None,
        )  # fmt: skip
        crash_point("after_receipt")
        outcome = await process_web_event(ledger, cfg.catalog, event, callback_id)
        return JSONResponse({"ok": True, "outcome": outcome})

    return [
        Route("/api/web/orders", web_order, methods=["POST"]),
        Route(WEB_WEBHOOK_PATH, web_webhook, methods=["POST"]),
    ]
