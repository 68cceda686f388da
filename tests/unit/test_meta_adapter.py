"""MetaAdapter against the host fake of FBInstant 8.0: call sequences, gating and every scripted fault."""

from __future__ import annotations

import asyncio

import pytest

from gameport.adapters.meta import MetaAdapter
from gameport.capabilities import Capability
from gameport.config import PlatformSettings
from gameport.errors import (
    AnalyticsEventError,
    BridgeTimeoutError,
    InvalidArgumentError,
    InvalidContentError,
    NotInitializedError,
    PlatformError,
    SdkLoadError,
    StorageError,
    StorageLimitError,
    UnsupportedCapabilityError,
    UserCancelledError,
)
from gameport.models import LeaderboardEntry, LifecycleEvent, ShareContent
from gameport.testing import FakeBridge
from gameport.testing.meta import FB_IMPLEMENTED_APIS, FakeMeta, fake_meta
from gameport.values import Json, JsonObject

IMAGE = "data:image/png;base64,AAAA"
FAST = dict.fromkeys(["entry", "init", "login", "storage", "leaderboard", "ready", "shortcut"], 0.2)


def signer(payload: JsonObject) -> str:
    return f"sig-{payload['player_id']}.payload-{payload['request_payload']}"


def make(fake: FakeMeta | None = None, **features: bool) -> tuple[MetaAdapter, FakeMeta, FakeBridge]:
    fake = fake or fake_meta(sign=signer)
    bridge = fake.bridge()
    adapter = MetaAdapter(bridge, PlatformSettings(features=features, timeouts=dict(FAST)))
    adapter.pending_retry_delay = 0.01
    return adapter, fake, bridge


async def started(fake: FakeMeta | None = None, **features: bool) -> tuple[MetaAdapter, FakeMeta, FakeBridge]:
    adapter, fake, bridge = make(fake, **features)
    await adapter.init()
    return adapter, fake, bridge


def fb_paths(bridge: FakeBridge) -> list[str]:
    return [p.removeprefix("FBInstant.") for p in bridge.paths if p.startswith("FBInstant.")]


# -- start-up -------------------------------------------------------------------------------------------


async def test_init_calls_initialize_first_then_supported_apis_and_declares_everything() -> None:
    adapter, _, bridge = make()
    caps = await adapter.init()
    assert fb_paths(bridge)[:3] == ["initializeAsync", "getSupportedAPIs", "getEntryPointAsync"]
    assert caps.available == MetaAdapter.CAPABILITIES
    assert await adapter.init() is caps and fb_paths(bridge).count("initializeAsync") == 1


async def test_concurrent_init_initializes_once() -> None:
    adapter, _, bridge = make()
    first, second = await asyncio.gather(adapter.init(), adapter.init())
    assert first == second and fb_paths(bridge).count("initializeAsync") == 1


async def test_a_missing_sdk_is_an_sdk_load_error_and_the_adapter_never_loads_it_itself() -> None:
    bridge = FakeBridge(fake_meta().handler, globals=[])
    with pytest.raises(SdkLoadError, match="set sdk_url"):
        await MetaAdapter(bridge, PlatformSettings()).init()
    with pytest.raises(SdkLoadError, match="did not load"):  # loading is platform.init's job, done once
        await MetaAdapter(bridge, PlatformSettings(sdk_url="https://example.test/fbinstant.8.0.js")).init()
    assert bridge.calls == []


def test_meta_never_declares_authorize_revisit_or_shortcut_reward_and_declares_every_ad() -> None:
    absent = {Capability.AUTHORIZE, Capability.REVISIT, Capability.SHORTCUT_REWARD}
    assert Capability.PURCHASES in MetaAdapter.CAPABILITIES
    assert not absent & MetaAdapter.CAPABILITIES
    ads = {Capability.REWARDED_AD, Capability.INTERSTITIAL_AD, Capability.BANNER_AD}
    assert ads <= MetaAdapter.CAPABILITIES


async def test_base_defaults_raise_unsupported_with_fallback_for_absent_capabilities() -> None:
    adapter, _, _ = await started()
    with pytest.raises(UnsupportedCapabilityError) as info:
        await adapter.start_revisit()
    assert (info.value.capability, info.value.platform) == ("revisit", "meta") and info.value.fallback


