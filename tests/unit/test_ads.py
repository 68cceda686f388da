"""``platform.ads`` on every platform through the host fakes: outcomes, pacing, back-off, lifecycle, events,
and per-platform rules (TikTok: a new object per show, listeners removed, load() by canIUse; Meta: instance
limit, reuse, back-off). tests/browser/test_ads_browser.py runs the outcomes through the real JS mocks."""

from __future__ import annotations

import asyncio

import pytest

from gameport import (
    AdEvent,
    AdKind,
    AdReason,
    AdState,
    ConfigError,
    GameConfig,
    InvalidArgumentError,
    LifecycleEvent,
    UnsupportedCapabilityError,
)
from gameport.testing.tiktok import fake_tiktok

from .ads_doubles import Clock, ad_setup

# outcome -> (shown, rewarded, reason) for a rewarded ad, per platform
EXPECTED = {
    "tiktok": {
        "completed": (True, True, None),
        "closed_early": (True, False, AdReason.USER_DISMISSED),
        "no_fill": (False, False, AdReason.NO_FILL),
        "error_after_display": (True, False, AdReason.UNKNOWN),
        "never_closes": (True, False, AdReason.TIMEOUT),
    },
    "meta": {
        "completed": (True, True, None),
        "closed_early": (True, False, AdReason.USER_DISMISSED),
        "no_fill": (False, False, AdReason.NO_FILL),
        "frequent_load": (False, False, AdReason.RATE_LIMITED),
        "error_after_display": (False, False, AdReason.NETWORK),
        "never_closes": (False, False, AdReason.TIMEOUT),
    },
    "web": {
        "completed": (True, True, None),
        "closed_early": (True, False, AdReason.USER_DISMISSED),
        "no_fill": (False, False, AdReason.NO_FILL),
        "error_after_display": (True, False, AdReason.NETWORK),
        "never_closes": (False, False, AdReason.TIMEOUT),
    },
}
CASES = [(name, outcome) for name, table in EXPECTED.items() for outcome in table]


@pytest.mark.parametrize(("name", "outcome"), CASES)
async def test_every_outcome_is_a_result_and_leaves_nothing_behind(name: str, outcome: str) -> None:
    s = await ad_setup(name)
    listeners, handles = s.bridge.listeners(), s.bridge.live_handles
    s.script(outcome)
    result = await s.platform.ads.show_rewarded("revive")
    assert (result.shown, result.rewarded, result.reason) == EXPECTED[name][outcome]
    assert result.kind is AdKind.REWARDED and result.placement == "revive"
    assert result.completed is (result.reason is None)
    assert (s.bridge.listeners(), s.bridge.live_handles) == (listeners, handles)
    after = await s.platform.ads.show_rewarded("revive")  # nothing is blocked afterwards
    assert after.rewarded and after.reason is None
    await s.platform.close()


@pytest.mark.parametrize("name", ["tiktok", "meta", "web"])
async def test_a_slow_load_within_the_timeout_completes_and_a_slower_one_times_out(name: str) -> None:
    s = await ad_setup(name, load_timeout=1.5, show_timeout=2.0)
    s.script("slow_load")
    assert (await s.platform.ads.show_rewarded("revive")).rewarded
    if name == "web":
        return  # the web provider decides its own loading; its timeout is the show timeout
    s2 = await ad_setup(name, load_timeout=0.1)
    s2.script("slow_load")
    late = await s2.platform.ads.show_rewarded("revive")
    assert (late.shown, late.rewarded, late.reason) == (False, False, AdReason.TIMEOUT)


@pytest.mark.parametrize("name", ["tiktok", "meta", "web"])
async def test_interstitials_complete_when_closed_and_are_never_rewarded(name: str) -> None:
    s = await ad_setup(name)
    for outcome in ("completed", "closed_early"):
        s.script(outcome)
        result = await s.platform.ads.show_interstitial("break")
        assert (result.kind, result.shown, result.rewarded, result.reason) == (
            AdKind.INTERSTITIAL,
            True,
            False,
            None,
        )


