"""TikTok Mini Games over ``TTMinis.game``: the HTML runtime (``init({clientKey})`` first) and the native
runtime (pre-loaded SDK, no ``init`` member).

What is available in a session comes from ``canIUse`` and from the function being present (TikTok < 41.0.0
has no shortcut or entrance mission, < 43.0.0 no ``reportEvent``), then from ``settings.features``.
Facts the TikTok documentation does not confirm live in :mod:`.tiktok_unconfirmed`, the only place they are;
an adapter instance may be given a corrected copy (``TikTokAdapter(bridge, settings, unconfirmed=...)``).

Ads: :mod:`.tiktok_ads`. Errors: :mod:`.tiktok_errors` (``TikTokLoginNotConfiguredError``,
``TikTokResponseError``).

Leaderboards are not offered by this adapter: TikTok has none. With ``leaderboard_url`` and ``backend_url``
configured the facade offers LEADERBOARDS through the game backend (:mod:`gameport.backend.leaderboards`);
without them ``LEADERBOARDS`` raises the unsupported error with its fallback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar, Final
from urllib.parse import parse_qsl, urlencode

from gameport.adapters.ad_driver import AdDriver
from gameport.adapters.base import Adapter, map_errors
from gameport.adapters.tiktok.ads import FACTORIES, TikTokAds
from gameport.adapters.tiktok.errors import (
    LOGIN_NOT_CONFIGURED,
    TikTokLoginNotConfiguredError,
    TikTokResponseError,
    cancelled,
    login_not_configured,
    malformed,
    storage_full,
)
from gameport.adapters.tiktok.unconfirmed import UNCONFIRMED, Unconfirmed
from gameport.bridge import Bridge, Subscription
from gameport.capabilities import Capability, PlatformName
from gameport.config.settings import PlatformSettings
from gameport.errors import (
    ConfigError,
    PlatformError,
    SdkLoadError,
)
from gameport.models.ads import AdKind
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

NS: Final = "TTMinis.game"
"""The JavaScript namespace of every TikTok Mini Games call."""


# Capability -> the TTMinis.game members it needs (each asked of canIUse and checked for presence).
_NEEDS: Final[dict[Capability, tuple[str, ...]]] = {
    Capability.LOGIN: ("login",),
    Capability.AUTHORIZE: ("authorize",),
    Capability.LOADING_PROGRESS: ("setLoadingProgress",),
    Capability.LIFECYCLE: ("onShow", "onHide"),
    Capability.LAUNCH_DATA: ("getLaunchOptionsSync",),
    Capability.STORAGE: ("getStorage", "setStorage", "removeStorage"),
    Capability.SHORTCUT: ("addShortcut",),
    Capability.SHORTCUT_REWARD: ("getShortcutMissionReward",),
    Capability.REVISIT: ("startEntranceMission", "getEntranceMissionReward"),
    Capability.SHARE: ("shareAppMessage",),
    Capability.INVITE: ("shareAppMessage",),
    Capability.ANALYTICS: ("reportEvent",),
    Capability.REWARDED_AD: (FACTORIES[AdKind.REWARDED],),
    Capability.INTERSTITIAL_AD: (FACTORIES[AdKind.INTERSTITIAL],),
}


_TIMEOUT_KEYS: Final = {
    Capability.LOGIN: "login",
    Capability.LOADING_PROGRESS: "loading_progress",
    Capability.STORAGE: "storage",
    Capability.SHORTCUT_REWARD: "reward",
    Capability.REVISIT: "reward",
    Capability.ANALYTICS: "analytics",
}


class TikTokAdapter(Adapter):
    """TikTok Mini Games behind gameport's API. See the module docstring for runtimes and assumptions.

    Every method raises UnsupportedCapabilityError when its capability is not available this session,
    NotInitializedError before :meth:`init`, PlatformError for any other SDK failure (``.code``, ``.raw``),
    and, for calls with no person in the loop, BridgeTimeoutError after ``settings.timeouts[<key>]`` seconds
    (keys and defaults: ``login`` 10, ``storage`` 5, ``reward`` 10, ``analytics`` 5, ``loading_progress`` 5).
    Dialogs (authorize, shortcut, entrance mission, share, invite) wait without a timeout.
    """

    name = PlatformName.TIKTOK
    CAPABILITIES = frozenset(_NEEDS)
    CONDITIONS: ClassVar[Mapping[Capability, str]] = {
        Capability.SHORTCUT: "client 41.0.0+",
        Capability.SHORTCUT_REWARD: "client 41.0.0+",
        Capability.REVISIT: "client 41.0.0+",
        Capability.INTERSTITIAL_AD: "client 42.9.0+",
        Capability.ANALYTICS: "client 43.0.0+",
    }

    def __init__(
        self, bridge: Bridge, settings: PlatformSettings, *, unconfirmed: Unconfirmed = UNCONFIRMED
    ) -> None:
        super().__init__(bridge, settings)
        self.unconfirmed = unconfirmed
        self.runtime: str | None = None

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
            lacking = next((m for m in _NEEDS[cap] if not self._has_member(m)), None)
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
        """``onHide`` -> PAUSE and ``onShow`` -> RESUME; cancelling calls ``offHide`` / ``offShow``."""
        self.require(Capability.LIFECYCLE)
        subs = []
        for member, event in (("onHide", LifecycleEvent.PAUSE), ("onShow", LifecycleEvent.RESUME)):
            off = f"{NS}.off{member[2:]}"
            subs.append(
                self.bridge.on(
                    f"{NS}.{member}", _emitter(emit, event), off=off if self.bridge.has(off) else None
                )
            )
        return subs

    def launch_data(self) -> LaunchData:
        """``getLaunchOptionsSync()``: ``scene`` as ``entry_point``, ``query`` as a str -> str dict."""
        self.require(Capability.LAUNCH_DATA)
        options = self.bridge.call_sync(f"{NS}.getLaunchOptionsSync")
        if not isinstance(options, dict):
            return LaunchData()
        scene = options.get("scene")
        return LaunchData(
            entry_point=None if scene is None or isinstance(scene, dict | list) else str(scene),
            query=_query_dict(options.get("query")),
        )

    # -- storage ----------------------------------------------------------------------------------------

    async def storage_get(self, key: str) -> Json:
        """``getStorage({key})`` -> ``data``; None when the key is absent.

        Raises:
            TikTokResponseError: success without ``data``.
        """
        try:
            payload = await self._call(Capability.STORAGE, "getStorage", {"key": key}, 5.0)
        except PlatformError as exc:
            if self._is_missing(exc):
                return None
            raise
        if not isinstance(payload, dict) or "data" not in payload:
            raise malformed(f"{NS}.getStorage", payload, "no data in the success payload")
        return payload["data"]

    async def storage_set(self, key: str, value: Json) -> None:
        """``setStorage({key, data})`` with a JSON-like ``value``.

        Raises:
            StorageLimitError: TikTok's storage is full (codes in ``unconfirmed.storage_limit_codes``).
        """
        with map_errors({c: storage_full for c in self.unconfirmed.storage_limit_codes}):
            await self._call(Capability.STORAGE, "setStorage", {"key": key, "data": value}, 5.0)

    async def storage_delete(self, key: str) -> None:
        """``removeStorage({key})``; no error when absent."""
        await self._call(Capability.STORAGE, "removeStorage", {"key": key}, 5.0)

    def _is_missing(self, exc: PlatformError) -> bool:
        if exc.code is not None:
            return exc.code in self.unconfirmed.storage_missing_codes
        return self.unconfirmed.storage_missing_text in exc.message

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

    # -- internals --------------------------------------------------------------------------------------

    async def _call(self, cap: Capability, member: str, options: JsonObject, default: float | None) -> Json:
        """``call_cb`` of ``member`` if ``cap`` is available; ``default`` None: a dialog, no timeout."""
        self.require(cap)
        timeout = None if default is None else self.timeout(_TIMEOUT_KEYS[cap], default)
        return await self.bridge.call_cb(f"{NS}.{member}", options, timeout=timeout)

    def _cancel_table(self) -> dict[str | int, Callable[[PlatformError], Exception]]:
        return {code: cancelled for code in self.unconfirmed.cancel_codes}


def _emitter(emit: Callable[[LifecycleEvent], None], event: LifecycleEvent) -> Callable[[Json], None]:
    return lambda _payload: emit(event)


def _query_dict(query: Json) -> dict[str, str]:
    if isinstance(query, str):
        return dict(parse_qsl(query.lstrip("?"), keep_blank_values=True))
    if isinstance(query, dict):
        return {k: v if isinstance(v, str) else str(v) for k, v in query.items() if v is not None}
    return {}


adapter_class = TikTokAdapter

__all__ = [
    "UNCONFIRMED",
    "TikTokAdapter",
    "TikTokLoginNotConfiguredError",
    "TikTokResponseError",
    "Unconfirmed",
    "adapter_class",
]
