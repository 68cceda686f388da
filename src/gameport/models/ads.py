"""The results and events of ``platform.ads``. Plain frozen data: no JavaScript objects inside."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AdKind(StrEnum):
    """The ad formats gameport shows."""

    REWARDED = "rewarded"
    INTERSTITIAL = "interstitial"
    BANNER = "banner"


class AdReason(StrEnum):
    """Why an ad did not run to its end. The set is closed: game code may match on every member.

    Members:
        NOT_SUPPORTED: this platform, client or configuration has no such ad (see ``platform.supports``).
        NO_FILL: the network had no ad to give (normal for new or low-traffic games); also while gameport
            backs off after a no-fill instead of asking again at once.
        FREQUENCY_CAP: gameport's own capping refused (start delay, minimum gap, instance limit).
        RATE_LIMITED: the platform said ads were requested too often (Meta ``ADS_FREQUENT_LOAD``,
            ``RATE_LIMITED``), or gameport is backing off after it did.
        USER_DISMISSED: the player closed a rewarded ad before it ended (no reward).
        ANOTHER_AD_SHOWING: one ad is on screen already; gameport shows one at a time.
        NETWORK: the platform reported a network failure.
        TIMEOUT: the ad did not load, or did not close, within the configured time.
        UNKNOWN: any other failure; ``AdResult.detail`` has the platform's code and message.
    """

    NOT_SUPPORTED = "not_supported"
    NO_FILL = "no_fill"
    FREQUENCY_CAP = "frequency_cap"
    RATE_LIMITED = "rate_limited"
    USER_DISMISSED = "user_dismissed"
    ANOTHER_AD_SHOWING = "another_ad_showing"
    NETWORK = "network"
    TIMEOUT = "timeout"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class AdResult:
    """What really happened when an ad was asked for.

    Attributes:
        kind: rewarded or interstitial.
        placement: the game-level placement name that was asked for.
        shown: the platform displayed the ad (False when it never appeared; on Meta a failure of
            ``showAsync`` other than an early close cannot tell, and counts as not shown).
        rewarded: grant the reward. True only for a rewarded ad the platform says was watched to its end
            (TikTok ``onClose({isEnded: true})``, Meta ``showAsync`` resolving); never True twice for one
            show.
        reason: None when the ad ran to its end (an interstitial closed normally counts); otherwise why not.
        detail: the platform's code and message, or gameport's explanation, for logs. Not for matching.
    """

    kind: AdKind
    placement: str
    shown: bool
    rewarded: bool
    reason: AdReason | None
    detail: str = ""

    @property
    def completed(self) -> bool:
        """The ad ran to its end (``reason is None``)."""
        return self.reason is None


@dataclass(frozen=True, slots=True)
class AdLoadResult:
    """The outcome of ``platform.ads.preload``: ``ready`` True when the next show can start at once."""

    kind: AdKind
    placement: str
    ready: bool
    reason: AdReason | None = None
    detail: str = ""


class BannerPosition(StrEnum):
    """Where a banner sits (Meta: ``'top'`` or ``'bottom'``)."""

    TOP = "top"
    BOTTOM = "bottom"


@dataclass(frozen=True, slots=True)
class BannerResult:
    """The outcome of showing or hiding a banner. Banners are best effort: failing to fill is no error."""

    visible: bool
    reason: AdReason | None = None
    detail: str = ""


class AdState(StrEnum):
    """The steps of one ad, reported to ``platform.ads.on(...)`` callbacks in this order (some skipped)."""

    REQUESTED = "requested"
    LOADED = "loaded"
    SHOWN = "shown"
    REWARDED = "rewarded"
    CLOSED = "closed"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class AdEvent:
    """One state change of an ad. ``result`` is set on CLOSED and FAILED (the show's final result)."""

    kind: AdKind
    placement: str
    state: AdState
    result: AdResult | None = None
