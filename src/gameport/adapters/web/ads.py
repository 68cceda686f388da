"""Ads on the web platform, from an ad provider the page installs (the web has no ad network of its own).

The provider is a plain JavaScript object at ``globalThis.gameportWebAds`` (a self-hosted game wraps its ad
network in it; a dev page can simulate ads with it)::

    globalThis.gameportWebAds = {
      // resolve {completed: true} when the ad ran to its end, {completed: false} when the player closed it;
      // reject {code, message, shown?} when it could not run: code is an AdReason value ("no_fill", ...)
      show(kind, placement) { ... },          // kind: "rewarded" | "interstitial"
      load(kind, placement) { ... },          // optional: preload; resolve when ready
    };

Without a provider the web platform has no ads (``AdReason.NOT_SUPPORTED``).
"""

from __future__ import annotations

from typing import Final

from gameport.adapters.ad_driver import AdDriver, AdFailure, AdOutcome, Notify
from gameport.bridge import Bridge
from gameport.errors import BridgeTimeoutError, PlatformError
from gameport.models.ads import AdKind, AdReason, AdState

PROVIDER: Final = "gameportWebAds"
"""The global the web platform's ad provider is installed at."""


def _failure(exc: PlatformError | BridgeTimeoutError) -> tuple[AdFailure, bool]:
    if isinstance(exc, BridgeTimeoutError):
        return AdFailure(AdReason.TIMEOUT, str(exc)), False
    raw = exc.raw if isinstance(exc.raw, dict) else {}
    try:
        reason = AdReason(str(raw.get("code", exc.code)))
    except ValueError:
        reason = AdReason.UNKNOWN
    return AdFailure(reason, f"{exc.code}: {exc.message}"), raw.get("shown") is True


class WebAds(AdDriver):
    """Ads through the page's provider (see the module docstring)."""

    def __init__(self, bridge: Bridge) -> None:
        self.bridge = bridge
        self._loaded: set[tuple[AdKind, str]] = set()

    async def load(self, kind: AdKind, unit: str, timeout: float) -> None:
        """The provider's ``load(kind, placement)``.

        Raises:
            AdFailure: NOT_SUPPORTED when the provider has no ``load``; what it rejected with otherwise.
        """
        if not self.bridge.has(f"{PROVIDER}.load"):
            raise AdFailure(AdReason.NOT_SUPPORTED, f"{PROVIDER} has no load()")
        try:
            await self.bridge.call(f"{PROVIDER}.load", kind.value, unit, timeout=timeout)
        except (PlatformError, BridgeTimeoutError) as exc:
            raise _failure(exc)[0] from None
        self._loaded.add((kind, unit))

    async def show(
        self, kind: AdKind, unit: str, *, load_timeout: float, show_timeout: float, notify: Notify
    ) -> AdOutcome:
        """The provider's ``show(kind, placement)``; ``{completed: true}`` is the only ended outcome."""
        if (kind, unit) in self._loaded:
            self._loaded.discard((kind, unit))
            notify(AdState.LOADED)
        try:
            answer = await self.bridge.call(f"{PROVIDER}.show", kind.value, unit, timeout=show_timeout)
        except (PlatformError, BridgeTimeoutError) as exc:
            failure, shown = _failure(exc)
            return AdOutcome(shown, False, failure.reason, failure.detail)
        notify(AdState.SHOWN)
        completed = answer.get("completed") if isinstance(answer, dict) else None
        if not isinstance(completed, bool):
            return AdOutcome(
                True, False, AdReason.UNKNOWN, f"{PROVIDER}.show answered {answer!r}, not {{completed}}"
            )
        if completed or kind is AdKind.INTERSTITIAL:
            return AdOutcome(True, True, None)
        return AdOutcome(True, False, AdReason.USER_DISMISSED, "the provider answered completed: false")
