"""One session's ad state for ``platform.ads``: its driver, pacing, back-off, and placement lookups."""

from __future__ import annotations

from dataclasses import dataclass

from gameport._session import Session
from gameport.adapters.ad_driver import AdDriver
from gameport.capabilities import PlatformName
from gameport.errors import ConfigError, InvalidArgumentError
from gameport.features.ad_pacing import Backoff, Pacer
from gameport.models.ads import AdReason

RATE_LIMIT_KEY = "*"
"""Back-off key of "too frequent": platforms rate-limit the app, not one ad unit (no-fill is per unit)."""


@dataclass(slots=True)
class SessionAds:
    """The ads of one platform session. ``busy`` is per session: a show left over from a closed session
    never blocks the new one."""

    session: Session
    pacer: Pacer
    backoff: Backoff
    busy: bool = False
    _driver: AdDriver | None = None

    def driver(self) -> AdDriver:
        """The platform's ad driver, built on first use (callers have passed the capability gate)."""
        if self._driver is None:
            self._driver = self.session.adapter.ad_driver()
        return self._driver

    def close(self) -> None:
        """Release what the driver holds (preloaded ads, listeners)."""
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    def backing_off(self, unit: str) -> tuple[AdReason, str] | None:
        """The refusal while gameport backs off from the app (rate limit) or from ``unit`` (no fill)."""
        return self.backoff.blocked(RATE_LIMIT_KEY) or self.backoff.blocked(unit)

    def back_off(self, unit: str, reason: AdReason) -> None:
        """Start or lengthen the back-off that ``reason`` calls for, if any."""
        if reason is AdReason.NO_FILL:
            self.backoff.failed(unit, reason)
        elif reason is AdReason.RATE_LIMITED:
            self.backoff.failed(RATE_LIMIT_KEY, reason)

    def unit(self, placement: str) -> str:
        """The platform's ad unit id of the game's ``placement`` (on the web: the placement itself).

        Raises:
            InvalidArgumentError: ``placement`` is not a non-empty string.
            ConfigError: the platform block has no ad unit id for it.
        """
        if not isinstance(placement, str) or not placement:
            raise InvalidArgumentError(f"an ad placement must be a non-empty string, got {placement!r}")
        session = self.session
        unit = session.settings.placements.get(placement)
        if unit is not None:
            return unit
        if session.name is PlatformName.WEB:
            return placement  # the page's provider receives the game's own name
        raise ConfigError(
            f"no ad unit id for placement {placement!r} on {session.name.value} "
            f"({session.environment.value}): add it to the placements of that platform block",
            platform=session.name.value,
        )
