"""The bridge between gameport and JavaScript.

:func:`default_bridge` gives the browser bridge when running in Pyodide; on CPython, tests and tools pass a
:class:`gameport.testing.fake_bridge.FakeBridge` instead. Nothing here imports ``js`` on CPython.
"""

from __future__ import annotations

import sys

from gameport.bridge.fetch import HttpReply, HttpRequest
from gameport.bridge.protocol import DEFAULT_TIMEOUT, Bridge, Handle, Subscription
from gameport.errors import BridgeError

IN_PYODIDE = sys.platform == "emscripten"
"""True when running inside Pyodide (WebAssembly in a browser or worker)."""


_page_bridge: Bridge | None = None


def default_bridge() -> Bridge:
    """The bridge to the page's JavaScript: one per page (every call answers the same bridge), so state
    that belongs to the page, such as the ads Meta still counts, is kept once.

    Raises:
        BridgeError: outside Pyodide (pass a ``gameport.testing.FakeBridge`` there), or when the page was
            not booted with ``js_bridge/loader.js``.
    """
    if not IN_PYODIDE:
        raise BridgeError(
            "no JavaScript runtime here (not in Pyodide): pass bridge=gameport.testing.FakeBridge(...)"
        )
    global _page_bridge
    if _page_bridge is None:
        from gameport.bridge.pyodide_bridge import PyodideBridge

        _page_bridge = PyodideBridge()
    return _page_bridge


__all__ = [
    "DEFAULT_TIMEOUT",
    "IN_PYODIDE",
    "Bridge",
    "Handle",
    "HttpReply",
    "HttpRequest",
    "Subscription",
    "default_bridge",
]