async def test_supported_apis_gate_capabilities_and_name_capability_platform_fallback() -> None:
    apis: list[Json] = [a for a in FB_IMPLEMENTED_APIS if a not in ("shareAsync", "logEvent")]
    adapter, _, bridge = await started(fake_meta(supportedAPIs=apis, sign=signer))
    assert not adapter.gate.allows(Capability.SHARE) and not adapter.gate.allows(Capability.ANALYTICS)
    with pytest.raises(UnsupportedCapabilityError) as info:
        await adapter.share(ShareContent(text="hi", image=IMAGE))
    err = info.value
    assert (err.capability, err.platform) == ("share", "meta") and "shareAsync" in err.reason
    assert "hide the share button" in str(err)
    assert "FBInstant.shareAsync" not in bridge.paths


async def test_feature_switch_turns_a_capability_off() -> None:
    adapter, _, _ = await started(leaderboards=False)
    with pytest.raises(UnsupportedCapabilityError, match="configuration"):
        await adapter.top_scores("board")


async def test_methods_before_init_raise_not_initialized() -> None:
    adapter, _, _ = make()
    with pytest.raises(NotInitializedError):
        await adapter.storage_get("k")
    with pytest.raises(NotInitializedError):
        await adapter.ready()


async def test_initialize_failure_and_never_are_typed() -> None:
    fake = fake_meta()
    fake.script("initializeAsync", {"outcome": "fail", "code": "INVALID_OPERATION"})
    adapter, _, _ = make(fake)
    with pytest.raises(PlatformError) as info:
        await adapter.init()
    assert info.value.code == "INVALID_OPERATION"
    fake.script("initializeAsync", "never")
    with pytest.raises(BridgeTimeoutError):
        await adapter.init()


async def test_calls_before_initialize_are_refused_by_the_fake() -> None:
    bridge = fake_meta().bridge()
    with pytest.raises(PlatformError) as info:
        await bridge.call("FBInstant.startGameAsync")
    assert info.value.code == "INVALID_OPERATION"


async def test_ready_sets_progress_before_start_game_and_is_idempotent() -> None:
    adapter, fake, bridge = await started()
    await adapter.set_loading_progress(0.426)
    await asyncio.gather(adapter.ready(), adapter.ready())
    await adapter.ready()
    calls = [(c.path, c.args) for c in bridge.calls if c.path.endswith(("Progress", "startGameAsync"))]
    assert calls == [
        ("FBInstant.setLoadingProgress", (43,)),
        ("FBInstant.setLoadingProgress", (100,)),
        ("FBInstant.startGameAsync", ()),
    ]
    assert fake.started and fake.loading_progress == 100
    await adapter.set_loading_progress(0.5)  # after start: nothing to report
    assert fb_paths(bridge).count("setLoadingProgress") == 2


async def test_start_game_failure_is_typed_and_retryable() -> None:
    adapter, fake, _ = await started()
    fake.script("startGameAsync", {"outcome": "fail", "code": "CLIENT_UNSUPPORTED_OPERATION"}, "never")
    with pytest.raises(PlatformError):
        await adapter.ready()
    with pytest.raises(BridgeTimeoutError):
        await adapter.ready()
    await adapter.ready()
    assert fake.started


# -- identity -------------------------------------------------------------------------------------------


async def test_login_returns_signed_info_bound_to_a_fresh_nonce_and_releases_the_handle() -> None:
    adapter, _, bridge = await started()
    first, second = await adapter.login(), await adapter.login()
    assert first.platform == "meta" and first.player_id == "mock-player-1"
    assert first.credential_kind == "meta_signed_player_info"
    assert first.nonce and first.credential == f"sig-mock-player-1.payload-{first.nonce}"
    assert first.nonce != second.nonce
    assert bridge.live_handles == 0


async def test_login_binds_the_nonce_it_is_given_and_refuses_an_empty_one() -> None:
    adapter, _, bridge = await started()
    login = await adapter.login(nonce="server-nonce-1")
    assert login.nonce == "server-nonce-1"
    assert login.credential == "sig-mock-player-1.payload-server-nonce-1"
    asked = [c for c in bridge.calls if c.path == "FBInstant.player.getSignedPlayerInfoAsync"]
    assert [c.args for c in asked] == [("server-nonce-1",)]
    with pytest.raises(InvalidArgumentError):
        await adapter.login(nonce="")


@pytest.mark.parametrize("signature", [123, "nodot", ".payload", "sig."])
async def test_login_rejects_a_malformed_signature_and_still_releases(signature: Json) -> None:
    adapter, fake, bridge = await started()
    value: JsonObject = {"__fb": "SignedPlayerInfo", "playerID": "p", "signature": signature}
    fake.script("player.getSignedPlayerInfoAsync", {"value": value})
    with pytest.raises(PlatformError, match="malformed"):
        await adapter.login()
    assert bridge.live_handles == 0


