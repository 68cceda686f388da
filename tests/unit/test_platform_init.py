"""The facade's start-up: single-flight init, detection wiring, SDK loading, switches, close."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator

import pytest

import gameport._platform as facade
from gameport import (
    Capability,
    ConfigError,
    GameConfig,
    InvalidArgumentError,
    NotInitializedError,
    Platform,
    PlatformError,
    PlatformName,
    SdkLoadError,
    ShareContent,
)
from gameport.adapters import Adapter, load_adapter
from gameport.adapters.web import WebAdapter
from gameport.testing import NO_ANSWER, Call, FakeBridge, SdkFailure
from gameport.values import Json

from .platform_doubles import DUMMY_GLOBALS, DummyAdapter, WebPage


@pytest.fixture
def dummy(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[DummyAdapter]]:
    DummyAdapter.reset()

    def fake_load(name: str) -> type[Adapter]:
        return DummyAdapter if name == "tiktok" else load_adapter(name)

    monkeypatch.setattr(facade, "load_adapter", fake_load)
    yield DummyAdapter
    DummyAdapter.reset()


async def test_two_concurrent_inits_run_one_adapter_init(dummy: type[DummyAdapter]) -> None:
    gate = asyncio.Event()

    async def handler(call: Call) -> Json:
        if call.path == "dummy.init":
            await gate.wait()
        return None

    p = Platform(FakeBridge(handler, globals=DUMMY_GLOBALS))
    first = asyncio.ensure_future(p.init("tiktok"))
    second = asyncio.ensure_future(p.init())
    await asyncio.sleep(0)
    gate.set()
    await asyncio.gather(first, second)
    await p.init()
    assert dummy.inits == 1
    assert p.name is PlatformName.TIKTOK


async def test_a_second_init_naming_another_platform_is_refused(dummy: type[DummyAdapter]) -> None:
    p = Platform(FakeBridge(globals=DUMMY_GLOBALS))
    await p.init("tiktok")
    with pytest.raises(ConfigError, match="already initialised as tiktok; cannot switch to meta"):
        await p.init("meta")
    with pytest.raises(ConfigError, match="cannot switch to production"):
        await p.init(environment="production")
    await p.init("tiktok")
    assert dummy.inits == 1


async def test_a_failed_init_can_be_retried(dummy: type[DummyAdapter]) -> None:
    dummy.fail_init = PlatformError("boom", code=1, raw=None, path="dummy.init")
    p = Platform(FakeBridge(globals=DUMMY_GLOBALS))
    with pytest.raises(PlatformError):
        await p.init("tiktok")
    with pytest.raises(NotInitializedError):
        _ = p.name
    dummy.fail_init = None
    await p.init("tiktok")
    assert dummy.inits == 2
    assert p.capabilities == DummyAdapter.CAPABILITIES


async def test_a_cancelled_caller_does_not_cancel_the_shared_init(dummy: type[DummyAdapter]) -> None:
    gate = asyncio.Event()

    async def handler(call: Call) -> Json:
        await gate.wait()
        return None

    p = Platform(FakeBridge(handler, globals=DUMMY_GLOBALS))
    impatient = asyncio.ensure_future(p.init("tiktok"))
    patient = asyncio.ensure_future(p.init())
    await asyncio.sleep(0)
    impatient.cancel()
    gate.set()
    await patient
    assert impatient.cancelled()
    assert p.name is PlatformName.TIKTOK and dummy.inits == 1


async def test_everything_raises_not_initialized_before_init() -> None:
    p = Platform(WebPage().bridge())
    calls: list[Callable[[], object]] = [
        lambda: p.name,
        lambda: p.capabilities,
        lambda: p.environment,
        lambda: p.supports(Capability.LOGIN),
        lambda: p.lifecycle.paused,
        lambda: p.lifecycle.muted,
        lambda: p.lifecycle.launch_data,
        lambda: p.lifecycle.on("pause", lambda e: None),
    ]
    for call in calls:
        with pytest.raises(NotInitializedError, match=r"await platform.init\(\)"):
            call()
    coroutines: list[Callable[[], Awaitable[object]]] = [
        p.ready,
        p.login,
        lambda: p.authorize(["user.info.basic"]),
        lambda: p.set_loading_progress(0.5),
        lambda: p.storage.get("k"),
        lambda: p.storage.set("k", 1),
        lambda: p.storage.delete("k"),
        p.shortcut.add,
        p.shortcut.reward_available,
        p.revisit.start,
        p.revisit.reward_available,
        lambda: p.social.share(ShareContent(text="hi")),
        lambda: p.social.invite(ShareContent(text="hi")),
        lambda: p.leaderboards.submit("b", 1),
        lambda: p.leaderboards.top("b"),
        lambda: p.analytics.log("level_up"),
    ]
    for make in coroutines:
        with pytest.raises(NotInitializedError):
            await make()


def test_the_singleton_does_not_touch_javascript_on_import() -> None:
    assert facade.platform._bridge is None
    with pytest.raises(NotInitializedError):
        _ = facade.platform.name


async def test_init_without_a_bridge_outside_pyodide_says_what_to_pass() -> None:
    from gameport import BridgeError

    with pytest.raises(BridgeError, match="FakeBridge"):
        await Platform().init()


async def test_detection_picks_the_web_adapter_on_a_plain_page() -> None:
    p = Platform(WebPage().bridge())
    await p.init()
    assert p.name is PlatformName.WEB
    assert p.supports(Capability.STORAGE) and p.supports("share")
    assert not p.supports(Capability.PURCHASES)


async def test_feature_switches_remove_capabilities_for_every_adapter(dummy: type[DummyAdapter]) -> None:
    config = GameConfig.from_toml(
        "[platforms.tiktok.sandbox]\nfeatures = { login = false, analytics = true }\n"
    )
    p = Platform(FakeBridge(globals=DUMMY_GLOBALS), config)
    await p.init("tiktok")
    assert Capability.LOGIN not in p.capabilities
    assert Capability.ANALYTICS in p.capabilities


async def test_capabilities_never_exceed_what_the_adapter_declares(dummy: type[DummyAdapter]) -> None:
    dummy.available = frozenset({Capability.LOGIN, Capability.PURCHASES})
    p = Platform(FakeBridge(globals=DUMMY_GLOBALS))
    await p.init("tiktok")
    assert p.capabilities == {Capability.LOGIN}


async def test_the_sdk_is_loaded_when_configured_and_absent(dummy: type[DummyAdapter]) -> None:
    bridge = FakeBridge(globals=DUMMY_GLOBALS)
    config = GameConfig.from_toml(
        '[platforms.tiktok.sandbox]\nsdk_url = "mocks/ttminis.js"\ntimeouts = { sdk_load = 3 }\n'
    )
    await Platform(bridge, config).init("tiktok")
    load = bridge.calls[0]
    assert (load.kind, load.path, load.args) == ("load_script", "TTMinis.game", ("mocks/ttminis.js",))
    assert bridge.paths.index("TTMinis.game") < bridge.paths.index("dummy.init")


async def test_the_sdk_is_not_loaded_when_its_global_exists(dummy: type[DummyAdapter]) -> None:
    bridge = FakeBridge(globals=DUMMY_GLOBALS | {"TTMinis.game"})
    config = GameConfig.from_toml('[platforms.tiktok.sandbox]\nsdk_url = "mocks/ttminis.js"\n')
    await Platform(bridge, config).init()
    assert "load_script" not in [c.kind for c in bridge.calls]


@pytest.mark.parametrize("answer", ["reject", "never"])
async def test_an_sdk_that_fails_to_load_is_a_typed_error(dummy: type[DummyAdapter], answer: str) -> None:
    def handler(call: Call) -> Json | object:
        if call.kind == "load_script":
            if answer == "never":
                return NO_ANSWER
            raise SdkFailure({"message": "404"})
        return None

    config = GameConfig.from_toml(
        '[platforms.tiktok.sandbox]\nsdk_url = "https://x.invalid/sdk.js"\ntimeouts = { sdk_load = 0.01 }\n'
    )
    p = Platform(FakeBridge(handler, globals=DUMMY_GLOBALS), config)  # type: ignore[arg-type]
    with pytest.raises(SdkLoadError, match=r"x\.invalid/sdk\.js"):
        await p.init("tiktok")
    assert dummy.inits == 0


async def test_ready_is_single_flight(dummy: type[DummyAdapter]) -> None:
    p = Platform(FakeBridge(globals=DUMMY_GLOBALS))
    await p.init("tiktok")
    ready_calls = 0

    async def counting_ready() -> None:
        nonlocal ready_calls
        ready_calls += 1
        await asyncio.sleep(0)

    p._current().adapter.ready = counting_ready  # type: ignore[method-assign]
    await asyncio.gather(p.ready(), p.ready())
    await p.ready()
    assert ready_calls == 1


async def test_loading_progress_is_clamped_and_nan_refused(dummy: type[DummyAdapter]) -> None:
    p = Platform(FakeBridge(globals=DUMMY_GLOBALS))
    await p.init("tiktok")
    for value in (-0.5, 0.25, 7):
        await p.set_loading_progress(value)
    assert dummy.progress == [0.0, 0.25, 1.0]
    with pytest.raises(InvalidArgumentError, match="NaN") as caught:
        await p.set_loading_progress(float("nan"))
    assert isinstance(caught.value, ValueError)


async def test_unknown_platform_names_are_config_errors() -> None:
    p = Platform(WebPage().bridge())
    with pytest.raises(ConfigError, match="unknown platform 'steam'"):
        await p.init("steam")
    with pytest.raises(ConfigError, match="unknown environment 'prod'"):
        await p.init(environment="prod")


async def test_close_allows_a_fresh_init(dummy: type[DummyAdapter]) -> None:
    p = Platform(WebPage().bridge())
    await p.init()
    await p.close()
    with pytest.raises(NotInitializedError):
        _ = p.name
    await p.init()
    assert isinstance(p._current().adapter, WebAdapter)
