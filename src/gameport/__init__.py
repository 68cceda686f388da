"""gameport: one typed async API for Python browser games on TikTok, Meta and the web.

::

    from gameport import Capability, ShareContent, platform

    await platform.init()            # detects tiktok / meta / web
    await platform.ready()
    if platform.supports(Capability.SHARE):
        await platform.social.share(ShareContent(text="Beat my score!"))
    result = await platform.ads.show_rewarded("revive")
    if result.rewarded:
        ...                          # grant the reward: the ad was watched to its end
    platform.payments.on_granted(lambda grant: add_coins(grant.items["coins"]))  # once per order
    bought = await platform.payments.purchase("coins_100")  # succeeded only once the backend granted
"""

from gameport._platform import Platform, platform
from gameport.capabilities import FALLBACKS, Capability, PlatformName
from gameport.config import Environment, GameConfig, PlatformSettings
from gameport.config.ad_policy import AdPolicy
from gameport.errors import (
    AnalyticsEventError,
    BackendError,
    BridgeError,
    BridgeTimeoutError,
    ConfigError,
    GameportError,
    InvalidArgumentError,
    InvalidContentError,
    JsPathError,
    NetworkError,
    NotInitializedError,
    PlatformError,
    SdkLoadError,
    StorageError,
    StorageLimitError,
    UnsupportedCapabilityError,
    UserCancelledError,
)
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
from gameport.values import Json, JsonObject

__version__ = "0.1.0"

__all__ = [
    "FALLBACKS",
    "AdEvent",
    "AdKind",
    "AdLoadResult",
    "AdPolicy",
    "AdReason",
    "AdResult",
    "AdState",
    "AnalyticsEventError",
    "AuthorizeResult",
    "BackendError",
    "BannerPosition",
    "BannerResult",
    "BridgeError",
    "BridgeTimeoutError",
    "Capability",
    "ConfigError",
    "Environment",
    "GameConfig",
    "GameportError",
    "Grant",
    "InvalidArgumentError",
    "InvalidContentError",
    "JsPathError",
    "Json",
    "JsonObject",
    "LaunchData",
    "LeaderboardEntry",
    "LifecycleEvent",
    "LoginResult",
    "NetworkError",
    "NotInitializedError",
    "PendingPurchase",
    "Platform",
    "PlatformError",
    "PlatformName",
    "PlatformSettings",
    "Product",
    "PurchaseReason",
    "PurchaseResult",
    "PurchaseStatus",
    "SdkLoadError",
    "ShareContent",
    "ShareResult",
    "ShortcutResult",
    "StorageError",
    "StorageLimitError",
    "UnsupportedCapabilityError",
    "UserCancelledError",
    "platform",
]
