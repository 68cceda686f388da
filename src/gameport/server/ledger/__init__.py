"""The order ledger: storage interfaces (:class:`LedgerStore`, :class:`SessionStore`) and their SQLite
implementations (the PostgreSQL ones are in :mod:`.pg_ledger` and :mod:`.pg_sessions`)."""

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
from .session_model import SessionStore, StoredTokens
from .sqlite_ledger import SqliteLedger
from .sqlite_sessions import SqliteSessionStore

__all__ = [
    "DELIVERABLE",
    "CallbackRecord",
    "DeliveryResult",
    "Grant",
    "LedgerStore",
    "Order",
    "OrderStatus",
    "SessionStore",
    "SqliteLedger",
    "SqliteSessionStore",
    "StatusChange",
    "StoredTokens",
]
