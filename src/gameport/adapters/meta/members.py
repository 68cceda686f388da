"""Meta's facts in one place: the ``getSupportedAPIs()`` names each capability needs, the APIError codes
gameport reacts to, and the error table those codes make for one capability."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Final

from gameport.adapters.base import ErrorMap
from gameport.bridge import Bridge
from gameport.capabilities import FALLBACKS, Capability
from gameport.errors import PlatformError, UnsupportedCapabilityError, UserCancelledError

logger = logging.getLogger("gameport.adapters.meta.adapter")

REQUIRED_APIS: Final[dict[Capability, tuple[str, ...]]] = {
    Capability.LOGIN: ("player.getSignedPlayerInfoAsync",),
    Capability.LOADING_PROGRESS: ("setLoadingProgress",),
    Capability.LIFECYCLE: ("onPause",),
    Capability.LAUNCH_DATA: ("getEntryPointData", "getEntryPointAsync"),
    Capability.STORAGE: ("player.getDataAsync", "player.setDataAsync"),
    Capability.SHORTCUT: ("canCreateShortcutAsync", "createShortcutAsync"),
    Capability.SHARE: ("shareAsync",),
    Capability.INVITE: ("inviteAsync",),
    Capability.LEADERBOARDS: ("getLeaderboardAsync",),
    Capability.ANALYTICS: ("logEvent",),
    Capability.REWARDED_AD: ("getRewardedVideoAsync",),
    Capability.INTERSTITIAL_AD: ("getInterstitialAdAsync",),
    Capability.BANNER_AD: ("loadBannerAdAsync", "hideBannerAdAsync"),
    Capability.PURCHASES: (
        "payments.purchaseAsync",
        "payments.getPurchasesAsync",
        "payments.consumePurchaseAsync",
        "payments.getCatalogAsync",
    ),
}
"""[unconfirmed] The ``getSupportedAPIs()`` names each capability needs (exact 8.0 strings to verify on a
device). ANALYTICS also needs ``FBInstant.logEvent`` to exist: its presence in 8.0 is unconfirmed."""

META_CODES: Final = {
    "cancelled": "USER_INPUT",
    "unsupported": "CLIENT_UNSUPPORTED_OPERATION",
    "pending": "PENDING_REQUEST",
    "storage_limit": "INVALID_OPERATION",
    "board_not_found": "LEADERBOARD_NOT_FOUND",
    "analytics_post": "ANALYTICS_POST_EXCEPTION",
    "invalid_param": "INVALID_PARAM",
    "payments_not_ready": "PAYMENTS_NOT_INITIALIZED",
}
"""[unconfirmed] Which documented APIError code (B.11) Meta uses for each situation. Documented as codes;
the pairing is partly inferred: invite dismissal as USER_INPUT, the storage limit as INVALID_OPERATION
("e.g. storage limits"), a removed global board as LEADERBOARD_NOT_FOUND."""


def error_table(cap: Capability, **extra: Callable[[PlatformError], Exception]) -> ErrorMap:
    """Meta's cancel and unsupported codes for ``cap`` as typed errors, plus ``extra`` (key of
    :data:`META_CODES` -> error factory)."""

    def unsupported(exc: PlatformError) -> Exception:
        return UnsupportedCapabilityError(cap.value, "meta", FALLBACKS[cap], exc.message)

    def cancelled(exc: PlatformError) -> Exception:
        return UserCancelledError(f"the player closed the {cap.value} dialog", platform="meta")

    table: dict[str | int, Callable[[PlatformError], Exception]] = {
        META_CODES["cancelled"]: cancelled,
        META_CODES["unsupported"]: unsupported,
    }
    table.update({META_CODES[key]: factory for key, factory in extra.items()})
    return table


def supported_apis(bridge: Bridge) -> set[str]:
    """``getSupportedAPIs()``; nothing optional when it fails (logged)."""
    try:
        listed = bridge.call_sync("FBInstant.getSupportedAPIs")
    except PlatformError as exc:
        logger.warning("getSupportedAPIs failed (%s): nothing optional is enabled", exc)
        return set()
    return {api for api in listed if isinstance(api, str)} if isinstance(listed, list) else set()


def lacking(apis: set[str], has_log_event: bool) -> dict[Capability, str]:
    """The capabilities whose :data:`REQUIRED_APIS` this session's ``getSupportedAPIs()`` lacks, with why
    (ANALYTICS also needs ``FBInstant.logEvent`` to exist)."""
    missing: dict[Capability, str] = {}
    for cap, needed in REQUIRED_APIS.items():
        absent = [api for api in needed if api not in apis]
        if absent:
            missing[cap] = f"getSupportedAPIs() lacks {', '.join(absent)}"
        elif cap is Capability.ANALYTICS and not has_log_event:
            missing[cap] = "FBInstant.logEvent does not exist in this SDK"
    return missing
