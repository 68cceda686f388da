"""``POST /api/meta/purchases``: the client's report of a Meta purchase, verified and delivered exactly once.

Request (Meta session): ``{signed_request}``, the ``Purchase.signedRequest`` from ``purchaseAsync`` or
``getPurchasesAsync``. Answer 200::

    {"order_id", "status", "delivered", "delivered_now", "consume", "purchase_token", "payment_id",
     "product_id"}

The order is correlated by ``purchase_token`` (``developerPayload`` is not populated after 30 Oct 2026), then
by ``payment_id`` for orders recorded before. Posting the same purchase again answers the same order with
``delivered_now: false``; the client calls ``consumePurchaseAsync(purchase_token)`` once ``consume`` is true.
Refusals, none of which creates or grants anything: 400 ``client_price`` (the body carries ``price`` /
``amount``), 401 for a bad signature (``tampered_signature_error``, ``malformed_signature_error``,
``stale_signature_error``, ``algorithm_error``), 400 ``unknown_product`` (not in the catalog or not sold on
Meta), 409 ``foreign_purchase`` (the purchase is another player's: its order belongs to someone else, or the
signed payload names another ``player_id``), 401 ``unauthorized``.
"""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .catalog import META, refuse_client_price
from .config import ServerConfig
from .errors import BadRequestError
from .fulfilment import deliver_paid
from .http_util import field, json_from_bytes, read_body
from .ledger import LedgerStore, OrderStatus, SessionStore
from .meta_signed import verify_purchase
from .meta_webhook import find_meta_order
from .metrics import counting_signature_failures
from .risk import price_flags, velocity_flags
from .session_auth import require_session


def _foreign() -> BadRequestError:
    return BadRequestError("this purchase belongs to another player", status=409, code="foreign_purchase")


def meta_purchase_route(cfg: ServerConfig, ledger: LedgerStore, sessions: SessionStore) -> Route:
    """The route (see the module docstring)."""

    async def meta_purchase(request: Request) -> Response:
        _, player_id = await require_session(sessions, request, META)
        raw = await read_body(request)
        body = json_from_bytes(raw)
        refuse_client_price(body)
        signed = field(body, "signed_request", str)
        with counting_signature_failures("meta_purchase", cfg.environment):
            purchase = verify_purchase(signed, cfg.meta.app_secret, max_age_s=cfg.meta.purchase_max_age_s)
        if purchase.payload.get("player_id") not in (None, player_id):
            raise _foreign()
        product = cfg.catalog.get(purchase.product_id)
        amount, currency = product.price_for(META)
        order = await find_meta_order(ledger, purchase.purchase_token, purchase.payment_id)
        if order is None:
            flags = list(price_flags(product, META, *purchase.price)) if purchase.price else []
            since = time.time() - cfg.risk.velocity_window_s
            flags += velocity_flags(await ledger.count_orders_since(player_id, META, since) + 1, cfg.risk)
            order = await ledger.create_order(
                platform=META, environment=cfg.environment, user_id=player_id,
                product_id=product.product_id, amount=amount, currency=currency,
                platform_ref=purchase.purchase_token, risk_flags=tuple(flags),
            )  # fmt: skip
        callback_id = await ledger.record_callback(
            platform=META, kind="purchase.signed_request", raw_body=raw, headers={}, order_id=order.order_id
        )
        if order.user_id != player_id:
            await ledger.finish_callback(callback_id, "foreign_player")
            raise _foreign()
        delivered_now = await deliver_paid(
            ledger, cfg.catalog, order, reason="meta signed purchase verified", callback_id=callback_id
        )
        order = await ledger.get_order(order.order_id) or order
        return JSONResponse({
            "order_id": order.order_id, "status": order.status.value,
            "delivered": order.public()["delivered"],
            "delivered_now": delivered_now, "consume": order.status is not OrderStatus.CREATED,
            "purchase_token": purchase.purchase_token, "payment_id": purchase.payment_id,
            "product_id": order.product_id,
        })  # fmt: skip

    return Route("/api/meta/purchases", meta_purchase, methods=["POST"])
