"""Ledger records and the storage interface (:class:`LedgerStore`).

The interface is async so that a server database (PostgreSQL, ...) can replace SQLite for multi-instance
deployments. Any implementation must keep these guarantees:

* :meth:`LedgerStore.record_callback` is durable when it returns (a receipt survives a crash).
* :meth:`LedgerStore.deliver` is atomic and exactly-once per order: the grant row, the status change, the
  history entry and the "processed" mark of the triggering callback commit together or not at all, and the
  transition is guarded by the order's current status under a write lock (plus a unique key on the grant).
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol


def storable_text(text: str) -> bool:
    """Whether both databases can take ``text`` as a text value (valid UTF-8, no NUL): a lookup by an id
    that is not can only find nothing."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


class OrderStatus(enum.StrEnum):
    """Order life cycle: created → delivered → refunded; created → failed (→ delivered on a late payment)."""

    CREATED = "created"
    DELIVERED = "delivered"
    FAILED = "failed"
    REFUNDED = "refunded"


DELIVERABLE = frozenset({OrderStatus.CREATED, OrderStatus.FAILED})


@dataclass(frozen=True)
class StatusChange:
    status: OrderStatus
    at: float
    reason: str


@dataclass(frozen=True)
class CallbackRecord:
    """A callback as received (raw body and headers), and what processing made of it."""

    callback_id: int
    order_id: str | None
    platform: str
    kind: str
    received_at: float
    headers: Mapping[str, str]
    raw_body: bytes
    processed_at: float | None
    outcome: str | None


@dataclass(frozen=True)
class Order:
    order_id: str
    platform: str
    environment: str
    user_id: str
    product_id: str
    amount: str
    currency: str
    status: OrderStatus
    platform_ref: str | None
    created_at: float
    updated_at: float
    refunded_amount: int
    risk_flags: tuple[str, ...]
    history: tuple[StatusChange, ...]
    callbacks: tuple[CallbackRecord, ...]

    def public(self) -> dict[str, Any]:
        """What the paying client may see when polling."""
        return {
            "order_id": self.order_id,
            "platform": self.platform,
            "product_id": self.product_id,
            "status": self.status.value,
            "platform_ref": self.platform_ref,
            "delivered": self.status in (OrderStatus.DELIVERED, OrderStatus.REFUNDED),
        }


def new_order_id(platform: str) -> str:
    """A fresh, unguessable order id; it starts with the platform's first two letters."""
    return f"{platform[:2]}_{secrets.token_hex(12)}"


def with_risk_flags(order: Order, flags: tuple[str, ...]) -> list[str]:
    """``order``'s risk flags followed by those of ``flags`` it does not have yet."""
    return list(order.risk_flags) + [f for f in flags if f not in order.risk_flags]


def refund_risk_flags(order: Order) -> list[str]:
    """``order``'s risk flags once a refund is applied to it: a refund of an order that was never
    delivered adds ``refund_before_delivery:status <its status>``."""
    flags = list(order.risk_flags)
    if order.status not in (OrderStatus.DELIVERED, OrderStatus.REFUNDED):
        flags.append(f"refund_before_delivery:status {order.status.value}")
    return flags


@dataclass(frozen=True)
class Grant:
    order_id: str
    user_id: str
    platform: str
    product_id: str
    items: Mapping[str, int]
    granted_at: float


@dataclass(frozen=True)
class DeliveryResult:
    """What :meth:`LedgerStore.deliver` did. ``order``: the order's own fields after the call; its
    ``history`` and ``callbacks`` may be left empty (read :meth:`LedgerStore.get_order` for them)."""

    order: Order
    delivered_now: bool


class LedgerStore(Protocol):
    """Storage of orders, callbacks and grants. See the module docstring for the guarantees."""

    async def create_order(
        self,
        *,
        platform: str,
        environment: str,
        user_id: str,
        product_id: str,
        amount: str,
        currency: str,
        platform_ref: str | None = None,
        risk_flags: tuple[str, ...] = (),
    ) -> Order:
        """Create an order; with ``platform_ref``, return the existing order for that ref instead."""
        ...

    async def attach_platform_ref(self, order_id: str, platform_ref: str) -> Order: ...

    async def get_order(self, order_id: str, *, history: bool = True) -> Order | None:
        """The order, or ``None``. ``history=False`` leaves ``history`` and ``callbacks`` empty: one read
        instead of three, for hot paths (polling, webhooks) that need only the order's own fields."""
        ...

    async def session_order(self, token: str, order_id: str) -> tuple[tuple[str, str] | None, Order | None]:
        """One read for a player polling an order: ``(platform, user_id)`` of the live session ``token``
        (the session store's, in the same database), else ``None`` (and no order); and the order, its own
        fields only, if it is that player's on that platform, else ``None``."""
        ...

    async def find_by_ref(self, platform: str, platform_ref: str, *, history: bool = True) -> Order | None:
        """The order of ``(platform, platform_ref)``, or ``None``; ``history`` as for :meth:`get_order`."""
        ...

    async def list_orders(
        self, *, platform: str | None = None, status: OrderStatus | None = None
    ) -> list[Order]: ...

    async def count_orders_since(self, user_id: str, platform: str, since: float) -> int: ...

    async def add_risk_flags(self, order_id: str, flags: tuple[str, ...]) -> None: ...

    async def record_callback(
        self,
        *,
        platform: str,
        kind: str,
        raw_body: bytes,
        headers: Mapping[str, str],
        order_id: str | None,
    ) -> int: ...

    async def finish_callback(self, callback_id: int, outcome: str) -> None: ...

    async def unprocessed_callbacks(self) -> list[CallbackRecord]: ...

    async def orphan_callbacks(self) -> list[CallbackRecord]: ...

    async def deliver(
        self,
        order_id: str,
        *,
        items: Mapping[str, int],
        reason: str,
        callback_id: int | None = None,
    ) -> DeliveryResult: ...

    async def fail(self, order_id: str, *, reason: str) -> Order: ...

    async def refund(
        self, order_id: str, *, amount: int, event_key: str, reason: str, callback_id: int | None = None
    ) -> tuple[Order, bool]:
        """Mark a refund once per ``event_key``; returns the order and whether this call applied it."""
        ...

    async def grants(self, user_id: str, platform: str) -> list[Grant]: ...

    async def close(self) -> None: ...
