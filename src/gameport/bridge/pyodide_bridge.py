"""The browser implementation of :class:`~gameport.bridge.protocol.Bridge`, over real Pyodide.

This is the only module in gameport that imports ``js`` / ``pyodide.ffi``. It talks to the small JavaScript
API that ``js_bridge/loader.js`` registers as the module ``_gameport_js``. Only JSON-like values cross:
``call`` and ``call_sync`` with primitive arguments pass them through the FFI as they are and get a
primitive back (:mod:`gameport.bridge.fast_path`); everything else sends ``json.dumps`` of the arguments
and decodes the envelope that comes back. Either way no JavaScript proxy reaches the caller. The only
proxies made here are event listeners, made by :meth:`PyodideBridge.on` and destroyed by
:meth:`Subscription.cancel`; :attr:`PyodideBridge.proxies` counts both.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol, cast

from pyodide.ffi import JsException, create_proxy  # type: ignore[import-not-found]

from gameport.bridge.envelope import decode
from gameport.bridge.fast_path import fast_args, fast_result
from gameport.bridge.fetch import HttpReply, http_reply, http_request
from gameport.bridge.protocol import DEFAULT_TIMEOUT, Handle
from gameport.errors import BridgeError
from gameport.values import Json


class _JsApi(Protocol):
    """What ``js_bridge/api.js`` exposes: each method answers a JSON envelope (or a Promise of one)."""

    def has(self, path: str) -> bool: ...
    def get(self, path: str) -> str: ...
    def callSync(self, path: str, args: str) -> str: ...
    def callSyncFast(self, path: str, *args: Json) -> Json: ...
    def call(self, path: str, args: str, timeout_ms: float) -> Awaitable[str]: ...
    def callFast(self, path: str, timeout_ms: float, *args: Json) -> Awaitable[Json]: ...
    def callCb(self, path: str, options: str, timeout_ms: float) -> Awaitable[str]: ...
    def create(self, path: str, args: str, timeout_ms: float) -> Awaitable[str]: ...
    def release(self, handle_id: str) -> bool: ...
    def on(self, path: str, off: str | None, args: str, listener: object) -> str: ...
    def off(self, subscription_id: str) -> bool: ...
    def loadScript(self, url: str, global_path: str, timeout_ms: float, module: bool) -> Awaitable[str]: ...
    def fetchJson(
        self, method: str, url: str, body: str, headers: str, timeout_ms: float
    ) -> Awaitable[str]: ...


class _Proxy(Protocol):
    def destroy(self) -> None: ...


@dataclass(slots=True)
class ProxyCounts:
    """How many listener proxies this bridge created and destroyed; equal when nothing is leaked."""

    created: int = 0
    destroyed: int = 0

    @property
    def live(self) -> int:
        """Proxies created and not yet destroyed."""
        return self.created - self.destroyed


def _dumps(values: object, path: str) -> str:
    try:
        return json.dumps(values, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise BridgeError(f"arguments for {path} are not JSON-like: {exc}", path=path) from None


def _ms(timeout: float | None) -> float:
    return 0.0 if timeout is None else max(timeout, 0.001) * 1000.0


def _glue_error(path: str, exc: BaseException) -> BridgeError:
    return BridgeError(f"the gameport JavaScript API failed on {path}: {exc}", path=path)


@contextmanager
def _glue(path: str) -> Iterator[None]:
    """The JavaScript API never throws; if it does, the page set-up is broken, not the platform."""
    try:
        yield
    except JsException as exc:
        raise _glue_error(path, exc) from None


class _Subscription:
    def __init__(self, api: _JsApi, subscription_id: str, proxy: _Proxy, counts: ProxyCounts) -> None:
        self._api = api
        self._id = subscription_id
        self._proxy: _Proxy | None = proxy
        self._counts = counts

    @property
    def active(self) -> bool:
        return self._proxy is not None

    def cancel(self) -> None:
        proxy, self._proxy = self._proxy, None
        if proxy is None:
            return
        try:
            with _glue("off"):
                self._api.off(self._id)
        finally:
            proxy.destroy()
            self._counts.destroyed += 1


class PyodideBridge:
    """A :class:`~gameport.bridge.protocol.Bridge` over the page's ``_gameport_js`` module.

    Raises:
        BridgeError: when constructed outside a page booted by ``js_bridge/loader.js``.
    """

    def __init__(self, api: object | None = None) -> None:
        if api is None:
            try:
                api = importlib.import_module("_gameport_js")
            except ImportError:
                raise BridgeError(
                    "the _gameport_js module is missing: boot the page with js_bridge/loader.js "
                    "(bootGameport) before importing gameport"
                ) from None
        self._api = cast(_JsApi, api)
        # Looked up once: each attribute read on a JsProxy is itself a trip through the FFI.
        self._call_sync_fast = self._api.callSyncFast
        self._call_fast = self._api.callFast
        self.proxies = ProxyCounts()

    def has(self, path: str) -> bool:
        with _glue(path):
            return bool(self._api.has(path))

    def get(self, path: str) -> Json:
        with _glue(path):
            text = self._api.get(path)
        return decode(text, path)

    def call_sync(self, path: str, *args: Json) -> Json:
        if fast_args(args):
            try:
                answer = self._call_sync_fast(path, *args)
            except JsException as exc:
                raise _glue_error(path, exc) from None
            except UnicodeEncodeError:
                pass  # a lone surrogate, which Pyodide cannot convert: JSON escapes it
            else:
                return fast_result(answer, path)
        payload = _dumps(list(args), path)
        with _glue(path):
            text = self._api.callSync(path, payload)
        return decode(text, path)

    async def call(self, path: str, *args: Json, timeout: float | None = DEFAULT_TIMEOUT) -> Json:
        if fast_args(args):
            try:
                answer = await self._call_fast(path, _ms(timeout), *args)
            except JsException as exc:
                raise _glue_error(path, exc) from None
            except UnicodeEncodeError:
                pass  # see call_sync
            else:
                return fast_result(answer, path)
        payload = _dumps(list(args), path)
        with _glue(path):
            text = await self._api.call(path, payload, _ms(timeout))
        return decode(text, path)

    async def call_cb(
        self,
        path: str,
        options: Mapping[str, Json] | None = None,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> Json:
        payload = _dumps(dict(options or {}), path)
        with _glue(path):
            text = await self._api.callCb(path, payload, _ms(timeout))
        return decode(text, path)

    async def create(self, path: str, *args: Json, timeout: float | None = DEFAULT_TIMEOUT) -> Handle:
        payload = _dumps(list(args), path)
        with _glue(path):
            text = await self._api.create(path, payload, _ms(timeout))
        handle_id = decode(text, path)
        if not isinstance(handle_id, str):
            raise BridgeError(f"create({path}) answered no handle id", path=path)
        return Handle(handle_id)

    def release(self, handle: Handle) -> None:
        with _glue(handle.id):
            self._api.release(handle.id)

    def on(
        self,
        path: str,
        callback: Callable[[Json], None],
        *,
        off: str | None = None,
        args: Sequence[Json] = (),
    ) -> _Subscription:
        payload = _dumps(list(args), path)

        def deliver(text: str) -> None:
            callback(cast(Json, json.loads(text)))

        proxy = cast(_Proxy, create_proxy(deliver))
        self.proxies.created += 1
        try:
            with _glue(path):
                text = self._api.on(path, off, payload, proxy)
            subscription_id = decode(text, path)
            if not isinstance(subscription_id, str):
                raise BridgeError(f"on({path}) answered no subscription id", path=path)
        except BaseException:
            proxy.destroy()
            self.proxies.destroyed += 1
            raise
        return _Subscription(self._api, subscription_id, proxy, self.proxies)

    async def load_script(
        self, url: str, global_path: str, *, timeout: float = DEFAULT_TIMEOUT, module: bool = False
    ) -> None:
        with _glue(url):
            text = await self._api.loadScript(url, global_path, _ms(timeout), module)
        decode(text, global_path)

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
        # "" means no body: JSON text is never empty, and a Python None would arrive as undefined.
        body_text = request.body_text or ""
        headers_text = json.dumps(dict(request.headers))
        with _glue(request.path):
            text = await self._api.fetchJson(request.method, url, body_text, headers_text, _ms(timeout))
        return http_reply(decode(text, request.path), request.path)