@pytest.mark.parametrize("name", ["tiktok", "meta", "web"])
async def test_one_ad_at_a_time(name: str) -> None:
    s = await ad_setup(name)
    s.script("never_closes")
    first = asyncio.ensure_future(s.platform.ads.show_rewarded("revive"))
    await asyncio.sleep(0.05)
    assert s.platform.ads.showing
    second = await s.platform.ads.show_interstitial("break")
    assert (second.shown, second.reason) == (False, AdReason.ANOTHER_AD_SHOWING)
    assert (await first).reason is AdReason.TIMEOUT
    assert not s.platform.ads.showing


@pytest.mark.parametrize("name", ["tiktok", "meta", "web"])
async def test_lifecycle_reports_paused_and_muted_while_an_ad_shows(name: str) -> None:
    s = await ad_setup(name)
    seen: list[tuple[str, bool, bool]] = []
    lifecycle = s.platform.lifecycle
    for event in LifecycleEvent:
        lifecycle.on(event, lambda e: seen.append((e.value, lifecycle.paused, lifecycle.muted)))
    await s.platform.ads.show_rewarded("revive")
    assert seen == [
        ("pause", True, False),
        ("mute", True, True),
        ("unmute", True, False),
        ("resume", False, False),
    ]
    assert not lifecycle.paused and not lifecycle.muted


async def test_an_ad_does_not_resume_a_game_the_platform_paused() -> None:
    s = await ad_setup("tiktok")
    assert s.tiktok is not None
    s.tiktok.fire("onHide")
    await s.platform.ads.show_rewarded("revive")
    assert s.platform.lifecycle.paused, "the platform's pause outlives the ad"


@pytest.mark.parametrize("name", ["tiktok", "meta", "web"])
async def test_events_follow_each_show(name: str) -> None:
    s = await ad_setup(name)
    events: list[AdEvent] = []
    unsubscribe = s.platform.ads.on(events.append)
    await s.platform.ads.show_rewarded("revive")
    states = [e.state for e in events]
    assert states[0] is AdState.REQUESTED and states[-1] is AdState.CLOSED
    assert AdState.SHOWN in states and AdState.REWARDED in states
    assert states.index(AdState.SHOWN) < states.index(AdState.REWARDED) < states.index(AdState.CLOSED)
    last = events[-1].result
    assert last is not None and last.rewarded
    assert s.platform.lifecycle.paused is False
    events.clear()
    s.script("no_fill")
    await s.platform.ads.show_rewarded("revive")
    assert [e.state for e in events] == [AdState.REQUESTED, AdState.FAILED]
    unsubscribe()
    await s.platform.ads.show_rewarded("revive")
    assert len(events) == 2


async def test_pacing_start_delay_and_gaps_are_frequency_caps() -> None:
    clock = Clock()
    s = await ad_setup("tiktok", clock, interstitial_start_delay=30, interstitial_gap=60, rewarded_gap=10)
    ads = s.platform.ads
    early = await ads.show_interstitial("break")
    assert (early.shown, early.reason) == (False, AdReason.FREQUENCY_CAP)
    assert (await ads.show_rewarded("revive")).rewarded, "rewarded ads are not held back by the start delay"
    assert (await ads.show_rewarded("revive")).reason is AdReason.FREQUENCY_CAP, "10 s gap for rewarded"
    clock.now += 31
    assert (await ads.show_interstitial("break")).reason is AdReason.FREQUENCY_CAP, "60 s gap after an ad"
    clock.now += 30
    assert (await ads.show_interstitial("break")).completed
    assert s.tiktok is not None and len(s.tiktok.ads.states) == 2, "capped shows never reached TikTok"


async def test_the_interstitial_start_delay_counts_from_init_not_from_the_first_ad() -> None:
    clock = Clock()
    s = await ad_setup("tiktok", clock, interstitial_start_delay=30)
    clock.now += 31
    assert (await s.platform.ads.show_interstitial("break")).completed


