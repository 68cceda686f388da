"""The demo game (Coin Catch) played in Chromium through real mouse moves, key presses and button clicks, on
the TikTok SDK mock, with the reference backend and the mock platform server as real processes.

The test reads the game's published state (``window.demo.state``: mode, score, lives, the falling items)
to decide where to move the mouse, as a player looks at the screen; every action is a real input event.
Nothing depends on timing: each step waits for the state it expects.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page

from ..server.server_stack import CATALOG, ServerProcess, make_config
from .test_startup_browser import _png_colours

PLAYER = "coin-catch-player"
COINS_100 = {"product_id": "coins_100", "title": "100 coins", "grants": {"coins": 100}, "tiktok_beans": 10,
             "web_price": "0.99", "web_currency": "USD"}  # fmt: skip
CANVAS_W = 360  # the game's canvas width in game units (demo_game/game/world.py)
PLAY_STEPS = 1500  # at most this many looks at the screen per goal (each one animation frame or more)


class Stack:
    def __init__(self, mock: ServerProcess, backend: ServerProcess, db: Path) -> None:
        self.mock, self.backend, self.db = mock, backend, db

    def query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(self.db)
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    import httpx

    tmp = tmp_path_factory.mktemp("demo_game")
    config = make_config()
    config["catalog"] = [*CATALOG, COINS_100]
    config_path = tmp / "server-config.json"
    config_path.write_text(json.dumps(config))
    mock = ServerProcess(["mock-platform", "--port", "0", "--config", str(config_path)]).start()
    try:
        config["tiktok"]["api_base_url"] = config["web"]["checkout_url"] = mock.url
        config_path.write_text(json.dumps(config))
        db = tmp / "ledger.sqlite3"
        backend = ServerProcess(
            ["backend", "--port", "0", "--db", str(db), "--config", str(config_path)]
        ).start()
        try:
            httpx.post(f"{mock.url}/mock/config", json={"backend_url": backend.url}, timeout=30)
            yield Stack(mock, backend, db)
        finally:
            assert backend.stop() == 0
    finally:
        assert mock.stop() == 0


class Player:
    """Plays the game in a page with real input events."""

    def __init__(self, page: Page, shots: Path) -> None:
        self.page, self.shots = page, shots
        self.canvas = page.locator("#game")
        self.pngs: dict[str, bytes] = {}

    def state(self) -> dict[str, Any]:
        return dict(self.page.evaluate("() => window.demo.state"))

    def wait(self, predicate: str, timeout: float = 30_000) -> dict[str, Any]:
        """Wait until ``predicate`` (JS, over ``s``: the game state) holds; the state then."""
        self.page.wait_for_function(f"() => {{ const s = window.demo?.state; return !!s && ({predicate}); }}",
                                    timeout=timeout)  # fmt: skip
        return self.state()

    def click(self, button: str) -> None:
        self.page.click(f"#btn-{button}")

    def buttons(self) -> set[str]:
        return set(self.page.evaluate("() => Object.keys(window.demo.buttons)"))

    def mouse_to(self, x: float) -> None:
        box = self.canvas.bounding_box()
        assert box is not None
        self.page.mouse.move(box["x"] + x * box["width"] / CANVAS_W, box["y"] + box["height"] * 0.9)

    def chase(self, kind: str, done: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """Move the mouse under the lowest falling ``kind`` ("coin" / "bomb") until ``done(state)``; from
        the hit screen, continue."""
        for _ in range(PLAY_STEPS):
            s = self.state()
            if done(s):
                return s
            assert s["mode"] != "over", f"the round ended before the goal: {s}"
            if s["mode"] == "hit" and s["lives"] > 0:
                self.click("continue")
                self.wait("s.mode === 'play'")
                continue
            targets = [item for item in s["items"] if item[0] == kind]
            if targets:
                self.mouse_to(max(targets, key=lambda item: item[2])[1])
            self.next_frames()
        raise AssertionError(f"never reached the goal chasing {kind}s: {self.state()}")

    def next_frames(self, count: int = 1) -> None:
        """Wait until the game has drawn ``count`` more frames."""
        frames = self.page.evaluate("() => window.demo.frames")
        self.page.wait_for_function("(n) => window.demo.frames >= n", arg=frames + count)

    def shot(self, name: str) -> None:
        png = self.canvas.screenshot(path=self.shots / f"{name}.png")
        colours = _png_colours(png)
        assert len(colours) >= 4, (name, len(colours))  # background, basket, text, items: not blank
        for other, earlier in self.pngs.items():
            assert png != earlier, f"the {name} screen looks exactly like the {other} screen"
        self.pngs[name] = png


def test_coin_catch_on_tiktok_login_play_revive_pause_shop_leaderboard(
    browser: Browser, site_url: str, stack: Stack, tmp_path: Path
) -> None:
    scenario = json.dumps({"platformUrl": stack.mock.url, "openId": PLAYER})
    query = urlencode({"mock": "tiktok", "platform_url": stack.mock.url, "backend": stack.backend.url,
                       "gp_scenario": scenario})  # fmt: skip
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{site_url}/index.html?{query}")
        player = Player(page, tmp_path)
        # boots, logs in silently (the backend's session comes from TikTok's login code)
        s = player.wait("s.mode === 'title'", timeout=90_000)
        assert s["platform"] == "tiktok"
        # the game's silent login, and gameport's own for the backend session (a TikTok code is single use)
        assert page.evaluate("() => __gpMock.callsTo('login').length") >= 1
        assert {"play", "shop", "shortcut", "revisit"} <= player.buttons()  # all supported on this client
        assert page.locator("#loading").is_hidden()
        player.shot("title")

        # the shop: a real TikTok order, paid in the mock, granted by the backend on the signed webhook
        coins = s["coins"]
        player.click("shop")
        s = player.wait("s.busy === null && s.message !== ''")
        assert s["message"] == "Thanks! +100 coins" and s["coins"] == coins + 100
        grants = stack.query("SELECT product_id, items FROM grants WHERE user_id = ?", PLAYER)
        assert [(p, json.loads(i)) for p, i in grants] == [("coins_100", {"coins": 100})]
        saved = page.evaluate(
            "() => gameportDemo.pyodide.runPythonAsync("
            "'import json; from gameport import platform\\n"
            'json.dumps(await platform.storage.get("coin_catch.progress"))\')'
        )
        assert json.loads(saved)["coins"] == coins + 100

        # a round: catch a coin with the mouse
        player.click("play")
        player.wait("s.mode === 'play'")
        s = player.chase("coin", lambda s: s["score"] >= 1)
        player.shot("playing")

        # a bomb costs a life; the rewarded ad gives it back
        lives = player.state()["lives"]
        s = player.chase("bomb", lambda s: s["mode"] == "hit")
        assert s["lives"] == lives - 1 and "revive" in player.buttons()
        player.shot("hit")
        page.evaluate("() => __gpMock.script('rewarded.show', 'completed')")
        player.click("revive")
        s = player.wait("s.revives === 1 && s.busy === null")
        assert s["lives"] == lives and s["message"] == f"+1 life! {lives} lives"
        assert page.evaluate("() => __gpMock.callsTo('createRewardedVideoAd').length") == 1

        # back to the round (the hit cleared the bombs: none can fall for a while); steer with the keys
        player.click("continue")
        before = player.wait("s.mode === 'play'")["basket_x"]
        page.keyboard.down("ArrowLeft")
        try:
            player.wait(f"s.basket_x < {before} - 20 || s.basket_x <= 35")
        finally:
            page.keyboard.up("ArrowLeft")

        # the platform hides the game: it pauses, and nothing moves until it shows again
        page.evaluate("() => __gpMock.fire('onHide')")
        paused = player.wait("s.paused")
        player.next_frames(10)
        still = player.state()
        assert (still["elapsed"], still["items"], still["score"]) == (
            paused["elapsed"], paused["items"], paused["score"],
        )  # fmt: skip
        player.shot("paused")
        page.evaluate("() => __gpMock.fire('onShow')")
        player.wait(f"!s.paused && s.elapsed > {paused['elapsed']}")

        # lose every life: the round ends, the best score goes to the backend's leaderboard
        s = player.chase("bomb", lambda s: s["mode"] == "hit" and s["lives"] == 0)
        player.click("continue")  # "End round"
        s = player.wait("s.mode === 'over' && s.top.length > 0")
        score = s["score"]
        assert s["best"] == score and s["top"][0][2] == score
        rows = stack.query(
            "SELECT platform, player_id, score FROM leaderboard_scores WHERE board = 'coin_catch'"
        )
        assert rows == [("tiktok", rows[0][1], score)] and rows[0][1] == s["top"][0][1]
        assert s["coins"] == coins + 100 + score  # caught coins go to the balance too
        ends = page.evaluate("() => __gpMock.callsTo('reportEvent').map((c) => c.args)")
        assert any("round_end" in json.dumps(args) for args in ends), ends
        player.shot("over")

        # the balance rose exactly once: still one grant, however long the game keeps running
        assert len(stack.query("SELECT order_id FROM grants WHERE user_id = ?", PLAYER)) == 1
        assert errors == []
    finally:
        context.close()


def test_coin_catch_on_the_web_pays_through_the_sandbox_checkout_and_shows_the_simulated_ad(
    browser: Browser, site_url: str, stack: Stack, tmp_path: Path
) -> None:
    query = urlencode({"platform_url": stack.mock.url, "backend": stack.backend.url})
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{site_url}/index.html?{query}")
        player = Player(page, tmp_path)
        s = player.wait("s.mode === 'title'", timeout=90_000)
        assert s["platform"] == "web" and "shop" in player.buttons()
        assert not {"shortcut", "revisit"} & player.buttons()  # not on the web: hidden

        # the page's pay sheet (web_pay_sim.js) pays at the backend's pay_url: the mock server's checkout
        coins = s["coins"]
        player.click("shop")
        s = player.wait("s.busy === null && s.message !== ''")
        assert s["message"] == "Thanks! +100 coins" and s["coins"] == coins + 100
        grants = stack.query("SELECT product_id, items FROM grants WHERE platform = 'web'")
        assert [(p, json.loads(i)) for p, i in grants] == [("coins_100", {"coins": 100})]
        assert page.evaluate("() => gameportWebPay.calls.length") == 1

        # the page's ad provider (web_ads_sim.js) plays the rewarded ad to its end: a life back
        player.click("play")
        player.wait("s.mode === 'play'")
        lives = player.state()["lives"]
        s = player.chase("bomb", lambda s: s["mode"] == "hit")
        assert s["lives"] == lives - 1
        player.click("revive")
        s = player.wait("s.revives === 1 && s.busy === null")
        assert s["lives"] == lives
        shows = page.evaluate("() => gameportWebAds.calls.filter((c) => c.api === 'show')")
        assert shows == [{"api": "show", "kind": "rewarded", "placement": "demo-revive-unit"}]
        assert errors == []
    finally:
        context.close()
