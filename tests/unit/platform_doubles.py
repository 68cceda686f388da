"""Test doubles for the facade tests: a scripted web page for FakeBridge and a tiny counting adapter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from gameport.adapters.base import Adapter
from gameport.bridge import Subscription
from gameport.capabilities import Capability, PlatformName
from gameport.models import LifecycleEvent, LoginResult
from gameport.testing import Call, FakeBridge, SdkFailure
from gameport.values import Json, JsonObject

DUMMY_GLOBALS = frozenset({"dummy.init", "dummy.onHide", "dummy.onShow", "dummy.onAudio"})

PAGE_GLOBALS = frozenset(
    {
        "location.search",
        "location.hostname",
        "localStorage.getItem",
        "localStorage.setItem",
        "localStorage.removeItem",
        "document.addEventListener",
        "document.removeEventListener",
        "document.visibilityState",
    }
)


@dataclass
class WebPage:
    """A browser page as the web adapter sees it: URL, localStorage, visibility, navigator.share."""

    query: str = ""
    hostname: str = "localhost"
    storage: dict[str, str] = field(default_factory=dict)
    visibility: str = "visible"
    share_failure: JsonObject | None = None
    quota_full: bool = False
    extra_globals: frozenset[str] = frozenset()

    def bridge(self, *, share: bool = True, without: frozenset[str] = frozenset()) -> FakeBridge:
        names = (PAGE_GLOBALS | self.extra_globals | ({"navigator.share"} if share else set())) - without
        return FakeBridge(self.handle, globals=names)

    def handle(self, call: Call) -> Json:
        if call.path == "location.search":
            return self.query
        if call.path == "location.hostname":
            return self.hostname
        if call.path == "document.visibilityState":
            return self.visibility
        if call.path == "localStorage.getItem":
            return self.storage.get(str(call.args[0]))
        if call.path == "localStorage.setItem":
            if self.quota_full:
                raise SdkFailure({"name": "QuotaExceededError", "message": "quota exceeded"})
            self.storage[str(call.args[0])] = str(call.args[1])
            return None
        if call.path == "localStorage.removeItem":
            self.storage.pop(str(call.args[0]), None)
            return None
        if call.path == "navigator.share" and self.share_failure is not None:
            raise SdkFailure(self.share_failure)
        return None


class DummyAdapter(Adapter):
    """Counts ``init`` calls; offers what the test sets in ``available``; records lifecycle subscriptions."""

    name: ClassVar[PlatformName] = PlatformName.TIKTOK
    DEFAULT: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.LOGIN, Capability.LIFECYCLE, Capability.LOADING_PROGRESS, Capability.ANALYTICS}
    )
    CAPABILITIES: ClassVar[frozenset[Capability]] = DEFAULT
    inits: ClassVar[int] = 0
    available: ClassVar[frozenset[Capability]] = CAPABILITIES
    fail_init: ClassVar[Exception | None] = None
    progress: ClassVar[list[float]] = []
    logged: ClassVar[list[tuple[str, JsonObject]]] = []

    @classmethod
    def reset(cls, capabilities: frozenset[Capability] | None = None) -> None:
        """Forget earlier tests; declare (and offer) ``capabilities`` (default: :attr:`DEFAULT`)."""
        cls.CAPABILITIES = capabilities or cls.DEFAULT
        cls.inits = 0
        cls.available = cls.CAPABILITIES
        cls.fail_init = None
        cls.progress = []
        cls.logged = []

    async def start(self) -> dict[Capability, str]:
        type(self).inits += 1
        await self.bridge.call("dummy.init")
        if type(self).fail_init is not None:
            raise type(self).fail_init  # type: ignore[misc]
        return {c: "withheld by the test" for c in self.CAPABILITIES - type(self).available}

    async def login(self, nonce: str | None = None) -> LoginResult:
        return LoginResult("tiktok", None, "code-1", "tiktok_code")

    async def set_loading_progress(self, fraction: float) -> None:
        type(self).progress.append(fraction)

    async def log_event(self, name: str, params: JsonObject) -> None:
        type(self).logged.append((name, params))

    def watch_lifecycle(self, emit: Callable[[LifecycleEvent], None]) -> list[Subscription]:
        return [
            self.bridge.on("dummy.onHide", lambda _: emit(LifecycleEvent.PAUSE)),
            self.bridge.on("dummy.onShow", lambda _: emit(LifecycleEvent.RESUME)),
            self.bridge.on(
                "dummy.onAudio", lambda p: emit(LifecycleEvent.MUTE if p else LifecycleEvent.UNMUTE)
            ),
        ]
