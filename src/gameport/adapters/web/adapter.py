"""The web platform: a plain page (local development, self-hosting), with a configurable capability set.

What it does, honestly: a local login (a random player id kept in ``localStorage`` and an *unsigned* dev
token your backend must accept only in development), storage in ``localStorage``, pause/resume from the
page's ``visibilitychange``, launch data from the URL query, ``navigator.share`` where the browser has it,
analytics kept in memory (:attr:`WebAdapter.events`) and logged, and rewarded / interstitial ads when the
page installs an ad provider (:mod:`gameport.adapters.web.ads`). No banner, purchases, shortcut, revisit,
invite or authorization. Leaderboards come from the game backend when ``leaderboard_url`` and
``backend_url`` are configured (the facade does it: :mod:`gameport.backend.leaderboards`, logging in with
the dev token); otherwise LEADERBOARDS is unsupported here.

Every capability can be switched off with ``features = { share = false }`` in the configuration, or with
the ``capabilities`` argument, so game code's fallbacks can be exercised on the web.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from typing import ClassVar, Final

from gameport.adapters.ad_driver import AdDriver
from gameport.adapters.base import Adapter
from gameport.adapters.detect import url_query
from gameport.adapters.payment_driver import PaymentDriver
from gameport.adapters.web.ads import PROVIDER, WebAds
from gameport.adapters.web.payments import PROVIDER as PAY_PROVIDER
from gameport.adapters.web.payments import WebPayments
from gameport.bridge import Bridge, Subscription
from gameport.capabilities import Capability, PlatformName
from gameport.config.settings import PlatformSettings
from gameport.errors import PlatformError, StorageError, StorageLimitError, UserCancelledError
from gameport.models.results import LaunchData, LifecycleEvent, LoginResult, ShareContent, ShareResult
from gameport.values import Json, JsonObject

PLAYER_ID_KEY: Final = "gameport:web:player_id"
"""The ``localStorage`` key of the web platform's local player id."""

STORAGE_PREFIX: Final = "gameport:data:"
"""Prefix of the ``localStorage`` keys that ``platform.storage`` uses on the web."""

_log = logging.getLogger("gameport.web")


