"""The Meta Instant Games adapter over ``FBInstant`` 8.0 (Zero Permissions: no names, no photos).

Start-up order is Meta's: ``initializeAsync`` first, ``setLoadingProgress`` while loading, then
``startGameAsync`` in :meth:`MetaAdapter.ready`. This session's capabilities come from ``getSupportedAPIs()``
(see :data:`.members.REQUIRED_APIS`); the feature switches are the capability gate's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import ClassVar

import gameport.adapters.meta.social as meta_social
from gameport.adapters.ad_driver import AdDriver
from gameport.adapters.base import Adapter, map_errors
from gameport.adapters.meta.ads import MetaAds
from gameport.adapters.meta.identity import signed_login
from gameport.adapters.meta.leaderboards import MetaLeaderboards
from gameport.adapters.meta.lifecycle import watch_pause
from gameport.adapters.meta.members import META_CODES, REQUIRED_APIS, error_table, lacking, supported_apis
from gameport.adapters.meta.payments import MetaPayments
from gameport.adapters.meta.player_data import MetaPlayerData
from gameport.adapters.payment_driver import PaymentDriver
from gameport.bridge import Bridge, Subscription
from gameport.bridge.failures import platform_error
from gameport.capabilities import Capability, PlatformName
from gameport.config.settings import PlatformSettings
from gameport.errors import (
    AnalyticsEventError,
    InvalidArgumentError,
    InvalidContentError,
    PlatformError,
    SdkLoadError,
    StorageLimitError,
)
from gameport.models.results import (
    LaunchData,
    LeaderboardEntry,
    LifecycleEvent,
    LoginResult,
    ShareContent,
    ShareResult,
    ShortcutResult,
)
from gameport.values import Json, JsonObject

logger = logging.getLogger(__name__)


class MetaAdapter(Adapter):
    """``FBInstant`` 8.0. Meta has no explicit authorization, shortcut reward or revisit mission."""

    name = PlatformName.META
    CAPABILITIES: ClassVar[frozenset[Capability]] = frozenset(REQUIRED_APIS)
    CONDITIONS: ClassVar[Mapping[Capability, str]] = {
        Capability.LEADERBOARDS: "contextual boards",
        Capability.BANNER_AD: "deprecated, best effort",
        Capability.PURCHASES: "after payments.onReady; backend_url verifies and grants",
    }
    pending_retry_delay: float = 0.2
    """Seconds to wait before retrying a write Meta refused with PENDING_REQUEST."""

    def __init__(self, bridge: Bridge, settings: PlatformSettings) -> None:
        super().__init__(bridge, settings)
        self._missing: dict[Capability, str] | None = None
        self._entry_point: str | None = None
        self._progress: int | None = None
        self._started = False
        self._start_lock = asyncio.Lock()
        self._init_lock = asyncio.Lock()
        self._data = MetaPlayerData(bridge)

    # -- start-up ---------------------------------------------------------------------------------------

    async def start(self) -> dict[Capability, str]:
        """``initializeAsync``, then read ``getSupportedAPIs()`` (``platform.init`` loads the SDK first).

        Raises:
            SdkLoadError: FBInstant is not on the page.
            PlatformError, BridgeTimeoutError: ``initializeAsync`` failed or did not answer.
        """
        async with self._init_lock:
            if self._missing is None:
                self._missing = await self._init()
            return self._missing

    async def _init(self) -> dict[Capability, str]:
        if not self.bridge.has("FBInstant"):
            where = (
                "set sdk_url (platform.init loads it)" if self.settings.sdk_url is None else "it did not load"
            )
            raise SdkLoadError(f"FBInstant is not on the page: {where}", path="FBInstant", platform="meta")
        await self.bridge.call("FBInstant.initializeAsync", timeout=self.timeout("init", 10))
        missing = lacking(supported_apis(self.bridge), self.bridge.has("FBInstant.logEvent"))
        if Capability.LAUNCH_DATA not in missing:
            try:
                found = await self.bridge.call(
                    "FBInstant.getEntryPointAsync", timeout=self.timeout("entry", 3)
                )
                self._entry_point = found if isinstance(found, str) else None
            except (PlatformError, TimeoutError) as exc:  # launch data is optional: start without it
                logger.warning("FBInstant.getEntryPointAsync failed: %s", exc)
        return missing

    async def set_loading_progress(self, fraction: float) -> None:
        """``setLoadingProgress(0..100)``; a no-op after :meth:`ready` (the loading screen is gone)."""
        self.require(Capability.LOADING_PROGRESS)
        if self._started:
            return
        percent = round(min(max(fraction, 0.0), 1.0) * 100)
        with map_errors(error_table(Capability.LOADING_PROGRESS)):
            self.bridge.call_sync("FBInstant.setLoadingProgress", percent)
        self._progress = percent

    async def ready(self) -> None:
        """Report 100 % loaded (Meta wants progress before start), then ``startGameAsync``. Idempotent.

        Raises:
            NotInitializedError: before :meth:`init`.
            PlatformError, BridgeTimeoutError: ``startGameAsync`` failed (a later call retries).
        """
        gate = self.gate
        async with self._start_lock:
            if self._started:
                return
            if gate.allows(Capability.LOADING_PROGRESS) and self._progress != 100:
                await self.set_loading_progress(1.0)
            await self.bridge.call("FBInstant.startGameAsync", timeout=self.timeout("ready", 30))
            self._started = True

    # -- identity ---------------------------------------------------------------------------------------

    async def login(self, nonce: str | None = None) -> LoginResult:
        """Signed player info bound to ``nonce``, for the backend to verify (HMAC with the app secret).

        Pass the nonce your backend issued (the reference backend accepts only its own, from
        ``POST /api/meta/nonce``). Without one a random nonce is bound, which only a backend that takes
        client nonces can check; ``LoginResult.nonce`` says which nonce was bound.

        Raises:
            InvalidArgumentError: ``nonce`` is empty.
            PlatformError: Meta failed (``NETWORK_FAILURE``, ...) or answered a malformed signature.
            UnsupportedCapabilityError: not available in this session or client.
            BridgeTimeoutError: no answer in time (``timeouts["login"]``, default 10 s).
        """
        self.require(Capability.LOGIN)
        if nonce is not None and not nonce:
            raise InvalidArgumentError("a login nonce must be a non-empty string (or None)")
        with map_errors(error_table(Capability.LOGIN)):
            return await signed_login(self.bridge, nonce, self.timeout("login", 10))

    # -- lifecycle --------------------------------------------------------------------------------------

    def watch_lifecycle(self, emit: Callable[[LifecycleEvent], None]) -> list[Subscription]:
        """PAUSE on ``onPause`` or the page turning hidden; RESUME when visible again (:mod:`.lifecycle`)."""
        self.require(Capability.LIFECYCLE)
        return watch_pause(self.bridge, emit)

    def launch_data(self) -> LaunchData:
        """The entry point (read at init) and ``getEntryPointData()``; Meta has no query string."""
        self.require(Capability.LAUNCH_DATA)
        return LaunchData(
            entry_point=self._entry_point, data=self.bridge.call_sync("FBInstant.getEntryPointData")
        )

    # -- storage ----------------------------------------------------------------------------------------

    async def storage_get(self, key: str) -> Json:
        """``player.getDataAsync([key])[key]``, after any write in flight. Raises as :meth:`storage_set`."""
        self.require(Capability.STORAGE)
        return await self._data.get(
            key, codes=error_table(Capability.STORAGE), timeout=self._storage_timeout()
        )

    async def storage_set(self, key: str, value: Json) -> None:
        """``player.setDataAsync({key: value})``, one write at a time. Resolving means "scheduled" on Meta.

        Raises:
            StorageLimitError: the value is over 1 MB as JSON (checked before calling), or Meta refused the
                write for the 1 MB total ([unconfirmed] code INVALID_OPERATION).
            StorageError: not JSON, or Meta kept answering PENDING_REQUEST (a flush in flight) after a retry.
            PlatformError, BridgeTimeoutError: any other failure.
        """
        self.require(Capability.STORAGE)

        def too_big(exc: PlatformError) -> Exception:
            return StorageLimitError(f"Meta refused the write: {exc.message}", platform=self.name.value)

        codes = error_table(Capability.STORAGE, storage_limit=too_big)
        timeout, delay = self._storage_timeout(), self.pending_retry_delay
        await self._data.set(
            key, value, codes=codes, timeout=timeout, retry_delay=delay, pending=META_CODES["pending"]
        )

    async def storage_delete(self, key: str) -> None:
        """Meta has no delete: stores None under ``key`` (reads then answer None). Raises as storage_set."""
        await self.storage_set(key, None)

    def _storage_timeout(self) -> float:
        return self.timeout("storage", 10)

    # -- retention --------------------------------------------------------------------------------------

    async def add_shortcut(self) -> ShortcutResult:
        """Ask once per session: ``added=False`` when Meta says it cannot, or the player declines."""
        self.require(Capability.SHORTCUT)
        with map_errors(error_table(Capability.SHORTCUT)):
            allowed = await self.bridge.call(
                "FBInstant.canCreateShortcutAsync", timeout=self.timeout("shortcut", 10)
            )
            if allowed is not True:
                return ShortcutResult(added=False)
            try:
                await self.bridge.call("FBInstant.createShortcutAsync", timeout=None)
            except PlatformError as exc:
                if exc.code == META_CODES["cancelled"]:
                    return ShortcutResult(added=False)
                raise
        return ShortcutResult(added=True)

    # -- social -----------------------------------------------------------------------------------------

    async def share(self, content: ShareContent) -> ShareResult:
        """``shareAsync``. Meta resolves whether or not the player shared: ``completed`` is always None.

        Raises:
            InvalidContentError: no image, or ``data`` over 1000 characters as JSON (before calling Meta).
            UnsupportedCapabilityError, PlatformError: Meta refused.
        """
        self.require(Capability.SHARE)
        return await meta_social.share(self.bridge, content, error_table(Capability.SHARE))

    async def invite(self, content: ShareContent) -> ShareResult:
        """``inviteAsync``.

        Raises:
            InvalidContentError: as :meth:`share`.
            UserCancelledError: the player closed the invite dialog.
            UnsupportedCapabilityError, PlatformError: Meta refused.
        """
        self.require(Capability.INVITE)
        return await meta_social.invite(self.bridge, content, error_table(Capability.INVITE))

    # -- leaderboards -----------------------------------------------------------------------------------

    def _leaderboards(self) -> MetaLeaderboards:
        self.require(Capability.LEADERBOARDS)
        return MetaLeaderboards(
            self.bridge,
            error_table(Capability.LEADERBOARDS),
            not_found=META_CODES["board_not_found"],
            timeout=self.timeout("leaderboard", 10),
        )

    async def submit_score(self, board: str, score: int, extra: str | None = None) -> LeaderboardEntry | None:
        """``setScoreAsync`` on a contextual board (``"name.<contextID>"``); returns the player's best entry.

        Raises:
            UnsupportedCapabilityError: the board does not exist (global boards were removed in 2025).
            PlatformError: e.g. ``LEADERBOARD_WRONG_CONTEXT`` when the player is in another context.
        """
        return await self._leaderboards().submit_score(board, score, extra)

    async def top_scores(self, board: str, count: int = 10, offset: int = 0) -> list[LeaderboardEntry]:
        """``getEntriesAsync(count, offset)`` on a contextual board. Raises as :meth:`submit_score`."""
        return await self._leaderboards().top_scores(board, count, offset)

    # -- ads ------------------------------------------------------------------------------------------

    def ad_driver(self) -> AdDriver:
        """Rewarded, interstitial and banner ads (:mod:`~gameport.adapters.meta.ads`)."""
        return MetaAds(self.bridge)

    # -- payments -------------------------------------------------------------------------------------

    def payment_driver(self) -> PaymentDriver:
        """``FBInstant.payments``, listening for ``onReady`` from now on (:mod:`.payments`)."""
        self.require(Capability.PURCHASES)
        return MetaPayments(self.bridge, lambda: self._started)

    # -- analytics --------------------------------------------------------------------------------------

    async def log_event(self, name: str, params: JsonObject) -> None:
        """``logEvent(name, null, params)``. ANALYTICS_POST_EXCEPTION is logged and ignored (non-fatal).

        Raises:
            AnalyticsEventError: Meta refused the name or parameters (INVALID_PARAM).
            PlatformError: any other APIError Meta returned or threw.
        """
        self.require(Capability.ANALYTICS)
        path = "FBInstant.logEvent"

        def invalid(exc: PlatformError) -> Exception:
            return AnalyticsEventError(
                f"Meta refused event {name!r}: {exc.message}", platform=self.name.value
            )

        with map_errors(error_table(Capability.ANALYTICS, invalid_param=invalid)):
            try:
                result = self.bridge.call_sync(path, name, None, params)
                if result is not None:  # logEvent returns its APIError instead of throwing
                    raise platform_error(result, path=path, platform=self.name.value)
            except PlatformError as exc:
                if exc.code != META_CODES["analytics_post"]:
                    raise
                logger.info("Meta could not post event %r (non-fatal): %s", name, exc.message)


adapter_class = MetaAdapter

__all__ = ["META_CODES", "REQUIRED_APIS", "InvalidContentError", "MetaAdapter", "adapter_class"]
