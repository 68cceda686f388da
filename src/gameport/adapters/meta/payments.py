"""Meta's payments (``FBInstant.payments``, SDK 8.0): onReady, catalog, purchase, unconsumed, consume.

Payments are usable only after ``payments.onReady`` fired (B.7: if it never fires, payments are
unavailable in this session), and ``purchaseAsync`` rejects before ``startGameAsync`` resolved.
Purchases are correlated by ``purchaseToken``: ``developerPayload`` is not populated after 30 Oct 2026.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from gameport.adapters.meta.members import META_CODES
from gameport.adapters.payment_driver import PaymentDriver, PlatformPurchase, SheetOutcome, SheetResult
from gameport.bridge import Bridge
from gameport.errors import NotInitializedError, PlatformError
from gameport.models.payments import Product
from gameport.values import Json

NS = "FBInstant.payments"


class MetaPayments(PaymentDriver):
    """Listens for ``payments.onReady`` from its creation (at ``platform.init``); see the module docstring.

    Args:
        started: whether ``startGameAsync`` has resolved (``platform.ready()``).
    """

    ORDER_FIRST = False

    def __init__(self, bridge: Bridge, started: Callable[[], bool]) -> None:
        self._bridge = bridge
        self._started = started
        self._ready = asyncio.Event()
        self._subscription = bridge.on(f"{NS}.onReady", lambda _: self._ready.set())

    def close(self) -> None:
        """Stop listening for ``onReady``."""
        self._subscription.cancel()

    async def wait_ready(self, timeout: float) -> str | None:
        """None once ``onReady`` fired; the reason payments are unavailable if it does not in ``timeout``."""
        try:
            await asyncio.wait_for(self._ready.wait(), timeout)
        except TimeoutError:
            return f"payments.onReady did not fire within {timeout:g} s: no payments in this session"
        return None

    async def catalog(self) -> list[Product] | None:
        """``getCatalogAsync()`` as products (price as Meta shows it, ``priceCurrencyCode``)."""
        rows = await self._bridge.call(f"{NS}.getCatalogAsync", timeout=10)
        products = []
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict) and isinstance(row.get("productID"), str):
                products.append(
                    Product(
                        str(row["productID"]),
                        str(row.get("title", "")),
                        str(row.get("price", "")),
                        str(row.get("priceCurrencyCode", "")),
                        str(row.get("description") or ""),
                    )
                )
        return products

    async def pay(self, ref: str, order_id: str, product_id: str, timeout: float) -> SheetResult:
        """Meta has no order-first pay sheet."""
        raise NotImplementedError("Meta purchases are purchase-first")

    async def purchase(self, product_id: str, timeout: float) -> PlatformPurchase | SheetResult:
        """``purchaseAsync({productID})``; USER_INPUT is a cancel.

        Raises:
            NotInitializedError: before ``platform.ready()`` (Meta rejects purchases before
                ``startGameAsync``; gameport never sends one).
        """
        if not self._started():
            raise NotInitializedError(
                "call `await platform.ready()` before purchases on Meta", platform="meta"
            )
        try:
            raw = await self._bridge.call(f"{NS}.purchaseAsync", {"productID": product_id}, timeout=timeout)
        except TimeoutError:
            return SheetResult(SheetOutcome.NO_ANSWER, message=f"no answer within {timeout:g} s")
        except PlatformError as exc:
            if exc.code == META_CODES["cancelled"]:
                return SheetResult(SheetOutcome.CANCELLED, exc.code, exc.message)
            not_ready = exc.code == META_CODES["payments_not_ready"]
            return SheetResult(SheetOutcome.FAILED, exc.code, exc.message, not_ready=not_ready)
        found = _purchase(raw)
        if found is None:
            return SheetResult(
                SheetOutcome.FAILED, None, f"purchaseAsync answered a malformed Purchase: {raw!r}"
            )
        return found

    async def unconsumed(self) -> list[PlatformPurchase]:
        """``getPurchasesAsync()``: purchases not consumed yet (malformed entries are skipped)."""
        rows = await self._bridge.call(f"{NS}.getPurchasesAsync", timeout=10)
        found = [_purchase(row) for row in rows] if isinstance(rows, list) else []
        return [p for p in found if p is not None]

    async def consume(self, purchase_token: str) -> None:
        """``consumePurchaseAsync(purchaseToken)``, only after the backend granted."""
        await self._bridge.call(f"{NS}.consumePurchaseAsync", purchase_token, timeout=10)


def _purchase(raw: Json) -> PlatformPurchase | None:
    if not isinstance(raw, dict):
        return None
    product, token, signed = (raw.get(name) for name in ("productID", "purchaseToken", "signedRequest"))
    if not (isinstance(product, str) and isinstance(token, str) and isinstance(signed, str)):
        return None
    if not (product and token and signed):
        return None
    payment = raw.get("paymentID")
    return PlatformPurchase(product, token, signed, payment if isinstance(payment, str) else "")
