"""The order ledger: a storage interface (:class:`LedgerStore`) and its SQLite implementation."""

from .model import (
    DELIVERABLE,
    CallbackRecord,
    DeliveryResult,
    Grant,
    LedgerStore,
    Order,
    OrderStatus,
    StatusChange,
)
from .sqlite_ledger import SqliteLedger
from .sqlite_sessions import SqliteSessionStore, StoredTokens

__all__ = [
    "DELIVERABLE",
    "CallbackRecord",
    "DeliveryResult",
    "Grant",
    "LedgerStore",
    "Order",
    "OrderStatus",
    "SqliteLedger",
    "SqliteSessionStore",
    "StatusChange",
    "StoredTokens",
]