@pytest.mark.parametrize("name", ["tiktok", "meta"])
async def test_no_fill_backs_off_doubling_without_asking_the_platform(name: str) -> None:
    clock = Clock()
    s = await ad_setup(name, clock, backoff=30, backoff_max=100)
    s.script("no_fill")
    assert (await s.platform.ads.show_rewarded("revive")).reason is AdReason.NO_FILL
    calls = len(s.bridge.calls)
    held = await s.platform.ads.show_rewarded("revive")
    assert (held.reason, len(s.bridge.calls)) == (AdReason.NO_FILL, calls)
    assert "backing off" in held.detail
    assert (await s.platform.ads.preload("revive")).reason is AdReason.NO_FILL
    assert len(s.bridge.calls) == calls
    clock.now += 31
    s.script("no_fill")
    assert (await s.platform.ads.show_rewarded("revive")).reason is AdReason.NO_FILL
    clock.now += 31
    assert (await s.platform.ads.show_rewarded("revive")).detail.startswith("backing off"), "doubled: 60 s"
    clock.now += 30
    assert (await s.platform.ads.show_rewarded("revive")).rewarded
    other = await s.platform.ads.show_rewarded("chest")
    assert other.rewarded, "the back-off is per ad unit"


async def test_meta_frequent_load_backs_off_as_rate_limited() -> None:
    clock = Clock()
    s = await ad_setup("meta", clock, backoff=30)
    s.script("frequent_load")
    assert (await s.platform.ads.show_rewarded("revive")).reason is AdReason.RATE_LIMITED
    calls = len(s.bridge.calls)
    assert (await s.platform.ads.show_rewarded("revive")).reason is AdReason.RATE_LIMITED
    assert len(s.bridge.calls) == calls


async def test_tiktok_makes_a_new_ad_object_per_show_and_removes_its_listeners() -> None:
    s = await ad_setup("tiktok")
    baseline = s.bridge.listeners()
    for _ in range(3):
        assert (await s.platform.ads.show_rewarded("revive")).rewarded
    creates = [c for c in s.bridge.calls if c.path == "TTMinis.game.createRewardedVideoAd"]
    assert [c.args for c in creates] == [({"adUnitId": "unit-revive"},)] * 3
    assert s.tiktok is not None and list(s.tiktok.ads.states.values()) == ["used"] * 3
    assert (s.bridge.listeners(), s.bridge.live_handles) == (baseline, 0)


@pytest.mark.parametrize(("version", "loads"), [("46.1.0", True), ("46.0.0", False)])
async def test_tiktok_preloads_only_where_can_i_use_says_so(version: str, loads: bool) -> None:
    s = await ad_setup("tiktok")
    fake = fake_tiktok(clientVersion=version)
    s.platform = type(s.platform)(bridge=(bridge := fake.bridge()), config=s.platform._config)
    await s.platform.init("tiktok")
    ready = await s.platform.ads.preload("revive")
    assert ready.ready is loads
    assert any(c.path.endswith(".load") for c in bridge.calls) is loads
    if not loads:
        assert ready.reason is AdReason.NOT_SUPPORTED and bridge.live_handles == 0
    result = await s.platform.ads.show_rewarded("revive")
    assert result.rewarded
    creates = [c for c in bridge.calls if c.path.endswith("createRewardedVideoAd")]
    assert len(creates) == 1, "the preloaded object is the one shown"
    assert bridge.live_handles == 0


async def test_tiktok_interstitials_need_client_42_9() -> None:
    fake = fake_tiktok(clientVersion="42.0.0")
    from gameport import Platform

    from .ads_doubles import config

    p = Platform(bridge=fake.bridge(), config=config("tiktok"))
    await p.init("tiktok")
    result = await p.ads.show_interstitial("break")
    assert (result.shown, result.reason) == (False, AdReason.NOT_SUPPORTED)
    assert (await p.ads.show_rewarded("revive")).rewarded