async def test_login_without_signer_is_network_failure_and_never_times_out() -> None:
    adapter, fake, _ = await started(fake_meta())
    with pytest.raises(PlatformError) as info:
        await adapter.login()
    assert info.value.code == "NETWORK_FAILURE"
    fake.sign = signer
    fake.script("player.getSignedPlayerInfoAsync", "never")
    with pytest.raises(BridgeTimeoutError):
        await adapter.login()


async def test_login_client_unsupported_becomes_unsupported_error() -> None:
    adapter, fake, _ = await started()
    unsupported: JsonObject = {"outcome": "fail", "code": "CLIENT_UNSUPPORTED_OPERATION"}
    fake.script("player.getSignedPlayerInfoAsync", unsupported)
    with pytest.raises(UnsupportedCapabilityError) as info:
        await adapter.login()
    assert info.value.capability == "login"


# -- lifecycle and launch -------------------------------------------------------------------------------


async def test_on_pause_and_visibility_give_pause_then_resume_once() -> None:
    adapter, fake, bridge = await started()
    seen: list[LifecycleEvent] = []
    subs = adapter.watch_lifecycle(seen.append)
    bridge.emit("FBInstant.onPause")
    fake.visibility = "hidden"
    bridge.emit("document.addEventListener")
    fake.visibility = "visible"
    bridge.emit("document.addEventListener")
    bridge.emit("document.addEventListener")
    assert seen == [LifecycleEvent.PAUSE, LifecycleEvent.RESUME]
    for sub in subs:
        sub.cancel()
    assert bridge.listeners() == 0


async def test_without_a_document_only_on_pause_is_watched() -> None:
    fake = fake_meta()
    adapter = MetaAdapter(fake.bridge(document=False), PlatformSettings())
    await adapter.init()
    assert len(adapter.watch_lifecycle(lambda e: None)) == 1


async def test_launch_data_has_entry_point_and_data() -> None:
    adapter, _, _ = await started(fake_meta(entryPoint="share", entryPointData={"level": 3}))
    data = adapter.launch_data()
    assert (data.entry_point, data.data, data.query) == ("share", {"level": 3}, {})


async def test_entry_point_failure_does_not_fail_init() -> None:
    fake = fake_meta()
    fake.script("getEntryPointAsync", "never")
    adapter, _, _ = await started(fake)
    assert adapter.launch_data().entry_point is None


# -- storage --------------------------------------------------------------------------------------------


async def test_storage_round_trip_and_delete_stores_none() -> None:
    adapter, fake, bridge = await started()
    await adapter.storage_set("save", {"level": 2})
    assert await adapter.storage_get("save") == {"level": 2}
    await adapter.storage_delete("save")
    assert await adapter.storage_get("save") is None and fake.player_data == {"save": None}
    assert "FBInstant.player.setDataAsync" in bridge.paths


async def test_concurrent_writes_never_overlap() -> None:
    adapter, fake, _ = await started()
    slow: JsonObject = {"delayMs": 20}
    fake.script("player.setDataAsync", slow, slow, slow)
    await asyncio.gather(*(adapter.storage_set(f"k{i}", i) for i in range(3)))
    writes = [e for e in fake.log if e.endswith("setDataAsync")]
    assert writes == ["begin player.setDataAsync", "end player.setDataAsync"] * 3
    assert fake.player_data == {"k0": 0, "k1": 1, "k2": 2}


async def test_oversize_value_is_refused_before_calling() -> None:
    adapter, _, bridge = await started()
    with pytest.raises(StorageLimitError):
        await adapter.storage_set("big", "x" * (1024 * 1024))
    assert "FBInstant.player.setDataAsync" not in bridge.paths


async def test_platform_total_limit_becomes_storage_limit_error() -> None:
    adapter, _, _ = await started(fake_meta(playerDataLimitBytes=50))
    await adapter.storage_set("a", "x" * 20)
    with pytest.raises(StorageLimitError):
        await adapter.storage_set("b", "y" * 30)


async def test_pending_request_is_retried_once_after_the_flush_settles() -> None:
    adapter, fake, bridge = await started()
    adapter.pending_retry_delay = 0.05
    fake.script("player.flushDataAsync", {"delayMs": 20})
    flush = asyncio.ensure_future(bridge.call("FBInstant.player.flushDataAsync"))
    await asyncio.sleep(0)
    await adapter.storage_set("k", 1)
    await flush
    assert fake.player_data == {"k": 1} and fb_paths(bridge).count("player.setDataAsync") == 2


