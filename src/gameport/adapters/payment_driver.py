"""What an adapter implements for purchases: its platform's pay sheet and purchase calls, nothing else.

``platform.payments`` (:mod:`gameport.features.payments`) owns the flow: the journal, the game backend,
polling, grants. Two shapes of platform exist:

* **order first** (TikTok, web): the backend creates the order, :meth:`PaymentDriver.pay` opens the pay
  sheet for it, and only the backend's confirmation (webhook) grants;
* **purchase first** (Meta): :meth:`PaymentDriver.purchase` runs the platform's purchase, the backend
  verifies its signed request and grants, then :meth:`PaymentDriver.consume` consumes it.

Expected outcomes (cancel, refusal, no answer) are values, not exceptions.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum

from gameport.models.payments import Product


class SheetOutcome(StrEnum):
    """How the platform's pay sheet ended, as the client saw it (never proof of payment)."""

    PAID = "paid"
    CANCELLED = "cancelled"
    FAILED = "failed"
    NO_ANSWER = "no_answer"


@dataclass(frozen=True, slots=True)
class SheetResult:
    """A pay sheet's outcome, with the platform's error ``code`` and ``message`` when it failed.

    ``not_ready``: the platform said its payments are not initialised (Meta ``PAYMENTS_NOT_INITIALIZED``).
    """

    outcome: SheetOutcome
    code: str | int | None = None
    message: str = ""
    not_ready: bool = False


@dataclass(frozen=True, slots=True)
class PlatformPurchase:
    """A purchase the platform made (Meta's ``Purchase``): the backend verifies ``signed_request``."""

    product_id: str
    purchase_token: str
    signed_request: str
    payment_id: str = ""


class PaymentDriver(ABC):
    """One platform's purchase calls. ``ORDER_FIRST`` says which shape (see the module docstring)."""

    ORDER_FIRST: bool = True

    async def wait_ready(self, timeout: float) -> str | None:
        """Wait until the platform's payments are usable: None, or why they are not in this session."""
        return None

    async def catalog(self) -> list[Product] | None:
        """The platform's own catalog (Meta), or None: the game backend's catalog is the one to show."""
        return None

    @abstractmethod
    async def pay(self, ref: str, order_id: str, product_id: str, timeout: float) -> SheetResult:
        """Open the pay sheet for a backend order (``ref``: TikTok's trade order id, the web's pay URL)."""

    async def purchase(self, product_id: str, timeout: float) -> PlatformPurchase | SheetResult:
        """Purchase-first platforms: the platform's purchase, or how its sheet ended without one."""
        raise NotImplementedError

    async def unconsumed(self) -> list[PlatformPurchase]:
        """Purchase-first platforms: purchases made but not consumed yet (finished by ``restore()``)."""
        return []

    async def consume(self, purchase_token: str) -> None:
        """Purchase-first platforms: consume a purchase the backend granted."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook; only drivers that listen hold anything
        """Release what the driver holds (listeners); the session is over."""
