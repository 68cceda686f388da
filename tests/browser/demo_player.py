"""Plays Coin Catch (the demo game) in a page with real input events, for the demo's browser tests.

It reads the game's published state (``window.demo.state``: mode, score, lives, the falling items) to decide
where to move the mouse, as a player looks at the screen; every action is a real input event. Nothing
depends on timing: each step waits for the state it expects.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page

from gameport.testing.game_harness import GameUnderTest

from .test_startup_browser import _png_colours

CANVAS_W = 360  # the game's canvas width in game units (demo_game/game/world.py)
PLAY_STEPS = 1500  # at most this many looks at the screen per goal (each one animation frame or more)
TITLE = "window.demo?.state?.mode === 'title'"  # booted, logged in, progress loaded


class Player:
    """Plays the game in ``page``; ``shot`` keeps screenshots through ``game`` (the plugin's fixture)."""

    def __init__(self, game: GameUnderTest, page: Page) -> None:
        self.game, self.page = game, page
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

    def back_to_play(self) -> dict[str, Any]:
        """From the hit screen (a bomb fell while chasing something else), continue; the state in play."""
        if self.state()["mode"] == "hit":
            self.click("continue")
        return self.wait("s.mode === 'play'")

    def next_frames(self, count: int = 1) -> None:
        """Wait until the game has drawn ``count`` more frames."""
        frames = self.page.evaluate("() => window.demo.frames")
        self.page.wait_for_function("(n) => window.demo.frames >= n", arg=frames + count)

    def saved_progress(self) -> dict[str, Any]:
        """The game's progress as platform.storage holds it (what survives a reload)."""
        saved = self.page.evaluate(
            "() => gameportDemo.pyodide.runPythonAsync("
            "'import json; from gameport import platform\\n"
            'json.dumps(await platform.storage.get("coin_catch.progress"))\')'
        )
        return dict(json.loads(saved))

    def shot(self, name: str) -> None:
        """Keep a screenshot of the canvas; it must not be blank nor look like an earlier state's."""
        png = self.game.screenshot(self.page, name, "#game")
        colours = _png_colours(png)
        assert len(colours) >= 4, (name, len(colours))  # background, basket, text, items: not blank
        for other, earlier in self.pngs.items():
            assert png != earlier, f"the {name} screen looks exactly like the {other} screen"
        self.pngs[name] = png

    def buy_100_coins(self) -> tuple[int, dict[str, Any]]:
        """Click "shop" and wait for the game's answer, which must be 100 coins more (AssertionError
        otherwise); the balance before and the state after."""
        coins = int(self.state()["coins"])
        self.click("shop")
        s = self.wait("s.busy === null && s.message !== ''")
        assert s["message"] == "Thanks! +100 coins" and s["coins"] == coins + 100, s
        return coins, s

    def lose_a_life(self) -> tuple[int, dict[str, Any]]:
        """Back in play, chase bombs until one hits; the lives before and the state on the hit screen."""
        lives = int(self.back_to_play()["lives"])
        return lives, self.chase("bomb", lambda s: s["mode"] == "hit")

    def start_round(self) -> None:
        """Click "play" and wait until the round runs."""
        self.click("play")
        self.wait("s.mode === 'play'")

    def revive(self, ad: str | None = None) -> dict[str, Any]:
        """Click "revive" (the platform's rewarded ad; ``ad``: the SDK mock's API to script as watched to
        the end first); the state once the first revive is done."""
        if ad is not None:
            self.page.evaluate("(api) => __gpMock.script(api, 'completed')", ad)
        self.click("revive")
        return self.wait("s.revives === 1 && s.busy === null")

    def steer(self, key: str) -> None:
        """In play, hold ``key`` ("ArrowLeft" or "ArrowRight") until the basket has moved 20 units that way
        or reached that edge."""
        before = self.wait("s.mode === 'play'")["basket_x"]
        moved = {
            "ArrowLeft": f"s.basket_x < {before} - 20 || s.basket_x <= 35",
            "ArrowRight": f"s.basket_x > {before} + 20 || s.basket_x >= 325",
        }[key]
        self.page.keyboard.down(key)
        try:
            self.wait(moved)
        finally:
            self.page.keyboard.up(key)

    def stays_paused(self) -> dict[str, Any]:
        """Once the platform has hidden the game: wait until it pauses; nothing may move over 10 frames
        (AssertionError); keeps a "paused" shot. The paused state."""
        paused = self.wait("s.paused")
        self.next_frames(10)
        still = self.state()
        assert (still["elapsed"], still["items"], still["score"]) == (
            paused["elapsed"], paused["items"], paused["score"],
        ), (still, paused)  # fmt: skip
        self.shot("paused")
        return paused

    def resumed(self, paused: dict[str, Any]) -> None:
        """Wait until the game runs again after ``paused`` (the state :meth:`stays_paused` gave)."""
        self.wait(f"!s.paused && s.elapsed > {paused['elapsed']}")

    def reload(self) -> None:
        """Reload the page and wait for the title screen."""
        self.page.reload()
        self.page.wait_for_function(f"() => {TITLE}", timeout=90_000)

    def settles_at(self, coins: int) -> None:
        """Wait until the balance reaches ``coins``; it must stay there 30 frames and be saved
        (AssertionError)."""
        self.wait(f"s.coins >= {coins}")
        self.next_frames(30)
        s = self.state()
        assert s["coins"] == coins, s
        saved = self.saved_progress()
        assert saved["coins"] == coins, saved

    def lose_every_life(self, until: str) -> dict[str, Any]:
        """Chase bombs until the last life is gone, end the round; the state once ``until`` (JS over ``s``)
        also holds on the round-over screen."""
        self.chase("bomb", lambda s: s["mode"] == "hit" and s["lives"] == 0)
        self.click("continue")  # "End round"
        return self.wait(f"s.mode === 'over' && ({until})")