async def test_meta_reuses_a_preloaded_instance_and_stays_under_the_instance_limit() -> None:
    s = await ad_setup("meta")
    assert s.meta is not None
    ads = s.platform.ads
    assert (await ads.preload("revive")).ready
    assert (await ads.preload("revive")).ready, "preloading twice reuses the instance"
    assert (await ads.preload("break", "interstitial")).ready
    third = await ads.preload("chest")
    assert (third.ready, third.reason) == (False, AdReason.FREQUENCY_CAP)
    assert s.meta.ads.unshown == 2
    assert (await ads.show_rewarded("chest")).rewarded, "one slot stays free for a show"
    gets = [c for c in s.bridge.calls if c.path == "FBInstant.getRewardedVideoAsync"]
    assert [c.args for c in gets] == [("unit-revive",), ("unit-chest",)]
    assert (await ads.show_rewarded("revive")).rewarded
    gets = [c for c in s.bridge.calls if c.path == "FBInstant.getRewardedVideoAsync"]
    assert len(gets) == 2, "the preloaded instance was shown, not a new one"
    assert not any("ADS_TOO_MANY_INSTANCES" in r.detail for r in [third])
    await s.platform.close()
    assert s.bridge.live_handles == 0


async def test_meta_counts_a_load_that_timed_out_against_the_instance_limit() -> None:
    s = await ad_setup("meta", load_timeout=0.05)
    assert s.meta is not None
    s.meta.script("ad.loadAsync", {"outcome": "slow_load", "delayMs": 100})
    assert (await s.platform.ads.preload("revive")).reason is AdReason.TIMEOUT
    await asyncio.sleep(0.15)
    assert s.meta.ads.unshown == 1, "the late load finished out of reach"
    assert (await s.platform.ads.preload("break", "interstitial")).ready
    assert (await s.platform.ads.preload("chest")).reason is AdReason.FREQUENCY_CAP
    assert (await s.platform.ads.show_rewarded("chest")).rewarded, "Meta's limit was never reached"


async def test_meta_banner_is_best_effort_and_tiktok_has_none() -> None:
    s = await ad_setup("meta")
    assert s.meta is not None
    shown = await s.platform.ads.show_banner("bar", "top")
    assert shown.visible and s.meta.ads.banner_state == {
        "placementID": "unit-bar",
        "position": "top",
        "visible": True,
    }
    assert not (await s.platform.ads.hide_banner()).visible
    s.meta.scenario["bannerSupported"] = False
    refused = await s.platform.ads.show_banner("bar")
    assert (refused.visible, refused.reason) == (False, AdReason.NOT_SUPPORTED)
    with pytest.raises(InvalidArgumentError):
        await s.platform.ads.show_banner("bar", "middle")
    tiktok = await ad_setup("tiktok")
    with pytest.raises(UnsupportedCapabilityError) as info:
        await tiktok.platform.ads.show_banner("bar")
    assert (info.value.capability, info.value.platform) == ("banner_ad", "tiktok")


@pytest.mark.parametrize("name", ["tiktok", "meta"])
async def test_placements_must_be_configured_and_named(name: str) -> None:
    s = await ad_setup(name)
    with pytest.raises(ConfigError, match="no ad unit id for placement 'nowhere'"):
        await s.platform.ads.show_rewarded("nowhere")
    with pytest.raises(InvalidArgumentError):
        await s.platform.ads.show_rewarded("")
    with pytest.raises(InvalidArgumentError):
        await s.platform.ads.preload("revive", "banner")


async def test_switched_off_or_absent_ads_answer_not_supported() -> None:
    cfg = GameConfig.from_dict(
        {"platforms": {"tiktok": {"sandbox": {"client_key": "k", "features": {"rewarded_ad": False}}}}}
    )
    from gameport import Platform

    p = Platform(bridge=fake_tiktok().bridge(), config=cfg)
    await p.init("tiktok")
    result = await p.ads.show_rewarded("anything")
    assert (result.shown, result.rewarded, result.reason) == (False, False, AdReason.NOT_SUPPORTED)
    s = await ad_setup("web")
    assert s.web is not None
    bare = Platform(
        bridge=type(s.web)().bridge(without=frozenset({"gameportWebAds.show", "gameportWebAds.load"}))
    )
    await bare.init("web")
    assert (await bare.ads.show_interstitial("x")).reason is AdReason.NOT_SUPPORTED