async def test_pending_request_twice_is_storage_error() -> None:
    adapter, fake, bridge = await started()
    fake.script("player.flushDataAsync", "never")
    flush = asyncio.ensure_future(bridge.call("FBInstant.player.flushDataAsync", timeout=None))
    await asyncio.sleep(0)
    with pytest.raises(StorageError) as info:
        await adapter.storage_set("k", 1)
    assert not isinstance(info.value, StorageLimitError)
    assert isinstance(info.value.__cause__, PlatformError) and info.value.__cause__.code == "PENDING_REQUEST"
    flush.cancel()


async def test_storage_never_and_network_failure_are_typed() -> None:
    adapter, fake, _ = await started()
    fake.script("player.getDataAsync", "never", {"outcome": "fail", "code": "NETWORK_FAILURE"})
    with pytest.raises(BridgeTimeoutError):
        await adapter.storage_get("k")
    with pytest.raises(PlatformError) as info:
        await adapter.storage_get("k")
    assert info.value.code == "NETWORK_FAILURE"


# -- retention ------------------------------------------------------------------------------------------


async def test_shortcut_added_once_then_not_offered_again() -> None:
    adapter, _, bridge = await started()
    assert (await adapter.add_shortcut()).added is True
    assert (await adapter.add_shortcut()).added is False
    assert fb_paths(bridge).count("createShortcutAsync") == 1


async def test_shortcut_not_eligible_skips_create_and_cancel_is_not_added() -> None:
    adapter, _, bridge = await started(fake_meta(shortcutEligible=False))
    assert (await adapter.add_shortcut()).added is False
    assert "FBInstant.createShortcutAsync" not in bridge.paths
    adapter, fake, _ = await started()
    fake.script("createShortcutAsync", "cancel")
    assert (await adapter.add_shortcut()).added is False


async def test_shortcut_other_failures_stay_platform_errors() -> None:
    adapter, fake, _ = await started()
    fake.script("createShortcutAsync", {"outcome": "fail", "code": "INVALID_OPERATION"})
    with pytest.raises(PlatformError):
        await adapter.add_shortcut()


async def test_shortcut_reward_is_unsupported_on_meta() -> None:
    adapter, _, _ = await started()
    with pytest.raises(UnsupportedCapabilityError):
        await adapter.shortcut_reward_available()


# -- social ---------------------------------------------------------------------------------------------


async def test_share_resolves_even_on_cancel_with_completed_none() -> None:
    adapter, fake, bridge = await started()
    fake.script("shareAsync", "cancel")
    result = await adapter.share(ShareContent(text="hi", image=IMAGE, data={"from": "p1"}))
    assert (result.completed, result.method) == (None, "share")
    assert bridge.calls[-1].args == ({"image": IMAGE, "text": "hi", "data": {"from": "p1"}},)


async def test_share_content_is_validated_before_calling() -> None:
    adapter, _, bridge = await started()
    with pytest.raises(InvalidContentError, match="image"):
        await adapter.share(ShareContent(text="hi"))
    with pytest.raises(InvalidContentError, match="1000"):
        await adapter.invite(ShareContent(text="hi", image=IMAGE, data={"x": "y" * 1000}))
    assert "FBInstant.shareAsync" not in bridge.paths and "FBInstant.inviteAsync" not in bridge.paths


async def test_share_client_unsupported_is_unsupported_error() -> None:
    adapter, fake, _ = await started()
    fake.script("shareAsync", {"outcome": "fail", "code": "CLIENT_UNSUPPORTED_OPERATION"})
    with pytest.raises(UnsupportedCapabilityError) as info:
        await adapter.share(ShareContent(text="hi", image=IMAGE))
    assert info.value.capability == "share"


async def test_invite_completes_and_cancel_is_user_cancelled() -> None:
    adapter, fake, _ = await started()
    result = await adapter.invite(ShareContent(text="join", image=IMAGE))
    assert (result.completed, result.method) == (True, "invite")
    fake.script("inviteAsync", "cancel")
    with pytest.raises(UserCancelledError):
        await adapter.invite(ShareContent(text="join", image=IMAGE))


# -- leaderboards ---------------------------------------------------------------------------------------


