"""Ad pacing: gameport's own frequency capping and back-off, configurable per platform and environment.

In the configuration file, per platform block::

    [platforms.meta.production]
    ads = { interstitial_start_delay = 60, interstitial_gap = 90, show_timeout = 120 }
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from .ad_models import AdKind, AdReason


@dataclass(frozen=True, slots=True)
class AdPolicy:
    """Seconds that pace ads. Every field is ``>= 0``; 0 switches that rule off.

    Attributes:
        interstitial_start_delay: no interstitial this long after ``platform.init()`` (let players play).
        interstitial_gap: at least this long between the end of any full-screen ad and an interstitial.
        rewarded_gap: at least this long between the end of any full-screen ad and a rewarded ad. Players
            ask for rewarded ads, so the default is 0.
        show_timeout: an ad that has not closed this long after it was asked for ends with
            ``AdReason.TIMEOUT`` (its listeners are removed; the next ad is not blocked).
        load_timeout: a load (or a show that has not displayed) this slow ends with ``AdReason.TIMEOUT``.
        backoff: after a no-fill or a "too frequent" answer, do not ask the platform again for this long
            (answering NO_FILL / RATE_LIMITED at once); doubles on each repeat.
        backoff_max: the longest back-off.

    One ad at a time is not configurable: a second show while one is running answers
    ``AdReason.ANOTHER_AD_SHOWING``.
    """

    interstitial_start_delay: float = 30.0
    interstitial_gap: float = 60.0
    rewarded_gap: float = 0.0
    show_timeout: float = 150.0
    load_timeout: float = 15.0
    backoff: float = 30.0
    backoff_max: float = 300.0

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The configuration keys of the ``ads`` table."""
        return tuple(f.name for f in fields(cls))


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
