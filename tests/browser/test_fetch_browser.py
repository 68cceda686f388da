"""``Bridge.fetch_json`` in real Chromium: the page's ``fetch`` against real HTTP servers on 127.0.0.1.

Another origin than the page's (a different port), so CORS is real: the test server answers it, except on
``/nocors``, which the browser must refuse.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Page

from .conftest import js_stats, run_py

PRELUDE = """
from gameport.bridge.pyodide_bridge import PyodideBridge
from gameport.errors import GameportError

bridge = PyodideBridge()

async def fetched(*args, **kwargs):
    try:
        reply = await bridge.fetch_json(*args, **kwargs)
        return {"status": reply.status, "body": reply.body, "text": reply.text}
    except GameportError as exc:
        return {"error": type(exc).__name__, "url": getattr(exc, "url", None),
                "timeout": getattr(exc, "timeout", None), "message": str(exc)}

result = True
"""


class _Cors(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's parameter name
        pass

    def _answer(self, status: int, text: str, kind: str = "application/json", cors: bool = True) -> None:
        data = text.encode()
        self.send_response(status)
        if cors:
            self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:  # the browser gave up first (the timeout test)
            pass

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
        self.send_header("Access-Control-Allow-Headers", "authorization, content-type")
        self.end_headers()

    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(3)
            self._answer(200, "{}")
        elif self.path == "/html":
            self._answer(502, "<h1>bad gateway</h1>", "text/html")
        elif self.path == "/nocors":
            self._answer(200, "{}", cors=False)
        else:
            seen = {name: self.headers[name] for name in ("Accept", "Authorization", "Cookie")}
            self._answer(200, json.dumps(seen))

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        seen = {"type": self.headers["Content-Type"], "body": json.loads(raw) if raw else None}
        self._answer(422 if self.path == "/refuse" else 200, json.dumps(seen))

    do_PUT = do_POST


@pytest.fixture(scope="module")
def api_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Cors)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def page(booted_page: Page) -> Page:
    assert run_py(booted_page, PRELUDE) is True
    return booted_page


def test_cross_origin_json_requests_with_headers(page: Page, api_url: str) -> None:
    got = run_py(
        page,
        f"""
result = [
    await fetched("GET", "{api_url}/who", headers={{"Authorization": "Bearer s1"}}),
    await fetched("post", "{api_url}/echo", {{"score": 5, "extra": "é"}}),
    await fetched("PUT", "{api_url}/refuse", [1, None]),
    await fetched("GET", "{api_url}/html"),
]
""",
    )
    assert got == [
        {
            "status": 200,
            "body": {"Accept": "application/json", "Authorization": "Bearer s1", "Cookie": None},
            "text": None,
        },
        {
            "status": 200,
            "body": {"type": "application/json", "body": {"score": 5, "extra": "é"}},
            "text": None,
        },
        {"status": 422, "body": {"type": "application/json", "body": [1, None]}, "text": None},
        {"status": 502, "body": None, "text": "<h1>bad gateway</h1>"},
    ]


def test_same_origin_relative_url(page: Page) -> None:
    got = run_py(page, 'reply = await bridge.fetch_json("GET", "/build-info.json")\nresult = reply.body')
    assert got["wheels"]["gameport"].endswith(".whl")


def test_no_answer_is_a_network_error_naming_the_url(page: Page, api_url: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/x"
    got = run_py(page, f'result = [await fetched("GET", "{dead}"), await fetched("GET", "{api_url}/nocors")]')
    assert [(g["error"], g["url"]) for g in got] == [
        ("NetworkError", dead),
        ("NetworkError", f"{api_url}/nocors"),
    ]
    assert js_stats(page)["pending"] == 0


def test_a_server_that_does_not_answer_in_time_is_a_timeout(page: Page, api_url: str) -> None:
    started = time.monotonic()
    got = run_py(page, f'result = await fetched("GET", "{api_url}/slow", timeout=0.3)')
    assert (got["error"], got["timeout"]) == ("BridgeTimeoutError", 0.3)
    assert time.monotonic() - started < 2.5
    assert js_stats(page)["pending"] == 0


def test_bad_requests_are_refused_before_sending(page: Page, api_url: str) -> None:
    got = run_py(
        page,
        f'result = [await fetched("TRACE", "{api_url}/"), await fetched("GET", "{api_url}/", {{"a": 1}})]',
    )
    assert [g["error"] for g in got] == ["BridgeError", "BridgeError"]


def test_many_requests_leave_nothing_behind(page: Page, api_url: str) -> None:
    counts = "() => window.gp.pyodide._module.pyproxy_alloc_map.size"
    page.evaluate("() => window.gp.pyodide._module.enable_pyproxy_allocation_tracing()")
    churn = f"""
import gc
for i in range(40):
    await bridge.fetch_json("POST", "{api_url}/echo", {{"i": i}})
    await bridge.fetch_json("GET", "{api_url}/html")
gc.collect()
result = True
"""
    run_py(page, churn)
    baseline = page.evaluate(counts)
    run_py(page, churn)
    assert page.evaluate(counts) == baseline
    assert js_stats(page)["pending"] == 0
