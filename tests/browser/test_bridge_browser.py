"""The Pyodide bridge in real Chromium: Promises, callbacks, timeouts, typed errors, handles, events.

Also that 10,000 calls leave no proxy behind.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .bridge_page import with_bridge
from .conftest import js_stats
from .conftest import run_py as py

PRELUDE = """
def describe(exc):
    return {
        "type": type(exc).__name__,
        "mro": [c.__name__ for c in type(exc).__mro__],
        "code": getattr(exc, "code", None),
        "raw": getattr(exc, "raw", None),
        "path": getattr(exc, "path", None),
        "timeout": getattr(exc, "timeout", None),
        "message": exc.message,
    }

async def outcome(awaitable):
    try:
        return {"value": await awaitable}
    except GameportError as exc:
        return {"error": describe(exc)}

def outcome_sync(fn, *args):
    try:
        return {"value": fn(*args)}
    except GameportError as exc:
        return {"error": describe(exc)}

result = True
"""


@pytest.fixture(scope="module")
def page(booted_page: Page) -> Page:
    return with_bridge(booted_page, PRELUDE)


def test_python_awaits_a_js_promise(page: Page) -> None:
    got = py(page, "result = await outcome(bridge.call('testjs.resolveLater', {'a': [1, 'x', None]}, 5))")
    assert got == {"value": {"a": [1, "x", None]}}


def test_sync_call_and_property_read(page: Page) -> None:
    got = py(
        page,
        "result = [bridge.call_sync('testjs.echo', 1, 'two', {'three': 3}), bridge.get('location.protocol')]",
    )
    assert got == [[1, "two", {"three": 3}], "http:"]


def test_rejection_becomes_platform_error_with_code_and_raw(page: Page) -> None:
    got = py(
        page,
        "payload = {'code': 'USER_INPUT', 'message': 'closed'}\n"
        "result = await outcome(bridge.call('testjs.rejectWith', payload))",
    )
    error = got["error"]
    assert error["type"] == "PlatformError"
    assert error["code"] == "USER_INPUT"
    assert error["raw"] == {"code": "USER_INPUT", "message": "closed"}
    assert error["path"] == "testjs.rejectWith"


def test_js_exception_becomes_typed_error_with_its_code(page: Page) -> None:
    got = py(page, "result = await outcome(bridge.call('testjs.throwError', 'E42', 'kaboom'))")
    assert got["error"]["type"] == "PlatformError"
    assert got["error"]["code"] == "E42"
    assert "kaboom" in got["error"]["message"]
    sync = py(page, "result = outcome_sync(bridge.call_sync, 'testjs.throwError', 7)")
    assert sync["error"]["code"] == 7


def test_callback_api_success_and_tiktok_style_failure(page: Page) -> None:
    ok = py(
        page,
        "options = {'mode': 'success', 'value': {'code': 'abc'}}\n"
        "result = await outcome(bridge.call_cb('testjs.cbApi', options))",
    )
    assert ok == {"value": {"code": "abc"}}
    tiktok_error = {"error": {"error_code": 102102, "error_msg": "ToS not set", "error_extra": {}}}
    code = (
        f"options = {{'mode': 'fail', 'error': {tiktok_error!r}}}\n"
        "result = await outcome(bridge.call_cb('testjs.cbApi', options))"
    )
    failed = py(page, code)
    assert failed["error"]["type"] == "PlatformError"
    assert failed["error"]["code"] == 102102
    assert failed["error"]["message"] == "ToS not set"
    assert failed["error"]["raw"] == tiktok_error


def test_callback_api_survives_late_and_duplicated_callbacks(page: Page) -> None:
    before = js_stats(page)["lateCallbacks"]
    got = py(
        page,
        """
import asyncio
late = await outcome(bridge.call_cb('testjs.cbApi', {'mode': 'late_complete', 'value': 1}))
twice = await outcome(bridge.call_cb('testjs.cbApi', {'mode': 'twice', 'value': 2, 'error': {'code': 'X'}}))
flip = await outcome(bridge.call_cb('testjs.cbApi', {'mode': 'fail_then_success', 'error': {'code': 'F'}}))
await asyncio.sleep(0.1)  # let the late complete / success arrive after settling
after = await outcome(bridge.call('testjs.resolveLater', 'still fine'))
result = [late, twice, flip, after]
""",
    )
    assert got[0] == {"value": 1}
    assert got[1] == {"value": 2}
    assert got[2]["error"]["code"] == "F"
    assert got[3] == {"value": "still fine"}
    stats = js_stats(page)
    assert stats["lateCallbacks"] - before == 3  # twice: success + fail; flip: success
    assert stats["pending"] == 0


def test_a_call_that_never_answers_times_out_with_the_typed_error(page: Page) -> None:
    got = py(
        page,
        """
cb = await outcome(bridge.call_cb('testjs.cbApi', {'mode': 'never'}, timeout=0.2))
pr = await outcome(bridge.call('testjs.never', timeout=0.2))
result = [cb, pr, isinstance(TimeoutError(), Exception)]
""",
    )
    for item in got[:2]:
        error = item["error"]
        assert error["type"] == "BridgeTimeoutError"
        assert "TimeoutError" in error["mro"] and "GameportError" in error["mro"]
        assert error["timeout"] == pytest.approx(0.2)
    assert js_stats(page)["pending"] == 0


def test_missing_paths_are_typed_errors(page: Page) -> None:
    got = py(
        page,
        """
