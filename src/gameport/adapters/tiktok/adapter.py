"""TikTok Mini Games over ``TTMinis.game``: the HTML runtime (``init({clientKey})`` first) and the native
runtime (pre-loaded SDK, no ``init`` member).

What is available in a session comes from ``canIUse`` and from the function being present (TikTok < 41.0.0
has no shortcut or entrance mission, < 43.0.0 no ``reportEvent``; :mod:`.members`); the configuration's
``features`` switches are the capability gate's.
Facts the TikTok documentation does not confirm live in :mod:`.unconfirmed`, the only place they are;
an adapter instance may be given a corrected copy (``TikTokAdapter(bridge, settings, unconfirmed=...)``).

Ads: :mod:`.ads`. Storage: :mod:`.storage`. Errors: :mod:`.errors` (``TikTokLoginNotConfiguredError``,
``TikTokResponseError``).

Leaderboards are not offered by this adapter: TikTok has none. With ``leaderboard_url`` and ``backend_url``
configured the facade offers LEADERBOARDS through the game backend (:mod:`gameport.backend.leaderboards`);
without them ``LEADERBOARDS`` raises the unsupported error with its fallback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar
from urllib.parse import urlencode

import gameport.adapters.tiktok.launch as launch
from gameport.adapters.ad_driver import AdDriver
from gameport.adapters.base import Adapter, map_errors
from gameport.adapters.payment_driver import PaymentDriver
from gameport.adapters.tiktok.ads import FACTORIES, TikTokAds
from gameport.adapters.tiktok.errors import (
    LOGIN_NOT_CONFIGURED,
    TikTokLoginNotConfiguredError,
    TikTokResponseError,
    cancelled,
    login_not_configured,
    malformed,
)
from gameport.adapters.tiktok.members import NEEDS, NS, TIMEOUT_KEYS
from gameport.adapters.tiktok.payments import TikTokPayments
from gameport.adapters.tiktok.storage import TikTokStorage
from gameport.adapters.tiktok.unconfirmed import UNCONFIRMED, Unconfirmed
from gameport.bridge import Bridge, Subscription
from gameport.capabilities import Capability, PlatformName
from gameport.config.settings import PlatformSettings
from gameport.errors import (
    ConfigError,
    PlatformError,
    SdkLoadError,
)
from gameport.models.results import (
    AuthorizeResult,
    LaunchData,
    LifecycleEvent,
    LoginResult,
    ShareContent,
    ShareResult,
    ShortcutResult,
)
from gameport.values import Json, JsonObject


class TikTokAdapter(Adapter):
    """TikTok Mini Games behind gameport's API. See the module docstring for runtimes and assumptions.

    Every method raises UnsupportedCapabilityError when its capability is not available this session,
    NotInitializedError before :meth:`init`, PlatformError for any other SDK failure (``.code``, ``.raw``),
    and, for calls with no person in the loop, BridgeTimeoutError after ``settings.timeouts[<key>]`` seconds
    (keys and defaults: ``login`` 10, ``storage`` 5, ``reward`` 10, ``analytics`` 5, ``loading_progress`` 5).
    Dialogs (authorize, shortcut, entrance mission, share, invite) wait without a timeout.
    """

    name = PlatformName.TIKTOK
    CAPABILITIES = frozenset(NEEDS)
    CONDITIONS: ClassVar[Mapping[Capability, str]] = {
        Capability.SHORTCUT: "client 41.0.0+",
        Capability.SHORTCUT_REWARD: "client 41.0.0+",
        Capability.REVISIT: "client 41.0.0+",
        Capability.INTERSTITIAL_AD: "client 42.9.0+",
        Capability.ANALYTICS: "client 43.0.0+",
        Capability.PURCHASES: "backend_url: the backend creates orders and grants on the webhook",
    }

    def __init__(
        self, bridge: Bridge, settings: PlatformSettings, *, unconfirmed: Unconfirmed = UNCONFIRMED
    ) -> None:
        super().__init__(bridge, settings)
        self.unconfirmed = unconfirmed
        self.runtime: str | None = None
        self._storage = TikTokStorage(self._call, unconfirmed)

    # -- start-up ---------------------------------------------------------------------------------------

    async def start(self) -> dict[Capability, str]:
        """``init({clientKey})`` in the HTML runtime, then probe ``canIUse`` (``platform.init`` loads the SDK
        from ``sdk_url`` first).

        Raises:
            ConfigError: the HTML runtime is present but ``settings.client_key`` is not set.
            SdkLoadError: ``TTMinis.game`` is not on the page.
            PlatformError: ``TTMinis.game.init`` threw.
        """
        if not self.bridge.has(NS):
            where = "set sdk_url for the HTML runtime" if self.settings.sdk_url is None else "it did not load"
            raise SdkLoadError(f"{NS} is not on the page: {where}", path=NS, platform="tiktok")
        if self.bridge.has(f"{NS}.init"):
            if not self.settings.client_key:
                raise ConfigError(
                    "TikTok's HTML runtime needs client_key (the app's Credentials in the TikTok Developer "
                    "Portal) in this environment's tiktok settings",
                    platform="tiktok",
                )
            self.bridge.call_sync(f"{NS}.init", {"clientKey": self.settings.client_key})
            self.runtime = "html"
        else:
            self.runtime = "native"
        missing: dict[Capability, str] = {}
        for cap in self.CAPABILITIES:
            lacking = next((m for m in NEEDS[cap] if not self._has_member(m)), None)
            if lacking is not None:
                missing[cap] = f"this TikTok client lacks {NS}.{lacking} (canIUse)"
        return missing

    def _has_member(self, member: str) -> bool:
        return self.bridge.has(f"{NS}.{member}") and self._can_i_use(member)

    def _can_i_use(self, schema: str) -> bool:
        if not self.bridge.has(f"{NS}.canIUse"):
            return True  # presence, checked by the caller, is then all there is to go on
        try:
            return self.bridge.call_sync(f"{NS}.canIUse", schema) is True
        except PlatformError:
            return True

    async def set_loading_progress(self, fraction: float) -> None:
        """``setLoadingProgress({progress})``, scaled by ``unconfirmed.progress_scale``."""
        progress = fraction * self.unconfirmed.progress_scale
        await self._call(Capability.LOADING_PROGRESS, "setLoadingProgress", {"progress": progress}, 5.0)

    # -- identity ---------------------------------------------------------------------------------------

    async def login(self, nonce: str | None = None) -> LoginResult:
        """Silent ``login``: the one-time ``code`` your backend exchanges for the player's ``open_id``.

        ``nonce`` is not used: TikTok's code is single-use and bound to the app by the code exchange.

        Raises:
            TikTokLoginNotConfiguredError: 102102, the app's ToS / Privacy Policy URLs are not set.
            TikTokResponseError: success without a non-empty ``code``.
        """
        with map_errors({LOGIN_NOT_CONFIGURED: login_not_configured}):
            payload = await self._call(Capability.LOGIN, "login", {}, 10.0)
        code = payload.get("code") if isinstance(payload, dict) else None
        if not isinstance(code, str) or not code:
            raise malformed(f"{NS}.login", payload, "no code in the success payload")
        return LoginResult(platform="tiktok", player_id=None, credential=code, credential_kind="tiktok_code")

    async def authorize(self, scopes: Sequence[str]) -> AuthorizeResult:
        """Explicit ``authorize({scope})``: TikTok's consent screen. Its success payload is undocumented, so
        ``granted_scopes`` are the scopes asked for and ``code`` is the payload's ``code`` if it has one.

        Raises:
            ValueError: ``scopes`` is empty. UserCancelledError: the player declined.
        """
        if not scopes:
            raise ValueError("authorize needs at least one scope, e.g. ['user.info.basic']")
        with map_errors(self._cancel_table()):
            payload = await self._call(Capability.AUTHORIZE, "authorize", {"scope": ",".join(scopes)}, None)
        code = payload.get("code") if isinstance(payload, dict) else None
        return AuthorizeResult(granted_scopes=tuple(scopes), code=code if isinstance(code, str) else None)

    # -- lifecycle --------------------------------------------------------------------------------------

    def watch_lifecycle(self, emit: Callable[[LifecycleEvent], None]) -> list[Subscription]:
        """``onHide`` -> PAUSE and ``onShow`` -> RESUME (:func:`.launch.watch`)."""
        self.require(Capability.LIFECYCLE)
        return launch.watch(self.bridge, emit)

    def launch_data(self) -> LaunchData:
        """``getLaunchOptionsSync()`` as :class:`LaunchData` (:func:`.launch.launch_data`)."""
        self.require(Capability.LAUNCH_DATA)
        return launch.launch_data(self.bridge)

    # -- storage ----------------------------------------------------------------------------------------

    async def storage_get(self, key: str) -> Json:
        """``getStorage({key})`` -> ``data``; None when the key is absent (see :mod:`.storage`)."""
        return await self._storage.get(key)

    async def storage_set(self, key: str, value: Json) -> None:
        """``setStorage({key, data})``. Raises StorageLimitError when TikTok's storage is full."""
        await self._storage.set(key, value)

    async def storage_delete(self, key: str) -> None:
        """``removeStorage({key})``; no error when absent."""
        await self._storage.delete(key)

    # -- retention --------------------------------------------------------------------------------------

    async def add_shortcut(self) -> ShortcutResult:
        """``addShortcut()``: ``added`` True on success, False when the player declines."""
        try:
            await self._call(Capability.SHORTCUT, "addShortcut", {}, None)
        except PlatformError as exc:
            if exc.code in self.unconfirmed.cancel_codes:
                return ShortcutResult(added=False)
            raise
        return ShortcutResult(added=True)

    async def shortcut_reward_available(self) -> bool:
        """``getShortcutMissionReward()`` -> ``canReceiveReward`` (TikTok's server tracks the claim).

        Raises:
            TikTokResponseError: no boolean ``canReceiveReward`` in the success payload.
        """
        return await self._reward(Capability.SHORTCUT_REWARD, "getShortcutMissionReward")

    async def start_revisit(self) -> None:
        """``startEntranceMission()``: shows the player the way back through their Profile.

        Raises:
            UserCancelledError: the player closed it.
        """
        with map_errors(self._cancel_table()):
            await self._call(Capability.REVISIT, "startEntranceMission", {}, None)

    async def revisit_reward_available(self) -> bool:
        """``getEntranceMissionReward()`` -> ``canReceiveReward``; raises like the shortcut reward."""
        return await self._reward(Capability.REVISIT, "getEntranceMissionReward")

    async def _reward(self, cap: Capability, member: str) -> bool:
        payload = await self._call(cap, member, {}, 10.0)
        can = payload.get("canReceiveReward") if isinstance(payload, dict) else None
        if not isinstance(can, bool):
            raise malformed(f"{NS}.{member}", payload, "no boolean canReceiveReward in the success payload")
        return can

    # -- social -----------------------------------------------------------------------------------------

    async def share(self, content: ShareContent) -> ShareResult:
        """``shareAppMessage({title, query})``: ``title`` (else ``text``); ``query`` is ``k=v&...`` of the
        top-level string values of ``content.data`` (other values are not sent); ``image`` is not sent
        (TikTok takes it from the platform configuration).

        Raises:
            UserCancelledError: the player closed the picker.
        """
        await self._share(Capability.SHARE, content)
        return ShareResult(completed=True, method="share")

    async def invite(self, content: ShareContent) -> ShareResult:
        """TikTok has no invite: shares like :meth:`share` and says so with ``method="share_as_invite"``."""
        await self._share(Capability.INVITE, content)
        return ShareResult(completed=True, method="share_as_invite")

    async def _share(self, cap: Capability, content: ShareContent) -> None:
        options: JsonObject = {"title": content.title if content.title is not None else content.text}
        query = urlencode({k: v for k, v in (content.data or {}).items() if isinstance(v, str)})
        if query:
            options["query"] = query
        with map_errors(self._cancel_table()):
            await self._call(cap, "shareAppMessage", options, None)

    # -- analytics --------------------------------------------------------------------------------------

    async def log_event(self, name: str, params: JsonObject) -> None:
        """``reportEvent({eventName, params})`` (TikTok >= 43.0.0)."""
        await self._call(Capability.ANALYTICS, "reportEvent", {"eventName": name, "params": params}, 5.0)

    # -- ads --------------------------------------------------------------------------------------------

    def ad_driver(self) -> AdDriver:
        """Rewarded and interstitial ads (:mod:`.tiktok_ads`); ``load()`` where ``canIUse`` says so."""
        loadable = frozenset(kind for kind, factory in FACTORIES.items() if self._can_preload(factory))
        return TikTokAds(self.bridge, can_load=loadable, classify=self.unconfirmed.ad_reason)

    def _can_preload(self, factory: str) -> bool:
        # Stricter than _can_i_use: load() arrived in 46.1.0, so without canIUse to say yes it is absent.
        if not self.bridge.has(f"{NS}.canIUse"):
            return False
        try:
            return self.bridge.call_sync(f"{NS}.canIUse", f"{factory}.return.load") is True
        except PlatformError:
            return False

    # -- payments -------------------------------------------------------------------------------------

    def payment_driver(self) -> PaymentDriver:
        """``pay({trade_order_id})`` with this adapter's cancel codes (:mod:`.payments`)."""
        self.require(Capability.PURCHASES)
        return TikTokPayments(self.bridge, self.unconfirmed)

    # -- internals --------------------------------------------------------------------------------------

    async def _call(self, cap: Capability, member: str, options: JsonObject, default: float | None) -> Json:
        """``call_cb`` of ``member`` if ``cap`` is available; ``default`` None: a dialog, no timeout."""
        self.require(cap)
        timeout = None if default is None else self.timeout(TIMEOUT_KEYS[cap], default)
        return await self.bridge.call_cb(f"{NS}.{member}", options, timeout=timeout)

    def _cancel_table(self) -> dict[str | int, Callable[[PlatformError], Exception]]:
        return {code: cancelled for code in self.unconfirmed.cancel_codes}


adapter_class = TikTokAdapter

__all__ = [
    "UNCONFIRMED",
    "TikTokAdapter",
    "TikTokLoginNotConfiguredError",
    "TikTokResponseError",
    "Unconfirmed",
    "adapter_class",
]
