"""Ad pacing: gameport's own frequency capping and back-off, configurable per platform and environment.

In the configuration file, per platform block::

    [platforms.meta.production]
    ads = { interstitial_start_delay = 60, interstitial_gap = 90, show_timeout = 120 }
"""

from __future__ import annotations

from dataclasses import dataclass, fields


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
