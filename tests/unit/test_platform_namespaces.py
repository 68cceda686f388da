"""The facade's namespaces: unsupported errors, storage limits, analytics validation, lifecycle."""

from __future__ import annotations

import json
import string
from collections.abc import Awaitable, Callable, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gameport._platform as facade
from gameport import (
    FALLBACKS,
    AnalyticsEventError,
    Capability,
    GameConfig,
    InvalidArgumentError,
    LifecycleEvent,
    Platform,
    ShareContent,
    StorageError,
    StorageLimitError,
    UnsupportedCapabilityError,
)
from gameport.adapters import Adapter, load_adapter
from gameport.features.analytics import validate_event
from gameport.testing import FakeBridge
from gameport.values import Json

from .platform_doubles import DUMMY_GLOBALS, DummyAdapter, WebPage


@pytest.fixture
def dummy(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[DummyAdapter]]:
    DummyAdapter.reset()

    def fake_load(name: str) -> type[Adapter]:
        return DummyAdapter if name in ("tiktok", "meta") else load_adapter(name)

    monkeypatch.setattr(facade, "load_adapter", fake_load)
    yield DummyAdapter
    DummyAdapter.reset()


async def web(config: GameConfig | None = None) -> Platform:
    p = Platform(WebPage().bridge(), config)
    await p.init("web")
    return p


UNSUPPORTED_ON_WEB: list[tuple[Capability, Callable[[Platform], Awaitable[object]]]] = [
    (Capability.AUTHORIZE, lambda p: p.authorize(["user.info.basic"])),
    (Capability.LOADING_PROGRESS, lambda p: p.set_loading_progress(0.5)),
    (Capability.SHORTCUT, lambda p: p.shortcut.add()),
    (Capability.SHORTCUT_REWARD, lambda p: p.shortcut.reward_available()),
    (Capability.REVISIT, lambda p: p.revisit.start()),
    (Capability.REVISIT, lambda p: p.revisit.reward_available()),
    (Capability.INVITE, lambda p: p.social.invite(ShareContent(text="hi"))),
    (Capability.LEADERBOARDS, lambda p: p.leaderboards.submit("best", 10)),
    (Capability.LEADERBOARDS, lambda p: p.leaderboards.top("best")),
]


@pytest.mark.parametrize(("capability", "use"), UNSUPPORTED_ON_WEB)
async def test_unsupported_errors_name_capability_platform_and_fallback(
    capability: Capability, use: Callable[[Platform], Awaitable[object]]
) -> None:
    p = await web()
    with pytest.raises(UnsupportedCapabilityError) as caught:
        await use(p)
    error = caught.value
    assert (error.capability, error.platform, error.fallback) == (
        capability.value,
        "web",
        FALLBACKS[capability],
    )
    assert f"{capability.value} is not supported on web" in str(error)
    assert FALLBACKS[capability] in str(error)
    assert "the platform has no such API" in error.reason


async def test_a_switched_off_capability_says_it_is_unavailable_in_this_session() -> None:
    p = await web(
        GameConfig.from_toml("[platforms.web.sandbox]\nfeatures = { share = false, storage = false }")
    )
    assert not p.supports(Capability.SHARE)
    with pytest.raises(UnsupportedCapabilityError, match="share is not supported on web") as caught:
        await p.social.share(ShareContent(text="hi"))
    assert caught.value.reason == "switched off by features['share'] in the configuration"
    with pytest.raises(UnsupportedCapabilityError, match="storage"):
        await p.storage.set("k", 1)


async def test_storage_round_trip_through_the_facade() -> None:
    p = await web()
    await p.storage.set("save", {"level": 3, "name": "Jürgen"})
    assert await p.storage.get("save") == {"level": 3, "name": "Jürgen"}
    await p.storage.delete("save")
    assert await p.storage.get("save") is None


@pytest.mark.parametrize(
    ("platform_name", "limit"), [("web", 5_000_000), ("tiktok", 10_000_000), ("meta", 1_000_000)]
)
async def test_oversize_values_are_refused_before_the_adapter_is_called(
    dummy: type[DummyAdapter], platform_name: str, limit: int
) -> None:
    dummy.reset(frozenset({Capability.LOGIN, Capability.STORAGE}))
    bridge = WebPage(extra_globals=DUMMY_GLOBALS).bridge()
    p = Platform(bridge)
    await p.init(platform_name)
    calls_before = len(bridge.calls)
    fits = "x" * (limit - 2)  # the two quotes make it exactly `limit` bytes of JSON
    big = "x" * (limit - 1)
    with pytest.raises(
        StorageLimitError, match=rf"{limit + 1} bytes of JSON; {platform_name} stores at most {limit}"
    ):
        await p.storage.set("big", big)
    assert len(bridge.calls) == calls_before
    if platform_name == "web":
        await p.storage.set("fits", fits)
        assert len(json.dumps(await p.storage.get("fits"))) == limit


