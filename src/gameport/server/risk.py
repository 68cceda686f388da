"""Risk checks. They *flag* (the flags are stored on the order and reported); they do not block delivery of a
payment the platform confirmed, because refusing goods that were paid for is its own incident.

* ``price_mismatch``: the amount or currency a platform reports differs from the server's catalog.
* ``velocity``: a user created more orders than allowed within a sliding window.
* ``environment_mismatch``: a sandbox event for a production order or the reverse.
* ``refund_exceeds_amount`` / ``refund_before_delivery``: odd refund events.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .catalog import Product


@dataclass(frozen=True)
class RiskSettings:
    """``velocity_max`` orders per user per ``velocity_window_s`` seconds."""

    velocity_max: int = 10
    velocity_window_s: float = 3600.0


def _same_amount(a: str, b: str) -> bool:
    try:
        return Decimal(a) == Decimal(b)
    except InvalidOperation:
        return False


def price_flags(product: Product, platform: str, amount: str, currency: str) -> list[str]:
    """Flags when ``(amount, currency)`` differs from the catalog price of ``product`` on ``platform``."""
    expected_amount, expected_currency = product.price_for(platform)
    flags = []
    if not _same_amount(amount, expected_amount):
        flags.append(f"price_mismatch:amount {amount} != catalog {expected_amount}")
    if currency.upper() != expected_currency:
        flags.append(f"price_mismatch:currency {currency} != catalog {expected_currency}")
    return flags


def velocity_flags(recent_orders: int, settings: RiskSettings) -> list[str]:
    """Flag when the user's order count in the window (including this one) exceeds the limit."""
    if recent_orders > settings.velocity_max:
        return [f"velocity:{recent_orders} orders in {settings.velocity_window_s:g} s"]
    return []
