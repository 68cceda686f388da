"""Meta's ads: ``getRewardedVideoAsync`` / ``getInterstitialAdAsync`` → ``loadAsync`` → ``showAsync``, and
the (deprecated) banner.

Meta's rules, which this driver follows (reference B.6, D.9, D.10): an ``AdInstance`` is single-use; holding
too many loaded-but-unshown instances makes every further ``get…Async`` fail with
``ADS_TOO_MANY_INSTANCES`` until one is shown, so this driver holds at most ``AD_INSTANCE_LIMIT - 1`` (one
slot stays free for a show that was not preloaded) and reuses a preloaded instance for its placement;
``showAsync`` resolving means "watched", rejecting with ``USER_INPUT`` means "closed early".
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Final
from weakref import WeakKeyDictionary

from gameport.adapters.ad_driver import AdDriver, AdFailure, AdOutcome, Notify
from gameport.adapters.single_flight import start_once
from gameport.bridge import Bridge, Handle
from gameport.errors import BridgeTimeoutError, PlatformError
from gameport.models.ads import AdKind, AdReason, AdState, BannerPosition, BannerResult

AD_INSTANCE_LIMIT: Final = 3
"""[unconfirmed] Loaded-but-unshown instances at which Meta starts refusing (integrators report 3; D.9)."""

AD_REASONS: Final[dict[str, AdReason]] = {
    "ADS_NO_FILL": AdReason.NO_FILL,
    "ADS_FREQUENT_LOAD": AdReason.RATE_LIMITED,
    "RATE_LIMITED": AdReason.RATE_LIMITED,
    "NETWORK_FAILURE": AdReason.NETWORK,
    "USER_INPUT": AdReason.USER_DISMISSED,
    "CLIENT_UNSUPPORTED_OPERATION": AdReason.NOT_SUPPORTED,
    "ADS_TOO_MANY_INSTANCES": AdReason.FREQUENCY_CAP,
}
"""Meta's documented APIError codes (B.11) as ad reasons; any other code is UNKNOWN."""

GETTERS: Final = {AdKind.REWARDED: "getRewardedVideoAsync", AdKind.INTERSTITIAL: "getInterstitialAdAsync"}


def reason_of(exc: BaseException) -> AdFailure:
    """The expected failure ``exc`` stands for; anything unexpected is raised again."""
    if isinstance(exc, AdFailure):
        return exc
    if isinstance(exc, BridgeTimeoutError):
        return AdFailure(AdReason.TIMEOUT, str(exc))
    if isinstance(exc, PlatformError):
        code = exc.code if isinstance(exc.code, str) else ""
        return AdFailure(AD_REASONS.get(code, AdReason.UNKNOWN), f"{exc.code}: {exc.message}")
    raise exc


@dataclass(slots=True)
class _PageSlots:
    """Instances Meta still counts for one page but no driver can show any more: loads that finished after
    their caller stopped waiting (timeout, cancellation) or after their session closed. Meta counts them
    until the app restarts, so every later driver on the same page must too."""

    lost: int = 0


_PAGES: WeakKeyDictionary[object, _PageSlots] = WeakKeyDictionary()


