"""TikTok's pay sheet: ``TTMinis.game.pay({trade_order_id})``. Its success is never proof of payment."""

from __future__ import annotations

from gameport.adapters.payment_driver import PaymentDriver, SheetOutcome, SheetResult
from gameport.adapters.tiktok.members import NS
from gameport.adapters.tiktok.unconfirmed import Unconfirmed
from gameport.bridge import Bridge
from gameport.errors import BridgeTimeoutError, PlatformError


class TikTokPayments(PaymentDriver):
    """Opens the pay sheet for a trade order the game backend created (single use: a retry after a
    cancel or failure needs a new order). Cancel codes come from the [unconfirmed] table."""

    ORDER_FIRST = True

    def __init__(self, bridge: Bridge, unconfirmed: Unconfirmed) -> None:
        self._bridge = bridge
        self._unconfirmed = unconfirmed

    async def pay(self, ref: str, order_id: str, product_id: str, timeout: float) -> SheetResult:
        """``pay({trade_order_id: ref})``; no answer within ``timeout`` seconds is NO_ANSWER."""
        try:
            await self._bridge.call_cb(f"{NS}.pay", {"trade_order_id": ref}, timeout=timeout)
        except BridgeTimeoutError:
            return SheetResult(SheetOutcome.NO_ANSWER, message=f"no answer within {timeout:g} s")
        except PlatformError as exc:
            if exc.code in self._unconfirmed.cancel_codes:
                return SheetResult(SheetOutcome.CANCELLED, exc.code, exc.message)
            return SheetResult(SheetOutcome.FAILED, exc.code, exc.message)
        return SheetResult(SheetOutcome.PAID)
