"""Serve the built site with the benchmark pages, and drive them in Debian's headless Chromium.

``served_site()`` serves ``dist/`` at ``/`` and ``bench/pages/`` at ``/_bench/`` (build.py's own server);
``open_bench_page`` boots gameport in a fresh browser context and answers the page with its boot marks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page
from tests.build_script import load_build_script

from gameport.testing.local_stack import CHROMIUM_ARGS, chromium_path, serving

ROOT = Path(__file__).resolve().parents[1]
PAGES = Path(__file__).resolve().parent / "pages"
BOOT_TIMEOUT_MS = 120_000

# The mocks' query strings on the bench page, per platform ("" boots the plain web platform).
SDK_QUERIES = {
    "tiktok": "sdk=/js_bridge/mocks/ttminis.js&global=TTMinis.game",
    "meta": "sdk=/js_bridge/mocks/fbinstant.js&global=FBInstant",
    "web": "",
}


def site_routes(stock: Path | None = None) -> dict[str, Path]:
    """URL prefix -> folder: dist/ at /, the bench pages at /_bench/, stock Pyodide at /_stock/ if given."""
    routes = {"/": ROOT / "dist", "/_bench/": PAGES}
    if stock is not None:
        routes["/_stock/"] = stock
    return routes


@contextmanager
def served_site(stock: Path | None = None) -> Iterator[str]:
    """Serve ``site_routes(stock)`` on a free 127.0.0.1 port (build.py's server, which picks .br/.gz by
    Accept-Encoding); yields the base URL."""
    with serving(load_build_script().make_server(site_routes(stock), 0)) as base_url:
        yield base_url


def launch_args() -> dict[str, Any]:
    """Keyword arguments for ``playwright.chromium.launch``: Debian's Chromium, headless."""
    chromium = chromium_path()
    if not chromium.exists():
        raise SystemExit(f"Chromium not found at {chromium}: run `python3 build.py setup`")
    return {"executable_path": str(chromium), "args": CHROMIUM_ARGS, "headless": True}


def open_bench_page(browser: Browser, base_url: str, platform: str) -> tuple[Page, dict[str, float]]:
    """A fresh context and page with gameport booted (and ``platform``'s mock SDK loaded).

    Answers the page and its boot marks (ms since navigation start: runtime, packages, sdk?, ready).
    Raises RuntimeError when the boot fails.
    """
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(BOOT_TIMEOUT_MS)
    page.goto(f"{base_url}/_bench/bench.html?{SDK_QUERIES[platform]}")
    outcome = page.evaluate("() => window.gpBench")
    if not outcome.get("ok"):
        context.close()
        raise RuntimeError(f"gameport did not boot on the {platform} bench page: {outcome}")
    return page, outcome["marks"]


def run_py(page: Page, code: str) -> Any:
    """Run Python (top-level await allowed) in the page; it must set ``result`` to a JSON-like value."""
    wrapped = code + "\n__import__('json').dumps(result)"
    return json.loads(page.evaluate("(code) => window.gp.pyodide.runPythonAsync(code)", wrapped))
