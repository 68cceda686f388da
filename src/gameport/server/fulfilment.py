"""Turning verified platform events into ledger transitions (shared by the webhook route, start-up recovery
and the repair command). Every path ends in the ledger's exactly-once :meth:`~.ledger.LedgerStore.deliver`.
"""

from __future__ import annotations

import time

from .catalog import TIKTOK, Catalog
from .errors import BadRequestError, CatalogError
from .http_util import log
from .json_logs import order_fields
from .ledger import LedgerStore, Order, SessionStore, StoredTokens
from .risk import price_flags
from .tiktok_api import TikTokApiClient
from .tiktok_webhook import WebhookEvent
from .unconfirmed import (
    TIKTOK_EVENT_PAID,
    TIKTOK_EVENT_REFUND_SUCCESS,
    TIKTOK_EVENT_REFUND_TRACEBACK,
    TIKTOK_REFUND_DEDUPE_FIELDS,
)


async def find_tiktok_order(ledger: LedgerStore, event: WebhookEvent) -> Order | None:
    """Our order for a webhook (its own fields, not its history): by our ``order_id``, cross-checked with
    ``trade_order_id``."""
    order = await ledger.get_order(event.order_id, history=False)
    if order is not None and order.platform == TIKTOK and order.platform_ref in (None, event.trade_order_id):
        return order
    return await ledger.find_by_ref(TIKTOK, event.trade_order_id, history=False)


async def deliver_paid(
    ledger: LedgerStore, catalog: Catalog, order: Order, *, reason: str, callback_id: int | None
) -> bool:
    """Deliver a paid order exactly once; flags price drift against the current catalog."""
    try:
        product = catalog.get(order.product_id)
    except CatalogError:
        await ledger.add_risk_flags(order.order_id, (f"unknown_product:{order.product_id}",))
        if callback_id is not None:
            await ledger.finish_callback(callback_id, "unknown_product")
        return False
    await ledger.add_risk_flags(
        order.order_id, tuple(price_flags(product, order.platform, order.amount, order.currency))
    )
    result = await ledger.deliver(
        order.order_id, items=product.grants, reason=reason, callback_id=callback_id
    )
    outcome = "delivered" if result.delivered_now else "duplicate"
    fields = order_fields(order, outcome=outcome, callback_id=callback_id)
    log.info("order %s: %s", outcome, reason, extra=fields)
    return result.delivered_now


async def process_tiktok_event(
    ledger: LedgerStore,
    catalog: Catalog,
    environment: str,
    event: WebhookEvent,
    callback_id: int,
    *,
    found: Order | None = None,
) -> str:
    """Apply one recorded, verified webhook; returns the outcome recorded on the callback.

    ``found``: the order the caller already looked up for this event (saves a second read).
    """
    order = found or await find_tiktok_order(ledger, event)
    if order is None:
        await ledger.finish_callback(callback_id, "orphan")
        where = {"platform": TIKTOK, "environment": environment, "callback_id": callback_id}
        log.warning("webhook for unknown order %s / %s", event.order_id, event.trade_order_id, extra=where)
        return "orphan"
    if event.is_sandbox != (environment == "sandbox"):
        flag = f"environment_mismatch:is_sandbox={event.is_sandbox} in {environment}"
        await ledger.add_risk_flags(order.order_id, (flag,))
        await ledger.finish_callback(callback_id, "environment_mismatch")
        log.warning("webhook refused: %s", flag, extra=order_fields(order, outcome="environment_mismatch"))
        return "environment_mismatch"
    if order.platform_ref is None:
        order = await ledger.attach_platform_ref(order.order_id, event.trade_order_id)
    if event.event == TIKTOK_EVENT_PAID:
        done = await deliver_paid(
            ledger, catalog, order, reason=f"webhook {event.event}", callback_id=callback_id
        )
        return "delivered" if done else "duplicate"
    if event.event in (TIKTOK_EVENT_REFUND_TRACEBACK, TIKTOK_EVENT_REFUND_SUCCESS):
        amount = event.refund_amount or 0
        key = ":".join(str(getattr(event, name)) for name in TIKTOK_REFUND_DEDUPE_FIELDS)
        order, applied = await ledger.refund(
            order.order_id,
            amount=amount,
            event_key=key,
            reason=f"webhook {event.event}",
            callback_id=callback_id,
        )
        if applied:
            log.warning("refund reported: %s beans (%s)", amount, event.event, extra=order_fields(order))
            if order.refunded_amount > int(order.amount):
                await ledger.add_risk_flags(
                    order.order_id, (f"refund_exceeds_amount:{order.refunded_amount}",)
                )
        return "refunded" if applied else "duplicate"
    await ledger.finish_callback(callback_id, "ignored")
    return "ignored"


async def user_access_token(sessions: SessionStore, client: TikTokApiClient, open_id: str) -> str:
    """A valid ``act.`` token of ``open_id`` (trade-order APIs need the payer's), refreshed if needed.

    One refresh at a time per user (:meth:`~.ledger.SessionStore.refresh_lock`); whoever waited re-reads
    the tokens the holder saved instead of refreshing again with a rotated-away refresh token.
    """
    tokens = await sessions.load_tokens(open_id)
    if tokens is None:
        raise BadRequestError("no TikTok token for this user; log in again", status=401, code="relogin")
    if tokens.access_expires_at > time.time() + 60:
        return tokens.access_token
    async with sessions.refresh_lock(open_id):
        tokens = await sessions.load_tokens(open_id) or tokens
        if tokens.access_expires_at > time.time() + 60:
            return tokens.access_token
        fresh = await client.refresh(tokens.refresh_token)
        await sessions.save_tokens(StoredTokens(**vars(fresh)))
    return fresh.access_token
