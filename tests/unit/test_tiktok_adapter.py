"""TikTokAdapter on the host fake of TTMinis.game: call sequences, canIUse gating, scripted faults."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from gameport.adapters import tiktok
from gameport.adapters.tiktok import TikTokAdapter
from gameport.adapters.tiktok.errors import TikTokLoginNotConfiguredError, TikTokResponseError
from gameport.adapters.tiktok.unconfirmed import UNCONFIRMED
from gameport.capabilities import FALLBACKS, Capability, PlatformName
from gameport.config import PlatformSettings
from gameport.errors import (
    BridgeTimeoutError,
    ConfigError,
    NotInitializedError,
    PlatformError,
    SdkLoadError,
    StorageLimitError,
    UnsupportedCapabilityError,
    UserCancelledError,
)
from gameport.models import LifecycleEvent, LoginResult, ShareContent
from gameport.testing import FakeBridge
from gameport.testing.tiktok import FakeTikTok, fake_tiktok

G = "TTMinis.game"
ALL = frozenset(tiktok.adapter_class.CAPABILITIES)


def settings(**kw: object) -> PlatformSettings:
    base: dict[str, object] = {
        "client_key": "ck_test",
        "timeouts": {"login": 0.05, "reward": 0.05, "storage": 0.05},
    }
    base.update(kw)
    return PlatformSettings(**base)  # type: ignore[arg-type]


async def started(
    fake: FakeTikTok | None = None, **kw: object
) -> tuple[TikTokAdapter, FakeTikTok, FakeBridge]:
    fake = fake or fake_tiktok()
    bridge = fake.bridge()
    adapter = TikTokAdapter(bridge, settings(**kw))
    await adapter.init()
    return adapter, fake, bridge


def sdk_paths(bridge: FakeBridge) -> list[str]:
    return [p for p in bridge.paths if not p.endswith(".canIUse")]


# -- start-up and call sequences ---------------------------------------------------------------------------


async def test_html_runtime_calls_init_with_client_key_before_login() -> None:
    adapter, fake, bridge = await started()
    result = await adapter.login()
    assert sdk_paths(bridge) == [f"{G}.init", f"{G}.login"]
    assert bridge.calls[0].args == ({"clientKey": "ck_test"},)
    assert fake.client_key == "ck_test" and adapter.runtime == "html"
    assert result == LoginResult("tiktok", None, "mock-code-1", "tiktok_code")


async def test_native_runtime_never_calls_init() -> None:
    adapter, fake, bridge = await started(fake_tiktok(runtime="native"), client_key=None)
    await adapter.login()
    assert sdk_paths(bridge) == [f"{G}.login"]
    assert adapter.runtime == "native" and not fake.initialized


async def test_html_runtime_without_client_key_is_a_config_error_before_any_call() -> None:
    bridge = fake_tiktok().bridge()
    with pytest.raises(ConfigError, match="client_key"):
        await TikTokAdapter(bridge, settings(client_key=None)).init()
    assert bridge.calls == []


async def test_missing_sdk_without_sdk_url_is_an_sdk_load_error() -> None:
    with pytest.raises(SdkLoadError, match="sdk_url"):
        await TikTokAdapter(FakeBridge(globals=set()), settings()).init()


async def test_init_throwing_is_a_platform_error() -> None:
    fake = fake_tiktok()
    fake.script("init", "throw")
    with pytest.raises(PlatformError) as info:
        await TikTokAdapter(fake.bridge(), settings()).init()
    assert info.value.code == 90000


async def test_calls_before_init_raise_not_initialized() -> None:
    adapter = TikTokAdapter(fake_tiktok().bridge(), settings())
    with pytest.raises(NotInitializedError):
        await adapter.login()


async def test_fake_refuses_calls_before_init_in_html_runtime() -> None:
    bridge = fake_tiktok().bridge()
    with pytest.raises(PlatformError) as info:
        await bridge.call_cb(f"{G}.login", {})
    assert info.value.code == 90002


# -- capabilities ----------------------------------------------------------------------------------------


async def test_current_client_has_every_capability_and_no_leaderboards_or_banner() -> None:
    adapter, _, _ = await started(leaderboard_url="https://scores.example")
    assert adapter.name is PlatformName.TIKTOK
    assert (await adapter.init()).available == ALL
    assert {Capability.REWARDED_AD, Capability.INTERSTITIAL_AD} <= ALL
    assert Capability.PURCHASES in ALL
    for absent in (Capability.LEADERBOARDS, Capability.BANNER_AD):
        assert absent not in ALL
    with pytest.raises(UnsupportedCapabilityError):
        await adapter.submit_score("main", 10)


@pytest.mark.parametrize(
    ("version", "missing"),
    [
        (
            "40.0.0",
            {Capability.SHORTCUT, Capability.SHORTCUT_REWARD, Capability.REVISIT, Capability.ANALYTICS}
            | {Capability.INTERSTITIAL_AD},
        ),
        ("42.0.0", {Capability.ANALYTICS, Capability.INTERSTITIAL_AD}),
        ("43.0.0", set()),
    ],
)
async def test_capabilities_follow_the_client_version(version: str, missing: set[Capability]) -> None:
    adapter, _, _ = await started(fake_tiktok(clientVersion=version))
    assert (await adapter.init()).available == ALL - missing


async def test_old_client_shortcut_is_unsupported_with_capability_platform_and_fallback() -> None:
    adapter, _, bridge = await started(fake_tiktok(clientVersion="40.0.0"))
    for call in (adapter.add_shortcut, adapter.shortcut_reward_available, adapter.start_revisit):
        with pytest.raises(UnsupportedCapabilityError) as info:
            await call()
        assert info.value.platform == "tiktok"
        assert info.value.fallback in FALLBACKS.values()
        assert "canIUse" in info.value.reason
    assert info.value.capability == "revisit"
    assert not any("Shortcut" in p or "Entrance" in p for p in bridge.paths)


async def test_can_i_use_false_hides_a_present_function() -> None:
    adapter, _, _ = await started(fake_tiktok(canIUseOverrides={"shareAppMessage": False}))
    assert (await adapter.init()).available == ALL - {Capability.SHARE, Capability.INVITE}
    with pytest.raises(UnsupportedCapabilityError) as info:
        await adapter.invite(ShareContent(text="hi"))
    assert info.value.fallback == FALLBACKS[Capability.INVITE]


async def test_without_can_i_use_present_functions_decide() -> None:
    fake = fake_tiktok(runtime="native")
    bridge = FakeBridge(fake.handler, globals=fake.globals - {f"{G}.canIUse", f"{G}.reportEvent"})
    caps = await TikTokAdapter(bridge, settings()).init()
    assert caps.available == ALL - {Capability.ANALYTICS}
    assert f"{G}.canIUse" not in bridge.paths


async def test_feature_switch_turns_a_capability_off() -> None:
    adapter, _, _ = await started(features={"share": False, "analytics": True})
    assert Capability.SHARE not in (await adapter.init()).available
    with pytest.raises(UnsupportedCapabilityError, match="features"):
        await adapter.share(ShareContent(text="hi"))


# -- login and authorize ---------------------------------------------------------------------------------


async def test_login_102102_explains_tos_and_privacy_urls() -> None:
    adapter, fake, _ = await started()
    fake.script("login", "fail")
    with pytest.raises(TikTokLoginNotConfiguredError, match="Privacy Policy") as info:
        await adapter.login()
    assert isinstance(info.value, PlatformError)
    assert info.value.code == 102102 and info.value.path == f"{G}.login"
    assert isinstance(info.value.raw, dict) and info.value.raw["errCode"] == 102102


async def test_login_other_codes_stay_platform_errors() -> None:
    adapter, fake, _ = await started()
    fake.script("login", {"outcome": "fail", "code": 10401, "message": "network"})
    with pytest.raises(PlatformError) as info:
        await adapter.login()
    assert type(info.value) is PlatformError and info.value.code == 10401


async def test_login_that_never_answers_times_out() -> None:
    adapter, fake, _ = await started()
    fake.script("login", "never")
    with pytest.raises(BridgeTimeoutError) as info:
        await adapter.login()
    assert info.value.timeout == 0.05 and info.value.path == f"{G}.login"


async def test_login_that_throws_is_a_platform_error() -> None:
    adapter, fake, _ = await started()
    fake.script("login", "throw")
    with pytest.raises(PlatformError) as info:
        await adapter.login()
    assert info.value.code == 90000


@pytest.mark.parametrize("value", [{}, {"code": ""}, {"code": 5}, None])
async def test_login_without_a_code_is_a_response_error(value: object) -> None:
    adapter, fake, _ = await started()
    fake.script("login", {"outcome": "ok", "value": value})  # type: ignore[dict-item]
    with pytest.raises(TikTokResponseError) as info:
        await adapter.login()
    assert info.value.raw == value and info.value.code is None


@pytest.mark.parametrize("outcome", ["ok_twice", "ok_then_late_complete"])
async def test_duplicate_and_late_callbacks_are_harmless(outcome: str) -> None:
    adapter, fake, bridge = await started()
    fake.script("login", {"outcome": outcome, "lateMs": 10})
    assert (await adapter.login()).credential == "mock-code-1"
    await asyncio.sleep(0.05)
    callbacks = bridge.calls[-1].callbacks
    assert callbacks is not None
    if outcome == "ok_twice":
        assert callbacks.fired == ["success", "success", "complete"] and callbacks.ignored == 1
    else:
        assert callbacks.fired == ["success", "complete", "complete"] and callbacks.ignored == 0
    assert (await adapter.login()).credential == "mock-code-2"


async def test_authorize_joins_scopes_and_maps_cancel() -> None:
    adapter, fake, bridge = await started()
    result = await adapter.authorize(["user.info.basic", "mobile.number"])
    assert bridge.calls[-1].options == {"scope": "user.info.basic,mobile.number"}
    assert result.granted_scopes == ("user.info.basic", "mobile.number")
    fake.script("authorize", "cancel")
    with pytest.raises(UserCancelledError):
        await adapter.authorize(["user.info.basic"])
    with pytest.raises(ValueError, match="scope"):
        await adapter.authorize([])


async def test_authorize_waits_without_timeout_for_the_person() -> None:
    adapter, fake, _ = await started(timeouts={"authorize": 0.01})
    fake.script("authorize", {"outcome": "ok", "delayMs": 80})
    assert (await adapter.authorize(["user.info.basic"])).granted_scopes == ("user.info.basic",)


# -- loading progress, lifecycle, launch data ------------------------------------------------------------


async def test_loading_progress_uses_the_unconfirmed_scale() -> None:
    adapter, fake, bridge = await started()
    await adapter.set_loading_progress(0.5)
    assert bridge.calls[-1].options == {"progress": 0.5} and fake.loading_progress == 0.5
    scaled = TikTokAdapter(
        bridge, settings(), unconfirmed=dataclasses.replace(UNCONFIRMED, progress_scale=100)
    )
    await scaled.init()
    await scaled.set_loading_progress(0.25)
    assert fake.loading_progress == 25.0


async def test_lifecycle_maps_hide_and_show_and_listeners_are_removed() -> None:
    adapter, fake, bridge = await started()
    events: list[LifecycleEvent] = []
    subs = adapter.watch_lifecycle(events.append)
    assert bridge.listeners(f"{G}.onHide") == 1 and bridge.listeners(f"{G}.onShow") == 1
    fake.fire("onHide")
    fake.fire("onShow")
    assert events == [LifecycleEvent.PAUSE, LifecycleEvent.RESUME]
    for sub in subs:
        sub.cancel()
    assert bridge.listeners() == 0 and fake.fire("onHide") == 0
    assert events == [LifecycleEvent.PAUSE, LifecycleEvent.RESUME]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"ref": "abc", "n": 3}, {"ref": "abc", "n": "3"}),
        ("ref=abc&x=a%20b", {"ref": "abc", "x": "a b"}),
        (None, {}),
    ],
)
async def test_launch_data_from_launch_options(query: object, expected: dict[str, str]) -> None:
    adapter, _, _ = await started(fake_tiktok(launchOptions={"scene": 21036, "query": query}))  # type: ignore[dict-item]
    data = adapter.launch_data()
    assert data.entry_point == "21036" and data.query == expected


# -- storage ---------------------------------------------------------------------------------------------


async def test_storage_round_trip_missing_key_and_delete() -> None:
    adapter, fake, _ = await started()
    assert await adapter.storage_get("save") is None
    await adapter.storage_set("save", {"level": 3, "items": ["a"], "ok": True})
    assert await adapter.storage_get("save") == {"level": 3, "items": ["a"], "ok": True}
    await adapter.storage_delete("save")
    await adapter.storage_delete("save")
    assert await adapter.storage_get("save") is None and fake.storage == {}


async def test_storage_over_the_limit_is_a_storage_limit_error() -> None:
    adapter, fake, _ = await started(fake_tiktok(storageLimitBytes=32))
    with pytest.raises(StorageLimitError):
        await adapter.storage_set("big", "x" * 64)
    assert fake.storage == {}


async def test_storage_faults_are_typed() -> None:
    adapter, fake, _ = await started()
    fake.script("getStorage", "fail", "never")
    with pytest.raises(PlatformError) as info:
        await adapter.storage_get("k")
    assert info.value.code == 90000
    with pytest.raises(BridgeTimeoutError):
        await adapter.storage_get("k")
    await adapter.storage_set("k", 1)
    fake.script("getStorage", {"outcome": "ok", "value": {"nodata": 1}})
    with pytest.raises(TikTokResponseError):
        await adapter.storage_get("k")


# -- retention -------------------------------------------------------------------------------------------


async def test_add_shortcut_added_declined_and_failed() -> None:
    adapter, fake, _ = await started()
    assert (await adapter.add_shortcut()).added is True
    fake.script("addShortcut", "cancel", {"outcome": "fail", "code": 4})
    assert (await adapter.add_shortcut()).added is False
    with pytest.raises(PlatformError) as info:
        await adapter.add_shortcut()
    assert info.value.code == 4


async def test_mission_rewards_are_one_time_and_malformed_payloads_are_typed() -> None:
    adapter, _, bridge = await started(
        fake_tiktok(shortcutRewardAvailable=True, entranceRewardAvailable=True)
    )
    assert await adapter.shortcut_reward_available() is True
    assert await adapter.shortcut_reward_available() is False
    await adapter.start_revisit()
    assert await adapter.revisit_reward_available() is True
    assert await adapter.revisit_reward_available() is False
    assert f"{G}.startEntranceMission" in bridge.paths


async def test_reward_faults() -> None:
    adapter, fake, _ = await started()
    fake.script("getShortcutMissionReward", {"outcome": "ok", "value": {"canReceiveReward": "yes"}}, "never")
    with pytest.raises(TikTokResponseError, match="canReceiveReward"):
        await adapter.shortcut_reward_available()
    with pytest.raises(BridgeTimeoutError):
        await adapter.shortcut_reward_available()
    fake.script("startEntranceMission", "cancel")
    with pytest.raises(UserCancelledError):
        await adapter.start_revisit()


# -- social and analytics --------------------------------------------------------------------------------


async def test_share_builds_title_and_query_and_invite_falls_back_to_share() -> None:
    adapter, _, bridge = await started()
    content = ShareContent(text="Beat me", data={"room": "a b", "n": 2, "ref": "x&y"})
    shared = await adapter.share(content)
    assert bridge.calls[-1].path == f"{G}.shareAppMessage"
    assert bridge.calls[-1].options == {"title": "Beat me", "query": "room=a+b&ref=x%26y"}
    assert (shared.completed, shared.method) == (True, "share")
    invited = await adapter.invite(ShareContent(text="t", title="Join"))
    assert bridge.calls[-1].path == f"{G}.shareAppMessage" and bridge.calls[-1].options == {"title": "Join"}
    assert (invited.completed, invited.method) == (True, "share_as_invite")


async def test_share_cancel_and_failure() -> None:
    adapter, fake, _ = await started()
    fake.script("shareAppMessage", "cancel", "fail")
    with pytest.raises(UserCancelledError):
        await adapter.invite(ShareContent(text="t"))
    with pytest.raises(PlatformError) as info:
        await adapter.share(ShareContent(text="t"))
    assert info.value.code == 90000


async def test_analytics_reports_event() -> None:
    adapter, fake, bridge = await started()
    await adapter.log_event("level_up", {"level": 3})
    assert bridge.calls[-1].path == f"{G}.reportEvent"
    assert bridge.calls[-1].options == {"eventName": "level_up", "params": {"level": 3}}
    fake.script("reportEvent", "fail")
    with pytest.raises(PlatformError):
        await adapter.log_event("x", {})


# -- the fake itself -------------------------------------------------------------------------------------


def test_fake_rejects_unknown_knobs_and_outcomes() -> None:
    with pytest.raises(TypeError, match="knob"):
        fake_tiktok(clientVersin="1.0.0")
    with pytest.raises(TypeError, match="runtime"):
        fake_tiktok(runtime="webview")
    with pytest.raises(TypeError, match="cancel"):
        fake_tiktok().script("login", "cancel")


def test_fake_member_presence_follows_runtime_and_version() -> None:
    fake = fake_tiktok(runtime="native", clientVersion="42.0.0")
    assert f"{G}.init" not in fake.globals and f"{G}.addShortcut" in fake.globals
    assert f"{G}.reportEvent" not in fake.globals
    bridge = fake.bridge()
    fake.configure(clientVersion="43.0.0")
    assert bridge.has(f"{G}.reportEvent") and bridge.has(f"{G}.pay")
