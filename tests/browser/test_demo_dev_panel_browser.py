"""The demo's developer panel in Chromium: a person switches the platform the mocks present and picks mock
scenarios with real clicks, and the game, rebooted on each choice, meets them (a cancelled pay sheet, an
old client's missing buttons, a slow network), with the reference backend and mock server as processes.
"""

from __future__ import annotations

from playwright.sync_api import Page

from gameport.testing.game_harness import GameUnderTest

from .demo_player import TITLE, Player

BOOT_MS = 90_000


def _choose(game: GameUnderTest, page: Page, control: str, expect_in_url: str) -> Player:
    """Click the panel's ``control`` (an input selector): the page reloads with the new choice."""
    page.locator("#dev-panel").evaluate("(panel) => { panel.open = true; }")
    page.locator(control).click()
    page.wait_for_url(f"**{expect_in_url}**", timeout=BOOT_MS)
    page.wait_for_function(f"() => {TITLE}", timeout=BOOT_MS)
    return Player(game, page)


def _grants(game: GameUnderTest) -> int:
    return int(game.rows("SELECT count(*) FROM grants")[0][0])


def _buy_and_hear(player: Player) -> str:
    player.click("shop")
    return str(player.wait("s.busy === null && s.message !== ''")["message"])


def test_the_developer_panel_switches_platform_and_scenarios_by_clicks(gameport_game: GameUnderTest) -> None:
    page = gameport_game.open("web", ready=TITLE, dev="pay_cancel")
    summary = page.locator("#dev-panel summary")
    assert summary.inner_text() == "Developer panel: web, pay_cancel"
    assert page.locator("#dev-panel input[name=old_client]").is_disabled()  # the web has no old client
    assert page.locator("#dev-panel input[name=pay_cancel]").is_checked()

    # the web pay sheet is cancelled: the game says so, the backend grants nothing
    grants = _grants(gameport_game)
    assert _buy_and_hear(Player(gameport_game, page)) == "Purchase cancelled"
    assert _grants(gameport_game) == grants

    # the mocks present TikTok now; the scenario and the local servers stay chosen
    player = _choose(gameport_game, page, "#dev-panel input[value=tiktok]", "mock=tiktok")
    assert player.state()["platform"] == "tiktok"
    assert "dev=pay_cancel" in page.url and "backend=" in page.url and "platform_url=" in page.url
    assert {"shop", "revisit", "shortcut"} <= player.buttons()
    assert _buy_and_hear(player) == "Purchase cancelled"
    pays = page.evaluate("() => __gpMock.callsTo('pay').map((c) => c.outcome)")
    assert pays == ["cancel"]
    assert _grants(gameport_game) == grants

    # an old TikTok client: what it lacks, the game hides
    player = _choose(gameport_game, page, "#dev-panel input[name=old_client]", "old_client")
    assert page.evaluate("() => __gpMock.scenario.clientVersion") == "40.0.0"
    assert "revisit" not in player.buttons() and "play" in player.buttons()

    # Meta without payments and shortcuts (an old client there): no shop, no shortcut button
    player = _choose(gameport_game, page, "#dev-panel input[value=meta]", "mock=meta")
    assert player.state()["platform"] == "meta"
    assert summary.inner_text() == "Developer panel: meta, pay_cancel, old_client"
    assert not {"shop", "shortcut"} & player.buttons() and "play" in player.buttons()

    # a slow network: every request to the backend or the mock server waits before it is sent
    _choose(gameport_game, page, "#dev-panel input[name=slow_network]", "slow_network")
    waited = page.evaluate(
        """async (backend) => {
            const start = performance.now();
            await fetch(new URL("/api/health", backend));
            return performance.now() - start;
        }""",
        gameport_game.backend_url,
    )
    # a lower bound only (1.5 s less the clock's coarsening): a loaded machine makes it longer, never shorter
    assert waited >= 1400, waited
    assert gameport_game.errors(page) == []
