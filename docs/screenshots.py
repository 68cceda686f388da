"""Take the README's screenshots of the demo game with Playwright, from the real demo: the built dist/, the
reference backend and the mock platform server as real processes, real clicks and mouse moves.

    python3 build.py build && .venv/bin/python docs/screenshots.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.demo_player import TITLE, Player  # noqa: E402
from tests.build_script import load_build_script  # noqa: E402

from gameport.testing.game_harness import GameUnderTest, _Stack  # noqa: E402
from gameport.testing.local_stack import (  # noqa: E402
    CHROMIUM_ARGS,
    chromium_path,
    running_servers,
    sandbox_server_config,
    serving_folder,
)

DOCS = ROOT / "docs"


def snap(page: Page, name: str) -> None:
    """The game and its buttons (not the status line) as docs/<name>.png."""
    page.locator("#status").evaluate("(e) => { e.parentElement.hidden = true; }")
    png = page.locator("main").screenshot(path=DOCS / f"{name}.png")
    page.locator("#status").evaluate("(e) => { e.parentElement.hidden = false; }")
    print(f"docs/{name}.png: {len(png):,} B")


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="gameport-shots-"))
    config = tmp / "server-config.json"
    config.write_text(json.dumps(sandbox_server_config(load_build_script().DEMO_CATALOG)))
    db = tmp / "ledger.sqlite3"
    dist = ROOT / "dist"
    with running_servers(config, db) as servers, serving_folder(dist) as site, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium_path()), args=CHROMIUM_ARGS, headless=True)
        stack = _Stack(browser, site, servers.backend_url, servers.mock_url, db, tmp)
        game = GameUnderTest(stack, "index.html", tmp)
        page = game.open("tiktok", scenario={"openId": "you"}, ready=TITLE)
        player = Player(game, page)
        snap(page, "demo-tiktok-title")
        player.click("play")
        player.wait("s.mode === 'play'")
        player.chase("coin", lambda s: s["score"] >= 3)
        player.back_to_play()
        player.next_frames(20)
        snap(page, "demo-playing")
        player.chase("bomb", lambda s: s["mode"] == "hit")
        snap(page, "demo-hit-revive")
        player.lose_every_life(until="s.top.length > 0")
        player.click("shop")
        player.wait("s.busy === null && s.message.startsWith('Thanks')")
        snap(page, "demo-over-leaderboard-shop")
        snap(game.open("meta", scenario={"playerId": "you-on-meta"}, ready=TITLE), "demo-meta-title")
        game.close()
        browser.close()


if __name__ == "__main__":
    main()
