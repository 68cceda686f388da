"""HTTP through the bridge: what :meth:`~gameport.bridge.protocol.Bridge.fetch_json` sends and answers.

Only JSON crosses: a request body is sent as JSON text (``Content-Type: application/json``), and the answer
is the HTTP status with the body parsed as JSON. Both bridges (the browser one over ``fetch`` and
:class:`gameport.testing.fake_bridge.FakeBridge`) check requests here, so they refuse the same ones.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from gameport.errors import BridgeError
from gameport.values import Json

METHODS: Final = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
"""The HTTP methods :meth:`Bridge.fetch_json` sends."""

TEXT_KEPT: Final = 500
"""How many characters of a body that is not JSON an :class:`HttpReply` keeps, for error messages."""


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One checked request (a :class:`~gameport.testing.FakeBridge` hands it to its ``http`` handler).

    Attributes:
        method: upper case, one of :data:`METHODS`.
        url: absolute, or relative to the page (the worker script, in a Web Worker).
        body: the JSON value to send; None sends no body.
        headers: extra request headers (``Authorization``, ...).
        timeout: seconds before the request is aborted.
    """

    method: str
    url: str
    body: Json
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 10.0

    @property
    def path(self) -> str:
        """``"POST https://..."``: how errors name this request."""
        return f"{self.method} {self.url}"

    @property
    def body_text(self) -> str | None:
        """The body as compact JSON text, or None when there is none."""
        return None if self.body is None else json.dumps(self.body, separators=(",", ":"), allow_nan=False)


@dataclass(frozen=True, slots=True)
class HttpReply:
    """An HTTP answer of any status: the server answered.

    Attributes:
        status: the HTTP status, e.g. 200 or 401.
        body: the body parsed as JSON; None when it was empty or not JSON.
        text: for a body that is not JSON, its first :data:`TEXT_KEPT` characters (an HTML error page from a
            proxy, say); otherwise None.
    """

    status: int
    body: Json = None
    text: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the status is 2xx."""
        return 200 <= self.status < 300


def http_request(
    method: str, url: str, body: Json, headers: Mapping[str, str] | None, timeout: float
) -> HttpRequest:
    """Check a request before anything is sent.

    Raises:
        BridgeError: an unknown method, a GET with a body, an empty URL, a header with a line break, a
            timeout that is not a positive number of seconds, or a body that is not JSON-like.
    """
    verb = method.upper() if isinstance(method, str) else ""
    path = f"{verb or method!r} {url}"
    if verb not in METHODS:
        raise BridgeError(f"{path}: the method must be one of {sorted(METHODS)}", path=path)
    if not isinstance(url, str) or not url.strip():
        raise BridgeError(f"{path}: the URL must be a non-empty string", path=path)
    if verb == "GET" and body is not None:
        raise BridgeError(f"{path}: a GET request cannot have a body", path=path)
    checked = dict(headers or {})
    for name, value in checked.items():
        if (
            not isinstance(name, str)
            or not isinstance(value, str)
            or not name
            or any(c in name + value for c in "\r\n")
        ):
            raise BridgeError(
                f"{path}: header {name!r} must be a name and a value without line breaks", path=path
            )
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout < math.inf:
        raise BridgeError(f"{path}: the timeout must be a positive number of seconds", path=path)
    try:
        json.dumps(body, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise BridgeError(f"{path}: the body is not JSON-like: {exc}", path=path) from None
    return HttpRequest(verb, url, body, checked, float(timeout))


def reply_from_text(status: int, text: str) -> HttpReply:
    """The :class:`HttpReply` for a body received as text (parsed as JSON when it is JSON)."""
    if not text:
        return HttpReply(status)
    try:
        body: Json = json.loads(text)
    except ValueError:
        return HttpReply(status, None, text[:TEXT_KEPT])
    return HttpReply(status, body)


def http_reply(value: Json, path: str) -> HttpReply:
    """The :class:`HttpReply` the JavaScript side answered (``{status, body, text}``).

    Raises:
        BridgeError: the value does not have that shape.
    """
    status = value.get("status") if isinstance(value, dict) else None
    text = value.get("text") if isinstance(value, dict) else None
    if not isinstance(value, dict) or not isinstance(status, int) or isinstance(status, bool):
        raise BridgeError(f"{path}: the bridge answered no HTTP status", path=path)
    return HttpReply(status, value.get("body"), text if isinstance(text, str) else None)
