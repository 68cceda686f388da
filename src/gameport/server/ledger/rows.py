"""What a ledger row means, for both backends: the columns their SQL selects and the records built from them.

Each backend keeps its own SQL (placeholders, locking and upserts differ); the column lists here fix the
order in which a row arrives, and the ``*_from_row`` functions read rows in exactly that order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .model import CallbackRecord, Grant, Order, OrderStatus, StatusChange

ORDER_COLUMNS = (
    "order_id, platform, environment, user_id, product_id, amount, currency, status, platform_ref,"
    " created_at, updated_at, refunded_amount, risk_flags"
)
#: An order's history, read from ``order_events``.
EVENT_COLUMNS = "status, at, reason"
CALLBACK_COLUMNS = (
    "callback_id, order_id, platform, kind, received_at, headers, raw_body, processed_at, outcome"
)
GRANT_COLUMNS = "order_id, user_id, platform, product_id, items, granted_at"


def qualified(columns: str, alias: str) -> str:
    """``columns`` (one of the lists above) with each name prefixed by the table alias ``alias``."""
    return ", ".join(f"{alias}.{name.strip()}" for name in columns.split(","))


def callback_from_row(row: tuple[Any, ...]) -> CallbackRecord:
    """The callback of a row of :data:`CALLBACK_COLUMNS`."""
    return CallbackRecord(
        callback_id=int(row[0]), order_id=row[1], platform=row[2], kind=row[3], received_at=row[4],
        headers=json.loads(row[5]), raw_body=bytes(row[6]), processed_at=row[7], outcome=row[8],
    )  # fmt: skip


def order_from_row(
    row: tuple[Any, ...],
    events: Iterable[tuple[Any, ...]] = (),
    callbacks: Iterable[tuple[Any, ...]] = (),
) -> Order:
    """The order of a row of :data:`ORDER_COLUMNS`, with its history (rows of :data:`EVENT_COLUMNS`, oldest
    first) and its callbacks (rows of :data:`CALLBACK_COLUMNS`); without them both are left empty."""
    return Order(
        order_id=row[0], platform=row[1], environment=row[2], user_id=row[3], product_id=row[4],
        amount=row[5], currency=row[6], status=OrderStatus(row[7]), platform_ref=row[8], created_at=row[9],
        updated_at=row[10], refunded_amount=int(row[11]), risk_flags=tuple(json.loads(row[12])),
        history=tuple(StatusChange(OrderStatus(s), at, reason) for s, at, reason in events),
        callbacks=tuple(callback_from_row(r) for r in callbacks),
    )  # fmt: skip


def grant_from_row(row: tuple[Any, ...]) -> Grant:
    """The grant of a row of :data:`GRANT_COLUMNS`."""
    return Grant(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5])
