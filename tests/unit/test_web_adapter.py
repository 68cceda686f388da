"""The web adapter: localStorage, visibilitychange, URL launch data, navigator.share, local analytics."""

from __future__ import annotations

import pytest

from gameport import (
    Capability,
    LaunchData,
    LifecycleEvent,
    Platform,
    PlatformError,
    PlatformSettings,
    ShareContent,
    StorageError,
    StorageLimitError,
    UnsupportedCapabilityError,
    UserCancelledError,
)
from gameport.adapters import load_adapter
from gameport.adapters.web import PLAYER_ID_KEY, STORAGE_PREFIX, WebAdapter

from .platform_doubles import WebPage

ALL_WEB = {
    Capability.LOGIN,
    Capability.LIFECYCLE,
    Capability.LAUNCH_DATA,
    Capability.STORAGE,
    Capability.SHARE,
    Capability.ANALYTICS,
}


async def started(page: WebPage | None = None, *, share: bool = True) -> Platform:
    p = Platform((page or WebPage()).bridge(share=share))
    await p.init("web")
    return p


def test_load_adapter_finds_the_web_adapter_and_refuses_unknown_names() -> None:
    assert load_adapter("web") is WebAdapter
    with pytest.raises(ValueError, match="unknown platform 'steam'; expected one of: tiktok, meta, web"):
        load_adapter("steam")


async def test_a_full_browser_page_offers_everything_the_web_can_do() -> None:
    p = await started()
    assert p.capabilities == ALL_WEB  # no ad or pay provider on this page: no ads, no purchases
    providers = {Capability.REWARDED_AD, Capability.INTERSTITIAL_AD, Capability.PURCHASES}
    assert WebAdapter.CAPABILITIES == ALL_WEB | providers


async def test_missing_browser_apis_remove_their_capabilities() -> None:
    page = WebPage()
    bridge = page.bridge(
        share=False, without=frozenset({"localStorage.getItem", "document.addEventListener"})
    )
    p = Platform(bridge)
    await p.init("web")
    assert p.capabilities == {Capability.LOGIN, Capability.LAUNCH_DATA, Capability.ANALYTICS}


async def test_the_capabilities_argument_and_feature_switches_narrow_the_set() -> None:
    page = WebPage()
    settings = PlatformSettings(features={"share": False, "login": True})
    adapter = WebAdapter(page.bridge(), settings, capabilities={Capability.SHARE, Capability.STORAGE})
    assert (await adapter.init()).available == {Capability.STORAGE}
    with pytest.raises(UnsupportedCapabilityError, match="login is not supported on web"):
        await adapter.login()


async def test_login_keeps_a_random_player_id_in_local_storage() -> None:
    page = WebPage()
    first = await (await started(page)).login()
    assert first.platform == "web" and first.credential_kind == "web_dev_token"
    assert first.player_id is not None and first.player_id.startswith("web-") and len(first.player_id) == 20
    assert page.storage[PLAYER_ID_KEY] == first.player_id
    assert first.credential == f"web-dev.{first.player_id}"
    again = await (await started(page)).login()
    assert again.player_id == first.player_id
    other = await (await started(WebPage())).login()
    assert other.player_id != first.player_id


async def test_login_without_local_storage_still_gives_a_session_id() -> None:
    page = WebPage()
    p = Platform(page.bridge(without=frozenset({"localStorage.getItem", "localStorage.setItem"})))
    await p.init("web")
    result = await p.login()
    assert result.player_id is not None and result.player_id == (await p.login()).player_id
    assert page.storage == {}


async def test_storage_uses_prefixed_json_in_local_storage() -> None:
    page = WebPage()
    p = await started(page)
    await p.storage.set("save", {"level": 2, "items": ["a"]})
    assert page.storage[STORAGE_PREFIX + "save"] == '{"level":2,"items":["a"]}'
    assert await p.storage.get("save") == {"level": 2, "items": ["a"]}
    await p.storage.delete("save")
    await p.storage.delete("never-there")
    assert STORAGE_PREFIX + "save" not in page.storage


async def test_corrupt_stored_text_is_a_storage_error() -> None:
    page = WebPage(storage={STORAGE_PREFIX + "save": "{not json"})
    p = await started(page)
    with pytest.raises(StorageError, match="is not JSON"):
        await p.storage.get("save")