async def test_storage_limits_come_from_the_config_and_count_utf8_bytes() -> None:
    p = await web(GameConfig.from_toml("[storage_limits]\nweb = 10"))
    await p.storage.set("k", "ééé")  # 6 bytes + 2 quotes
    with pytest.raises(StorageLimitError, match="11 bytes of JSON; web stores at most 10"):
        await p.storage.set("k", "éééé" + "x")
    assert isinstance(StorageLimitError("x"), StorageError)


async def test_non_json_values_and_empty_keys_are_refused() -> None:
    p = await web()
    with pytest.raises(StorageError, match="cannot be stored as JSON"):
        await p.storage.set("k", float("nan"))
    with pytest.raises(StorageError, match="cannot be stored as JSON"):
        await p.storage.set("k", {"s": {1, 2}})  # type: ignore[dict-item]
    with pytest.raises(InvalidArgumentError, match="non-empty string"):
        await p.storage.get("")


async def test_analytics_adds_the_attribution_dimensions() -> None:
    config = GameConfig.from_toml('app_version = "1.2.3"\n[platforms.web.production]\n')
    p = Platform(WebPage().bridge(), config)
    await p.init("web", environment="production")
    await p.analytics.log("level_up", {"level": 4, "boss": True, "mode": "hard"})
    adapter = p._current().adapter
    assert adapter.events == [  # type: ignore[attr-defined]
        (
            "level_up",
            {
                "level": 4,
                "boss": True,
                "mode": "hard",
                "platform": "web",
                "environment": "production",
                "app_version": "1.2.3",
            },
        )
    ]


async def test_analytics_without_the_capability_validates_then_does_nothing() -> None:
    p = await web(GameConfig.from_toml("[platforms.web.sandbox]\nfeatures = { analytics = false }"))
    await p.analytics.log("level_up", {"level": 4})
    assert p._current().adapter.events == []  # type: ignore[attr-defined]
    with pytest.raises(AnalyticsEventError):
        await p.analytics.log("x")


async def test_analytics_reaches_a_platform_adapter(dummy: type[DummyAdapter]) -> None:
    p = Platform(FakeBridge(globals=DUMMY_GLOBALS))
    await p.init("tiktok")
    await p.analytics.log("Start game")
    assert dummy.logged == [
        ("Start game", {"platform": "tiktok", "environment": "sandbox", "app_version": "0.0.0"})
    ]


NAME_CHARS = string.ascii_letters + string.digits + " _-"


@given(st.text(alphabet=NAME_CHARS, min_size=2, max_size=40))
def test_valid_names_pass(name: str) -> None:
    validate_event(
        name, {name: name[:99]} if name not in ("platform", "environment", "app_version") else None
    )


@given(
    st.one_of(
        st.text(alphabet=NAME_CHARS, max_size=1),
        st.text(alphabet=NAME_CHARS, min_size=41, max_size=60),
        st.text(min_size=2, max_size=40).filter(lambda s: any(c not in NAME_CHARS for c in s)),
    )
)
def test_invalid_names_and_keys_are_refused(name: str) -> None:
    with pytest.raises(AnalyticsEventError, match="2-40 characters"):
        validate_event(name)
    with pytest.raises(AnalyticsEventError, match="parameter key"):
        validate_event("ok_name", {name: 1})


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({f"p{i:02d}": i for i in range(23)}, "has 23 parameters; at most 22"),
        ({"platform": "x"}, "'platform' is reserved"),
        ({"note": "x" * 100}, "is 100 characters; Meta allows fewer than 100"),
        ({"score": float("inf")}, "only finite numbers"),
        ({"items": [1, 2]}, "must be a string, number or bool, got list"),
        ({"items": None}, "got NoneType"),
    ],
)
def test_parameter_limits(params: dict[str, Json], message: str) -> None:
    with pytest.raises(AnalyticsEventError, match=message):
        validate_event("level_up", params)


def test_parameter_limits_at_the_edge_pass() -> None:
    validate_event("level_up", {f"p{i:02d}": i for i in range(22)})
    validate_event("level_up", {"note": "x" * 99, "ok": False, "ratio": 0.5})


