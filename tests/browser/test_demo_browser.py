"""The built demo page without a backend: the game boots on the plain web platform, hides what needs a
backend (shop, leaderboard) instead of failing, and a round starts on a real click."""

from __future__ import annotations

from playwright.sync_api import Browser, expect


def test_demo_game_without_backend_hides_the_shop_and_plays(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{site_url}/index.html")
        expect(page.locator("#status")).to_have_text("ready on web", timeout=90_000)
        page.wait_for_function("() => window.demo.state?.mode === 'title'")
        buttons = page.evaluate("() => Object.keys(window.demo.buttons)")
        assert buttons == ["play"]  # no backend_url: no purchases; no navigator.share, no shortcut on web
        assert page.locator("#loading").is_hidden() and page.locator("#game").is_visible()
        page.click("#btn-play")
        page.wait_for_function("() => window.demo.state.mode === 'play' && window.demo.state.elapsed > 0")
        assert page.evaluate("() => Object.keys(window.demo.buttons)") == ["pause"]
        page.keyboard.press("p")
        page.wait_for_function("() => window.demo.state.message === 'Paused'")
        assert page.evaluate("() => Object.keys(window.demo.buttons)") == ["continue"]  # no ad for a pause
        assert errors == []
    finally:
        context.close()
