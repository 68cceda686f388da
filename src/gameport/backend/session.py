"""A session with the game backend (``backend_url``), made from the platform's silent login.

The first request that needs it logs in, once (concurrent callers wait for the same login); the session
token is then sent as ``Authorization: Bearer <session>`` until the backend answers 401, which logs in once
more and retries the request once. The login routes are those of the reference backend
(``gameport.server.backend_app``); a backend of your own implements the same three:

* TikTok: ``login()``'s one-time code → ``POST {backend_url}/api/tiktok/login {code}`` →
  ``{session, open_id}``.
* Meta: ``POST {backend_url}/api/meta/nonce`` → ``{nonce}``; ``login(nonce=nonce)`` →
  ``POST {backend_url}/api/meta/login {signed_player_info}`` → ``{session, player_id}``.
* web: ``login()``'s unsigned dev token → ``POST {backend_url}/api/web/login {token}`` → ``{session,
  player_id}`` (the reference backend accepts it only in its sandbox).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Final

from gameport.adapters.base import Adapter
from gameport.bridge import DEFAULT_TIMEOUT, Bridge, HttpReply
from gameport.capabilities import Capability, PlatformName
from gameport.config.settings import PlatformSettings
from gameport.errors import BackendError
from gameport.values import Json, JsonObject


@dataclass(frozen=True, slots=True)
class LoginRoute:
    """How one platform's login credential becomes a backend session."""

    path: str
    credential_field: str
    player_field: str
    nonce_path: str | None = None


LOGIN_ROUTES: Final = {
    PlatformName.TIKTOK: LoginRoute("/api/tiktok/login", "code", "open_id"),
    PlatformName.META: LoginRoute("/api/meta/login", "signed_player_info", "player_id", "/api/meta/nonce"),
    PlatformName.WEB: LoginRoute("/api/web/login", "token", "player_id"),
}
"""Platform -> its login route on the backend."""


class BackendSession:
    """The game's session with its backend, for gameport's own backend features (leaderboards).

    No network traffic until the first :meth:`request` or :meth:`login`.

    Args:
        bridge: sends the HTTP requests (:meth:`~gameport.bridge.Bridge.fetch_json`).
        adapter: the platform's adapter, whose silent login makes the credential.
        backend_url: the backend's base URL (``PlatformSettings.backend_url``).
        timeout: seconds for each HTTP request.
    """

    def __init__(self, bridge: Bridge, adapter: Adapter, backend_url: str, *, timeout: float) -> None:
        self._bridge = bridge
        self._adapter = adapter
        self._route = LOGIN_ROUTES[adapter.name]
        self.backend_url: Final = backend_url.rstrip("/")
        self._timeout = timeout
        self._token: str | None = None
        self._login_task: asyncio.Task[str] | None = None
        self.player_id: str | None = None
        """The player id the backend returned at login (TikTok's ``open_id``); None before login."""
        self.logins = 0
        """How many logins this session made (1 after the first; more after the backend answered 401)."""

    async def login(self) -> str:
        """The session token, logging in first when there is none. Single-flight: concurrent callers share
        one login; after a failure the next call tries again.

        Raises:
            BackendError: the backend refused the login (``.status``, ``.code``, e.g. 401
                ``invalid_login_code`` or 403 ``dev_login_disabled``) or answered without a session.
            NetworkError, BridgeTimeoutError: the backend did not answer.
            UserCancelledError, PlatformError, UnsupportedCapabilityError: the platform's login failed.
        """
        if self._token is not None:
            return self._token
        task = self._login_task
        if task is None:
            task = self._login_task = asyncio.ensure_future(self._log_in())

            def done(finished: asyncio.Task[str]) -> None:
                # Here, not in the waiter: a waiter may be cancelled before the login ends, and a failed
                # login left behind would be handed to the next caller instead of tried again.
                if self._login_task is finished:
                    self._login_task = None
                if not finished.cancelled():
                    finished.exception()

            task.add_done_callback(done)
        return await asyncio.shield(task)

    async def request(self, method: str, url: str, body: Json = None) -> JsonObject:
        """Send an authenticated request to ``url`` (absolute) and return its JSON object answer.

        A 401 answer logs in again and retries once.

        Raises:
            BackendError: a 4xx/5xx answer (``.status`` and the backend's ``.code``), a 401 again after the
                new login, or a 2xx answer that is not a JSON object (``code="malformed_response"``).
            NetworkError, BridgeTimeoutError: the backend did not answer.
            And what :meth:`login` raises.
        """
        token = await self.login()
        reply = await self._send(method, url, body, token)
        if reply.status == 401:
            if self._token == token:
                self._token = None
            reply = await self._send(method, url, body, await self.login())
        return self._object(reply, method, url)

    async def _log_in(self) -> str:
        self._adapter.require(Capability.LOGIN)  # the session's gate, before asking the backend for a nonce
        route = self._route
        nonce: str | None = None
        if route.nonce_path is not None:
            nonce = str((await self._post(route.nonce_path, {}, "nonce"))["nonce"])
        login = await self._adapter.login(nonce=nonce)
        answer = await self._post(route.path, {route.credential_field: login.credential}, "session")
        token = str(answer["session"])
        player = answer.get(route.player_field)
        self.player_id = player if isinstance(player, str) else login.player_id
        self._token = token
        self.logins += 1
        return token

    async def _post(self, path: str, body: JsonObject, wanted: str) -> JsonObject:
        """POST ``body`` to ``path``: the JSON object answer, which must hold a ``wanted`` string."""
        url = self.backend_url + path
        reply = await self._bridge.fetch_json("POST", url, body, timeout=self._timeout)
        answer = self._object(reply, "POST", url)
        value = answer.get(wanted)
        if not isinstance(value, str) or not value:
            raise BackendError(
                f"POST {url} answered {reply.status} without a {wanted!r} string",
                status=reply.status,
                code="malformed_response",
                url=url,
                platform=self._adapter.name.value,
            )
        return answer

    async def _send(self, method: str, url: str, body: Json, token: str) -> HttpReply:
        headers = {"Authorization": f"Bearer {token}"}
        return await self._bridge.fetch_json(method, url, body, headers=headers, timeout=self._timeout)

    def _object(self, reply: HttpReply, method: str, url: str) -> JsonObject:
        platform = self._adapter.name.value
        if not reply.ok:
            error = reply.body.get("error") if isinstance(reply.body, dict) else None
            code = error.get("code") if isinstance(error, dict) else None
            said = error.get("message") if isinstance(error, dict) else reply.text
            detail = f" {code}" if isinstance(code, str) else ""
            raise BackendError(
                f"{method} {url} answered {reply.status}{detail}" + (f": {said}" if said else ""),
                status=reply.status,
                code=code if isinstance(code, str) else None,
                url=url,
                platform=platform,
            )
        if not isinstance(reply.body, dict):
            raise BackendError(
                f"{method} {url} answered {reply.status} without a JSON object",
                status=reply.status,
                code="malformed_response",
                url=url,
                platform=platform,
            )
        return reply.body


def open_backend_session(
    bridge: Bridge, adapter: Adapter, settings: PlatformSettings
) -> BackendSession | None:
    """The backend session when ``settings.backend_url`` is configured, else None.

    Each request may take ``timeouts["backend"]`` seconds (default 10).
    """
    if not settings.backend_url:
        return None
    timeout = settings.timeouts.get("backend", DEFAULT_TIMEOUT)
    return BackendSession(bridge, adapter, settings.backend_url, timeout=timeout)