class WebAdapter(Adapter):
    """The web platform. See the module docstring for what each capability does here.

    Args:
        capabilities: keep only these (in addition to ``settings.features`` switches); None keeps all.
    """

    name: ClassVar[PlatformName] = PlatformName.WEB
    CAPABILITIES: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.LOGIN,
            Capability.LIFECYCLE,
            Capability.LAUNCH_DATA,
            Capability.STORAGE,
            Capability.SHARE,
            Capability.ANALYTICS,
            Capability.REWARDED_AD,
            Capability.INTERSTITIAL_AD,
            Capability.PURCHASES,
        }
    )

    CONDITIONS: ClassVar[Mapping[Capability, str]] = {
        Capability.LOGIN: "unsigned dev token",
        Capability.SHARE: "where the browser has navigator.share",
        Capability.REWARDED_AD: "with a page ad provider",
        Capability.INTERSTITIAL_AD: "with a page ad provider",
        Capability.PURCHASES: "sandbox pay sheet provider; backend_url",
    }

    def __init__(
        self, bridge: Bridge, settings: PlatformSettings, *, capabilities: Iterable[Capability] | None = None
    ) -> None:
        super().__init__(bridge, settings)
        self._only = None if capabilities is None else frozenset(capabilities)
        self._player_id: str | None = None
        self.events: list[tuple[str, JsonObject]] = []
        """Analytics events logged in this session, in order: ``(name, params)``."""

    async def start(self) -> dict[Capability, str]:
        """What this page lacks: browser APIs and the page ad provider (and what a test withheld)."""
        needs = {
            Capability.STORAGE: "localStorage.getItem",
            Capability.LIFECYCLE: "document.addEventListener",
            Capability.LAUNCH_DATA: "location.search",
            Capability.SHARE: "navigator.share",
            Capability.REWARDED_AD: f"{PROVIDER}.show",
            Capability.INTERSTITIAL_AD: f"{PROVIDER}.show",
            Capability.PURCHASES: f"{PAY_PROVIDER}.open",
        }
        missing = {c: f"this page has no {needs[c]}" for c in needs if not self.bridge.has(needs[c])}
        if self._only is not None:
            missing |= {c: "withheld by capabilities=" for c in self.CAPABILITIES - self._only}
        return missing

    # -- identity ---------------------------------------------------------------------------------------

    async def login(self, nonce: str | None = None) -> LoginResult:
        """A local player id (kept in ``localStorage`` when there is one) and an unsigned dev token.

        ``nonce`` is not used: the dev token is unsigned, so there is nothing to bind it into.
        """
        self.require(Capability.LOGIN)
        if self._player_id is None:
            stored = self._get_item(PLAYER_ID_KEY) if self.bridge.has("localStorage.getItem") else None
            self._player_id = stored or f"web-{os.urandom(8).hex()}"
            if stored is None and self.bridge.has("localStorage.setItem"):
                self.bridge.call_sync("localStorage.setItem", PLAYER_ID_KEY, self._player_id)
        return LoginResult(
            platform=self.name.value,
            player_id=self._player_id,
            credential=f"web-dev.{self._player_id}",
            credential_kind="web_dev_token",
        )

    # -- lifecycle --------------------------------------------------------------------------------------

    def watch_lifecycle(self, emit: Callable[[LifecycleEvent], None]) -> list[Subscription]:
        """Pause when the page is hidden, resume when it is visible again (``visibilitychange``)."""
        self.require(Capability.LIFECYCLE)

        def changed(_: Json) -> None:
            hidden = self.bridge.get("document.visibilityState") == "hidden"
            emit(LifecycleEvent.PAUSE if hidden else LifecycleEvent.RESUME)

        return [
            self.bridge.on(
                "document.addEventListener",
                changed,
                off="document.removeEventListener",
                args=["visibilitychange"],
            )
        ]

    def launch_data(self) -> LaunchData:
        """The page's URL query (``?level=3`` gives ``query={"level": "3"}``); no entry point."""
        self.require(Capability.LAUNCH_DATA)
        return LaunchData(entry_point=None, query=url_query(self.bridge))

    # -- storage ----------------------------------------------------------------------------------------

    async def storage_get(self, key: str) -> Json:
        """The JSON value under ``key``.

        Raises:
            StorageError: the stored text is not JSON (written by other code).
        """
        self.require(Capability.STORAGE)
        text = self._get_item(STORAGE_PREFIX + key)
        if text is None:
            return None
        try:
            value: Json = json.loads(text)
        except ValueError:
            raise StorageError(
                f"localStorage[{STORAGE_PREFIX + key!r}] is not JSON", platform="web"
            ) from None
        return value

    async def storage_set(self, key: str, value: Json) -> None:
        """Write ``value`` as JSON.

        Raises:
            StorageLimitError: the browser's quota is full (``QuotaExceededError``).
        """
        self.require(Capability.STORAGE)
        text = json.dumps(value, separators=(",", ":"), allow_nan=False)
        try:
            self.bridge.call_sync("localStorage.setItem", STORAGE_PREFIX + key, text)
        except PlatformError as exc:
            if isinstance(exc.raw, dict) and exc.raw.get("name") == "QuotaExceededError":
                raise StorageLimitError(
                    f"the browser's localStorage quota is full; {key!r} was not stored", platform="web"
                ) from exc
            raise

    async def storage_delete(self, key: str) -> None:
        """Remove ``key``."""
        self.require(Capability.STORAGE)
        self.bridge.call_sync("localStorage.removeItem", STORAGE_PREFIX + key)

    def _get_item(self, key: str) -> str | None:
        value = self.bridge.call_sync("localStorage.getItem", key)
        return value if isinstance(value, str) else None

    # -- social -----------------------------------------------------------------------------------------

    async def share(self, content: ShareContent) -> ShareResult:
        """``navigator.share`` with the text and title (the image and data are not sent).

        Raises:
            UserCancelledError: the player closed the share sheet (``AbortError``).
        """
        self.require(Capability.SHARE)
        payload: JsonObject = {"text": content.text}
        if content.title is not None:
            payload["title"] = content.title
        try:
            await self.bridge.call("navigator.share", payload, timeout=None)
        except PlatformError as exc:
            if isinstance(exc.raw, dict) and exc.raw.get("name") == "AbortError":
                raise UserCancelledError("the player closed the share sheet", platform="web") from exc
            raise
        return ShareResult(completed=True, method="share")

    # -- ads ------------------------------------------------------------------------------------------

    def ad_driver(self) -> AdDriver:
        """Ads from the page's provider, ``globalThis.gameportWebAds`` (see :mod:`.ads`)."""
        return WebAds(self.bridge)

    def payment_driver(self) -> PaymentDriver:
        """The page's pay provider, ``globalThis.gameportWebPay`` (see :mod:`.payments`)."""
        self.require(Capability.PURCHASES)
        return WebPayments(self.bridge)

    # -- analytics --------------------------------------------------------------------------------------

    async def log_event(self, name: str, params: JsonObject) -> None:
        """Keep the event in :attr:`events` and log it (the browser console, under Pyodide)."""
        self.require(Capability.ANALYTICS)
        self.events.append((name, dict(params)))
        _log.info("analytics event %s %s", name, json.dumps(params, sort_keys=True))


adapter_class = WebAdapter
