"""The adapter interface every platform implements, with an "unsupported" default for each capability.

An adapter translates one platform's SDK into gameport's models. It talks to JavaScript only through a
:class:`~gameport.bridge.Bridge`, so every adapter runs on CPython against a ``FakeBridge`` too. Adapters do
not keep game state; the facade (``gameport.Platform``) does.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import ClassVar, NoReturn

from gameport.adapters.ad_driver import AdDriver
from gameport.adapters.payment_driver import PaymentDriver
from gameport.bridge import Bridge, Subscription
from gameport.capabilities import FALLBACKS, Capability, CapabilityGate, PlatformName
from gameport.config.settings import PlatformSettings
from gameport.errors import NotInitializedError, PlatformError, UnsupportedCapabilityError
from gameport.models.results import (
    AuthorizeResult,
    LaunchData,
    LeaderboardEntry,
    LifecycleEvent,
    LoginResult,
    ShareContent,
    ShareResult,
    ShortcutResult,
)
from gameport.values import Json, JsonObject

ErrorMap = Mapping[str | int, Callable[[PlatformError], Exception]]


@contextmanager
def map_errors(table: ErrorMap) -> Iterator[None]:
    """Re-raise a :class:`PlatformError` whose code is in ``table`` as the error ``table`` builds.

    The original stays as ``__cause__``; unknown codes stay a ``PlatformError``.
    """
    try:
        yield
    except PlatformError as exc:
        factory = table.get(exc.code) if exc.code is not None else None
        if factory is None:
            raise
        raise factory(exc) from exc


class Adapter(ABC):
    """One platform behind gameport's API.

    Class attributes:
        name: the platform.
        CAPABILITIES: everything this adapter can ever do; :meth:`start` reports what of it this session
            lacks and why (client version, ``canIUse``, ``getSupportedAPIs``, browser APIs), and
            :meth:`init` turns that into the session's :class:`~gameport.capabilities.CapabilityGate`.
        CONDITIONS: see the attribute.
    """

    name: ClassVar[PlatformName]
    CAPABILITIES: ClassVar[frozenset[Capability]]
    CONDITIONS: ClassVar[Mapping[Capability, str]] = {}
    """What a declared capability needs beyond the platform itself (a client version, a browser API), in a
    few words for the README's capability table; absent: nothing more."""

    def __init__(self, bridge: Bridge, settings: PlatformSettings) -> None:
        self.bridge = bridge
        self.settings = settings
        self._gate: CapabilityGate | None = None

    def unsupported(self, capability: Capability, reason: str = "") -> NoReturn:
        """Raise the typed error for ``capability`` on this platform, with its fallback."""
        raise UnsupportedCapabilityError(capability.value, self.name.value, FALLBACKS[capability], reason)

    @property
    def gate(self) -> CapabilityGate:
        """This session's capability gate.

        Raises:
            NotInitializedError: before :meth:`init` finished.
        """
        if self._gate is None:
            raise NotInitializedError("call `await platform.init()` first", platform=self.name.value)
        return self._gate

    def require(self, capability: Capability) -> None:
        """Return when ``capability`` is available in this session (adapters check before SDK calls).

        Raises:
            NotInitializedError: before :meth:`init`.
            UnsupportedCapabilityError: it is not available, with the gate's precise reason.
        """
        self.gate.require(capability)

    def timeout(self, what: str, default: float) -> float:
        """The configured timeout for ``what`` (seconds), or ``default``."""
        return self.settings.timeouts.get(what, default)

    # -- start-up ---------------------------------------------------------------------------------------

    async def init(self) -> CapabilityGate:
        """Initialise the platform SDK (:meth:`start`) and settle this session's capability gate; a later
        call answers the same gate.

        Raises what :meth:`start` raises.
        """
        missing = await self.start()
        if self._gate is None:
            self._gate = CapabilityGate.decide(self.name, self.CAPABILITIES, missing, self.settings.features)
        return self._gate

    @abstractmethod
    async def start(self) -> Mapping[Capability, str]:
        """Initialise the platform SDK; return the declared capabilities this session lacks, each with
        why (the configuration's ``features`` switches are the gate's business, not the adapter's)."""

    async def ready(self) -> None:
        """The game is loaded and may start (Meta: ``startGameAsync``). Default: nothing to do."""
        return None

    async def set_loading_progress(self, fraction: float) -> None:
        """Report loading progress, ``fraction`` in 0..1 (already clamped by the facade)."""
        self.unsupported(Capability.LOADING_PROGRESS)

    # -- identity ---------------------------------------------------------------------------------------

    async def login(self, nonce: str | None = None) -> LoginResult:
        """Silent login: a credential the game backend can verify.

        ``nonce`` (issued by the game backend) is bound into credentials that can carry one (Meta's signed
        player info); platforms whose credential is already single-use (TikTok's code) ignore it.
        """
        self.unsupported(Capability.LOGIN)

    async def authorize(self, scopes: Sequence[str]) -> AuthorizeResult:
        """Explicit authorization for ``scopes`` (shows the platform's consent screen)."""
        self.unsupported(Capability.AUTHORIZE)

    # -- lifecycle --------------------------------------------------------------------------------------

    def watch_lifecycle(self, emit: Callable[[LifecycleEvent], None]) -> list[Subscription]:
        """Subscribe to the platform's pause/resume (and mute) signals, calling ``emit`` for each."""
        self.unsupported(Capability.LIFECYCLE)

    def launch_data(self) -> LaunchData:
        """How the game was opened (entry point, query, data)."""
        self.unsupported(Capability.LAUNCH_DATA)

    # -- storage ----------------------------------------------------------------------------------------

    async def storage_get(self, key: str) -> Json:
        """The stored value of ``key``, or None."""
        self.unsupported(Capability.STORAGE)

    async def storage_set(self, key: str, value: Json) -> None:
        """Store ``value`` (JSON-like) under ``key``."""
        self.unsupported(Capability.STORAGE)

    async def storage_delete(self, key: str) -> None:
        """Remove ``key``; no error when absent."""
        self.unsupported(Capability.STORAGE)

    # -- retention --------------------------------------------------------------------------------------

    async def add_shortcut(self) -> ShortcutResult:
        """Ask the player to add the home-screen shortcut."""
        self.unsupported(Capability.SHORTCUT)

    async def shortcut_reward_available(self) -> bool:
        """Whether the platform says the player may claim the shortcut reward now."""
        self.unsupported(Capability.SHORTCUT_REWARD)

    async def start_revisit(self) -> None:
        """Start the revisit-from-profile mission (TikTok's entrance mission)."""
        self.unsupported(Capability.REVISIT)

    async def revisit_reward_available(self) -> bool:
        """Whether the platform says the player may claim the revisit reward now."""
        self.unsupported(Capability.REVISIT)

    # -- social -----------------------------------------------------------------------------------------

    async def share(self, content: ShareContent) -> ShareResult:
        """Open the platform's share UI."""
        self.unsupported(Capability.SHARE)

    async def invite(self, content: ShareContent) -> ShareResult:
        """Open the platform's invite UI."""
        self.unsupported(Capability.INVITE)

    # -- leaderboards -----------------------------------------------------------------------------------

    async def submit_score(self, board: str, score: int, extra: str | None = None) -> LeaderboardEntry | None:
        """Submit a score; returns the player's entry when the platform reports it."""
        self.unsupported(Capability.LEADERBOARDS)

    async def top_scores(self, board: str, count: int = 10, offset: int = 0) -> list[LeaderboardEntry]:
        """Read ``count`` entries from ``offset``."""
        self.unsupported(Capability.LEADERBOARDS)

    # -- ads ------------------------------------------------------------------------------------------

    def ad_driver(self) -> AdDriver:
        """This platform's ads; ``platform.ads`` builds it once per session, after :meth:`init`."""
        self.unsupported(Capability.REWARDED_AD)

    # -- payments -------------------------------------------------------------------------------------

    def payment_driver(self) -> PaymentDriver:
        """This platform's purchase calls; ``platform.payments`` builds it once per session, at init."""
        self.unsupported(Capability.PURCHASES)

    # -- analytics --------------------------------------------------------------------------------------

    async def log_event(self, name: str, params: JsonObject) -> None:
        """Send an already-validated analytics event (the facade adds the attribution dimensions)."""
        self.unsupported(Capability.ANALYTICS)
