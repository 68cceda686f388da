"""The frozen values game code receives and passes: results, inputs and events. No JavaScript inside."""

from gameport.models.ads import (
    AdEvent,
    AdKind,
    AdLoadResult,
    AdReason,
    AdResult,
    AdState,
    BannerPosition,
    BannerResult,
)
from gameport.models.payments import (
    Grant,
    PendingPurchase,
    Product,
    PurchaseReason,
    PurchaseResult,
    PurchaseStatus,
)
from gameport.models.results import (
    AuthorizeResult,
    LaunchData,
    LeaderboardEntry,
    LifecycleEvent,
    LoginResult,
    ShareContent,
    ShareResult,
    ShortcutResult,
)

__all__ = [
    "AdEvent",
    "AdKind",
    "AdLoadResult",
    "AdReason",
    "AdResult",
    "AdState",
    "AuthorizeResult",
    "BannerPosition",
    "BannerResult",
    "Grant",
    "LaunchData",
    "LeaderboardEntry",
    "LifecycleEvent",
    "LoginResult",
    "PendingPurchase",
    "Product",
    "PurchaseReason",
    "PurchaseResult",
    "PurchaseStatus",
    "ShareContent",
    "ShareResult",
    "ShortcutResult",
]
