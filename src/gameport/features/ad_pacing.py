"""Ad pacing at run time: the gaps between full-screen ads and the back-off after refusals.

The numbers come from :class:`~gameport.config.ad_policy.AdPolicy`.
"""

from __future__ import annotations

from collections.abc import Callable

from gameport.config.ad_policy import AdPolicy
from gameport.models.ads import AdKind, AdReason


class Pacer:
    """Applies an :class:`AdPolicy` with a monotonic ``clock`` (seconds); starts counting at creation."""

    def __init__(self, policy: AdPolicy, clock: Callable[[], float]) -> None:
        self.policy = policy
        self._clock = clock
        self._started = clock()
        self._last_ad_end: float | None = None

    def refusal(self, kind: AdKind) -> tuple[AdReason, str] | None:
        """Why gameport's capping refuses a ``kind`` ad now, or None when it may be shown."""
        now = self._clock()
        if kind is AdKind.INTERSTITIAL:
            wait = self._started + self.policy.interstitial_start_delay - now
            if wait > 0:
                return (
                    AdReason.FREQUENCY_CAP,
                    f"no interstitial in the first {self.policy.interstitial_start_delay:g} s",
                )
        gap = self.policy.interstitial_gap if kind is AdKind.INTERSTITIAL else self.policy.rewarded_gap
        if self._last_ad_end is not None and now - self._last_ad_end < gap:
            return AdReason.FREQUENCY_CAP, f"at least {gap:g} s between full-screen ads"
        return None

    def ad_ended(self) -> None:
        """Record that a full-screen ad was on screen and has ended now."""
        self._last_ad_end = self._clock()


class Backoff:
    """Per-key back-off after no-fill or rate limiting: ``policy.backoff`` seconds, doubling on repeats."""

    def __init__(self, policy: AdPolicy, clock: Callable[[], float]) -> None:
        self._policy = policy
        self._clock = clock
        self._until: dict[str, tuple[float, float, AdReason]] = {}

    def blocked(self, key: str) -> tuple[AdReason, str] | None:
        """The reason to answer at once for ``key`` while backing off, or None."""
        entry = self._until.get(key)
        if entry is None:
            return None
        until, _, reason = entry
        left = until - self._clock()
        if left <= 0:
            return None
        return reason, f"backing off for {left:.0f} s more after the platform answered {reason.value}"

    def failed(self, key: str, reason: AdReason) -> None:
        """Start (or double) the back-off of ``key``."""
        previous = self._until.get(key)
        span = min(self._policy.backoff if previous is None else previous[1] * 2, self._policy.backoff_max)
        self._until[key] = (self._clock() + span, span, reason)

    def succeeded(self, key: str) -> None:
        """Forget the back-off of ``key`` (a load filled)."""
        self._until.pop(key, None)
