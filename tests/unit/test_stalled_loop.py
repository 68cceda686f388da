"""A stalled main thread (a throttled tab while an ad plays, a long GC pause) can run an answer and the
deadline waiting for it in one event-loop turn. The answer is what happened: it must win, or a player who
watched the whole ad loses the reward. The stall here is real: a callback blocks the loop past both."""

from __future__ import annotations

import asyncio
import time

import pytest

from gameport.errors import BridgeTimeoutError
from gameport.models.ads import AdEvent, AdState
from gameport.testing import FakeBridge
from gameport.testing.timing import settle_later

from .ads_doubles import ad_setup


def _stall_next_turn(seconds: float) -> None:
    asyncio.get_running_loop().call_soon(time.sleep, seconds)


async def test_an_onclose_that_lands_with_the_show_deadline_still_rewards() -> None:
    s = await ad_setup("tiktok", show_timeout=0.05)
    assert s.tiktok is not None
    s.tiktok.script("ad.show", {"outcome": "completed", "closeAfterMs": 20})

    def stall_once_shown(event: AdEvent) -> None:
        if event.state is AdState.SHOWN:  # the close is due in 20 ms, the deadline in under 50 ms
            _stall_next_turn(0.2)

    s.platform.ads.on(stall_once_shown)
    result = await s.platform.ads.show_rewarded("revive")
    assert (result.shown, result.rewarded, result.reason) == (True, True, None)
    await s.platform.close()


async def test_an_onclose_that_never_comes_still_times_out_after_a_stall() -> None:
    s = await ad_setup("tiktok", show_timeout=0.05)
    assert s.tiktok is not None
    s.tiktok.script("ad.show", "never_closes")
    s.platform.ads.on(lambda e: _stall_next_turn(0.2) if e.state is AdState.SHOWN else None)
    result = await s.platform.ads.show_rewarded("revive")
    assert (result.shown, result.rewarded, result.reason and result.reason.value) == (True, False, "timeout")
    await s.platform.close()


async def test_the_fake_bridge_answers_what_arrived_with_its_deadline() -> None:
    bridge = FakeBridge(lambda call: settle_later(0.01, lambda: "answered"))
    _stall_next_turn(0.2)  # runs before the answer (due in 10 ms) and the deadline (50 ms): both then due
    assert await bridge.call("X.slowish", timeout=0.05) == "answered"


async def test_the_fake_bridge_still_times_out_and_leaves_other_cancellations_alone() -> None:
    never = FakeBridge(lambda call: settle_later(10.0, lambda: "late"))
    with pytest.raises(BridgeTimeoutError) as timed_out:
        await never.call("X.late", timeout=0.05)
    assert timed_out.value.path == "X.late"
    waiting = asyncio.ensure_future(never.call("X.late", timeout=5.0))
    await asyncio.sleep(0.01)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):  # the caller's cancellation, not a timeout
        await waiting
