"""The built demo page boots Python in Pyodide and calls JavaScript through the bridge."""

from __future__ import annotations

from playwright.sync_api import Browser, expect


def test_demo_page_runs_python_that_calls_javascript(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{site_url}/index.html")
        expect(page.locator("#status")).to_have_text("ready", timeout=90_000)
        items = page.locator("#log li").all_text_contents()
        assert items[0].startswith("Python 3.14") and "emscripten" in items[0]
        assert items[1] == "Python awaited a JavaScript Promise"
        assert items[2] == "A callback-style call answered {'answer': 42}"
        assert "Chrome" in items[3]
        assert page.locator("#progress").get_attribute("value") == "1"
    finally:
        context.close()