def test_the_ads_table_of_the_configuration_is_validated() -> None:
    cfg = GameConfig.from_dict({"platforms": {"meta": {"sandbox": {"ads": {"interstitial_gap": 90}}}}})
    assert cfg.settings_for("meta").ads.interstitial_gap == 90
    for bad in ({"gap": 1}, {"show_timeout": 0}, {"backoff": -1}, {"backoff": True}, {"backoff_max": 10}):
        with pytest.raises(ConfigError):
            GameConfig.from_dict({"platforms": {"meta": {"sandbox": {"ads": bad}}}})


async def test_ads_before_init_and_after_close_raise_not_initialized() -> None:
    from gameport import NotInitializedError, Platform

    p = Platform(bridge=fake_tiktok().bridge(), config=GameConfig())
    with pytest.raises(NotInitializedError):
        await p.ads.show_rewarded("revive")
    with pytest.raises(NotInitializedError):
        p.ads.on(lambda event: None)
    s = await ad_setup("meta")
    assert s.meta is not None
    assert (await s.platform.ads.preload("revive")).ready
    await s.platform.close()
    assert s.bridge.live_handles == 0, "close() releases the preloaded instance"
    with pytest.raises(NotInitializedError):
        await s.platform.ads.show_interstitial("break")


async def test_a_platform_pause_during_an_ad_outlives_the_ad() -> None:
    s = await ad_setup("tiktok")
    assert s.tiktok is not None
    s.tiktok.script("ad.show", {"outcome": "completed", "closeAfterMs": 100})
    events: list[LifecycleEvent] = []
    for event in LifecycleEvent:
        s.platform.lifecycle.on(event, events.append)
    show = asyncio.ensure_future(s.platform.ads.show_rewarded("revive"))
    await asyncio.sleep(0.03)
    s.tiktok.fire("onHide")  # the player left the app while the ad played
    assert (await show).rewarded
    assert s.platform.lifecycle.paused, "the ad ended, but the platform still has the game hidden"
    assert events == [LifecycleEvent.PAUSE, LifecycleEvent.MUTE, LifecycleEvent.UNMUTE]
    s.tiktok.fire("onShow")
    assert not s.platform.lifecycle.paused and events[-1] is LifecycleEvent.RESUME


async def test_a_show_left_over_from_a_closed_session_does_not_touch_the_new_one() -> None:
    s = await ad_setup("tiktok")
    assert s.tiktok is not None
    s.tiktok.script("ad.show", "never_closes", "never_closes")
    old = asyncio.ensure_future(s.platform.ads.show_rewarded("revive"))
    await asyncio.sleep(0.05)
    await s.platform.close()
    await s.platform.init("tiktok")
    new = asyncio.ensure_future(s.platform.ads.show_rewarded("revive"))
    await asyncio.sleep(0.05)
    assert s.platform.ads.showing and s.platform.lifecycle.paused
    assert (await old).reason is AdReason.TIMEOUT
    assert s.platform.ads.showing, "the old show ending does not free the new session's ad slot"
    assert s.platform.lifecycle.paused, "nor resume the new session's game"
    assert (await new).reason is AdReason.TIMEOUT
    assert not s.platform.ads.showing and not s.platform.lifecycle.paused


async def test_rate_limiting_backs_off_every_ad_unit_and_no_fill_only_its_own() -> None:
    clock = Clock()
    s = await ad_setup("meta", clock, backoff=30)
    s.script("frequent_load")
    assert (await s.platform.ads.show_rewarded("revive")).reason is AdReason.RATE_LIMITED
    calls = len(s.bridge.calls)
    other = await s.platform.ads.show_rewarded("chest")
    assert (other.reason, len(s.bridge.calls)) == (AdReason.RATE_LIMITED, calls), "Meta rate-limits the app"
    clock.now += 31
    s.script("no_fill")
    assert (await s.platform.ads.show_rewarded("revive")).reason is AdReason.NO_FILL
    assert (await s.platform.ads.show_rewarded("chest")).rewarded


