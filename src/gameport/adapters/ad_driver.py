"""What an adapter implements for ads: load, show and banners of one platform, without pacing.

The ``platform.ads`` namespace (:mod:`gameport.features.ads`) owns everything shared: one ad at a time,
frequency capping, back-off, timeouts, lifecycle pause / mute and events. A driver only talks to its SDK and
reports what happened as an :class:`AdOutcome`; expected failures are outcomes or :class:`AdFailure`, not
``PlatformError``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

from gameport.models.ads import AdKind, AdReason, AdState, BannerPosition, BannerResult


@dataclass(frozen=True, slots=True)
class AdOutcome:
    """One show as the platform reported it.

    Attributes:
        shown: the platform confirmed the ad was displayed.
        ended: the ad ran to its end (rewarded: watched to completion; interstitial: closed normally).
        reason: None when ``ended``; otherwise why not.
        detail: the platform's code and message, for logs.
    """

    shown: bool
    ended: bool
    reason: AdReason | None
    detail: str = ""


class AdFailure(Exception):
    """A load (or the fetch before a show) failed with an expected ``reason``; ``detail`` for logs."""

    def __init__(self, reason: AdReason, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


Notify = Callable[[AdState], None]
"""Tells the ads namespace that a show reached LOADED or SHOWN (it emits the event)."""


class AdDriver(ABC):
    """One platform's ads. Every method must leave no listener, handle or pending call behind, also when
    the calling task is cancelled."""

    @abstractmethod
    async def load(self, kind: AdKind, unit: str, timeout: float) -> None:
        """Load one ad of ``kind`` for ad unit ``unit`` and keep it for the next :meth:`show` of that unit.

        Raises:
            AdFailure: no fill, rate limited, network, timeout, instance limit, not supported here.
        """

    @abstractmethod
    async def show(
        self, kind: AdKind, unit: str, *, load_timeout: float, show_timeout: float, notify: Notify
    ) -> AdOutcome:
        """Show one ad (a preloaded one when there is one) and wait until it closes.

        ``load_timeout`` bounds loading and displaying; ``show_timeout`` bounds the whole show. Never
        raises for what the platform answers: that is the outcome.
        """

    async def show_banner(self, unit: str, position: BannerPosition, timeout: float) -> BannerResult:
        """Show a banner; best effort. Drivers of platforms with banners override this."""
        return BannerResult(visible=False, reason=AdReason.NOT_SUPPORTED, detail="no banner ads here")

    async def hide_banner(self, timeout: float) -> BannerResult:
        """Hide the banner; best effort."""
        return BannerResult(visible=False, reason=AdReason.NOT_SUPPORTED, detail="no banner ads here")

    def close(self) -> None:  # noqa: B027 - optional hook; most drivers hold nothing between shows
        """Release everything held between shows (preloaded ads)."""
