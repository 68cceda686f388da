"""The client's backend session and leaderboards against the real backend process, over real HTTP.

Game code runs on CPython through the platform fakes; their bridges send HTTP with ``urllib_http``. TikTok
login codes and Meta signatures come from the mock platform process, as the JS mocks get them in a browser.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from server_stack import ServerProcess, Stack

from gameport import GameConfig, LeaderboardEntry, Platform
from gameport.adapters.meta import MetaAdapter
from gameport.backend.session import BackendSession
from gameport.errors import BackendError, NetworkError
from gameport.testing import Call, FakeBridge
from gameport.testing.fake_http import urllib_http
from gameport.testing.meta import fake_meta
from gameport.testing.tiktok import fake_tiktok
from gameport.values import Json, JsonObject


def _config(backend_url: str) -> GameConfig:
    block = {"backend_url": backend_url, "leaderboard_url": backend_url}
    platforms = {"tiktok": {"sandbox": {"client_key": "ck", **block}}, "web": {"sandbox": block}}
    return GameConfig.from_json(json.dumps({"platforms": platforms}))


async def _tiktok_player(stack: Stack, open_id: str, logins: int = 1) -> tuple[Platform, FakeBridge]:
    """A TikTok game whose next ``logins`` logins answer real codes for ``open_id`` from the mock."""
    fake = fake_tiktok()
    for _ in range(logins):
        code = stack.post(f"{stack.mock.url}/mock/tiktok/login_code", {"open_id": open_id})["code"]
        fake.script("login", {"outcome": "ok", "value": {"code": code}})
    bridge = fake.bridge()
    bridge.http = urllib_http
    game = Platform(bridge, _config(stack.backend.url))
    await game.init("tiktok")
    return game, bridge


def _web_page(player_id: str) -> FakeBridge:
    def page(call: Call) -> Json:
        return player_id if call.path == "localStorage.getItem" else None

    return FakeBridge(page, globals={"localStorage.getItem", "localStorage.setItem"}, http=urllib_http)


async def test_tiktok_players_submit_and_read_through_the_real_backend(stack: Stack) -> None:
    ann, _ = await _tiktok_player(stack, "tt-ann")
    bob, _ = await _tiktok_player(stack, "tt-bob")
    assert await ann.leaderboards.submit("weekly", 120, "hat") == LeaderboardEntry("tt-ann", 120, 1, "hat")
    assert await bob.leaderboards.submit("weekly", 300) == LeaderboardEntry("tt-bob", 300, 1, None)
    assert await ann.leaderboards.submit("weekly", 50) == LeaderboardEntry("tt-ann", 120, 2, "hat")
    top = await ann.leaderboards.top("weekly")
    assert top == [LeaderboardEntry("tt-bob", 300, 1, None), LeaderboardEntry("tt-ann", 120, 2, "hat")]
    assert await bob.leaderboards.top("weekly", count=1, offset=1) == top[1:]


async def test_web_scores_are_a_separate_board_from_tiktok(stack: Stack) -> None:
    tiktok, _ = await _tiktok_player(stack, "same")
    await tiktok.leaderboards.submit("main", 9)
    web = Platform(_web_page("web-same"), _config(stack.backend.url))
    await web.init("web")
    assert await web.leaderboards.submit("main", 4) == LeaderboardEntry("web-same", 4, 1, None)
    assert [e.player_id for e in await web.leaderboards.top("main")] == ["web-same"]


async def test_an_expired_session_logs_in_again_once(stack: Stack) -> None:
    game, bridge = await _tiktok_player(stack, "tt-expiring", logins=2)
    await game.leaderboards.submit("main", 1)
    conn = sqlite3.connect(stack.db)
    with conn:
        conn.execute("DELETE FROM sessions")  # as if every session had expired
    conn.close()
    assert (await game.leaderboards.submit("main", 2)).score == 2
    assert bridge.paths.count("TTMinis.game.login") == 2


async def test_a_refused_login_code_is_a_backend_error(stack: Stack) -> None:
    fake = fake_tiktok()
    fake.script("login", {"outcome": "ok", "value": {"code": "never-issued"}})
    bridge = fake.bridge()
    bridge.http = urllib_http
    game = Platform(bridge, _config(stack.backend.url))
    await game.init("tiktok")
    with pytest.raises(BackendError) as info:
        await game.leaderboards.top("main")
    assert (info.value.status, info.value.code) == (401, "invalid_login_code")


async def test_bad_input_refused_by_the_backend_surfaces_typed(stack: Stack) -> None:
    web = Platform(_web_page("web-x"), _config(stack.backend.url))
    await web.init("web")
    session = web._current().backend
    assert session is not None
    with pytest.raises(BackendError) as info:
        await session.request("POST", f"{stack.backend.url}/api/leaderboards/main/scores", {"score": 1.5})
    assert (info.value.status, info.value.code) == (400, "bad_score")


async def test_meta_login_with_the_backends_nonce(stack: Stack) -> None:
    def signer(payload: JsonObject) -> str:
        signed: str = stack.post(f"{stack.mock.url}/mock/meta/sign", {"payload": payload})["signed"]
        return signed

    bridge = fake_meta(sign=signer).bridge()
    bridge.http = urllib_http
    adapter = MetaAdapter(bridge, GameConfig().settings_for("meta"))
    await adapter.init()
    session = BackendSession(bridge, adapter, stack.backend.url, timeout=30)
    token = await session.login()
    assert session.player_id == "mock-player-1"
    assert stack.get(f"{stack.backend.url}/api/grants", token)["platform"] == "meta"


async def test_web_against_a_production_backend_is_refused(stack: Stack) -> None:
    production = stack.tmp / "production.json"
    production.write_text(json.dumps({**stack.config, "environment": "production"}))
    backend = ServerProcess(
        ["backend", "--port", "0", "--db", str(stack.tmp / "prod.sqlite3"), "--config", str(production)]
    ).start()
    try:
        web = Platform(_web_page("web-prod"), _config(backend.url))
        await web.init("web")
        with pytest.raises(BackendError) as info:
            await web.leaderboards.submit("main", 1)
        assert (info.value.status, info.value.code) == (403, "dev_login_disabled")
    finally:
        assert backend.stop() == 0
    with pytest.raises(NetworkError):
        await web.leaderboards.submit("main", 1)  # the backend is gone now
