"""Real HTTP for :class:`gameport.testing.FakeBridge` on CPython: host tests that talk to a real server.

::

    from gameport.testing.fake_bridge import FakeBridge
    from gameport.testing.fake_http import urllib_http

    bridge = FakeBridge(handler, http=urllib_http)   # fetch_json now reaches the real server

It behaves like the browser bridge's ``fetch`` where a host test can tell: JSON text in and out, any status
is an answer, no cookies, and the same errors. It does not emulate CORS or a page's CSP.
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request

from gameport.bridge.fetch import HttpReply, HttpRequest, reply_from_text
from gameport.errors import BridgeTimeoutError, NetworkError


async def urllib_http(request: HttpRequest) -> HttpReply:
    """Send ``request`` with :mod:`urllib.request` in a worker thread.

    Raises:
        NetworkError: no answer (refused, DNS, a relative URL: there is no page to resolve it against).
        BridgeTimeoutError: no complete answer within ``request.timeout``.
    """
    return await asyncio.to_thread(_send, request)


def _send(request: HttpRequest) -> HttpReply:
    body_text = request.body_text
    headers = {"Accept": "application/json"}
    if body_text is not None:
        headers["Content-Type"] = "application/json"
    headers.update(request.headers)
    data = None if body_text is None else body_text.encode("utf-8")
    try:
        prepared = urllib.request.Request(request.url, data=data, headers=headers, method=request.method)
        with urllib.request.urlopen(prepared, timeout=request.timeout) as response:
            return reply_from_text(response.status, response.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as answered:
        with answered:
            return reply_from_text(answered.code, answered.read().decode("utf-8", "replace"))
    except (TimeoutError, urllib.error.URLError) as exc:
        if isinstance(exc, urllib.error.URLError) and not isinstance(exc.reason, TimeoutError):
            raise NetworkError(f"{request.path} got no answer: {exc.reason}", url=request.url) from None
        raise BridgeTimeoutError(
            f"{request.path} did not answer within {request.timeout:g} s",
            path=request.path,
            timeout=request.timeout,
        ) from None
    except (OSError, ValueError) as exc:
        raise NetworkError(f"{request.path} got no answer: {exc}", url=request.url) from None
