"""The purchase flows of ``platform.payments``, each step journaled before it is taken.

* order first (TikTok, web): intent -> the backend creates the order -> ``order_created`` ->
  ``sheet_opened`` -> pay sheet -> ``paid`` -> poll ``GET /api/orders/{id}`` until the backend says
  delivered (it grants only on the platform's signed webhook) -> grants handed over once.
* purchase first (Meta): intent -> ``sheet_opened`` -> ``purchaseAsync`` -> ``paid`` (token and signed
  request kept) -> the backend verifies and grants -> grants handed over -> ``consuming`` -> consume.

A crash or reload between any two steps leaves the journal at the last one started; ``restore()``
(:func:`finish_open`) takes every open purchase from there.
"""

from __future__ import annotations

import asyncio
import time

from gameport.adapters.payment_driver import PlatformPurchase, SheetOutcome, SheetResult
from gameport.errors import (
    BackendError,
    BridgeTimeoutError,
    InvalidArgumentError,
    NetworkError,
    PlatformError,
    StorageError,
)
from gameport.features.payment_session import PaymentSession
from gameport.models.payments import PurchaseReason, PurchaseResult, PurchaseStatus
from gameport.values import JsonObject

STALE_AFTER = 24 * 3600.0
"""Seconds after which an open purchase that never got paid is dropped from the journal (its order, if
it is ever paid, still reaches the game through the backend's grants)."""

_UNKNOWN_PRODUCT = frozenset({"unknown_product", "not_found", "catalog_error"})
_OFFLINE = (NetworkError, BridgeTimeoutError)


async def order_first(ps: PaymentSession, product_id: str) -> PurchaseResult:
    """TikTok / web: see the module docstring.

    Raises:
        InvalidArgumentError: the backend does not sell ``product_id`` (nothing was created).
    """
    key = ps.journal.new_key()
    ps.active_keys.add(key)  # before the intent is written, so a concurrent restore leaves it alone
    try:
        await ps.journal.begin(key, product_id)
    except StorageError as exc:
        ps.active_keys.discard(key)
        return ps.failed(product_id, PurchaseReason.STORAGE, str(exc))
    try:
        return await _order_first(ps, key, product_id)
    finally:
        ps.active_keys.discard(key)


async def _order_first(ps: PaymentSession, key: str, product_id: str) -> PurchaseResult:
    try:
        order = await ps.backend.create_order(product_id)
    except BackendError as exc:
        await ps.journal.close(key)
        if exc.code in _UNKNOWN_PRODUCT:
            raise InvalidArgumentError(f"the game backend does not sell {product_id!r} ({exc.code})") from exc
        return ps.failed(product_id, PurchaseReason.BACKEND, str(exc), code=exc.code)
    except _OFFLINE as exc:
        await ps.journal.close(key)
        return ps.failed(product_id, PurchaseReason.NETWORK, str(exc))
    ps.price(product_id, order.amount, order.currency)
    try:
        await ps.journal.step(
            key, "order_created", order_id=order.order_id, ref=order.ref, created=time.time()
        )
        await ps.journal.step(key, "sheet_opened")
    except StorageError as exc:  # the sheet never opened: no money moved; the order is left unpaid
        return ps.failed(product_id, PurchaseReason.STORAGE, str(exc), order_id=order.order_id)
    sheet = await ps.driver.pay(order.ref, order.order_id, product_id, ps.timeout("pay_sheet"))
    return await _after_sheet(ps, key, product_id, order.order_id, sheet)


async def _after_sheet(
    ps: PaymentSession, key: str, product_id: str, order_id: str | None, sheet: SheetResult
) -> PurchaseResult:
    if sheet.outcome is SheetOutcome.CANCELLED:
        await ps.journal.close(key)
        return ps.result(
            PurchaseStatus.CANCELLED, product_id, order_id=order_id, code=sheet.code,
            reason=PurchaseReason.USER_CANCELLED, detail=sheet.message,
        )  # fmt: skip
    if sheet.outcome is SheetOutcome.FAILED:
        await ps.journal.close(key)
        reason = PurchaseReason.NOT_READY if sheet.not_ready else PurchaseReason.PLATFORM
        return ps.failed(product_id, reason, sheet.message, order_id=order_id, code=sheet.code)
    if order_id is None:  # purchase first: a sheet that ended without a purchase has nothing to confirm
        await ps.journal.close(key)
        return ps.failed(product_id, PurchaseReason.PLATFORM, sheet.message or "no purchase was made")
    if sheet.outcome is SheetOutcome.PAID:
        try:
            await ps.journal.step(key, "paid")
        except StorageError:
            pass  # the journal still says sheet_opened, which restore() finishes the same way
    return await confirm(ps, product_id, order_id, ps.timeout("purchase_confirm"))


async def confirm(ps: PaymentSession, product_id: str, order_id: str, limit: float) -> PurchaseResult:
    """Poll the backend until it delivered ``order_id`` (SUCCEEDED, grants handed over) or ``limit``
    seconds passed (TIMED_OUT, the purchase stays open for ``restore()``)."""
    deadline = time.monotonic() + limit
    while True:
        try:
            order = await ps.backend.order(order_id)
            if order.get("delivered") is True:
                await ps.sync_grants()
                return ps.result(PurchaseStatus.SUCCEEDED, product_id, order_id=order_id)
            if order.get("status") == "failed":
                return ps.failed(
                    product_id, PurchaseReason.BACKEND, "the backend failed the order", order_id=order_id
                )
        except (*_OFFLINE, BackendError, StorageError):
            pass  # the order stays open; keep asking until the deadline
        if time.monotonic() >= deadline:
            return ps.result(
                PurchaseStatus.TIMED_OUT, product_id, order_id=order_id,
                reason=PurchaseReason.AWAITING_CONFIRMATION,
                detail=f"the backend did not confirm the order within {limit:g} s; restore() finishes it",
            )  # fmt: skip
        await asyncio.sleep(ps.timeout("purchase_poll"))


