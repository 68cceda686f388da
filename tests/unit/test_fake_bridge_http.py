"""``Bridge.fetch_json`` on CPython: FakeBridge's http handler, and real HTTP through ``urllib_http``."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from gameport.bridge import HttpReply, HttpRequest
from gameport.bridge.fetch import TEXT_KEPT, http_reply, reply_from_text
from gameport.errors import BridgeError, BridgeTimeoutError, NetworkError
from gameport.testing import FakeBridge
from gameport.testing.fake_http import urllib_http


async def test_the_http_handler_gets_a_checked_request_and_the_call_is_recorded() -> None:
    seen: list[HttpRequest] = []

    def server(request: HttpRequest) -> HttpReply:
        seen.append(request)
        return HttpReply(201, {"echo": request.body})

    bridge = FakeBridge(http=server)
    reply = await bridge.fetch_json(
        "post", "https://api.example/x", {"a": [1]}, headers={"X-K": "v"}, timeout=3
    )
    assert (reply.status, reply.body, reply.ok) == (201, {"echo": {"a": [1]}}, True)
    assert seen == [HttpRequest("POST", "https://api.example/x", {"a": [1]}, {"X-K": "v"}, 3.0)]
    assert seen[0].body_text == '{"a":[1]}' and seen[0].path == "POST https://api.example/x"
    assert [(c.kind, c.path, c.args, c.options) for c in bridge.calls] == [
        ("fetch_json", "https://api.example/x", ("POST", {"a": [1]}), {"X-K": "v"})
    ]


async def test_an_async_handler_and_a_handler_set_later() -> None:
    bridge = FakeBridge()
    with pytest.raises(NetworkError, match="no http handler") as info:
        await bridge.fetch_json("GET", "/offline")
    assert info.value.url == "/offline"

    async def server(request: HttpRequest) -> HttpReply:
        await asyncio.sleep(0)
        return HttpReply(404, {"error": {"code": "not_found"}})

    bridge.http = server
    reply = await bridge.fetch_json("GET", "/missing")
    assert (reply.status, reply.ok) == (404, False)


async def test_a_handler_that_never_answers_ends_in_the_timeout() -> None:
    async def stuck(request: HttpRequest) -> HttpReply:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    with pytest.raises(BridgeTimeoutError) as info:
        await FakeBridge(http=stuck).fetch_json("GET", "https://api.example/slow", timeout=0.05)
    assert (info.value.timeout, info.value.path) == (0.05, "GET https://api.example/slow")


@pytest.mark.parametrize(
    ("method", "url", "body", "headers", "timeout", "message"),
    [
        ("TRACE", "/x", None, None, 1.0, "method must be one of"),
        ("GET", "/x", {"a": 1}, None, 1.0, "GET request cannot have a body"),
        ("POST", " ", None, None, 1.0, "non-empty string"),
        ("POST", "/x", None, {"X-A": "b\r\nX-Evil: 1"}, 1.0, "without line breaks"),
        ("POST", "/x", None, None, 0.0, "positive number of seconds"),
        ("POST", "/x", None, None, float("inf"), "positive number of seconds"),
        ("POST", "/x", {"n": float("nan")}, None, 1.0, "not JSON-like"),
        ("POST", "/x", {"s": {1, 2}}, None, 1.0, "not JSON-like"),
    ],
)
async def test_requests_that_cannot_be_sent_are_refused_before_the_handler(
    method: str, url: str, body: Any, headers: dict[str, str] | None, timeout: float, message: str
) -> None:
    bridge = FakeBridge(http=lambda request: HttpReply(200))
    with pytest.raises(BridgeError, match=message):
        await bridge.fetch_json(method, url, body, headers=headers, timeout=timeout)
    assert bridge.calls == []


def test_replies_from_text_and_from_the_javascript_side() -> None:
    assert reply_from_text(204, "") == HttpReply(204)
    assert reply_from_text(200, '{"a":1}') == HttpReply(200, {"a": 1})
    page = reply_from_text(502, "<html>" + "x" * 1000)
    assert page.body is None and page.text is not None and len(page.text) == TEXT_KEPT
    assert http_reply({"status": 200, "body": [1], "text": None}, "GET /") == HttpReply(200, [1])
    for bad in (None, {"body": 1}, {"status": True}, {"status": "200"}):
        with pytest.raises(BridgeError, match="no HTTP status"):
            http_reply(bad, "GET /")


# -- real HTTP through urllib_http ----------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's parameter name
        pass

    def _answer(self, status: int, text: str, kind: str = "application/json") -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(1.0)
            try:
                self._answer(200, "{}")
            except OSError:  # the client gave up first, as the test wants
                pass
        elif self.path == "/html":
            self._answer(503, "<h1>down</h1>", "text/html")
        else:
            self._answer(
                200, json.dumps({"accept": self.headers["Accept"], "auth": self.headers["Authorization"]})
            )

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        seen = {"type": self.headers["Content-Type"], "body": json.loads(raw)}
        self._answer(400 if self.path == "/refuse" else 200, json.dumps(seen))


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_urllib_http_talks_to_a_real_server(server_url: str) -> None:
    bridge = FakeBridge(http=urllib_http)
    got = await bridge.fetch_json("GET", f"{server_url}/h", headers={"Authorization": "Bearer s"})
    assert got == HttpReply(200, {"accept": "application/json", "auth": "Bearer s"})
    posted = await bridge.fetch_json("POST", f"{server_url}/refuse", {"score": 3})
    assert posted == HttpReply(400, {"type": "application/json", "body": {"score": 3}})
    page = await bridge.fetch_json("GET", f"{server_url}/html")
    assert (page.status, page.body, page.text) == (503, None, "<h1>down</h1>")


async def test_urllib_http_network_failures_and_timeouts(server_url: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/x"
    bridge = FakeBridge(http=urllib_http)
    with pytest.raises(NetworkError) as refused:
        await bridge.fetch_json("GET", dead)
    assert refused.value.url == dead
    with pytest.raises(NetworkError, match="got no answer"):
        await bridge.fetch_json("GET", "/relative/has/no/page")
    with pytest.raises(BridgeTimeoutError):
        await bridge.fetch_json("GET", f"{server_url}/slow", timeout=0.2)
