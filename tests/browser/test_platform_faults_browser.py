"""Per-platform SDK call sequences and scripted faults, in Chromium through the real JS mocks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from .conftest import open_harness, run_py
from .test_platform_contract_browser import PRELUDE, SDKS


def _page(browser: Browser, site_url: str, name: str) -> Page:
    page = open_harness(browser, f"{site_url}/_test/harness.html?{SDKS[name]}")
    assert run_py(page, PRELUDE) is True
    return page


@pytest.fixture(scope="module")
def tiktok(browser: Browser, site_url: str) -> Iterator[Page]:
    page = _page(browser, site_url, "tiktok")
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def meta(browser: Browser, site_url: str) -> Iterator[Page]:
    page = _page(browser, site_url, "meta")
    yield page
    page.context.close()


def reset(page: Page, settings: str = "{}") -> None:
    page.evaluate(f"() => {{ __gpMock.reset(); __gpMock.configure({settings}); }}")


def calls(page: Page) -> list[str]:
    return page.evaluate("() => __gpMock.calls.map((c) => c.api)")


def py(page: Page, code: str) -> Any:
    return run_py(page, code)


def test_tiktok_html_runtime_calls_init_before_login(tiktok: Page) -> None:
    reset(tiktok)
    py(tiktok, "p = await fresh('tiktok')\nlogin = await p.login()\nawait p.close()\nresult = True")
    sequence = calls(tiktok)
    assert sequence.index("init") < sequence.index("login")
    init = tiktok.evaluate("() => __gpMock.callsTo('init')[0].args[0]")
    assert init == {"clientKey": "ck-public-test"}


def test_tiktok_native_runtime_never_calls_init(tiktok: Page) -> None:
    # The native runtime has no init member: reload the mock's state as a native client.
    reset(tiktok, "{runtime: 'native'}")
    got = py(tiktok, "p = await fresh('tiktok')\nresult = await outcome(p.login())\nawait p.close()")
    assert got["value"]["credential_kind"] == "tiktok_code"
    assert "init" not in calls(tiktok)


@pytest.mark.parametrize(
    ("step", "error_type", "code"),
    [
        ("{outcome: 'fail', code: 102102, message: 'ToS not set'}", "TikTokLoginNotConfiguredError", 102102),
        ("{outcome: 'fail', code: 10401, message: 'network'}", "PlatformError", 10401),
        ("{outcome: 'throw', code: 90000, message: 'boom'}", "PlatformError", None),
        ("{outcome: 'ok', value: {notACode: true}}", "TikTokResponseError", None),
    ],
)
def test_tiktok_login_faults_are_typed(tiktok: Page, step: str, error_type: str, code: int | None) -> None:
    reset(tiktok)
    tiktok.evaluate(f"() => __gpMock.script('login', {step})")
    got = py(tiktok, "p = await fresh('tiktok')\nresult = await outcome(p.login())\nawait p.close()")
    assert got["error"]["type"] == error_type
    if code is not None:
        assert got["error"]["code"] == code


def test_tiktok_login_that_never_answers_times_out(tiktok: Page) -> None:
    reset(tiktok)
    tiktok.evaluate("() => __gpMock.script('login', {outcome: 'never'})")
    got = py(
        tiktok,
        """
quick = GameConfig.from_json(json.dumps({
    "environment": "sandbox",
    "platforms": {"tiktok": {"sandbox": {"client_key": "ck-public-test", "timeouts": {"login": 0.3}}}},
}))
p = Platform(config=quick)
await p.init('tiktok')
result = await outcome(p.login())
await p.close()
""",
    )
    assert got["error"]["type"] == "BridgeTimeoutError"
    assert "TimeoutError" in got["error"]["mro"]


def test_tiktok_duplicate_and_late_callbacks_are_harmless(tiktok: Page) -> None:
    reset(tiktok)
    tiktok.evaluate("() => __gpMock.script('login', 'ok_twice', 'ok_then_late_complete')")
    got = py(
        tiktok,
        """
import asyncio
p = await fresh('tiktok')
first = await outcome(p.login())
second = await outcome(p.login())
await asyncio.sleep(0.1)
result = [first["value"]["credential"], second["value"]["credential"]]
await p.close()
""",
    )
    assert all(got) and got[0] != got[1]


def test_tiktok_old_client_turns_shortcut_and_revisit_off(tiktok: Page) -> None:
    reset(tiktok, "{clientVersion: '40.0.0'}")
    got = py(
        tiktok,
        """
