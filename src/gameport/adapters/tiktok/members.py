"""Which ``TTMinis.game`` members each capability needs, and which timeout key each call reads."""

from __future__ import annotations

from typing import Final

from gameport.adapters.tiktok.ads import FACTORIES
from gameport.capabilities import Capability
from gameport.models.ads import AdKind

NS: Final = "TTMinis.game"
"""The JavaScript namespace of every TikTok Mini Games call."""


# Capability -> the TTMinis.game members it needs (each asked of canIUse and checked for presence).
NEEDS: Final[dict[Capability, tuple[str, ...]]] = {
    Capability.LOGIN: ("login",),
    Capability.AUTHORIZE: ("authorize",),
    Capability.LOADING_PROGRESS: ("setLoadingProgress",),
    Capability.LIFECYCLE: ("onShow", "onHide"),
    Capability.LAUNCH_DATA: ("getLaunchOptionsSync",),
    Capability.STORAGE: ("getStorage", "setStorage", "removeStorage"),
    Capability.SHORTCUT: ("addShortcut",),
    Capability.SHORTCUT_REWARD: ("getShortcutMissionReward",),
    Capability.REVISIT: ("startEntranceMission", "getEntranceMissionReward"),
    Capability.SHARE: ("shareAppMessage",),
    Capability.INVITE: ("shareAppMessage",),
    Capability.ANALYTICS: ("reportEvent",),
    Capability.REWARDED_AD: (FACTORIES[AdKind.REWARDED],),
    Capability.INTERSTITIAL_AD: (FACTORIES[AdKind.INTERSTITIAL],),
    Capability.PURCHASES: ("pay",),
}


TIMEOUT_KEYS: Final = {  # capability -> its key in the configuration's ``timeouts``
    Capability.LOGIN: "login",
    Capability.LOADING_PROGRESS: "loading_progress",
    Capability.STORAGE: "storage",
    Capability.SHORTCUT_REWARD: "reward",
    Capability.REVISIT: "reward",
    Capability.ANALYTICS: "analytics",
}
