"""The bridge's fast path on CPython: which arguments may skip JSON, and how its answers decode (the browser
side, with real Pyodide, is tests/browser/test_bridge_fast_path_browser.py)."""

from __future__ import annotations

import enum

import pytest

from gameport.bridge.fast_path import FFI_INT_LIMIT, fast_args, fast_result
from gameport.errors import BridgeError, JsPathError, PlatformError


class Colour(enum.StrEnum):
    RED = "red"


@pytest.mark.parametrize(
    "args",
    [(), (1, "a", None, True, 1.5), (FFI_INT_LIMIT, -FFI_INT_LIMIT), (-0.0, 1e300), ("a\ud800b",)],
)
def test_primitives_take_the_fast_path(args: tuple[object, ...]) -> None:
    assert fast_args(args)


@pytest.mark.parametrize(
    "args",
    [
        (FFI_INT_LIMIT + 1,),  # Pyodide would make a BigInt
        (1, -FFI_INT_LIMIT - 1),
        (float("nan"),),
        (float("inf"),),
        ("ok", float("-inf")),
        ([1, 2],),
        ({"a": 1},),
        (Colour.RED,),  # a str subclass: JSON decides what it is
        (b"bytes",),
        (object(),),
    ],
)
def test_anything_else_takes_the_json_path(args: tuple[object, ...]) -> None:
    assert not fast_args(args)


def test_answers_decode_to_what_the_json_path_gives() -> None:
    assert fast_result(7, "p") == 7
    assert fast_result(0.5, "p") == 0.5
    assert fast_result(True, "p") is True
    assert fast_result(None, "p") is None
    assert fast_result("=", "p") == ""
    assert fast_result("=={x}", "p") == "={x}"
    assert fast_result('{"ok": true, "value": [1, {"a": null}]}', "p") == [1, {"a": None}]


def test_failure_envelopes_raise_their_typed_errors() -> None:
    with pytest.raises(PlatformError) as platform:
        fast_result('{"ok": false, "error": {"kind": "platform", "raw": {"code": "E1"}}}', "p.q")
    assert platform.value.code == "E1" and platform.value.path == "p.q"
    with pytest.raises(JsPathError):
        fast_result('{"ok": false, "error": {"kind": "missing", "message": "gone"}}', "p")


@pytest.mark.parametrize("answer", ["", "plain text", "[1]", object(), [1]])
def test_an_answer_that_is_neither_primitive_nor_envelope_is_a_bridge_error(answer: object) -> None:
    with pytest.raises(BridgeError):
        fast_result(answer, "p")