result = [
    bridge.has('testjs.echo'), bridge.has('testjs.nope'), bridge.has('nothere.deep.path'),
    await outcome(bridge.call('testjs.nope')),
    await outcome(bridge.call_cb('nothere.deep.path', {})),
    outcome_sync(bridge.call_sync, 'testjs.emitter'),
]
""",
    )
    assert got[:3] == [True, False, False]
    assert got[3]["error"]["type"] == "JsPathError"
    assert got[4]["error"]["type"] == "JsPathError"
    assert got[5]["error"]["type"] == "BridgeError"  # exists, but is not a function


def test_handles_keep_js_objects_on_the_js_side(page: Page) -> None:
    got = py(
        page,
        """
counter = await bridge.create('testjs.makeCounter', 5)
first = bridge.call_sync(counter.member('inc'))
by_ten = await bridge.call(counter.member('inc'), 10)
async_counter = await bridge.create('testjs.makeCounterAsync', 100)
other = bridge.call_sync(async_counter.member('inc'))
value = bridge.get(counter.member('value'))
bridge.release(counter)
bridge.release(async_counter)
released = await outcome(bridge.call(counter.member('inc')))
nothing = await outcome(bridge.create('testjs.makeNothing'))
result = [first, by_ten, other, value, released, nothing]
""",
    )
    assert got[:4] == [6, 16, 101, 16]
    assert got[4]["error"]["type"] == "JsPathError"
    assert got[5]["error"]["type"] == "BridgeError"
    assert js_stats(page)["handles"] == 0


def test_awkward_js_values_cross_as_plain_json(page: Page) -> None:
    got = py(page, "result = await bridge.call('testjs.circular')")
    assert got == {"name": "a", "big": "10", "nan": None, "self": "[circular]"}


def test_events_subscribe_deliver_and_unsubscribe(page: Page) -> None:
    py(
        page,
        """
received = []
sub = bridge.on('testjs.emitter.on', received.append, off='testjs.emitter.off')
result = sub.active
""",
    )
    assert page.evaluate("() => testjs.emitter.fire({n: 1})") == 1
    assert page.evaluate("() => testjs.emitter.fire('two')") == 1
    got = py(page, "sub.cancel(); sub.cancel(); result = [received, sub.active, bridge.proxies.live]")
    assert got == [[{"n": 1}, "two"], False, 0]
    assert page.evaluate("() => testjs.emitter.fire('after')") == 0
    assert py(page, "result = received") == [{"n": 1}, "two"]
    assert js_stats(page)["subscriptions"] == 0


def test_unsubscribing_without_an_off_function_still_stops_delivery(page: Page) -> None:
    py(page, "got_events = []\nsub2 = bridge.on('testjs.onlyOn', got_events.append)\nresult = True")
    page.evaluate("() => testjs.emitter.fire(1)")
    py(page, "sub2.cancel()\nresult = True")
    page.evaluate("() => testjs.emitter.fire(2)")
    assert py(page, "result = [got_events, bridge.proxies.live]") == [[1], 0]


def test_sdk_script_failures_are_typed(page: Page) -> None:
    got = py(
        page,
        """
missing = await outcome(bridge.load_script('/_test/does-not-exist.js', 'nope', module=True, timeout=3))
silent = await outcome(
    bridge.load_script('/_test/never_defines.js', 'neverDefined', module=True, timeout=0.5)
)
present = await outcome(bridge.load_script('/_test/anything.js', 'testjs'))
result = [missing, silent, present]
""",
    )
    assert got[0]["error"]["type"] == "SdkLoadError"
    assert "failed to load" in got[0]["error"]["message"]
    assert got[1]["error"]["type"] == "SdkLoadError"
    assert "neverDefined" in got[1]["error"]["message"]
    assert got[2] == {"value": None}  # the global already exists: nothing to load


COUNTS = (
    "() => ({pyproxies: window.gp.pyodide._module.pyproxy_alloc_map.size, "
    "hiwire: window.gp.pyodide._module._hiwire_num_refs()})"
)


def test_ten_thousand_calls_leave_no_live_proxies(page: Page) -> None:
    page.evaluate("() => window.gp.pyodide._module.enable_pyproxy_allocation_tracing()")
    py(
        page,
        """
import gc
events = []

async def churn(rounds):  # five bridge calls per round, one of them an event subscription
    for i in range(rounds):
        await bridge.call('testjs.resolveLater', i)
        await bridge.call_cb('testjs.cbApi', {'mode': 'success', 'value': i})
        bridge.call_sync('testjs.echo', i)
        handle = await bridge.create('testjs.makeCounter', i)
        bridge.release(handle)
        sub = bridge.on('testjs.emitter.on', events.append, off='testjs.emitter.off')
        sub.cancel()
    gc.collect()

await churn(10)  # warm-up: first-use caches are not leaks
result = True
""",
    )
    baseline = page.evaluate(COUNTS)
    # The measure can see a leak: one live subscription shows up as one more PyProxy.
    py(page, "held = bridge.on('testjs.emitter.on', events.append, off='testjs.emitter.off')\nresult = True")
    assert page.evaluate(COUNTS)["pyproxies"] == baseline["pyproxies"] + 1
    py(page, "held.cancel()\nresult = True")

    got = py(page, "await churn(2000)\nresult = [bridge.proxies.created, bridge.proxies.destroyed]")
    after = page.evaluate(COUNTS)
    created, destroyed = got
    assert created >= 2000 and created == destroyed
    assert after == baseline
    stats = js_stats(page)
    assert (stats["handles"], stats["subscriptions"], stats["pending"]) == (0, 0, 0)
