"""What a platform can do: the :class:`Capability` names and each one's documented fallback."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class PlatformName(StrEnum):
    """The platforms gameport runs on. Values are what ``?gp_platform=`` and configuration use."""

    TIKTOK = "tiktok"
    META = "meta"
    WEB = "web"


class Capability(StrEnum):
    """One thing game code may ask a platform for. Check with ``platform.supports(Capability.X)``."""

    LOGIN = "login"
    AUTHORIZE = "authorize"
    LOADING_PROGRESS = "loading_progress"
    LIFECYCLE = "lifecycle"
    LAUNCH_DATA = "launch_data"
    STORAGE = "storage"
    SHORTCUT = "shortcut"
    SHORTCUT_REWARD = "shortcut_reward"
    REVISIT = "revisit"
    SHARE = "share"
    INVITE = "invite"
    LEADERBOARDS = "leaderboards"
    ANALYTICS = "analytics"
    REWARDED_AD = "rewarded_ad"
    INTERSTITIAL_AD = "interstitial_ad"
    BANNER_AD = "banner_ad"
    PURCHASES = "purchases"


FALLBACKS: Final[dict[Capability, str]] = {
    Capability.LOGIN: "play as a guest: keep progress in platform.storage and offer login later",
    Capability.AUTHORIZE: "use the silent login's player id; ask your backend for profile data",
    Capability.LOADING_PROGRESS: "draw your own progress bar; nothing else is needed",
    Capability.LIFECYCLE: "pause on the page's visibilitychange, which the web platform reports",
    Capability.LAUNCH_DATA: "treat the launch as a plain start with no entry data",
    Capability.STORAGE: "keep state in memory and sync it to your backend keyed by the player id",
    Capability.SHORTCUT: "hide the 'add to home screen' button",
    Capability.SHORTCUT_REWARD: "do not promise a reward for the shortcut on this platform",
    Capability.REVISIT: "hide the revisit-from-profile mission on this platform",
    Capability.SHARE: "hide the share button",
    Capability.INVITE: "use platform.social.share, or hide the invite button",
    Capability.LEADERBOARDS: "configure leaderboard_url (your game backend) or hide leaderboards",
    Capability.ANALYTICS: "send events to your own backend; platform.analytics.log is then a no-op",
    Capability.REWARDED_AD: "offer the reward another way (a daily gift) or hide the button",
    Capability.INTERSTITIAL_AD: "skip the ad break",
    Capability.BANNER_AD: "leave the banner area empty",
    Capability.PURCHASES: "hide the shop, or sell through your own web checkout where the platform allows it",
}
"""What to do instead when a capability is unsupported; every capability has one."""
