"""Ten rounds of the demo game itself (Coin Catch), played in a booted demo page with real input events, and
the wasm memory size, live PyProxies and JS references held by Python after each round (``gc.collect()``
first). A round is played to its end the quick way: the basket chases the bombs until the lives are gone,
"Continue" after each hit, "Play again" for the next round (with the platform's interstitial between
rounds, as the game shows it)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page

from .memory import COUNTS_OF, ROUNDS, MemoryFigures

CANVAS_W = 360  # the game's width in its own units (demo_game/game/world.py)
STEPS = 3000  # looks at the screen per round, at most
PLATFORMS = ("tiktok", "web")  # the web page shows the simulated ads and pay sheet; Meta is like TikTok here


def _state(page: Page) -> dict[str, Any]:
    return dict(page.evaluate("() => window.demo.state"))


def _wait(page: Page, predicate: str) -> None:
    page.wait_for_function(f"() => {{ const s = window.demo?.state; return !!s && ({predicate}); }}")


def _counts(page: Page) -> dict[str, int]:
    page.evaluate("() => window.gameportDemo.pyodide.runPython('import gc; gc.collect()')")
    return dict(page.evaluate(COUNTS_OF.format(pyodide="window.gameportDemo.pyodide")))


def play_round(page: Page) -> int:
    """Play one round from the title or "over" screen to "over"; answers the frames it took."""
    _wait(page, "s.mode === 'title' || s.mode === 'over'")
    page.wait_for_selector("#btn-play")
    first = page.evaluate("() => window.demo.frames")
    page.click("#btn-play")
    _wait(page, "s.mode === 'play'")
    canvas = page.locator("#game")
    box = canvas.bounding_box()
    if box is None:
        raise RuntimeError("the demo's canvas is not shown")
    for _ in range(STEPS):
        s = _state(page)
        if s["mode"] == "over":
            return int(page.evaluate("() => window.demo.frames")) - int(first)
        if s["mode"] == "hit":
            page.click("#btn-continue")
            _wait(page, "s.mode !== 'hit'")
            continue
        bombs = [item for item in s["items"] if item[0] == "bomb"]
        if bombs:
            x = max(bombs, key=lambda item: item[2])[1]
            page.mouse.move(box["x"] + x * box["width"] / CANVAS_W, box["y"] + box["height"] * 0.9)
        frames = page.evaluate("() => window.demo.frames")
        page.wait_for_function("(n) => window.demo.frames >= n", arg=frames + 1)
    raise RuntimeError(f"a round of the demo did not end in {STEPS} steps: {_state(page)}")


def measure(browser: Browser, base_url: str, rounds: int = ROUNDS) -> MemoryFigures:
    """Per platform: a fresh demo page, its counts after boot, then after each of ``rounds`` rounds."""
    figures = MemoryFigures()
    for platform in PLATFORMS:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(120_000)
        try:
            page.goto(f"{base_url}/index.html" + ("" if platform == "web" else f"?mock={platform}"))
            page.wait_for_function("() => performance.getEntriesByName('gameport:ready').length > 0")
            page.evaluate("() => window.gameportDemo.pyodide._module.enable_pyproxy_allocation_tracing()")
            figures.after_boot[platform] = _counts(page)
            figures.rounds[platform] = []
            for _ in range(rounds):
                play_round(page)
                figures.rounds[platform].append(_counts(page))
        finally:
            context.close()
    return figures
