"""``platform.leaderboards`` through the game backend on TikTok and the web: when it is offered, where
requests go, what is checked before sending, and how bad answers surface."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gameport import (
    Capability,
    ConfigError,
    GameConfig,
    InvalidArgumentError,
    LeaderboardEntry,
    Platform,
    UnsupportedCapabilityError,
)
from gameport.backend.leaderboard_limits import MAX_SCORE
from gameport.bridge import HttpReply
from gameport.errors import BackendError
from gameport.testing import FakeBridge
from gameport.testing.meta import fake_meta
from gameport.testing.tiktok import fake_tiktok

from .backend_doubles import BASE, FakeBackend
from .platform_doubles import WebPage

BOARDS = "https://scores.game.example"


def config(**block: Any) -> GameConfig:
    blocks = {"tiktok": {"client_key": "ck", **block}, "web": block, "meta": block}
    return GameConfig.from_json(
        json.dumps({"platforms": {name: {"sandbox": b} for name, b in blocks.items()}})
    )


async def tiktok(backend: FakeBackend, **block: Any) -> tuple[Platform, FakeBridge]:
    bridge = fake_tiktok().bridge()
    bridge.http = backend
    p = Platform(bridge, config(**block))
    await p.init("tiktok")
    return p, bridge


async def test_without_leaderboard_url_leaderboards_stay_unsupported() -> None:
    backend = FakeBackend()
    p, _ = await tiktok(backend, backend_url=BASE)
    assert not p.supports(Capability.LEADERBOARDS)
    with pytest.raises(UnsupportedCapabilityError, match="configure leaderboard_url"):
        await p.leaderboards.submit("main", 1)
    assert backend.requests == []


async def test_leaderboard_url_without_backend_url_is_refused_at_init() -> None:
    p = Platform(fake_tiktok().bridge(), config(leaderboard_url=BOARDS))
    with pytest.raises(ConfigError, match="leaderboard_url is set but backend_url is not"):
        await p.init("tiktok")


async def test_switched_off_leaderboards_stay_unsupported() -> None:
    p, _ = await tiktok(
        FakeBackend(), backend_url=BASE, leaderboard_url=BOARDS, features={"leaderboards": False}
    )
    assert not p.supports(Capability.LEADERBOARDS)


async def test_tiktok_scores_go_to_leaderboard_url_with_the_backend_session() -> None:
    backend = FakeBackend()
    p, _ = await tiktok(backend, backend_url=BASE, leaderboard_url=BOARDS + "/")
    assert p.supports(Capability.LEADERBOARDS)
    mine = await p.leaderboards.submit("weekly:1", 40, "hat")
    assert mine == LeaderboardEntry(player_id="open-mock-code-1", score=40, rank=1, extra="hat")
    assert await p.leaderboards.submit("weekly:1", 10) == mine
    assert await p.leaderboards.top("weekly:1", count=5, offset=0) == [mine]
    assert [(r.method, r.url) for r in backend.requests] == [
        ("POST", f"{BASE}/api/tiktok/login"),
        ("POST", f"{BOARDS}/api/leaderboards/weekly:1/scores"),
        ("POST", f"{BOARDS}/api/leaderboards/weekly:1/scores"),
        ("GET", f"{BOARDS}/api/leaderboards/weekly:1/scores?count=5&offset=0"),
    ]
    assert backend.requests[1].body == {"score": 40, "extra": "hat"}
    assert backend.requests[2].body == {"score": 10}


async def test_web_leaderboards_log_in_with_the_dev_token() -> None:
    bridge = WebPage(storage={"gameport:web:player_id": "web-1"}).bridge()
    bridge.http = backend = FakeBackend()
    p = Platform(bridge, config(backend_url=BASE, leaderboard_url=BASE))
    await p.init("web")
    assert await p.leaderboards.submit("main", 7) == LeaderboardEntry("web-1", 7, 1, None)
    assert backend.requests[0].body == {"token": "web-dev.web-1"}


async def test_meta_keeps_its_own_leaderboards_even_with_leaderboard_url() -> None:
    rows = [{"playerId": "mock-player-1", "score": 60}]
    bridge = fake_meta(leaderboards={"weekly.ctx1": {"entries": rows}}, contextId="ctx1").bridge()
    p = Platform(bridge, config(leaderboard_url=BOARDS))  # no backend_url: not needed on Meta
    await p.init("meta")
    top = await p.leaderboards.top("weekly.ctx1")
    assert [(e.player_id, e.score) for e in top] == [("mock-player-1", 60)]
    assert "fetch_json" not in {c.kind for c in bridge.calls}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: p.leaderboards.submit("has space", 1), "backend leaderboard name"),
        (lambda p: p.leaderboards.submit("x" * 65, 1), "backend leaderboard name"),
        (lambda p: p.leaderboards.submit("main", MAX_SCORE + 1), "within"),
        (lambda p: p.leaderboards.submit("main", -MAX_SCORE - 1), "within"),
        (lambda p: p.leaderboards.submit("main", 1, "é" * 1025), "at most 2048 bytes"),
        (lambda p: p.leaderboards.top("main", count=101), "at most 100 entries"),
        (lambda p: p.leaderboards.top("main", offset=100_001), "up to offset 100000"),
        (lambda p: p.leaderboards.submit("main", 1.0), "must be an int"),
    ],
)
async def test_limits_are_checked_before_anything_is_sent(call: Any, message: str) -> None:
    backend = FakeBackend()
    p, _ = await tiktok(backend, backend_url=BASE, leaderboard_url=BASE)
    with pytest.raises(InvalidArgumentError, match=message):
        await call(p)
    assert backend.requests == []


@pytest.mark.parametrize(
    "answer",
    [
        {"board": "main"},
        {"entries": [{"rank": 1, "player_id": "p", "score": "10"}]},
        {"entries": [{"rank": True, "player_id": "p", "score": 10}]},
        {"entries": [["p", 10]]},
    ],
)
async def test_malformed_answers_are_backend_errors(answer: dict[str, Any]) -> None:
    backend = FakeBackend()
    backend.script["GET /api/leaderboards/main/scores"] = [HttpReply(200, answer)]
    p, _ = await tiktok(backend, backend_url=BASE, leaderboard_url=BASE)
    with pytest.raises(BackendError) as info:
        await p.leaderboards.top("main")
    assert info.value.code == "malformed_response"


async def test_a_backend_refusal_names_status_and_code() -> None:
    backend = FakeBackend()
    refusal = HttpReply(400, {"error": {"code": "bad_score", "message": "score must be an integer"}})
    backend.script["POST /api/leaderboards/main/scores"] = [refusal]
    p, _ = await tiktok(backend, backend_url=BASE, leaderboard_url=BASE)
    with pytest.raises(BackendError, match="400 bad_score: score must be an integer") as info:
        await p.leaderboards.submit("main", 1)
    assert (info.value.status, info.value.code, info.value.platform) == (400, "bad_score", "tiktok")
