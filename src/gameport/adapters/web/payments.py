"""The web platform's pay sheet: a provider the page installs at ``globalThis.gameportWebPay``.

``gameportWebPay.open({order_id, pay_url, product_id})`` resolves ``{outcome: "paid" | "cancelled" |
"failed", code?, message?}``. ``js_bridge/web_pay_sim.js`` is a scriptable provider for development and
tests that pays through the mock platform server's sandbox checkout (``pay_url``); a real portal's
checkout would be another provider with the same shape. As on TikTok, "paid" is not proof of payment:
the backend grants on the checkout's signed webhook.
"""

from __future__ import annotations

from typing import Final

from gameport.adapters.payment_driver import PaymentDriver, SheetOutcome, SheetResult
from gameport.bridge import Bridge
from gameport.errors import BridgeTimeoutError, PlatformError
from gameport.values import JsonObject

PROVIDER: Final = "gameportWebPay"
"""The global the page's pay provider lives at."""

_OUTCOMES: Final = {
    "paid": SheetOutcome.PAID,
    "cancelled": SheetOutcome.CANCELLED,
    "failed": SheetOutcome.FAILED,
}


class WebPayments(PaymentDriver):
    """The page provider's pay sheet for a backend order (``ref`` is the order's ``pay_url``)."""

    ORDER_FIRST = True

    def __init__(self, bridge: Bridge) -> None:
        self._bridge = bridge

    async def pay(self, ref: str, order_id: str, product_id: str, timeout: float) -> SheetResult:
        """``open({order_id, pay_url, product_id})``; a malformed answer is FAILED, no answer NO_ANSWER."""
        request: JsonObject = {"order_id": order_id, "pay_url": ref, "product_id": product_id}
        try:
            answer = await self._bridge.call(f"{PROVIDER}.open", request, timeout=timeout)
        except BridgeTimeoutError:
            return SheetResult(SheetOutcome.NO_ANSWER, message=f"no answer within {timeout:g} s")
        except PlatformError as exc:
            return SheetResult(SheetOutcome.FAILED, exc.code, exc.message)
        outcome = _OUTCOMES.get(str(answer.get("outcome"))) if isinstance(answer, dict) else None
        if outcome is None:
            return SheetResult(SheetOutcome.FAILED, None, f"the pay provider answered {answer!r}")
        code = answer.get("code") if isinstance(answer, dict) else None
        message = answer.get("message") if isinstance(answer, dict) else None
        return SheetResult(
            outcome,
            code if isinstance(code, str | int) else None,
            message if isinstance(message, str) else "",
        )
