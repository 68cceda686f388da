"""Leaderboards through the game backend in real Chromium: the game on the TikTok mock and on the web
submits and reads scores through the reference backend process, which the page reaches cross-origin.

The mock platform server issues TikTok login codes (the JS mock asks it, with ``scenario.platformUrl``) and
signs Meta's player info; the backend exchanges and verifies them as it would TikTok's and Meta's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from ..server.server_stack import make_config, running_pair
from .conftest import js_stats, open_harness, run_py

SDKS = {
    "tiktok": "sdk=/js_bridge/mocks/ttminis.js&global=TTMinis.game",
    "meta": "sdk=/js_bridge/mocks/fbinstant.js&global=FBInstant",
    "web": "",
}

PRELUDE = """
import json
from gameport import GameConfig, GameportError, Platform

def config(url):
    block = {"backend_url": url, "leaderboard_url": url}
    return GameConfig.from_json(json.dumps({"platforms": {
        "tiktok": {"sandbox": {"client_key": "ck-public-test", **block}},
        "web": {"sandbox": block},
        "meta": {"sandbox": block},
    }}))

async def fresh(name, url):
    p = Platform(config=config(url))
    await p.init(name)
    return p

def row(entry):
    return [entry.rank, entry.player_id, entry.score, entry.extra]

async def failure(awaitable):
    try:
        await awaitable
        return None
    except GameportError as exc:
        return [type(exc).__name__, getattr(exc, "status", None), getattr(exc, "code", None)]

result = True
"""


@dataclass
class Servers:
    mock: str
    backend: str
    db: Path

    def rows(self, platform: str, board: str) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(self.db)
        try:
            return conn.execute(
                "SELECT player_id, score, extra FROM leaderboard_scores WHERE platform = ? AND board = ?"
                " ORDER BY score DESC",
                (platform, board),
            ).fetchall()
        finally:
            conn.close()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    tmp = tmp_path_factory.mktemp("backend")
    db = tmp / "ledger.sqlite3"
    with running_pair(make_config(), tmp / "server-config.json", db) as pair:
        yield Servers(pair.mock_url, pair.backend_url, db)


@pytest.fixture(scope="module")
def pages(browser: Browser, site_url: str) -> Iterator[Callable[[str], Page]]:
    """One booted page per platform, opened when a test first needs it."""
    opened: dict[str, Page] = {}

    def page_for(name: str) -> Page:
        if name not in opened:
            opened[name] = open_harness(browser, f"{site_url}/_test/harness.html?{SDKS[name]}")
            assert run_py(opened[name], PRELUDE) is True
        return opened[name]

    yield page_for
    for page in opened.values():
        page.context.close()


def _as_player(page: Page, name: str, player: str, servers: Servers) -> None:
    """The next login on this page is ``player``'s."""
    if name == "web":
        page.evaluate("(id) => localStorage.setItem('gameport:web:player_id', id)", player)
    else:
        page.evaluate(
            "([url, id]) => { __gpMock.reset(); __gpMock.configure({platformUrl: url, openId: id}); }",
            [servers.mock, player],
        )


@pytest.mark.parametrize("name", ["tiktok", "web"])
def test_two_players_submit_and_read_through_the_backend(
    pages: Callable[[str], Page], servers: Servers, name: str
) -> None:
    page = pages(name)
    ann, bob = f"{name}-ann", f"{name}-bob"
    _as_player(page, name, ann, servers)
    first = run_py(
        page,
        f"""
ann = await fresh({name!r}, {servers.backend!r})
result = [ann.supports("leaderboards"), row(await ann.leaderboards.submit("weekly", 120, "hat")),
          row(await ann.leaderboards.submit("weekly", 50))]
""",
    )
    assert first == [True, [1, ann, 120, "hat"], [1, ann, 120, "hat"]]
    _as_player(page, name, bob, servers)
    second = run_py(
        page,
        f"""
bob = await fresh({name!r}, {servers.backend!r})
mine = row(await bob.leaderboards.submit("weekly", 300))
result = [mine, [row(e) for e in await ann.leaderboards.top("weekly")],
          [row(e) for e in await bob.leaderboards.top("weekly", count=1, offset=1)],
          await failure(bob.leaderboards.submit("has space", 1)),
          await failure(bob.leaderboards.top("weekly", count=101))]
await ann.close()
await bob.close()
""",
    )
    assert second == [
        [1, bob, 300, None],
        [[1, bob, 300, None], [2, ann, 120, "hat"]],
        [[2, ann, 120, "hat"]],
        ["InvalidArgumentError", None, None],
        ["InvalidArgumentError", None, None],
    ]
    assert servers.rows(name, "weekly") == [(bob, 300, None), (ann, 120, "hat")]
    assert js_stats(page)["pending"] == 0


def test_meta_logs_into_the_backend_with_its_nonce(pages: Callable[[str], Page], servers: Servers) -> None:
    page = pages("meta")  # Meta keeps its own leaderboards; the backend session is still Meta's to make
    page.evaluate("(url) => { __gpMock.reset(); __gpMock.configure({platformUrl: url}); }", servers.mock)
    got = run_py(
        page,
        f"""
p = await fresh("meta", {servers.backend!r})
backend = p._current().backend
token = await backend.login()
again = await backend.login()
result = [token.startswith("gps_"), again == token, backend.player_id, backend.logins]
await p.close()
""",
    )
    assert got == [True, True, "mock-player-1", 1]


@pytest.mark.parametrize("name", ["tiktok", "web"])
def test_a_backend_that_does_not_answer_is_a_network_error(
    pages: Callable[[str], Page], servers: Servers, name: str
) -> None:
    page = pages(name)
    _as_player(page, name, f"{name}-offline", servers)
    got = run_py(
        page,
        f"""
p = await fresh({name!r}, "http://127.0.0.1:9")
result = await failure(p.leaderboards.submit("weekly", 1))
await p.close()
""",
    )
    assert got == ["NetworkError", None, None]
