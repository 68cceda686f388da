"""The seam between gameport and JavaScript: the :class:`Bridge` protocol.

Two implementations fit it: :class:`gameport.bridge.pyodide_bridge.PyodideBridge` in the browser and
:class:`gameport.testing.fake_bridge.FakeBridge` on plain CPython. Adapters only ever talk to a ``Bridge``.

Paths name JavaScript values by dotted path from ``globalThis`` (``"TTMinis.game.login"``) or from a handle
(``"@h3.show"``, see :meth:`Handle.member`). Only JSON-like values (:data:`gameport.values.Json`) cross the
boundary, so no JavaScript proxy ever reaches adapter or game code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from gameport.bridge.fetch import HttpReply
from gameport.values import Json

DEFAULT_TIMEOUT: Final = 10.0
"""Seconds a call may wait when the caller does not say: SDK calls with no person in the loop."""


@dataclass(frozen=True, slots=True)
class Handle:
    """A JavaScript object kept on the JavaScript side (an ad instance, a signed-player-info object)."""

    id: str

    def member(self, name: str) -> str:
        """The path of a member of this object, for :meth:`Bridge.call` and friends: ``"@h3.show"``."""
        return f"@{self.id}.{name}"


class Subscription(Protocol):
    """A live event subscription made by :meth:`Bridge.on`."""

    @property
    def active(self) -> bool:
        """False once cancelled."""
        ...

    def cancel(self) -> None:
        """Unsubscribe and free the callback. Safe to call twice."""
        ...


class Bridge(Protocol):
    """Calls into JavaScript with JSON-like values in and out.

    Every method that waits takes ``timeout`` in seconds (default :data:`DEFAULT_TIMEOUT`); ``timeout=None``
    waits for as long as it takes and is meant only for UI a person is looking at (a pay sheet, an ad).

    Errors, for every method: :class:`~gameport.errors.PlatformError` when the JavaScript function failed
    (rejected, threw, or called ``fail``), :class:`~gameport.errors.JsPathError` when the path does not exist,
    :class:`~gameport.errors.BridgeTimeoutError` when the timeout ran out, and
    :class:`~gameport.errors.BridgeError` when the glue itself is broken.
    """

    def has(self, path: str) -> bool:
        """Whether ``path`` names an existing JavaScript value (not ``undefined``)."""
        ...

    def get(self, path: str) -> Json:
        """Read a JavaScript value, e.g. ``"FBInstant.context.id"`` or ``"document.visibilityState"``."""
        ...

    def call_sync(self, path: str, *args: Json) -> Json:
        """Call a synchronous JavaScript function and return its result."""
        ...

    async def call(self, path: str, *args: Json, timeout: float | None = DEFAULT_TIMEOUT) -> Json:
        """Call a JavaScript function and, when it returns a Promise, await it."""
        ...

    async def call_cb(
        self,
        path: str,
        options: Mapping[str, Json] | None = None,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> Json:
        """Call a callback-style function ``fn({...options, success, fail, complete})`` and await it.

        The first of ``success`` / ``fail`` settles the call; ``complete``, and any callback fired again
        later, is ignored. A function that never calls back ends in the timeout.
        """
        ...

    async def create(self, path: str, *args: Json, timeout: float | None = DEFAULT_TIMEOUT) -> Handle:
        """Call a JavaScript function that makes an object (awaiting a Promise) and keep it behind a handle.

        Release the handle with :meth:`release` when done.
        """
        ...

    def release(self, handle: Handle) -> None:
        """Forget a handle's object on the JavaScript side. Safe to call twice."""
        ...

    def on(
        self,
        path: str,
        callback: Callable[[Json], None],
        *,
        off: str | None = None,
        args: Sequence[Json] = (),
    ) -> Subscription:
        """Subscribe ``callback`` with ``path(*args, listener)``; cancelling calls ``off(*args, listener)``.

        ``callback`` receives the event's first argument as a JSON-like value. When the platform has no
        ``off`` function (Meta's ``onPause``) cancelling still stops delivery and frees the callback.
        """
        ...

    async def load_script(
        self, url: str, global_path: str, *, timeout: float = DEFAULT_TIMEOUT, module: bool = False
    ) -> None:
        """Load a script (a platform SDK) and wait until ``global_path`` exists.

        ``module=True`` loads an ES module; where there is no DOM (a Web Worker) scripts are always
        imported as ES modules.

        Raises:
            SdkLoadError: the script failed to load or did not define ``global_path`` in time.
        """
        ...

    async def fetch_json(
        self,
        method: str,
        url: str,
        body: Json = None,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> HttpReply:
        """Send an HTTP request with a JSON body and answer the status and the JSON body that came back.

        The browser bridge uses the global ``fetch`` (pages and Web Workers), without cookies
        (``credentials: "omit"``) and without the HTTP cache; a cross-origin URL must answer CORS and be
        allowed by the page's ``connect-src``. ``body`` None sends no body; any other value is sent as
        JSON with ``Content-Type: application/json``. ``Accept: application/json`` is sent unless
        ``headers`` says otherwise. Every status is an answer (a 404 or 500 is an :class:`HttpReply`,
        not an error): deciding what a status means is the caller's job.

        Raises:
            NetworkError: no answer (offline, DNS, refused connection, blocked by CORS or the CSP).
            BridgeTimeoutError: no complete answer within ``timeout`` seconds; the request is aborted.
            BridgeError: a request that cannot be sent (see :func:`gameport.bridge.fetch.http_request`).
        """
        ...
