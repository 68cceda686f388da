"""The bridge's fast path in real Chromium: ``call`` / ``call_sync`` with primitive arguments cross Pyodide's
FFI without JSON, and must answer exactly what the JSON path answers (values, types and typed errors), for
large payloads too, and leave no proxy behind."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .bridge_page import with_bridge
from .conftest import run_py as py

PRELUDE = """
import json, math
from gameport.bridge.envelope import decode

def via_json(path, *args):  # the JSON path, whatever the arguments
    return decode(bridge._api.callSync(path, json.dumps(list(args))), path)

def typed(value):
    finite = not isinstance(value, float) or math.isfinite(value)
    return [type(value).__name__, value if finite else repr(value)]

def failure(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except GameportError as exc:
        return [type(exc).__name__, getattr(exc, "code", None), exc.path, exc.message]
    return None

async def failure_async(awaitable):
    try:
        await awaitable
    except GameportError as exc:
        return [type(exc).__name__, getattr(exc, "code", None), exc.path, exc.message]
    return None

result = True
"""
# Each crosses the fast path one way or both; the last rows are declined by it and take the JSON path.
VALUES = """[
    0, 1, -1, 2**53 - 2, -(2**53 - 2), 1.5, -0.0, 2.0, 1e-7, 1e300, -2.5e-300,
    "", "plain", "é ü ß 字 🎮", "=starts with the mark", '{"looks": "like an envelope"}', '"quoted"',
    True, False, None,
    2**53 - 1, -(2**63), 10**30, "a\\ud800b",
]"""


@pytest.fixture(scope="module")
def page(booted_page: Page) -> Page:
    return with_bridge(booted_page, PRELUDE)


def test_primitives_answer_what_the_json_path_answers_with_the_same_types(page: Page) -> None:
    got = py(
        page,
        f"""
values = {VALUES}
pairs = []
for v in values:
    pairs.append([typed(bridge.call_sync("testjs.same", v)), typed(via_json("testjs.same", v))])
    pairs.append([typed(await bridge.call("testjs.resolveLater", v)), typed(via_json("testjs.same", v))])
result = pairs
""",
    )
    assert len(got) == 2 * 24
    for fast, slow in got:
        assert fast == slow
    # A few spelled out: JavaScript has no -0 or 2.0 as JSON; Python None is JavaScript null, not undefined.
    assert got[2 * 6][0] == ["int", 0] and got[2 * 7][0] == ["int", 2]
    assert got[2 * 19][0] == ["NoneType", None]


def test_javascript_receives_what_json_would_give_it(page: Page) -> None:
    got = py(
        page,
        """
args = (None, 1, 2**53 - 1, 1.5, "s", True)
result = [bridge.call_sync("testjs.kinds", *args), via_json("testjs.kinds", *args)]
""",
    )
    assert got[0] == got[1] == ["null", "number", "number", "number", "string", "boolean"]


def test_nested_data_and_containers_still_cross_whole(page: Page) -> None:
    got = py(
        page,
        """
nested = {"a": [1, {"b": [None, True, "x"]}], "c": 1.5}
result = [
    bridge.call_sync("testjs.same", nested),
    await bridge.call("testjs.resolveLater", [nested, [1, 2]]),
    bridge.call_sync("testjs.echo", 1, "two", None),  # primitive arguments, an array answered
    bridge.call_sync("testjs.circular"),  # no arguments, an object with a cycle, a function and a BigInt
]
""",
    )
    nested = {"a": [1, {"b": [None, True, "x"]}], "c": 1.5}
    assert got[0] == nested
    assert got[1] == [nested, [1, 2]]
    assert got[2] == [1, "two", None]
    assert got[3] == {"name": "a", "big": "10", "nan": None, "self": "[circular]"}


def test_values_json_refuses_are_refused_with_the_same_typed_error(page: Page) -> None:
    got = py(
        page,
        """
result = [
    failure(bridge.call_sync, "testjs.same", float("nan")),
    failure(bridge.call_sync, "testjs.same", float("inf")),
    failure(bridge.call_sync, "testjs.same", object()),
    await failure_async(bridge.call("testjs.resolveLater", float("-inf"))),
    await failure_async(bridge.call("testjs.resolveLater", b"bytes")),
]
""",
    )
    for error in got:
        assert error[0] == "BridgeError"
        assert "not JSON-like" in error[3]
    assert [error[2] for error in got] == ["testjs.same"] * 3 + ["testjs.resolveLater"] * 2


def test_failures_on_the_fast_path_keep_their_typed_errors(page: Page) -> None:
    got = py(
        page,
        """
result = [
    failure(bridge.call_sync, "testjs.throwError", "E_FAST", "went wrong"),
    failure(bridge.call_sync, "testjs.nothing.here", 1),
    failure(bridge.call_sync, "testjs.resolveLater", 1),
    await failure_async(bridge.call("testjs.rejectWith", "refused")),
    await failure_async(bridge.call("testjs.never", timeout=0.05)),
    await failure_async(bridge.call("testjs.missing", "x")),
]
""",
    )
    assert got[0][:2] == ["PlatformError", "E_FAST"] and "went wrong" in got[0][3]
    assert got[1][0] == "JsPathError"
    assert got[2][0] == "BridgeError" and "returned a Promise" in got[2][3]
    assert got[3][0] == "PlatformError"
    assert got[4][0] == "BridgeTimeoutError"
    assert got[5][0] == "JsPathError"


def test_large_payloads_cross_intact(page: Page) -> None:
    got = py(
        page,
        """
big = "=" + "x" * 2_000_000 + "é"
ints = list(range(20_000))
result = [
    bridge.call_sync("testjs.same", big) == big,
    (await bridge.call("testjs.resolveLater", big)) == big,
    bridge.call_sync("testjs.same", ints) == ints,
    len(bridge.call_sync("testjs.echo", *range(500))),
]
""",
    )
    assert got == [True, True, True, 500]


COUNTS = (
    "() => ({pyproxies: window.gp.pyodide._module.pyproxy_alloc_map.size, "
    "hiwire: window.gp.pyodide._module._hiwire_num_refs()})"
)


def test_fast_calls_leave_no_live_proxies(page: Page) -> None:
    page.evaluate("() => window.gp.pyodide._module.enable_pyproxy_allocation_tracing()")
    churn = """
import gc
async def churn(rounds):  # successes, strings, envelopes, failures and the surrogate fallback
    for i in range(rounds):
        bridge.call_sync("testjs.same", i)
        bridge.call_sync("testjs.same", f"s{i}")
        bridge.call_sync("testjs.echo", i, None)
        failure(bridge.call_sync, "testjs.throwError", "E", "m")
        bridge.call_sync("testjs.same", "a\\ud800b")
        await bridge.call("testjs.resolveLater", i * 0.5)
        await failure_async(bridge.call("testjs.rejectWith", i))
    gc.collect()
await churn(20)  # warm-up: first-use caches are not leaks
result = True
"""
    py(page, churn)
    baseline = page.evaluate(COUNTS)
    py(page, "await churn(1500)\nresult = True")
    assert page.evaluate(COUNTS) == baseline
    assert py(page, "result = bridge.proxies.live") == 0
