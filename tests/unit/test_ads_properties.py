"""Property: over any sequence of scripted ad outcomes, a reward is granted exactly when a rewarded ad
completed, never twice for one show, an ad that never closes ends in TIMEOUT without blocking the next, and
every show ends in exactly one terminal event (CLOSED or FAILED) carrying its result: no state is left
hanging (a peer SDK's banner stays "loading" forever, peers.md section 2)."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gameport import AdEvent, AdKind, AdReason, AdState

from .ads_doubles import ad_setup

OUTCOMES = ["completed", "closed_early", "no_fill", "error_after_display", "never_closes"]
STEPS = st.lists(
    st.tuples(st.sampled_from(OUTCOMES), st.sampled_from([AdKind.REWARDED, AdKind.INTERSTITIAL])),
    min_size=1,
    max_size=8,
)


async def run(name: str, steps: list[tuple[str, AdKind]]) -> None:
    # Short enough that never_closes stays cheap, long enough that a busy CI machine answers in time.
    s = await ad_setup(name, show_timeout=0.15, load_timeout=1.0)
    listeners, handles = s.bridge.listeners(), s.bridge.live_handles
    events: list[AdEvent] = []
    s.platform.ads.on(events.append)
    for i, (outcome, kind) in enumerate(steps):
        s.script(outcome)
        first = len(events)
        if kind is AdKind.REWARDED:
            result = await s.platform.ads.show_rewarded("revive")
        else:
            result = await s.platform.ads.show_interstitial("break")
        earned = kind is AdKind.REWARDED and outcome == "completed"
        assert result.rewarded is earned, (i, outcome, kind, result)
        mine = events[first:]
        states = [e.state for e in mine]
        assert states.count(AdState.REWARDED) == (1 if earned else 0), "one REWARDED per earned show, at most"
        terminal = [e for e in mine if e.state in (AdState.CLOSED, AdState.FAILED)]
        assert len(terminal) == 1 and terminal[0] is mine[-1] and terminal[0].result == result
        assert states[0] is AdState.REQUESTED
        if outcome == "never_closes":
            assert result.reason is AdReason.TIMEOUT
        if outcome == "completed":
            assert result.reason is None
        assert not s.platform.ads.showing, "nothing is left running after a show"
    assert (s.bridge.listeners(), s.bridge.live_handles) == (listeners, handles)
    await s.platform.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS, name=st.sampled_from(["tiktok", "meta", "web"]))
def test_rewards_follow_completion_exactly_and_timeouts_never_block(
    steps: list[tuple[str, AdKind]], name: str
) -> None:
    asyncio.run(run(name, steps))
