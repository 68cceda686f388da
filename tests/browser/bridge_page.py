"""A booted test page with a Pyodide bridge ready in its Python, for the bridge's browser tests."""

from __future__ import annotations

from playwright.sync_api import Page

from .conftest import run_py

BRIDGE_PRELUDE = """
from gameport.bridge.pyodide_bridge import PyodideBridge
from gameport.errors import GameportError

bridge = PyodideBridge()
await bridge.load_script("/_test/fixtures.js", "testjs", module=True, timeout=5)
"""


def with_bridge(page: Page, prelude: str) -> Page:
    """``page`` once its Python has ``bridge`` (a PyodideBridge with the test fixtures loaded as ``testjs``),
    ``PyodideBridge`` and ``GameportError``, and has run ``prelude`` (which must set ``result = True``)."""
    assert run_py(page, BRIDGE_PRELUDE + prelude) is True, prelude
    return page
