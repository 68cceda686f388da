"""pytest fixtures for game authors: a :class:`~gameport.Platform` on the TikTok, Meta or web host fakes,
and (slow, marked ``gameport_slow``) the author's built game in headless Chromium on the JS mocks with the
reference backend running: ``gameport_game`` (:mod:`gameport.testing.game_harness`).

Registered through the ``pytest11`` entry point, so installing gameport is enough::

    @pytest.mark.gameport_platform("tiktok", clientVersion="40.0.0")
    async def test_revisit_button_is_hidden_on_old_clients(gameport_platform):
        platform, fake = gameport_platform
        await platform.init()                  # detected from the fake's globals
        assert not platform.supports("revisit")

``gameport_platform`` answers ``(platform, fake)``: a fresh, not yet initialised ``Platform`` on a fake
``FakeBridge`` and the fake itself (``FakeTikTok``, ``FakeMeta`` or the :class:`WebPage` here) to script
outcomes and fire events. The marker picks the platform (default ``"web"``) and the scenario knobs (the JS
mocks' names); ``config=`` passes a :class:`~gameport.GameConfig`. ``gameport_platforms`` is a factory for
tests that want several (``make("meta", playerId="p2")``). Everything runs on CPython, in milliseconds;
async tests need an asyncio runner such as pytest-asyncio. A test that leaves ads or subscriptions running
ends with ``await platform.close()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest

from gameport import GameConfig, Platform
from gameport.testing.calls import Call
from gameport.testing.fake_bridge import FakeBridge
from gameport.testing.game_harness import (
    SLOW_MARKER,
    add_options,
    gameport_browser,
    gameport_game,
    gameport_server_config,
    gameport_site,
    gameport_stack,
    mark_slow,
)
from gameport.testing.meta import FakeMeta, fake_meta
from gameport.testing.tiktok import FakeTikTok, fake_tiktok
from gameport.values import Json

MARKER = "gameport_platform"
__all__ = [  # the slow fixtures are defined in game_harness; pytest finds them here
    "gameport_browser",
    "gameport_game",
    "gameport_platform",
    "gameport_platforms",
    "gameport_server_config",
    "gameport_site",
    "gameport_stack",
]

_PAGE = frozenset(
    {
        *("location.search", "location.hostname", "document.visibilityState"),
        *("localStorage.getItem", "localStorage.setItem", "localStorage.removeItem"),
        *("document.addEventListener", "document.removeEventListener"),
    }
)


@dataclass
class WebPage:
    """The browser page the web platform sees: ``query`` (``location.search``), ``hostname``, ``storage``
    (localStorage) and ``visibility``; ``bridge(extra)`` adds globals such as ``"navigator.share"``."""

    query: str = ""
    hostname: str = "localhost"
    storage: dict[str, str] = field(default_factory=dict)
    visibility: str = "visible"

    def bridge(self, extra: Iterable[str] = ()) -> FakeBridge:
        return FakeBridge(self.handle, globals=_PAGE | set(extra))

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
            self.storage[str(call.args[0])] = str(call.args[1])
        if call.path == "localStorage.removeItem":
            self.storage.pop(str(call.args[0]), None)
        return None


Fake = FakeTikTok | FakeMeta | WebPage
Maker = Callable[..., tuple[Platform, Fake]]


def make_platform(
    name: str = "web", *, config: GameConfig | None = None, **knobs: Any
) -> tuple[Platform, Fake]:
    """A Platform on the ``name`` fake with scenario ``knobs``, and the fake.

    TikTok runs its native runtime (no ``init({clientKey})`` needed) unless ``runtime="html"`` is given.

    Raises:
        ValueError: an unknown platform name. TypeError: an unknown knob.
    """
    fake: Fake
    if name == "tiktok":
        fake = fake_tiktok(**{"runtime": "native", **knobs})
        bridge: FakeBridge = fake.bridge()
    elif name == "meta":
        fake = fake_meta(**knobs)
        bridge = fake.bridge()
    elif name == "web":
        fake = WebPage(**knobs)
        bridge = fake.bridge()
    else:
        raise ValueError(f"unknown platform {name!r}; expected tiktok, meta or web")
    return Platform(bridge, config), fake


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(name='web', config=None, **knobs): the platform and scenario of gameport_platform",
    )
    config.addinivalue_line(
        "markers",
        f"{SLOW_MARKER}: the built game in Chromium with the backend (gameport_game); set by the plugin",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_slow(items)


@pytest.fixture
def gameport_platforms() -> Maker:
    """A factory: ``make(name, config=None, **knobs) -> (platform, fake)`` (see :func:`make_platform`)."""
    return make_platform


@pytest.fixture
def gameport_platform(request: pytest.FixtureRequest) -> tuple[Platform, Fake]:
    """``(platform, fake)`` for the test's ``gameport_platform`` marker (default: the web page)."""
    marker = request.node.get_closest_marker(MARKER)
    args = marker.args if marker else ()
    kwargs = dict(marker.kwargs) if marker else {}
    return make_platform(*args, **kwargs)