async def test_lifecycle_flags_follow_events_and_callbacks_see_only_changes(
    dummy: type[DummyAdapter],
) -> None:
    bridge = FakeBridge(globals=DUMMY_GLOBALS)
    p = Platform(bridge)
    await p.init("tiktok")
    seen: list[LifecycleEvent] = []
    stop_pause = p.lifecycle.on("pause", seen.append)
    p.lifecycle.on(LifecycleEvent.RESUME, seen.append)
    p.lifecycle.on(LifecycleEvent.MUTE, seen.append)
    assert not p.lifecycle.paused and not p.lifecycle.muted
    bridge.emit("dummy.onHide")
    bridge.emit("dummy.onHide")
    assert p.lifecycle.paused
    bridge.emit("dummy.onShow")
    bridge.emit("dummy.onAudio", True)
    assert not p.lifecycle.paused and p.lifecycle.muted
    stop_pause()
    bridge.emit("dummy.onHide")
    assert seen == [LifecycleEvent.PAUSE, LifecycleEvent.RESUME, LifecycleEvent.MUTE]
    assert p.lifecycle.paused
    with pytest.raises(ValueError, match="explode"):
        p.lifecycle.on("explode", seen.append)


async def test_a_failing_callback_does_not_stop_the_others(
    dummy: type[DummyAdapter], caplog: pytest.LogCaptureFixture
) -> None:
    bridge = FakeBridge(globals=DUMMY_GLOBALS)
    p = Platform(bridge)
    await p.init("tiktok")
    seen: list[LifecycleEvent] = []

    def broken(event: LifecycleEvent) -> None:
        raise RuntimeError("game bug")

    p.lifecycle.on("pause", broken)
    p.lifecycle.on("pause", seen.append)
    bridge.emit("dummy.onHide")
    assert seen == [LifecycleEvent.PAUSE]
    assert "platform.lifecycle callback for pause raised" in caplog.text


async def test_close_removes_every_platform_listener(dummy: type[DummyAdapter]) -> None:
    bridge = FakeBridge(globals=DUMMY_GLOBALS)
    p = Platform(bridge)
    await p.init("tiktok")
    seen: list[LifecycleEvent] = []
    p.lifecycle.on("pause", seen.append)
    assert bridge.listeners() == 3
    await p.close()
    assert bridge.listeners() == 0
    assert bridge.emit("dummy.onHide") == 0
    await p.init("tiktok")
    bridge.emit("dummy.onHide")
    assert seen == []
    assert p.lifecycle.paused


async def test_lifecycle_on_without_the_capability_is_unsupported(dummy: type[DummyAdapter]) -> None:
    dummy.available = frozenset({Capability.LOGIN})
    bridge = FakeBridge(globals=DUMMY_GLOBALS)
    p = Platform(bridge)
    await p.init("tiktok")
    assert bridge.listeners() == 0
    assert p.lifecycle.paused is False
    with pytest.raises(UnsupportedCapabilityError, match="lifecycle is not supported on tiktok"):
        p.lifecycle.on("pause", print)
    with pytest.raises(UnsupportedCapabilityError, match="launch_data"):
        _ = p.lifecycle.launch_data


async def test_login_and_authorize_arguments() -> None:
    p = await web()
    result = await p.login()
    assert result.credential_kind == "web_dev_token"
    with pytest.raises(InvalidArgumentError, match="not the string"):
        await p.authorize("user.info.basic")


async def test_leaderboard_arguments_are_checked_before_the_adapter(dummy: type[DummyAdapter]) -> None:
    dummy.reset(frozenset({Capability.LEADERBOARDS}))
    p = Platform(FakeBridge(globals=DUMMY_GLOBALS))
    await p.init("tiktok")
    with pytest.raises(InvalidArgumentError, match="count >= 1"):
        await p.leaderboards.top("best", count=0)
    with pytest.raises(InvalidArgumentError, match="must be ints"):
        await p.leaderboards.top("best", count=2.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="offset >= 0"):
        await p.leaderboards.top("best", offset=-1)
    with pytest.raises(InvalidArgumentError, match="score must be an int"):
        await p.leaderboards.submit("best", True)
    with pytest.raises(InvalidArgumentError, match="leaderboard name"):
        await p.leaderboards.submit("", 1)
    with pytest.raises(UnsupportedCapabilityError, match="leaderboards is not supported on tiktok"):
        await p.leaderboards.submit("best", 1)