async def test_meta_concurrent_preloads_share_loads_and_stay_under_the_limit() -> None:
    s = await ad_setup("meta")
    assert s.meta is not None
    s.meta.script("ad.loadAsync", *[{"outcome": "ok", "delayMs": 30}] * 4)
    ads = s.platform.ads
    results = await asyncio.gather(
        ads.preload("revive"),
        ads.preload("revive"),
        ads.preload("break", "interstitial"),
        ads.preload("chest"),
    )
    assert [r.ready for r in results] == [True, True, True, False]
    assert results[3].reason is AdReason.FREQUENCY_CAP
    gets = [c for c in s.bridge.calls if c.path == "FBInstant.getRewardedVideoAsync"]
    assert len(gets) == 1, "two preloads of one placement made one instance"
    assert s.meta.ads.unshown == 2
    assert (await ads.show_rewarded("chest")).rewarded
    await s.platform.close()
    assert s.bridge.live_handles == 0


async def test_meta_instances_outliving_their_caller_or_session_stay_counted() -> None:
    s = await ad_setup("meta")
    assert s.meta is not None
    s.meta.script("ad.loadAsync", {"outcome": "ok", "delayMs": 60})
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(s.platform.ads.preload("revive"), 0.01)
    await asyncio.sleep(0.1)
    assert s.meta.ads.unshown == 1, "the load went on without its caller"
    assert (await s.platform.ads.show_rewarded("revive")).rewarded, "and its instance is the one shown"
    assert (await s.platform.ads.preload("break", "interstitial")).ready
    await s.platform.close()  # Meta still counts the preloaded interstitial
    await s.platform.init("meta")
    assert (await s.platform.ads.preload("revive")).ready
    assert (await s.platform.ads.preload("chest")).reason is AdReason.FREQUENCY_CAP
    assert s.meta.ads.unshown == 2
    assert (await s.platform.ads.show_rewarded("chest")).rewarded, "one slot was kept free for a show"


async def test_tiktok_preloads_share_loads_and_a_load_finishing_after_close_is_disposed() -> None:
    s = await ad_setup("tiktok", load_timeout=1)
    assert s.tiktok is not None
    baseline = s.bridge.listeners()
    s.tiktok.script("ad.load", {"outcome": "ok", "delayMs": 50})
    first, second = await asyncio.gather(s.platform.ads.preload("revive"), s.platform.ads.preload("revive"))
    assert first.ready and second.ready and len(s.tiktok.ads.states) == 1
    assert (await s.platform.ads.show_rewarded("revive")).rewarded
    s.tiktok.script("ad.load", {"outcome": "ok", "delayMs": 50})
    late = asyncio.ensure_future(s.platform.ads.preload("revive"))
    await asyncio.sleep(0.01)
    await s.platform.close()
    await late
    assert s.bridge.live_handles == 0 and s.bridge.listeners() <= baseline


async def test_tiktok_an_error_before_display_does_not_deny_a_completed_ad() -> None:
    s = await ad_setup("tiktok")
    assert s.tiktok is not None
    assert (await s.platform.ads.preload("revive")).ready
    ad_id, kind = "ad#1", "rewarded"
    target = {"__tt": "ad", "id": ad_id, "kind": kind, "adUnitId": "unit-revive"}
    assert s.bridge.emit_on(target, "onError", {"error_code": 10401, "error_msg": "stale"}) == 1
    result = await s.platform.ads.show_rewarded("revive")
    assert (result.rewarded, result.reason) == (True, None)


async def test_tiktok_without_can_i_use_never_calls_load() -> None:
    from gameport import Platform
    from gameport.testing import FakeBridge

    from .ads_doubles import config

    fake = fake_tiktok()
    bridge = FakeBridge(fake.handler, globals=fake.globals - {"TTMinis.game.canIUse"})
    p = Platform(bridge=bridge, config=config("tiktok"))
    await p.init("tiktok")
    ready = await p.ads.preload("revive")
    assert (ready.ready, ready.reason) == (False, AdReason.NOT_SUPPORTED)
    assert not any(c.path.endswith(".load") for c in bridge.calls)
