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

    def lose_every_life(self, until: str) -> dict[str, Any]:
        """Chase bombs until the last life is gone, end the round; the state once ``until`` (JS over ``s``)
        also holds on the round-over screen."""
        self.chase("bomb", lambda s: s["mode"] == "hit" and s["lives"] == 0)
        self.click("continue")  # "End round"
        return self.wait(f"s.mode === 'over' && ({until})")
