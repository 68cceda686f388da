"""Failure payloads of every platform shape become the same typed error; nothing crashes on odd input."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gameport.bridge.envelope import decode
from gameport.bridge.failures import parse_failure, platform_error
from gameport.errors import (
    BridgeError,
    BridgeTimeoutError,
    GameportError,
    JsPathError,
    PlatformError,
    SdkLoadError,
)
from gameport.values import Json

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ({"error": {"error_code": 102102, "error_msg": "set ToS", "error_extra": {}}}, 102102, "set ToS"),
        (
            {"errCode": 1004, "errMsg": "createRewardedVideoAd:fail no ad"},
            1004,
            "createRewardedVideoAd:fail no ad",
        ),
        ({"error_code": 3, "error_msg": "load failed"}, 3, "load failed"),
        ({"code": "ADS_NO_FILL", "message": "no fill"}, "ADS_NO_FILL", "no fill"),
        ({"name": "Error", "message": "boom", "code": "E1"}, "E1", "boom"),
        ({"code": "USER_INPUT"}, "USER_INPUT", "failed with code USER_INPUT"),
        ("plain text", None, "plain text"),
        (42, 42, "failed with code 42"),
        (None, None, "failed without a payload"),
        ({"something": "else"}, None, "failed with an unrecognised payload"),
    ],
)
def test_known_shapes(raw: Json, code: str | int | None, message: str) -> None:
    assert parse_failure(raw) == (code, message)
    error = platform_error(raw, path="X.y", platform="tiktok")
    assert (error.code, error.message, error.raw, error.path, error.platform) == (
        code,
        message,
        raw,
        "X.y",
        "tiktok",
    )


@given(json_values)
def test_any_payload_gives_a_platform_error(raw: Json) -> None:
    error = platform_error(raw, path="p")
    assert isinstance(error, PlatformError)
    assert isinstance(error.message, str) and error.message
    assert error.code is None or isinstance(error.code, int | str)


def _envelope(error: Json) -> str:
    return json.dumps({"ok": False, "error": error})


@pytest.mark.parametrize(
    ("error", "cls"),
    [
        ({"kind": "platform", "raw": {"code": "X"}}, PlatformError),
        ({"kind": "timeout", "timeoutMs": 1500}, BridgeTimeoutError),
        ({"kind": "missing", "message": "gone"}, JsPathError),
        ({"kind": "sdk_load", "message": "404"}, SdkLoadError),
        ({"kind": "bridge", "message": "broken"}, BridgeError),
        ({"kind": "something new"}, BridgeError),
    ],
)
def test_envelope_failures_map_to_typed_errors(error: Json, cls: type[Exception]) -> None:
    with pytest.raises(cls) as info:
        decode(_envelope(error), "A.b")
    assert type(info.value) is cls
    if cls is BridgeTimeoutError:
        assert info.value.timeout == 1.5  # type: ignore[attr-defined]


def test_envelope_success_returns_the_value() -> None:
    assert decode('{"ok": true, "value": {"a": [1, null]}}', "p") == {"a": [1, None]}
    assert decode('{"ok": true}', "p") is None


@given(st.one_of(st.text(), json_values.map(json.dumps), st.integers(), st.none()))
def test_malformed_envelopes_raise_only_gameport_errors(text: object) -> None:
    try:
        decode(text, "p")
    except GameportError:
        pass