async def purchase_first(ps: PaymentSession, product_id: str) -> PurchaseResult:
    """Meta: see the module docstring (``payments.onReady`` was awaited by the caller)."""
    key = ps.journal.new_key()
    ps.active_keys.add(key)
    try:
        await ps.journal.begin(key, product_id)
        await ps.journal.step(key, "sheet_opened")
    except StorageError as exc:
        ps.active_keys.discard(key)
        return ps.failed(product_id, PurchaseReason.STORAGE, str(exc))
    try:
        made = await ps.driver.purchase(product_id, ps.timeout("pay_sheet"))
        if isinstance(made, SheetResult):
            if made.outcome is SheetOutcome.NO_ANSWER:
                return ps.result(
                    PurchaseStatus.TIMED_OUT, product_id, reason=PurchaseReason.AWAITING_CONFIRMATION,
                    detail=made.message,
                )  # fmt: skip
            if made.code == "INVALID_PARAM":
                await ps.journal.close(key)
                raise InvalidArgumentError(f"Meta does not sell {product_id!r}: {made.message}")
            return await _after_sheet(ps, key, product_id, None, made)  # no order: Meta made no purchase
        return await finish_purchase(ps, key, made)
    finally:
        ps.active_keys.discard(key)


async def finish_purchase(ps: PaymentSession, key: str, purchase: PlatformPurchase) -> PurchaseResult:
    """Meta: journal the purchase, let the backend verify and grant, hand the grant over, consume."""
    product = purchase.product_id
    try:
        await ps.journal.step(
            key, "paid", product_id=product, purchase_token=purchase.purchase_token,
            signed_request=purchase.signed_request,
        )  # fmt: skip
        answer = await ps.backend.verify_meta_purchase(purchase.signed_request)
    except BackendError as exc:
        if exc.status >= 500:
            return ps.result(
                PurchaseStatus.TIMED_OUT, product, reason=PurchaseReason.BACKEND, detail=str(exc)
            )
        await ps.journal.close(key)  # refused for good (tampered, another player's, unknown product)
        return ps.failed(product, PurchaseReason.BACKEND, str(exc), code=exc.code)
    except (*_OFFLINE, StorageError) as exc:
        return ps.result(PurchaseStatus.TIMED_OUT, product, reason=PurchaseReason.NETWORK, detail=str(exc))
    order_id = str(answer["order_id"])
    if not _granted(answer):
        return ps.result(
            PurchaseStatus.PROCESSING, product, order_id=order_id, reason=PurchaseReason.AWAITING_CONFIRMATION
        )
    try:
        await ps.journal.step(key, "consuming", order_id=order_id)
        await ps.sync_grants()
        await ps.driver.consume(purchase.purchase_token)
        await ps.journal.close(key)
    except (*_OFFLINE, BackendError, StorageError, PlatformError) as exc:  # granted; restore() finishes
        return ps.result(PurchaseStatus.SUCCEEDED, product, order_id=order_id, detail=f"finish later: {exc}")
    return ps.result(PurchaseStatus.SUCCEEDED, product, order_id=order_id)


def _granted(answer: JsonObject) -> bool:
    """Whether the backend's answer for a verified purchase says it granted the order: the reference
    backend answers ``{order_id, status, delivered_now, consume}`` (``status`` "delivered", or "refunded" once
    refunded after the grant), ``GET /api/orders/{id}`` also ``delivered``."""
    return answer.get("delivered") is True or answer.get("status") in ("delivered", "refunded")


async def finish_open(ps: PaymentSession) -> None:
    """``restore()``: take every open purchase from its last journaled step, then hand over every grant.

    Purchases running in this session are left alone. An order-first purchase whose sheet never opened
    is dropped (no money moved); one whose sheet opened is asked about once; Meta's unconsumed purchases
    go through verify, grant and consume again (the backend answers the same order for the same token).

    Raises:
        BackendError, NetworkError, BridgeTimeoutError, StorageError, PlatformError: restore could not
            finish; everything stays open for the next try.
    """
    now = time.time()
    for entry in ps.journal.entries():
        if entry.key in ps.active_keys:
            continue
        created = entry.extra.get("created")
        stale = isinstance(created, int | float) and now - created > STALE_AFTER
        if (
            entry.step in ("intent", "order_created")
            or stale
            or (not ps.driver.ORDER_FIRST and entry.step == "sheet_opened")
        ):
            await ps.journal.close(entry.key)
        elif ps.driver.ORDER_FIRST and entry.order_id:
            try:
                order = await ps.backend.order(entry.order_id)
            except BackendError as exc:
                if exc.status != 404:
                    raise
                order = {"status": "failed"}  # the backend has no such order for this player
            if order.get("status") == "failed":
                await ps.journal.close(entry.key)
    if not ps.driver.ORDER_FIRST:
        tokens = {
            e.extra.get("purchase_token"): e.key for e in ps.journal.entries() if e.key not in ps.active_keys
        }
        for purchase in await ps.driver.unconsumed():
            key = tokens.get(purchase.purchase_token)
            if key is None:
                key = ps.journal.new_key()
                await ps.journal.begin(key, purchase.product_id)
            await finish_purchase(ps, key, purchase)
    await ps.sync_grants()
