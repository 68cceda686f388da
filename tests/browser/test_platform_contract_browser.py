"""One contract, every adapter, in real Chromium: the platform API over the real JS mocks of the SDKs.

Each platform's page boots once (Pyodide + gameport + the mock SDK loaded through the same loader path as
the real SDK script); ``__gpMock.reset()`` and a fresh ``Platform`` isolate the tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from .conftest import js_stats, open_harness, run_py

SDKS = {
    "tiktok": "sdk=/js_bridge/mocks/ttminis.js&global=TTMinis.game",
    "meta": "sdk=/js_bridge/mocks/fbinstant.js&global=FBInstant",
    "web": "",
}

PRELUDE = """
import dataclasses
import json
from gameport import Capability, GameConfig, GameportError, LifecycleEvent, Platform, ShareContent
from gameport.adapters import load_adapter

CONFIG = GameConfig.from_json(json.dumps({
    "environment": "sandbox",
    "app_version": "1.2.3",
    "platforms": {
        "tiktok": {"sandbox": {"client_key": "ck-public-test"}},
        "meta": {"sandbox": {}},
        "web": {"sandbox": {}},
    },
}))

def describe(exc):
    return {
        "type": type(exc).__name__,
        "mro": [c.__name__ for c in type(exc).__mro__],
        "code": getattr(exc, "code", None),
        "capability": getattr(exc, "capability", None),
        "platform": getattr(exc, "platform", None),
        "fallback": getattr(exc, "fallback", None),
        "message": str(exc),
    }

async def outcome(awaitable):
    try:
        value = await awaitable
        return {"value": dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value}
    except GameportError as exc:
        return {"error": describe(exc)}

async def fresh(name):
    p = Platform(config=CONFIG)
    await p.init(name)
    return p

result = True
"""


@pytest.fixture(scope="module", params=["tiktok", "meta", "web"])
def platform_page(
    request: pytest.FixtureRequest, browser: Browser, site_url: str
) -> Iterator[tuple[str, Page]]:
    name = request.param
    page = open_harness(browser, f"{site_url}/_test/harness.html?{SDKS[name]}")
    assert run_py(page, PRELUDE) is True
    yield name, page
    page.context.close()


@pytest.fixture
def env(platform_page: tuple[str, Page]) -> tuple[str, Page]:
    name, page = platform_page
    page.evaluate("() => globalThis.__gpMock && globalThis.__gpMock.reset()")
    return name, page


def mock_calls(page: Page) -> list[str]:
    return page.evaluate("() => globalThis.__gpMock ? globalThis.__gpMock.calls.map((c) => c.api) : []")


def py(page: Page, code: str) -> Any:
    return run_py(page, code)


def test_init_names_the_platform_and_its_capabilities(env: tuple[str, Page]) -> None:
    name, page = env
    got = py(
        page,
        f"""
p = await fresh({name!r})
again = await outcome(p.init({name!r}))
declared = sorted(c.value for c in load_adapter({name!r}).CAPABILITIES)
result = [p.name.value, sorted(c.value for c in p.capabilities), declared, again, p.supports("login")]
await p.close()
""",
    )
    platform_name, session, declared, again, supports_login = got
    assert platform_name == name
    assert set(session) <= set(declared) and "login" in session
    assert again == {"value": None}
    assert supports_login is True


def test_login_gives_a_credential_for_the_backend(env: tuple[str, Page]) -> None:
    name, page = env
    got = py(page, f"p = await fresh({name!r})\nresult = await outcome(p.login())\nawait p.close()")
    if name == "meta":
        # No signer configured: the mock refuses to fake a signature, and that surfaces as a typed error.
        assert got["error"]["type"] == "PlatformError" and got["error"]["code"] == "NETWORK_FAILURE"
        return
    login = got["value"]
    assert login["platform"] == name and login["credential"]
    expected_kind = {"tiktok": "tiktok_code", "web": "web_dev_token"}[name]
    assert login["credential_kind"] == expected_kind


def test_storage_round_trip(env: tuple[str, Page]) -> None:
    name, page = env
    got = py(
        page,
        f"""
