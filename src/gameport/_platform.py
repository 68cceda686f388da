"""The facade game code uses: :class:`Platform` and the module-level ``platform`` singleton."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Sequence
from typing import Final

from gameport._session import Session
from gameport.adapters import load_adapter
from gameport.adapters.detect import SDK_GLOBALS, detect_platform, parse_platform
from gameport.backend.leaderboards import BACKEND_CAPABILITIES, backend_leaderboards_for
from gameport.backend.session import open_backend_session
from gameport.bridge import Bridge, default_bridge
from gameport.capabilities import Capability, PlatformName
from gameport.config import Environment, GameConfig
from gameport.errors import ConfigError, InvalidArgumentError, NotInitializedError
from gameport.features.ads import Ads
from gameport.features.analytics import Analytics
from gameport.features.leaderboards import Leaderboards
from gameport.features.lifecycle import Lifecycle
from gameport.features.payments import Payments
from gameport.features.retention import Revisit, Shortcut
from gameport.features.social import Social
from gameport.features.storage import DEFAULT_STORAGE_LIMITS, Storage
from gameport.models.results import AuthorizeResult, LoginResult

NO_BACKEND_FOR_PURCHASES: Final = "purchases need backend_url: the game backend prices, verifies and grants"

SDK_LOAD_TIMEOUT: Final = 15.0
"""Seconds the platform SDK script may take to load, unless ``timeouts.sdk_load`` says otherwise."""


class Platform:
    """One typed async API over TikTok Mini Games, Meta Instant Games and the web.

    Game code uses the ``platform`` singleton (``from gameport import platform``); tests build their own
    ``Platform(bridge=FakeBridge(...))``. Everything except :meth:`init` raises
    :class:`~gameport.errors.NotInitializedError` until ``await platform.init()`` has finished.

    Args:
        bridge: the JavaScript bridge; None: :func:`gameport.bridge.default_bridge` at ``init`` time.
        config: the game's configuration; None: defaults (sandbox, no keys).
        clock: monotonic seconds for ad pacing (tests pass a controllable one).
    """

    def __init__(
        self,
        bridge: Bridge | None = None,
        config: GameConfig | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._bridge = bridge
        self._config = config
        self._session: Session | None = None
        self._init_task: asyncio.Task[Session] | None = None
        self._ready_task: asyncio.Task[None] | None = None
        self.lifecycle: Final = Lifecycle(self._current)
        self.storage: Final = Storage(self._current)
        self.shortcut: Final = Shortcut(self._current)
        self.revisit: Final = Revisit(self._current)
        self.social: Final = Social(self._current)
        self.leaderboards: Final = Leaderboards(self._current)
        self.analytics: Final = Analytics(self._current)
        self.ads: Final = Ads(self._current, self.lifecycle.hold, clock)
        self.payments: Final = Payments(self._current)

    # -- start-up ---------------------------------------------------------------------------------------

    async def init(
        self,
        name: PlatformName | str | None = None,
        *,
        config: GameConfig | None = None,
        environment: Environment | str | None = None,
    ) -> None:
        """Detect the platform, load its SDK when configured, and initialise its adapter.

        Idempotent and single-flight: concurrent and later calls wait for the same initialisation. After a
        failure the next call tries again.

        Args:
            name: force a platform (otherwise see :mod:`gameport.adapters.detect`).
            config: overrides the configuration given to the constructor.
            environment: overrides the configuration's active environment.

        Raises:
            ConfigError: an unknown platform or environment name, or a later call that asks for another
                platform or environment than the one initialised.
            SdkLoadError: the SDK script failed to load or never defined its global.
            BridgeError: no JavaScript runtime (on CPython, pass a FakeBridge).
            BridgeTimeoutError, PlatformError: the platform's initialisation failed.
        """
        wanted = (
            None if name is None else parse_platform(str(name), "platform.init(name=...)"),
            None if environment is None else _environment(environment),
        )
        if self._init_task is None:
            self._init_task = asyncio.ensure_future(self._initialise(wanted[0], wanted[1], config))
        task = self._init_task
        try:
            session = await asyncio.shield(task)
        except BaseException:
            if task.done() and self._init_task is task and (task.cancelled() or task.exception()):
                self._init_task = None
            raise
        if wanted[0] is not None and wanted[0] is not session.name:
            raise ConfigError(
                f"platform already initialised as {session.name.value}; cannot switch to {wanted[0].value}"
            )
        if wanted[1] is not None and wanted[1] is not session.environment:
            raise ConfigError(
                f"platform already initialised in {session.environment.value}; "
                f"cannot switch to {wanted[1].value}"
            )

    async def _initialise(
        self, name: PlatformName | None, environment: Environment | None, config: GameConfig | None
    ) -> Session:
        bridge = self._bridge if self._bridge is not None else default_bridge()
        self._bridge = bridge
        game_config = config or self._config or GameConfig()
        platform_name = detect_platform(bridge, name)
        env = environment or game_config.environment
        settings = game_config.settings_for(platform_name, env)
        sdk_global = SDK_GLOBALS.get(platform_name)
        if settings.sdk_url and sdk_global and not bridge.has(sdk_global):
            timeout = settings.timeouts.get("sdk_load", SDK_LOAD_TIMEOUT)
            await bridge.load_script(settings.sdk_url, sdk_global, timeout=timeout)
        adapter = load_adapter(platform_name)(bridge, settings)
        gate = await adapter.init()
        limit = game_config.storage_limits.get(platform_name, DEFAULT_STORAGE_LIMITS[platform_name])
        backend = open_backend_session(bridge, adapter, settings)
        if backend is None:
            gate = gate.lacking({Capability.PURCHASES: NO_BACKEND_FOR_PURCHASES})
        boards = backend_leaderboards_for(adapter, settings, gate, backend)
        if boards is not None:
            gate = gate.serving(BACKEND_CAPABILITIES, settings.features)
        session = Session(platform_name, adapter, gate, settings, env, limit, backend, boards)
        if gate.allows(Capability.LIFECYCLE):
            self.lifecycle.attach(adapter.watch_lifecycle(self.lifecycle.emit))
        self._session = session
        self.ads.begin(session)
        self.payments.begin(session)
        return session

    async def ready(self) -> None:
        """Tell the platform the game has loaded and may start (Meta ``startGameAsync``). Idempotent.

        Raises:
            NotInitializedError: before ``platform.init()``.
            PlatformError, BridgeTimeoutError: the platform refused or did not answer.
        """
        session = self._current()
        if self._ready_task is None:
            self._ready_task = asyncio.ensure_future(session.adapter.ready())
        task = self._ready_task
        try:
            await asyncio.shield(task)
        except BaseException:
            if task.done() and self._ready_task is task and (task.cancelled() or task.exception()):
                self._ready_task = None
            raise

    async def set_loading_progress(self, fraction: float) -> None:
        """Report loading progress; ``fraction`` is clamped to 0..1.

        Raises:
            InvalidArgumentError: ``fraction`` is NaN (also a ``ValueError``).
            NotInitializedError, UnsupportedCapabilityError (LOADING_PROGRESS; draw your own bar),
            PlatformError.
        """
        adapter = self._current().require(Capability.LOADING_PROGRESS)
        if math.isnan(fraction):
            raise InvalidArgumentError("loading progress must be a number in 0..1, got NaN")
        await adapter.set_loading_progress(min(1.0, max(0.0, float(fraction))))

    async def close(self) -> None:
        """Cancel every platform subscription and forget the session; ``init`` may be called again."""
        task, self._init_task, self._ready_task = self._init_task, None, None
        if task is not None and not task.done():
            task.cancel()
        self.ads.end()
        self.payments.end()
        self.lifecycle.detach()
        self._session = None

    # -- what is available ------------------------------------------------------------------------------

    @property
    def name(self) -> PlatformName:
        """The platform in use.

        Raises:
            NotInitializedError: before ``platform.init()``.
        """
        return self._current().name

    @property
    def environment(self) -> Environment:
        """The environment in use (sandbox or production).

        Raises:
            NotInitializedError: before ``platform.init()``.
        """
        return self._current().environment

    @property
    def capabilities(self) -> frozenset[Capability]:
        """Everything available in this session.

        Raises:
            NotInitializedError: before ``platform.init()``.
        """
        return self._current().capabilities

    def supports(self, capability: Capability | str) -> bool:
        """Whether ``capability`` is available in this session.

        Raises:
            NotInitializedError: before ``platform.init()``.
            ValueError: ``capability`` is not a capability name.
        """
        return Capability(capability) in self._current().capabilities

    # -- identity ---------------------------------------------------------------------------------------

    async def login(self, *, nonce: str | None = None) -> LoginResult:
        """Silent login: the player id where the client can know it, and a credential for your backend.

        Args:
            nonce: a nonce your backend issued, bound into Meta's signed player info (replay protection);
                TikTok's and the web's credentials do not carry one and ignore it.

        Raises:
            InvalidArgumentError: ``nonce`` is not a non-empty string.
            NotInitializedError, UnsupportedCapabilityError (LOGIN), UserCancelledError, PlatformError.
        """
        if nonce is not None and (not isinstance(nonce, str) or not nonce):
            raise InvalidArgumentError(f"a login nonce must be a non-empty string, got {nonce!r}")
        return await self._current().require(Capability.LOGIN).login(nonce=nonce)

    async def authorize(self, scopes: Sequence[str]) -> AuthorizeResult:
        """Explicit authorization for ``scopes`` (TikTok's consent screen; waits while it is open).

        Raises:
            NotInitializedError, UnsupportedCapabilityError (AUTHORIZE), UserCancelledError, PlatformError.
        """
        if isinstance(scopes, str):
            raise InvalidArgumentError(f"scopes must be a sequence of names, not the string {scopes!r}")
        return await self._current().require(Capability.AUTHORIZE).authorize(tuple(scopes))

    def _current(self) -> Session:
        if self._session is None:
            raise NotInitializedError("call `await platform.init()` first")
        return self._session


def _environment(value: Environment | str) -> Environment:
    try:
        return Environment(value)
    except ValueError:
        raise ConfigError(f"unknown environment {value!r}; expected sandbox or production") from None


platform: Final = Platform()
"""The game's platform. ``from gameport import platform``, then ``await platform.init()``."""
