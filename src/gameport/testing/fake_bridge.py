"""Test doubles for game code and for gameport's own host tests: run on plain CPython, no browser.

:class:`FakeBridge` implements the same :class:`~gameport.bridge.Bridge` protocol as the browser bridge. A
*handler* you write answers every call, and every call is recorded in :attr:`FakeBridge.calls`::

    def handler(call: Call) -> Json:
        if call.path == "TTMinis.game.login":
            return {"code": "abc"}
        raise SdkFailure({"error": {"error_code": 1, "error_msg": "nope"}})

    bridge = FakeBridge(handler, globals={"TTMinis.game"})

A handler may be ``async``; it fails the JavaScript call by raising :class:`SdkFailure` with the payload the
platform would send, and returns :data:`NO_ANSWER` for a call that never answers (the bridge's timeout then
decides). Callback-style calls (:meth:`FakeBridge.call_cb`) also hand the handler ``call.callbacks``, to fire
``success`` / ``fail`` / ``complete`` itself: twice, late, or after a delay, exactly as a real SDK might.

HTTP (:meth:`FakeBridge.fetch_json`) goes to a separate ``http`` handler, which takes an
:class:`~gameport.bridge.HttpRequest` and returns an :class:`~gameport.bridge.HttpReply` (or raises
:class:`~gameport.errors.NetworkError`): a function standing in for a server, or
:func:`~gameport.testing.fake_http.urllib_http` for real HTTP to a real server. Without one, every request
fails with ``NetworkError`` (offline).
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from gameport.bridge.failures import platform_error
from gameport.bridge.fetch import HttpReply, http_request
from gameport.bridge.protocol import DEFAULT_TIMEOUT, Handle
from gameport.errors import (
    BridgeError,
    BridgeTimeoutError,
    GameportError,
    JsPathError,
    NetworkError,
    SdkLoadError,
)
from gameport.testing.calls import (
    NO_ANSWER,
    Call,
    Callbacks,
    Handler,
    HandlerResult,
    HttpHandler,
    SdkFailure,
    _NoAnswer,
)
from gameport.values import Json

_T = TypeVar("_T")


class _FakeSubscription:
    def __init__(self, owner: FakeBridge, path: str, callback: Callable[[Json], None]) -> None:
        self._owner = owner
        self.path = path
        self.callback = callback
        self._active = True

    @property
    def active(self) -> bool:
        return self._active

    def cancel(self) -> None:
        if self._active:
            self._active = False
            self._owner._subscriptions.remove(self)


class FakeBridge:
    """A scripted :class:`~gameport.bridge.Bridge` for CPython tests.

    Args:
        handler: answers every call (see the module docstring); the default answers ``None``.
        globals: the JavaScript paths that exist. A path exists when it is listed or is a prefix of a listed
            path. ``None`` (the default) means every path exists.
        http: answers :meth:`fetch_json` (see the module docstring); also settable later as :attr:`http`,
            e.g. on the bridge of a platform fake. None: every request fails with ``NetworkError``.
    """

    def __init__(
        self,
        handler: Handler | None = None,
        *,
        globals: Iterable[str] | None = None,  # noqa: A002
        http: HttpHandler | None = None,
    ) -> None:
        self._handler: Handler = handler or (lambda call: None)
        self.http: HttpHandler | None = http
        self._globals = None if globals is None else frozenset(globals)
        self._handles: dict[str, Json] = {}
        self._ids = itertools.count(1)
        self._subscriptions: list[_FakeSubscription] = []
        self.calls: list[Call] = []

    # -- inspection helpers for tests ---------------------------------------------------------------------

    @property
    def paths(self) -> list[str]:
        """The path of every recorded call, in order."""
        return [call.path for call in self.calls]

    @property
    def live_handles(self) -> int:
        """Handles created and not yet released."""
        return len(self._handles)

    def listeners(self, path: str | None = None) -> int:
        """Active subscriptions, on ``path`` or in total."""
        return sum(1 for s in self._subscriptions if path is None or s.path == path)

    def emit(self, path: str, payload: Json = None) -> int:
        """Fire the event subscribed with ``on(path, ...)``; returns how many listeners received it."""
        targets = [s for s in self._subscriptions if s.path == path]
        for subscription in targets:
            subscription.callback(payload)
        return len(targets)

    def emit_on(self, target: Json, member: str, payload: Json = None) -> int:
        """Fire ``member`` (e.g. ``"onClose"``) of every live handle whose value equals ``target``, as a JS
        object would fire its own listeners; returns how many listeners received it."""
        ids = [hid for hid, value in self._handles.items() if value == target]
        return sum(self.emit(f"@{hid}.{member}", payload) for hid in ids)

    # -- the Bridge protocol ------------------------------------------------------------------------------

    def has(self, path: str) -> bool:
        if path.startswith("@"):
            return path[1:].split(".", 1)[0] in self._handles
        if self._globals is None:
            return True
        return any(g == path or g.startswith(path + ".") for g in self._globals)

    def get(self, path: str) -> Json:
        return self._sync(Call("get", path, target=self._target(path)))

    def call_sync(self, path: str, *args: Json) -> Json:
        return self._sync(Call("call_sync", path, args, target=self._target(path)))

    async def call(self, path: str, *args: Json, timeout: float | None = DEFAULT_TIMEOUT) -> Json:
        call = Call("call", path, args, target=self._target(path))
        return await _bounded(self._answer(call), path, timeout)

    async def call_cb(
        self,
        path: str,
        options: Mapping[str, Json] | None = None,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> Json:
        callbacks = Callbacks()
        call = Call("call_cb", path, (), dict(options or {}), self._target(path), callbacks)

        async def settle() -> Json:
            try:
                result = await self._invoke(call)
            except SdkFailure as failure:
                # the SDK function threw: the call fails without any callback firing (as in the JS bridge)
                if not callbacks.settled:
                    raise platform_error(failure.raw, path=path) from None
            else:
                if not isinstance(result, _NoAnswer) and not callbacks.fired:
                    callbacks.success(result)
            try:
                return await callbacks._future
            except SdkFailure as failure:
                raise platform_error(failure.raw, path=path) from None

        return await _bounded(settle(), path, timeout)

    async def create(self, path: str, *args: Json, timeout: float | None = DEFAULT_TIMEOUT) -> Handle:
        call = Call("create", path, args, target=self._target(path))
        value = await _bounded(self._answer(call), path, timeout)
        handle_id = f"h{next(self._ids)}"
        self._handles[handle_id] = value
        return Handle(handle_id)

    def release(self, handle: Handle) -> None:
        self._handles.pop(handle.id, None)

    def on(
        self,
        path: str,
        callback: Callable[[Json], None],
        *,
        off: str | None = None,
        args: Sequence[Json] = (),
    ) -> _FakeSubscription:
        self._require(path)
        subscription = _FakeSubscription(self, path, callback)
        self._subscriptions.append(subscription)
        return subscription

    async def load_script(
        self, url: str, global_path: str, *, timeout: float = DEFAULT_TIMEOUT, module: bool = False
    ) -> None:
        call = Call("load_script", global_path, (url,))
        try:
            await _bounded(self._answer(call), global_path, timeout)
        except GameportError as exc:
            raise SdkLoadError(f"could not load {url}: {exc}", path=global_path) from None

    async def fetch_json(
        self,
        method: str,
        url: str,
        body: Json = None,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> HttpReply:
        request = http_request(method, url, body, headers, timeout)
        self.calls.append(Call("fetch_json", url, (request.method, body), dict(request.headers)))

        async def answer() -> HttpReply:
            if self.http is None:
                raise NetworkError(f"{request.path}: this FakeBridge has no http handler (offline)", url=url)
            reply = self.http(request)
            return await reply if inspect.isawaitable(reply) else reply

        return await _bounded(answer(), request.path, request.timeout)

    # -- internals ----------------------------------------------------------------------------------------

    def _require(self, path: str) -> None:
        if not self.has(path):
            raise JsPathError(f"{path} does not exist in this JavaScript environment", path=path)

    def _target(self, path: str) -> Json:
        self._require(path)
        if path.startswith("@"):
            return self._handles[path[1:].split(".", 1)[0]]
        return None

    async def _invoke(self, call: Call) -> HandlerResult:
        self.calls.append(call)
        result = self._handler(call)
        if inspect.isawaitable(result):
            return await result
        return result

    async def _answer(self, call: Call) -> Json:
        try:
            result = await self._invoke(call)
        except SdkFailure as failure:
            raise platform_error(failure.raw, path=call.path) from None
        if isinstance(result, _NoAnswer):
            await asyncio.Event().wait()  # never answers: only a timeout or cancellation ends this
        assert not isinstance(result, _NoAnswer)
        return result

    def _sync(self, call: Call) -> Json:
        self.calls.append(call)
        try:
            result = self._handler(call)
        except SdkFailure as failure:
            raise platform_error(failure.raw, path=call.path) from None
        if inspect.isawaitable(result) or isinstance(result, _NoAnswer):
            if inspect.iscoroutine(result):
                result.close()
            raise BridgeError(f"{call.kind}({call.path}) is synchronous: the handler must answer at once")
        return result


async def _bounded(awaitable: Awaitable[_T], path: str, timeout: float | None) -> _T:
    """``awaitable``'s answer (awaited in the caller's task), or :class:`BridgeTimeoutError` after
    ``timeout``. The deadline cancels one loop turn late: a stalled loop that runs the answer and the
    deadline in one turn must not turn that answer into a timeout."""
    if timeout is None:
        return await awaitable
    loop, task = asyncio.get_running_loop(), asyncio.current_task()
    assert task is not None, "the fake bridge is awaited from a task"
    state = {"expired": False, "finished": False}

    def expire() -> None:
        if not state["finished"]:
            state["expired"] = True
            task.cancel()

    deadline = loop.call_later(timeout, loop.call_soon, expire)
    try:
        return await awaitable
    except asyncio.CancelledError:
        if state["expired"] and task.uncancel() == 0:  # our deadline, not someone else's cancellation
            raise BridgeTimeoutError(
                f"{path} did not answer within {timeout:g} s", path=path, timeout=timeout
            ) from None
        raise
    finally:
        state["finished"] = True
        deadline.cancel()


__all__ = [
    "NO_ANSWER",
    "Call",
    "Callbacks",
    "FakeBridge",
    "Handler",
    "HandlerResult",
    "HttpHandler",
    "SdkFailure",
]