def boards() -> FakeMeta:
    rows: Json = [{"playerId": "a", "score": 50}, {"playerId": "b", "score": 70, "extraData": "x"}]
    return fake_meta(leaderboards={"weekly.ctx1": {"entries": rows}}, contextId="ctx1")


async def test_submit_and_read_a_contextual_board_releasing_every_handle() -> None:
    adapter, _, bridge = await started(boards())
    await adapter.ready()
    mine = await adapter.submit_score("weekly.ctx1", 60, "hat")
    assert mine == LeaderboardEntry(player_id="mock-player-1", score=60, rank=2, extra="hat")
    top = await adapter.top_scores("weekly.ctx1", count=2, offset=0)
    assert top == [
        LeaderboardEntry("b", 70, 1, "x"),
        LeaderboardEntry("mock-player-1", 60, 2, "hat"),
    ]
    assert bridge.live_handles == 0
    assert "@h" in " ".join(p for p in bridge.paths if p.endswith(".0.getScore"))


async def test_missing_board_is_unsupported_with_the_removal_reason() -> None:
    adapter, _, bridge = await started()
    with pytest.raises(UnsupportedCapabilityError, match="31 Dec 2025") as info:
        await adapter.top_scores("global_board")
    assert info.value.capability == "leaderboards" and bridge.live_handles == 0


async def test_wrong_context_stays_platform_error_and_releases() -> None:
    adapter, _, bridge = await started(boards())  # not started: the player is in no context yet
    with pytest.raises(PlatformError) as info:
        await adapter.submit_score("weekly.ctx1", 1)
    assert info.value.code == "LEADERBOARD_WRONG_CONTEXT" and bridge.live_handles == 0


async def test_leaderboard_never_times_out_and_releases() -> None:
    fake = boards()
    adapter, _, bridge = await started(fake)
    fake.script("leaderboard.getEntriesAsync", "never")
    with pytest.raises(BridgeTimeoutError):
        await adapter.top_scores("weekly.ctx1")
    assert bridge.live_handles == 0


# -- analytics ------------------------------------------------------------------------------------------


async def test_log_event_calls_log_event_with_null_value_to_sum() -> None:
    adapter, _, bridge = await started()
    await adapter.log_event("level_up", {"platform": "meta"})
    assert bridge.calls[-1].args == ("level_up", None, {"platform": "meta"})


async def test_log_event_post_exception_is_ignored_other_errors_are_typed() -> None:
    adapter, fake, _ = await started()
    fake.script("logEvent", "fail")
    await adapter.log_event("level_up", {})
    with pytest.raises(AnalyticsEventError):
        await adapter.log_event("x", {})
    fake.script("logEvent", {"outcome": "fail", "code": "NETWORK_FAILURE"})
    with pytest.raises(PlatformError):
        await adapter.log_event("level_up", {})


async def test_analytics_needs_log_event_to_exist() -> None:
    apis: list[Json] = [a for a in FB_IMPLEMENTED_APIS if a != "logEvent"]
    adapter, _, _ = await started(fake_meta(supportedAPIs=apis))
    with pytest.raises(UnsupportedCapabilityError, match="logEvent"):
        await adapter.log_event("level_up", {})


async def test_log_event_thrown_post_exception_is_ignored_too() -> None:
    adapter, fake, _ = await started()
    fake.script("logEvent", {"outcome": "throw", "code": "ANALYTICS_POST_EXCEPTION"}, "throw")
    await adapter.log_event("level_up", {})
    with pytest.raises(PlatformError) as info:
        await adapter.log_event("level_up", {})
    assert info.value.code == "UNKNOWN"


# -- the fake itself ------------------------------------------------------------------------------------


def test_fake_refuses_unknown_knobs_and_outcomes() -> None:
    with pytest.raises(TypeError):
        fake_meta(purchase="USER_INPUT")
    with pytest.raises(ValueError):
        fake_meta().script("shareAsync", "explode")


async def test_fake_throw_outcome_and_refused_flush_leave_no_pending_state() -> None:
    fake = fake_meta()
    bridge = fake.bridge()
    with pytest.raises(PlatformError):
        await bridge.call("FBInstant.player.flushDataAsync")  # before initializeAsync
    assert not fake.flush_pending
    await bridge.call("FBInstant.initializeAsync")
    fake.script("shareAsync", {"outcome": "throw", "code": "INVALID_PARAM"})
    with pytest.raises(PlatformError) as info:
        await bridge.call("FBInstant.shareAsync", {"image": IMAGE, "text": "t"})
    assert info.value.code == "INVALID_PARAM" and "begin shareAsync" not in fake.log