async def test_a_full_quota_is_a_storage_limit_error() -> None:
    p = await started(WebPage(quota_full=True))
    with pytest.raises(StorageLimitError, match="quota is full") as caught:
        await p.storage.set("save", 1)
    assert isinstance(caught.value.__cause__, PlatformError)


async def test_visibility_changes_pause_and_resume_and_close_removes_the_listener() -> None:
    page = WebPage()
    bridge = page.bridge()
    p = Platform(bridge)
    await p.init("web")
    seen: list[LifecycleEvent] = []
    p.lifecycle.on("pause", seen.append)
    p.lifecycle.on("resume", seen.append)
    assert bridge.listeners("document.addEventListener") == 1
    page.visibility = "hidden"
    bridge.emit("document.addEventListener", None)
    assert p.lifecycle.paused
    page.visibility = "visible"
    bridge.emit("document.addEventListener", None)
    assert not p.lifecycle.paused
    assert seen == [LifecycleEvent.PAUSE, LifecycleEvent.RESUME]
    await p.close()
    assert bridge.listeners() == 0


async def test_the_visibility_subscription_names_its_off_function() -> None:
    calls: list[tuple[str, str | None, tuple[object, ...]]] = []
    page = WebPage()
    bridge = page.bridge()
    real_on = bridge.on

    def spying_on(path, callback, *, off=None, args=()):  # type: ignore[no-untyped-def]
        calls.append((path, off, tuple(args)))
        return real_on(path, callback, off=off, args=args)

    bridge.on = spying_on  # type: ignore[method-assign]
    await Platform(bridge).init("web")
    assert calls == [("document.addEventListener", "document.removeEventListener", ("visibilitychange",))]


async def test_launch_data_is_the_url_query() -> None:
    p = await started(WebPage(query="?level=3&gp_platform=web&ref=share"))
    assert p.lifecycle.launch_data == LaunchData(
        entry_point=None, query={"level": "3", "gp_platform": "web", "ref": "share"}
    )


async def test_share_calls_navigator_share_without_a_timeout() -> None:
    page = WebPage()
    bridge = page.bridge()
    p = Platform(bridge)
    await p.init("web")
    result = await p.social.share(ShareContent(text="Beat 120!", title="My game", image="data:,x"))
    assert (result.completed, result.method) == (True, "share")
    share = [c for c in bridge.calls if c.path == "navigator.share"]
    assert [c.args for c in share] == [({"text": "Beat 120!", "title": "My game"},)]


async def test_a_closed_share_sheet_is_user_cancelled_and_other_failures_stay_platform_errors() -> None:
    p = await started(WebPage(share_failure={"name": "AbortError", "message": "Share canceled"}))
    with pytest.raises(UserCancelledError, match="closed the share sheet"):
        await p.social.share(ShareContent(text="hi"))
    p = await started(WebPage(share_failure={"name": "NotAllowedError", "message": "no gesture"}))
    with pytest.raises(PlatformError, match="no gesture"):
        await p.social.share(ShareContent(text="hi"))


async def test_share_without_navigator_share_is_unsupported_with_its_fallback() -> None:
    p = await started(share=False)
    with pytest.raises(UnsupportedCapabilityError, match="hide the share button") as caught:
        await p.social.share(ShareContent(text="hi"))
    assert caught.value.reason == "this page has no navigator.share"  # the adapter's precise reason


async def test_analytics_is_kept_in_memory() -> None:
    p = await started()
    await p.analytics.log("level_up", {"level": 2})
    adapter = p._current().adapter
    assert isinstance(adapter, WebAdapter)
    assert adapter.events == [
        ("level_up", {"level": 2, "platform": "web", "environment": "sandbox", "app_version": "0.0.0"})
    ]


async def test_adapter_methods_refuse_capabilities_missing_this_session() -> None:
    adapter = WebAdapter(WebPage().bridge(share=False), PlatformSettings(features={"storage": False}))
    await adapter.init()
    with pytest.raises(UnsupportedCapabilityError, match="share is not supported on web"):
        await adapter.share(ShareContent(text="hi"))
    with pytest.raises(UnsupportedCapabilityError, match="storage"):
        await adapter.storage_get("k")
    with pytest.raises(UnsupportedCapabilityError, match="leaderboards"):
        await adapter.top_scores("best")
