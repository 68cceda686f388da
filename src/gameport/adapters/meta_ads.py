"""Meta's ads: ``getRewardedVideoAsync`` / ``getInterstitialAdAsync`` → ``loadAsync`` → ``showAsync``, and
the (deprecated) banner.

Meta's rules, which this driver follows (reference B.6, D.9, D.10): an ``AdInstance`` is single-use; holding
too many loaded-but-unshown instances makes every further ``get…Async`` fail with
``ADS_TOO_MANY_INSTANCES`` until one is shown, so this driver holds at most ``AD_INSTANCE_LIMIT - 1`` (one
slot stays free for a show that was not preloaded) and reuses a preloaded instance for its placement;
``showAsync`` resolving means "watched", rejecting with ``USER_INPUT`` means "closed early".
"""

from __future__ import annotations

from typing import Final

from ..ad_models import AdKind, AdReason, AdState, BannerPosition, BannerResult
from ..bridge import Bridge, Handle
from ..errors import BridgeTimeoutError, PlatformError
from .ad_driver import AdDriver, AdFailure, AdOutcome, Notify

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
    "PENDING_REQUEST": AdReason.ANOTHER_AD_SHOWING,
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


class MetaAds(AdDriver):
    """Ads on ``FBInstant`` 8.0. ``limit``: see :data:`AD_INSTANCE_LIMIT`."""

    def __init__(self, bridge: Bridge, *, limit: int = AD_INSTANCE_LIMIT) -> None:
        self.bridge = bridge
        self.limit = limit
        self._held: dict[tuple[AdKind, str], Handle] = {}
        self._lost = 0

    @property
    def held(self) -> int:
        """Loaded instances kept for a later show, plus loads that timed out (see :meth:`load`)."""
        return len(self._held) + self._lost

    async def _loaded_instance(self, kind: AdKind, unit: str, timeout: float) -> Handle:
        try:
            instance = await self.bridge.create(f"FBInstant.{GETTERS[kind]}", unit, timeout=timeout)
        except (PlatformError, BridgeTimeoutError) as exc:
            raise reason_of(exc) from None
        try:
            await self.bridge.call(instance.member("loadAsync"), timeout=timeout)
        except BaseException as exc:
            self.bridge.release(instance)
            if isinstance(exc, BridgeTimeoutError):
                # It may still finish loading, out of our reach, and then count against Meta's limit
                # until the app restarts: keep its slot taken.
                self._lost += 1
            raise reason_of(exc) from None
        return instance

    async def load(self, kind: AdKind, unit: str, timeout: float) -> None:
        """Get and load an instance for ``unit`` unless one is held already.

        Raises:
            AdFailure: FREQUENCY_CAP when ``limit - 1`` instances are held; what Meta answered otherwise.
        """
        key = (kind, unit)
        if key in self._held:
            return
        if self.held >= self.limit - 1:
            raise AdFailure(
                AdReason.FREQUENCY_CAP,
                f"{self.held} preloaded ads are waiting to be shown; Meta refuses more at {self.limit}",
            )
        self._held[key] = await self._loaded_instance(kind, unit, timeout)

    async def show(
        self, kind: AdKind, unit: str, *, load_timeout: float, show_timeout: float, notify: Notify
    ) -> AdOutcome:
        """Show the held instance for ``unit`` (or get and load one), waiting for ``showAsync``."""
        instance = self._held.pop((kind, unit), None)
        if instance is None:
            try:
                instance = await self._loaded_instance(kind, unit, load_timeout)
            except AdFailure as refused:
                return AdOutcome(False, False, refused.reason, refused.detail)
        try:
            notify(AdState.LOADED)
            try:
                await self.bridge.call(instance.member("showAsync"), timeout=show_timeout)
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
        """Release the held instances' handles (Meta keeps them until they are shown or the app restarts)."""
        for instance in self._held.values():
            self.bridge.release(instance)
        self._held.clear()
