"""Browser test harness: real Pyodide from the built dist/ in Debian's headless Chromium via Playwright.

One HTTP server serves ``dist/`` at ``/`` and ``tests/browser/pages/`` at ``/_test/`` for the whole session.
Pages boot Pyodide once per module (``booted_page``); tests reset JavaScript state instead of rebooting.
Browser tests are never skipped: without Chromium or a built site the run fails and says why.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from ..build_script import load_build_script

ROOT = Path(__file__).resolve().parents[2]
PAGES = Path(__file__).resolve().parent / "pages"
STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'"
BOOT_TIMEOUT_MS = 90_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    build = load_build_script()
    if not build.CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {build.CHROMIUM}: run `python3 build.py setup` (browser tests never skip)"
        )
    return {"executable_path": str(build.CHROMIUM), "args": build.CHROMIUM_ARGS, "headless": True}


def _headers(path: str, query: str) -> dict[str, str]:
    return {"Content-Security-Policy": STRICT_CSP} if "csp=1" in query.split("&") else {}


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    """Base URL of the built site plus the test pages, served on 127.0.0.1."""
    if not (ROOT / "dist" / "build-info.json").exists():
        pytest.fail("dist/ is not built: run `python3 build.py build` (or `python3 build.py test`)")
    built = (ROOT / "dist" / "build-info.json").stat().st_mtime
    sources = [p for d in ("src/gameport", "js_bridge") for p in (ROOT / d).rglob("*") if p.is_file()]
    stale = [
        str(p.relative_to(ROOT)) for p in sources if p.stat().st_mtime > built and "server" not in p.parts
    ]
    if stale:
        pytest.fail(
            f"dist/ is older than {stale[0]} (and {len(stale) - 1} more): run `python3 build.py build`"
        )
    build = load_build_script()
    server = build.make_server({"/": ROOT / "dist", "/_test/": PAGES}, 0, _headers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def open_harness(browser: Browser, url: str) -> Page:
    """A new page on ``url`` (a harness page), after gameport has booted in it."""
    context = browser.new_context()
    page = context.new_page()
    page.on("console", lambda msg: print(f"[console.{msg.type}] {msg.text}") if msg.type == "error" else None)
    page.goto(url)
    outcome = page.evaluate("() => window.gpBoot", None)
    page.set_default_timeout(30_000)
    assert outcome == "ready", f"boot failed: {outcome}"
    return page


@pytest.fixture(scope="module")
def booted_page(browser: Browser, site_url: str) -> Iterator[Page]:
    """One booted harness page per test module (Pyodide boots once, a few seconds)."""
    page = open_harness(browser, f"{site_url}/_test/harness.html")
    yield page
    page.context.close()


def run_py(page: Page, code: str) -> Any:
    """Run Python (top-level await allowed) in the page; it must set ``result`` to a JSON-like value."""
    wrapped = code + "\n__import__('json').dumps(result)"
    text = page.evaluate("(code) => window.gp.pyodide.runPythonAsync(code)", wrapped)
    return json.loads(text)


def js_stats(page: Page) -> dict[str, int]:
    """The bridge API's live counts (handles, subscriptions, pending calls) and counters."""
    return json.loads(page.evaluate("() => window.gp.api.stats()"))


@pytest.fixture(scope="session")
def gameport_server_config() -> dict[str, Any]:
    """The plugin's gameport_game runs the backend with the demo game's catalog (coins_100)."""
    from gameport.testing.local_stack import sandbox_server_config

    return sandbox_server_config(load_build_script().DEMO_CATALOG)
