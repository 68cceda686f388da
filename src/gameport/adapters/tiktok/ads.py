"""TikTok's rewarded and interstitial ads: ``createRewardedVideoAd`` / ``createInterstitialAd``.

TikTok's rules, which this driver follows (reference A.7, D.2): an ad object can be shown once, so every show
gets a new one (a preloaded object counts as new until it is shown); ``show()`` resolving only means
"displayed"; the reward is earned only when ``onClose`` says ``isEnded: true``; ``onClose`` also fires after
a playback error, so an ``onError`` seen after display means "not earned"; ``load()`` exists only on newer
clients (``canIUse``). Every ``onClose`` / ``onError`` listener is removed with ``offClose`` / ``offError``
and every handle released after each show, whatever happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from gameport.adapters.ad_driver import AdDriver, AdFailure, AdOutcome, Notify
from gameport.adapters.single_flight import start_once
from gameport.bridge import Bridge, Handle, Subscription
from gameport.errors import BridgeTimeoutError, PlatformError
from gameport.models.ads import AdKind, AdReason, AdState
from gameport.values import Json

NS = "TTMinis.game"
FACTORIES = {AdKind.REWARDED: "createRewardedVideoAd", AdKind.INTERSTITIAL: "createInterstitialAd"}
"""The ``TTMinis.game`` member that creates each kind of ad object."""


class _Ad:
    """One TikTok ad object behind a handle, with its close / error listeners."""

    def __init__(self, bridge: Bridge, handle: Handle) -> None:
        self.bridge = bridge
        self.handle = handle
        self.errors: list[Json] = []
        self.closed: asyncio.Future[Json] = asyncio.get_running_loop().create_future()
        self.loaded = False
        self._subs: list[Subscription] = []
        try:
            self._listen("Close", self._on_close)
            self._listen("Error", self.errors.append)
        except BaseException:
            self.dispose()
            raise

    def _listen(self, event: str, callback: Callable[[Json], None]) -> None:
        off = self.handle.member(f"off{event}")
        sub = self.bridge.on(
            self.handle.member(f"on{event}"), callback, off=off if self.bridge.has(off) else None
        )
        self._subs.append(sub)

    def _on_close(self, payload: Json) -> None:
        if not self.closed.done():
            self.closed.set_result(payload)

    def dispose(self) -> None:
        for sub in self._subs:
            sub.cancel()
        self._subs.clear()
        if not self.closed.done():
            self.closed.cancel()
        self.bridge.release(self.handle)


class TikTokAds(AdDriver):
    """Ads on ``TTMinis.game``.

    Args:
        bridge: the JavaScript bridge.
        can_load: the kinds whose ad objects have ``load()`` on this client (TikTok >= 46.1.0, ``canIUse``).
        classify: maps a TikTok ad error payload's code to an :class:`AdReason` (the codes are
            [unconfirmed]: see ``adapters.tiktok_unconfirmed.UNCONFIRMED``).
    """

    def __init__(
        self, bridge: Bridge, *, can_load: frozenset[AdKind], classify: Callable[[str | int | None], AdReason]
    ) -> None:
        self.bridge = bridge
        self.can_load = can_load
        self._classify = classify
        self._preloaded: dict[tuple[AdKind, str], _Ad] = {}
        self._loading: dict[tuple[AdKind, str], asyncio.Task[None]] = {}
        self._closed = False

    async def _create(self, kind: AdKind, unit: str, timeout: float) -> _Ad:
        try:
            handle = await self.bridge.create(f"{NS}.{FACTORIES[kind]}", {"adUnitId": unit}, timeout=timeout)
        except PlatformError as exc:
            raise AdFailure(self._classify(exc.code), _detail(exc)) from None
        except BridgeTimeoutError as exc:
            raise AdFailure(AdReason.TIMEOUT, str(exc)) from None
        return _Ad(self.bridge, handle)

    async def load(self, kind: AdKind, unit: str, timeout: float) -> None:
        """``load()`` a new ad object and keep it for the next show of ``unit``; a second call while one is
        loading waits for that load.

        Raises:
            AdFailure: NOT_SUPPORTED on clients without ``load()`` (``show()`` then loads by itself), or
                what the load failed with.
        """
        key = (kind, unit)
        if key in self._preloaded:
            return
        if kind not in self.can_load:
            raise AdFailure(
                AdReason.NOT_SUPPORTED, "this TikTok client has no ad load(); show() loads itself"
            )
        task = start_once(self._loading, key, lambda: self._load(kind, unit, timeout))
        await asyncio.shield(task)

    async def _load(self, kind: AdKind, unit: str, timeout: float) -> None:
        ad = await self._create(kind, unit, timeout)
        try:
            if not self.bridge.has(ad.handle.member("load")):
                raise AdFailure(AdReason.NOT_SUPPORTED, "this TikTok ad object has no load()")
            await self.bridge.call(ad.handle.member("load"), timeout=timeout)
        except BaseException as exc:
            ad.dispose()
            raise _failure(exc, self._classify) from None
        if self._closed:
            ad.dispose()
            return
        ad.loaded = True
        self._preloaded[(kind, unit)] = ad

    async def show(
        self, kind: AdKind, unit: str, *, load_timeout: float, show_timeout: float, notify: Notify
    ) -> AdOutcome:
        """Show a new (or the preloaded) ad object and wait for its ``onClose``."""
        deadline = time.monotonic() + show_timeout
        loading = self._loading.get((kind, unit))
        if loading is not None:  # a preload of this unit is on its way: show that one
            with contextlib.suppress(AdFailure):
                await asyncio.shield(loading)
        ad = self._preloaded.pop((kind, unit), None)
        try:
            if ad is None:
                ad = await self._create(kind, unit, load_timeout)
            else:
                notify(AdState.LOADED)
            ad.errors.clear()  # errors of a preloaded object before this show are not this show's
            await self.bridge.call(ad.handle.member("show"), timeout=min(load_timeout, show_timeout))
        except (AdFailure, PlatformError, BridgeTimeoutError) as exc:
            if ad is not None:
                ad.dispose()
            failure = _failure(exc, self._classify)
            return AdOutcome(shown=False, ended=False, reason=failure.reason, detail=failure.detail)
        except BaseException:
            if ad is not None:
                ad.dispose()
            raise
        try:
            notify(AdState.SHOWN)
            try:
                async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                    closed = await ad.closed
            except TimeoutError:
                # a stalled main thread (a throttled tab while the ad plays) can run onClose and the
                # deadline in one turn: the close is what happened, so it decides
                if not ad.closed.done() or ad.closed.cancelled():
                    return AdOutcome(True, False, AdReason.TIMEOUT, f"no onClose within {show_timeout:g} s")
                closed = ad.closed.result()
            if isinstance(closed, dict) and closed.get("isEnded") is True:
                return AdOutcome(True, True, None)  # TikTok says it ran to the end: that decides
            if ad.errors:
                error = ad.errors[0]
                code = error.get("error_code", error.get("errCode")) if isinstance(error, dict) else None
                reason = self._classify(code if isinstance(code, str | int) else None)
                return AdOutcome(True, False, reason, f"error after display: {error}")
            if kind is AdKind.INTERSTITIAL:
                return AdOutcome(True, True, None)
            return AdOutcome(True, False, AdReason.USER_DISMISSED, "closed before the end (isEnded: false)")
        finally:
            ad.dispose()

    def close(self) -> None:
        """Dispose of the preloaded ad objects (and of those still loading, when they finish)."""
        self._closed = True
        for ad in self._preloaded.values():
            ad.dispose()
        self._preloaded.clear()


def _detail(exc: PlatformError) -> str:
    return f"{exc.code}: {exc.message}" if exc.code is not None else exc.message


def _failure(exc: BaseException, classify: Callable[[str | int | None], AdReason]) -> AdFailure:
    if isinstance(exc, AdFailure):
        return exc
    if isinstance(exc, BridgeTimeoutError):
        return AdFailure(AdReason.TIMEOUT, str(exc))
    if isinstance(exc, PlatformError):
        return AdFailure(classify(exc.code), _detail(exc))
    raise exc