class MetaAds(AdDriver):
    """Ads on ``FBInstant`` 8.0. ``limit``: see :data:`AD_INSTANCE_LIMIT`.

    One load per ad unit at a time (a second preload, or a show, waits for the load in flight), and every
    load in flight counts towards the limit from its start, so concurrent preloads cannot pass it.
    """

    def __init__(self, bridge: Bridge, *, limit: int = AD_INSTANCE_LIMIT) -> None:
        self.bridge = bridge
        self.limit = limit
        self._page = _PAGES.setdefault(bridge, _PageSlots())
        self._held: dict[tuple[AdKind, str], Handle] = {}
        self._loading: dict[tuple[AdKind, str], asyncio.Task[None]] = {}
        self._closed = False

    @property
    def held(self) -> int:
        """Instances Meta counts as loaded but unshown: held for a later show, loading, or lost."""
        return len(self._held) + len(self._loading) + self._page.lost

    def _start_load(self, kind: AdKind, unit: str, timeout: float) -> asyncio.Task[None]:
        return start_once(self._loading, (kind, unit), lambda: self._load(kind, unit, timeout))

    async def _load(self, kind: AdKind, unit: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        try:
            instance = await self.bridge.create(f"FBInstant.{GETTERS[kind]}", unit, timeout=timeout)
        except (PlatformError, BridgeTimeoutError) as exc:
            raise reason_of(exc) from None
        try:
            left = max(0.001, deadline - time.monotonic())
            await self.bridge.call(instance.member("loadAsync"), timeout=left)
        except BaseException as exc:
            self.bridge.release(instance)
            if not isinstance(exc, PlatformError):
                self._page.lost += 1  # it may still finish loading, out of anyone's reach
            raise reason_of(exc) from None
        if self._closed:
            self.bridge.release(instance)
            self._page.lost += 1
            return
        self._held[(kind, unit)] = instance

    async def load(self, kind: AdKind, unit: str, timeout: float) -> None:
        """Get and load an instance for ``unit`` unless one is held or loading already.

        Raises:
            AdFailure: FREQUENCY_CAP when ``limit - 1`` instances are held or loading; what Meta answered
                otherwise.
        """
        key = (kind, unit)
        if key in self._held:
            return
        if key not in self._loading and self.held >= self.limit - 1:
            raise AdFailure(
                AdReason.FREQUENCY_CAP,
                f"{self.held} preloaded ads are waiting to be shown; Meta refuses more at {self.limit}",
            )
        await asyncio.shield(self._start_load(kind, unit, timeout))

    async def show(
        self, kind: AdKind, unit: str, *, load_timeout: float, show_timeout: float, notify: Notify
    ) -> AdOutcome:
        """Show the held instance for ``unit`` (or get and load one), waiting for ``showAsync``; the whole
        show, loading included, takes at most ``show_timeout``."""
        deadline = time.monotonic() + show_timeout
        key = (kind, unit)
        if key not in self._held:
            if key not in self._loading and self.held >= self.limit:
                detail = f"{self.held} loaded ads are waiting to be shown; Meta refuses more at {self.limit}"
                return AdOutcome(False, False, AdReason.FREQUENCY_CAP, detail)
            try:
                await asyncio.shield(self._start_load(kind, unit, min(load_timeout, show_timeout)))
            except AdFailure as refused:
                return AdOutcome(False, False, refused.reason, refused.detail)
        instance = self._held.pop(key, None)
        if instance is None:
            return AdOutcome(False, False, AdReason.UNKNOWN, "the session closed while the ad loaded")
        try:
            notify(AdState.LOADED)
            try:
                left = max(0.001, deadline - time.monotonic())
                await self.bridge.call(instance.member("showAsync"), timeout=left)
            except (PlatformError, BridgeTimeoutError) as exc:
                failure = reason_of(exc)
                # Meta rejects with USER_INPUT only for an ad the player saw and closed early.
                shown = failure.reason is AdReason.USER_DISMISSED
                if kind is AdKind.INTERSTITIAL and shown:
                    return AdOutcome(True, True, None)
                return AdOutcome(shown, False, failure.reason, failure.detail)
            notify(AdState.SHOWN)
            return AdOutcome(True, True, None)
        finally:
            self.bridge.release(instance)

    async def show_banner(self, unit: str, position: BannerPosition, timeout: float) -> BannerResult:
        """``loadBannerAdAsync(unit, position)``; a refusal is a result (banners are deprecated)."""
        try:
            await self.bridge.call("FBInstant.loadBannerAdAsync", unit, position.value, timeout=timeout)
        except (PlatformError, BridgeTimeoutError) as exc:
            failure = reason_of(exc)
            return BannerResult(visible=False, reason=failure.reason, detail=failure.detail)
        return BannerResult(visible=True)

    async def hide_banner(self, timeout: float) -> BannerResult:
        """``hideBannerAdAsync()``; a refusal is a result."""
        try:
            await self.bridge.call("FBInstant.hideBannerAdAsync", timeout=timeout)
        except (PlatformError, BridgeTimeoutError) as exc:
            failure = reason_of(exc)
            return BannerResult(visible=False, reason=failure.reason, detail=failure.detail)
        return BannerResult(visible=False)

    def close(self) -> None:
        """Release the held instances' handles. Meta keeps counting those instances (until they are shown or
        the app restarts), so they stay counted for this page; loads still in flight are counted when they
        finish."""
        self._closed = True
        for instance in self._held.values():
            self.bridge.release(instance)
            self._page.lost += 1
        self._held.clear()