p = await fresh('tiktok')
result = [sorted(c.value for c in p.capabilities), await outcome(p.shortcut.add())]
await p.close()
""",
    )
    capabilities, shortcut = got
    assert "shortcut" not in capabilities and "revisit" not in capabilities and "login" in capabilities
    assert shortcut["error"]["type"] == "UnsupportedCapabilityError"
    assert shortcut["error"]["capability"] == "shortcut"


def test_meta_sets_progress_before_starting_the_game(meta: Page) -> None:
    reset(meta)
    py(
        meta,
        "p = await fresh('meta')\nawait p.set_loading_progress(0.5)\n"
        "await p.ready()\nawait p.ready()\nresult = 1",
    )
    sequence = calls(meta)
    assert sequence[0] == "initializeAsync"
    assert sequence.index("setLoadingProgress") < sequence.index("startGameAsync")
    assert sequence.count("startGameAsync") == 1
    progress = meta.evaluate("() => __gpMock.callsTo('setLoadingProgress').map((c) => c.args[0])")
    assert progress[0] == 50 and progress[-1] == 100
    py(meta, "await p.close()\nresult = 1")


def test_meta_supported_apis_gate_capabilities(meta: Page) -> None:
    reset(meta, "{supportedAPIs: ['player.getDataAsync', 'player.setDataAsync', 'shareAsync']}")
    got = py(
        meta,
        """
p = await fresh('meta')
invite = await outcome(p.social.invite(ShareContent(text='hi', image='data:image/png;base64,AA==')))
result = [sorted(c.value for c in p.capabilities), invite]
await p.close()
""",
    )
    capabilities, invite = got
    assert "share" in capabilities and "invite" not in capabilities
    assert (
        invite["error"]["type"] == "UnsupportedCapabilityError" and invite["error"]["capability"] == "invite"
    )


def test_meta_share_resolves_even_when_the_player_cancels(meta: Page) -> None:
    reset(meta)
    meta.evaluate("() => __gpMock.script('shareAsync', 'cancel')")
    got = py(
        meta,
        """
p = await fresh('meta')
result = await outcome(p.social.share(ShareContent(text='hi', image='data:image/png;base64,AA==')))
await p.close()
""",
    )
    assert got == {"value": {"completed": None, "method": "share"}}


def test_meta_invite_cancel_and_shortcut_decline(meta: Page) -> None:
    reset(meta)
    meta.evaluate(
        "() => { __gpMock.script('inviteAsync', 'cancel'); "
        "__gpMock.script('createShortcutAsync', 'cancel'); }"
    )
    got = py(
        meta,
        """
p = await fresh('meta')
invite = await outcome(p.social.invite(ShareContent(text='hi', image='data:image/png;base64,AA==')))
shortcut = await outcome(p.shortcut.add())
again = await outcome(p.shortcut.add())
result = [invite, shortcut, again]
await p.close()
""",
    )
    invite, shortcut, again = got
    assert invite["error"]["type"] == "UserCancelledError"
    assert shortcut == {"value": {"added": False}}
    assert again == {"value": {"added": False}}  # once per session: canCreateShortcutAsync is now false
    assert calls(meta).count("createShortcutAsync") == 1


def test_meta_player_data_limit_and_network_failure(meta: Page) -> None:
    reset(meta)
    meta.evaluate("() => __gpMock.script('player.setDataAsync', {outcome: 'fail', code: 'NETWORK_FAILURE'})")
    got = py(
        meta,
        """
p = await fresh('meta')
too_big = await outcome(p.storage.set('blob', 'x' * (1024 * 1024 + 1)))
network = await outcome(p.storage.set('k', 1))
ok = await outcome(p.storage.set('k', 2))
result = [too_big, network, ok, await p.storage.get('k')]
await p.close()
""",
    )
    too_big, network, ok, value = got
    assert too_big["error"]["type"] == "StorageLimitError"
    assert network["error"]["code"] == "NETWORK_FAILURE"
    assert ok == {"value": None} and value == 2
