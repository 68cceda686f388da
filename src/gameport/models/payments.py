"""The values of ``platform.payments``: products, purchase results, grants and pending orders."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from gameport.values import JsonObject


class PurchaseStatus(StrEnum):
    """How a purchase ended, from the game's point of view. Exactly one per :class:`PurchaseResult`.

    Members:
        SUCCEEDED: the game backend granted the order (never just "the pay sheet said ok"); ``on_granted``
            handlers have run for it.
        PROCESSING: the order is open (another purchase of the product is running, or the payment is
            still being confirmed); ``on_granted`` runs when the backend grants it.
        TIMED_OUT: the pay sheet or the backend's confirmation did not come in time; the order stays
            pending and ``restore()`` (also run by the next ``platform.init()``) finishes it.
        CANCELLED: the player closed the pay sheet; nothing was charged.
        FAILED: the purchase did not happen; ``reason`` and ``code`` say why.
    """

    SUCCEEDED = "succeeded"
    PROCESSING = "processing"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"
    FAILED = "failed"


class PurchaseReason(StrEnum):
    """Why a purchase did not succeed, for a game to branch on. The set is closed.

    Members:
        IN_PROGRESS: a purchase of this product is already running (PROCESSING).
        AWAITING_CONFIRMATION: paid on the pay sheet, not yet granted by the backend (PROCESSING/TIMED_OUT).
        USER_CANCELLED: the player closed the pay sheet.
        PLATFORM: the platform refused the payment (``code`` is its error code).
        BACKEND: the game backend refused (``code`` is its error code).
        NETWORK: the game backend could not be reached.
        STORAGE: the purchase journal could not be written, so no payment was started.
        NOT_READY: the platform's payments were not ready (Meta ``PAYMENTS_NOT_INITIALIZED``).
    """

    IN_PROGRESS = "in_progress"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    USER_CANCELLED = "user_cancelled"
    PLATFORM = "platform"
    BACKEND = "backend"
    NETWORK = "network"
    STORAGE = "storage"
    NOT_READY = "not_ready"


@dataclass(frozen=True, slots=True)
class Product:
    """A product the player can buy, priced by the server (TikTok: Beans; Meta: as Meta shows it).

    Attributes:
        product_id: the game's product id. title, description: for the shop.
        price: the price as the platform shows it (``"100"`` Beans, ``"$0.99"``).
        currency: ``"BEANS"`` on TikTok, an ISO 4217 code elsewhere.
    """

    product_id: str
    title: str
    price: str
    currency: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class PurchaseResult:
    """What ``platform.payments.purchase`` ended with. ``status`` is the one field to branch on.

    Attributes:
        order_id: the game backend's order id (None when no order was created).
        amount, currency: the server's price of the product (empty when unknown).
        platform, environment: where it ran. code: the platform's or backend's error code, if any.
        reason: why it did not succeed (None on success). detail: a sentence for logs, not for players.
    """

    status: PurchaseStatus
    product_id: str
    platform: str
    environment: str
    order_id: str | None = None
    amount: str = ""
    currency: str = ""
    code: str | int | None = None
    reason: PurchaseReason | None = None
    detail: str = ""

    @property
    def succeeded(self) -> bool:
        """True when the backend granted the order."""
        return self.status is PurchaseStatus.SUCCEEDED


@dataclass(frozen=True, slots=True)
class Grant:
    """An order the backend granted, handed once to each ``on_granted`` handler.

    Attributes:
        items: what the order grants, from the server's catalog (``{"coins": 100}``).
    """

    order_id: str
    product_id: str
    items: dict[str, int]
    platform: str
    environment: str


@dataclass(frozen=True, slots=True)
class PendingPurchase:
    """An open purchase in the journal: its step (``intent``, ``order_created``, ``sheet_opened``,
    ``paid``, ``granted``, ``consuming``) and what is known of it."""

    key: str
    product_id: str
    step: str
    order_id: str | None = None
    extra: JsonObject = field(default_factory=dict)