p = await fresh({name!r})
await p.storage.set("save", {{"level": 3, "items": ["sword", None], "ratio": 0.5}})
first = await p.storage.get("save")
await p.storage.delete("save")
second = await p.storage.get("save")
missing = await p.storage.get("never-set")
result = [first, second, missing]
await p.close()
""",
    )
    assert got == [{"level": 3, "items": ["sword", None], "ratio": 0.5}, None, None]


PAUSE = {
    "tiktok": "() => __gpMock.fire('onHide')",
    "meta": "() => __gpMock.fire('onPause')",
    "web": """() => {
        Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
        document.dispatchEvent(new Event('visibilitychange'));
    }""",
}
RESUME = {
    "tiktok": "() => __gpMock.fire('onShow')",
    "meta": """() => document.dispatchEvent(new Event('visibilitychange'))""",
    "web": """() => {
        Object.defineProperty(document, 'visibilityState', {value: 'visible', configurable: true});
        document.dispatchEvent(new Event('visibilitychange'));
    }""",
}


def test_lifecycle_pause_resume_and_listeners_removed_on_close(env: tuple[str, Page]) -> None:
    name, page = env
    py(page, f"p = await fresh({name!r})\nseen = []\np.lifecycle.on('pause', seen.append)\nresult = True")
    page.evaluate(PAUSE[name])
    paused = py(page, "result = [p.lifecycle.paused, [str(e) for e in seen]]")
    page.evaluate(RESUME[name])
    resumed = py(page, "result = p.lifecycle.paused")
    py(page, "await p.close()\nresult = True")
    page.evaluate(PAUSE[name])  # after close nothing may reach Python any more
    after_close = py(page, "result = [str(e) for e in seen]")
    page.evaluate("() => delete document.visibilityState")
    assert paused == [True, ["pause"]]
    assert resumed is False
    assert after_close == ["pause"]
    assert js_stats(page)["subscriptions"] == 0
    if name != "web":
        listeners = page.evaluate("() => __gpMock.stats().listeners")
        # FBInstant has no way to remove an onPause listener: ours stays registered but inert.
        leftover = {k: v for k, v in listeners.items() if v and not (name == "meta" and k == "onPause")}
        assert leftover == {}, listeners


def test_unsupported_capability_names_capability_platform_and_fallback(env: tuple[str, Page]) -> None:
    name, page = env
    if name == "tiktok":
        # TikTok lacks entrance missions before client 41.0.0: an old client turns the capability off.
        page.evaluate("() => __gpMock.configure({clientVersion: '40.0.0'})")
    got = py(page, f"p = await fresh({name!r})\nresult = await outcome(p.revisit.start())\nawait p.close()")
    error = got["error"]
    assert error["type"] == "UnsupportedCapabilityError"
    assert (error["capability"], error["platform"]) == ("revisit", name)
    assert error["fallback"] and error["fallback"] in error["message"]


def test_analytics_limits_are_enforced_on_every_platform(env: tuple[str, Page]) -> None:
    name, page = env
    got = py(
        page,
        f"""
p = await fresh({name!r})
bad_name = await outcome(p.analytics.log("x"))
bad_value = await outcome(p.analytics.log("level_up", {{"note": "y" * 100}}))
good = await outcome(p.analytics.log("level_up", {{"level": 2}}))
result = [bad_name, bad_value, good]
await p.close()
""",
    )
    assert got[0]["error"]["type"] == "AnalyticsEventError"
    assert got[1]["error"]["type"] == "AnalyticsEventError"
    assert got[2] == {"value": None}
    if name == "tiktok":
        events = page.evaluate("() => __gpMock.callsTo('reportEvent').map((c) => c.args[0])")
        assert len(events) == 1 and events[0]["eventName"] == "level_up"
        assert events[0]["params"]["platform"] == "tiktok" and events[0]["params"]["app_version"] == "1.2.3"
