"""FakeBridge keeps the browser bridge's semantics, so host tests mean what browser tests mean."""

from __future__ import annotations

import asyncio

import pytest

from gameport.errors import BridgeError, BridgeTimeoutError, JsPathError, PlatformError, SdkLoadError
from gameport.testing import NO_ANSWER, Call, FakeBridge, SdkFailure
from gameport.values import Json


async def test_call_returns_the_handler_value_and_logs_the_call() -> None:
    bridge = FakeBridge(lambda call: {"echo": list(call.args)})
    assert await bridge.call("A.b", 1, "x") == {"echo": [1, "x"]}
    assert bridge.calls == [Call("call", "A.b", (1, "x"))]
    assert bridge.paths == ["A.b"]


async def test_async_handlers_are_awaited() -> None:
    async def handler(call: Call) -> Json:
        await asyncio.sleep(0)
        return call.path

    assert await FakeBridge(handler).call("X.y") == "X.y"


async def test_sdk_failure_becomes_platform_error_with_code_message_raw() -> None:
    payload: Json = {"code": "USER_INPUT", "message": "closed"}

    def handler(call: Call) -> Json:
        raise SdkFailure(payload)

    with pytest.raises(PlatformError) as info:
        await FakeBridge(handler).call("FBInstant.payments.purchaseAsync", {"productID": "gems"})
    assert (info.value.code, info.value.message, info.value.raw) == ("USER_INPUT", "closed", payload)
    assert info.value.path == "FBInstant.payments.purchaseAsync"


async def test_never_answering_call_times_out_with_typed_error() -> None:
    bridge = FakeBridge(lambda call: NO_ANSWER)
    with pytest.raises(BridgeTimeoutError) as info:
        await bridge.call("X.never", timeout=0.05)
    assert isinstance(info.value, TimeoutError) and info.value.timeout == 0.05
    with pytest.raises(BridgeTimeoutError):
        await bridge.call_cb("X.never", {}, timeout=0.05)


async def test_callback_first_settle_wins_and_later_callbacks_are_ignored() -> None:
    seen = {}

    def handler(call: Call) -> Json:
        assert call.callbacks is not None
        call.callbacks.success({"code": "first"})
        call.callbacks.complete()
        call.callbacks.success({"code": "second"})
        call.callbacks.fail({"error": {"error_code": 1, "error_msg": "late"}})
        seen["callbacks"] = call.callbacks
        return NO_ANSWER

    assert await FakeBridge(handler).call_cb("TTMinis.game.login", {}) == {"code": "first"}
    assert seen["callbacks"].ignored == 2
    assert seen["callbacks"].fired == ["success", "complete", "success", "fail"]


async def test_callback_fired_later_settles_the_call() -> None:
    def handler(call: Call) -> Json:
        assert call.callbacks is not None
        asyncio.get_running_loop().call_later(0.01, call.callbacks.fail, {"errCode": 1004, "errMsg": "no ad"})
        return NO_ANSWER

    with pytest.raises(PlatformError) as info:
        await FakeBridge(handler).call_cb("TTMinis.game.pay", {"trade_order_id": "t1"})
    assert (info.value.code, info.value.message) == (1004, "no ad")


async def test_callback_handler_return_value_is_success() -> None:
    bridge = FakeBridge(lambda call: {"options": dict(call.options or {})})
    assert await bridge.call_cb("T.x", {"scope": "user.info.basic"}) == {
        "options": {"scope": "user.info.basic"}
    }


async def test_declared_globals_make_other_paths_missing() -> None:
    bridge = FakeBridge(globals={"TTMinis.game.login", "TTMinis.game.canIUse"})
    assert bridge.has("TTMinis") and bridge.has("TTMinis.game") and bridge.has("TTMinis.game.login")
    assert not bridge.has("FBInstant") and not bridge.has("TTMinis.game.pay")
    with pytest.raises(JsPathError):
        await bridge.call("TTMinis.game.pay")
    with pytest.raises(JsPathError):
        bridge.on("FBInstant.onPause", lambda payload: None)


async def test_handles_expose_their_target_and_die_on_release() -> None:
    def handler(call: Call) -> Json:
        if call.kind == "create":
            return {"adUnitId": call.args[0]}
        return {"target": call.target, "path": call.path}

    bridge = FakeBridge(handler)
    handle = await bridge.create("TTMinis.game.createRewardedVideoAd", "unit-1")
    assert bridge.live_handles == 1
    assert await bridge.call(handle.member("show")) == {"target": {"adUnitId": "unit-1"}, "path": "@h1.show"}
    bridge.release(handle)
    bridge.release(handle)
    assert bridge.live_handles == 0
    with pytest.raises(JsPathError):
        await bridge.call(handle.member("show"))


async def test_events_reach_subscribers_until_cancelled() -> None:
    bridge = FakeBridge()
    got: list[Json] = []
    sub = bridge.on("TTMinis.game.onHide", got.append, off="TTMinis.game.offHide")
    assert bridge.emit("TTMinis.game.onHide", {"n": 1}) == 1
    sub.cancel()
    sub.cancel()
    assert not sub.active and bridge.listeners() == 0
    assert bridge.emit("TTMinis.game.onHide", {"n": 2}) == 0
    assert got == [{"n": 1}]


def test_synchronous_calls_refuse_async_handlers() -> None:
    async def handler(call: Call) -> Json:
        return None

    with pytest.raises(BridgeError, match="synchronous"):
        FakeBridge(handler).call_sync("X.y")


async def test_load_script_failures_are_sdk_load_errors() -> None:
    def handler(call: Call) -> Json:
        raise SdkFailure("404")

    with pytest.raises(SdkLoadError):
        await FakeBridge(handler).load_script("https://example.invalid/sdk.js", "TTMinis")
    with pytest.raises(SdkLoadError):
        await FakeBridge(lambda call: NO_ANSWER).load_script("sdk.js", "TTMinis", timeout=0.05)
