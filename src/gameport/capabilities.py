"""What a platform can do: the :class:`Capability` names, their fallbacks, and the one gate that decides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from gameport.errors import UnsupportedCapabilityError


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


NO_SUCH_API: Final = "the platform has no such API"
"""The reason for a capability the platform's adapter does not declare at all."""


def switched_off(capability: Capability) -> str:
    """The reason for a capability turned off by the configuration's ``features`` switches."""
    return f"switched off by features[{capability.value!r}] in the configuration"


@dataclass(frozen=True, slots=True)
class CapabilityGate:
    """The one answer to "can this session do X, and if not, why", settled at ``platform.init()``.

    Built by :meth:`decide` from what the adapter declares, what it found missing in this session (client
    version, ``canIUse``, ``getSupportedAPIs``, browser APIs) and the configuration's ``features``
    switches. Every refusal, from the facade or from an adapter, goes through :meth:`require`, so the
    game always sees the precise reason.

    Attributes:
        platform: the platform of this session.
        available: what this session can do.
        reasons: for every other capability, why not.
    """

    platform: PlatformName
    available: frozenset[Capability]
    reasons: Mapping[Capability, str]

    @classmethod
    def decide(
        cls,
        platform: PlatformName,
        declared: Iterable[Capability],
        missing: Mapping[Capability, str],
        features: Mapping[str, bool],
    ) -> CapabilityGate:
        """The gate of one session.

        Args:
            declared: everything the platform's adapter can ever do.
            missing: declared capabilities this session lacks, each with the adapter's reason.
            features: the configuration's switches (capability name -> enabled).
        """
        declared = frozenset(declared)
        reasons: dict[Capability, str] = {}
        for capability in Capability:
            if capability not in declared:
                reasons[capability] = NO_SUCH_API
            elif not features.get(capability.value, True):
                reasons[capability] = switched_off(capability)
            elif capability in missing:
                reasons[capability] = missing[capability]
        return cls(platform, frozenset(c for c in Capability if c not in reasons), reasons)

    def serving(self, capabilities: Iterable[Capability], features: Mapping[str, bool]) -> CapabilityGate:
        """This gate with ``capabilities`` served elsewhere (the game backend's leaderboards), unless
        the configuration switched them off."""
        added = {c for c in capabilities if features.get(c.value, True)}
        reasons = {c: why for c, why in self.reasons.items() if c not in added}
        return CapabilityGate(self.platform, self.available | added, reasons)

    def lacking(self, missing: Mapping[Capability, str]) -> CapabilityGate:
        """This gate without ``missing`` (capability -> why), for what the session itself lacks (a
        backend that is not configured)."""
        taken = {c: why for c, why in missing.items() if c in self.available}
        return CapabilityGate(self.platform, self.available - taken.keys(), {**self.reasons, **taken})

    def allows(self, capability: Capability) -> bool:
        """Whether ``capability`` is available in this session."""
        return capability in self.available

    def require(self, capability: Capability) -> None:
        """Return when ``capability`` is available.

        Raises:
            UnsupportedCapabilityError: it is not; names the capability, the platform, the precise reason
                and the fallback.
        """
        if capability not in self.available:
            reason = self.reasons.get(capability, NO_SUCH_API)
            raise UnsupportedCapabilityError(
                capability.value, self.platform.value, FALLBACKS[capability], reason
            )
