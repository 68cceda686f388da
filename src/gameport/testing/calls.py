"""The values a :class:`~gameport.testing.FakeBridge` handler works with: the :class:`Call` it answers, the
:class:`Callbacks` of a callback-style call, :class:`SdkFailure` to fail it and :data:`NO_ANSWER` to never
answer it, and the handler types.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Final, TypeAlias

from gameport.bridge.fetch import HttpReply, HttpRequest
from gameport.values import Json


class _NoAnswer:
    def __repr__(self) -> str:
        return "NO_ANSWER"


NO_ANSWER: Final = _NoAnswer()
"""Return this from a handler for a call that never answers (or that the handler settles itself later)."""


class SdkFailure(Exception):
    """Raise from a handler to make the JavaScript call fail with ``raw`` as the platform's payload."""

    def __init__(self, raw: Json) -> None:
        super().__init__(raw)
        self.raw = raw


class Callbacks:
    """The ``success`` / ``fail`` / ``complete`` callbacks of one callback-style call.

    The first ``success`` or ``fail`` settles the call; everything after it is ignored and counted in
    :attr:`ignored`, as the browser bridge does. :attr:`fired` lists the callbacks fired, in order (a handler
    that raises :class:`SdkFailure` fails the call without firing any).
    """

    def __init__(self) -> None:
        self._future: asyncio.Future[Json] = asyncio.get_running_loop().create_future()
        self.ignored = 0
        self.fired: list[str] = []

    @property
    def settled(self) -> bool:
        """Whether success or fail has fired."""
        return self._future.done()

    def success(self, value: Json = None) -> None:
        self._fire("success", value, failed=False)

    def fail(self, raw: Json = None) -> None:
        self._fire("fail", raw, failed=True)

    def complete(self, value: Json = None) -> None:
        self.fired.append("complete")

    def _fire(self, name: str, value: Json, *, failed: bool) -> None:
        self.fired.append(name)
        if self._future.done():
            self.ignored += 1
        elif failed:
            self._future.set_exception(SdkFailure(value))
        else:
            self._future.set_result(value)


@dataclass(frozen=True, slots=True)
class Call:
    """One call made through a :class:`FakeBridge`.

    Attributes:
        kind: ``"get"``, ``"call_sync"``, ``"call"``, ``"call_cb"``, ``"create"``, ``"load_script"`` or
            ``"fetch_json"`` (``path`` is the URL, ``args`` ``(method, body)``, ``options`` the headers).
        path: the JavaScript path, e.g. ``"TTMinis.game.login"`` or ``"@h1.show"``.
        args: positional arguments (for ``call_cb``: empty; see ``options``).
        options: the options object of a callback-style call, without the callbacks.
        target: for a path on a handle, the value the handler returned when the handle was created.
        callbacks: for ``call_cb``, the callbacks the handler may fire itself.
    """

    kind: str
    path: str
    args: tuple[Json, ...] = ()
    options: Mapping[str, Json] | None = None
    target: Json = None
    callbacks: Callbacks | None = field(default=None, compare=False, repr=False)


HandlerResult: TypeAlias = "Json | _NoAnswer"
Handler: TypeAlias = Callable[[Call], "HandlerResult | Awaitable[HandlerResult]"]
HttpHandler: TypeAlias = Callable[[HttpRequest], "HttpReply | Awaitable[HttpReply]"]


__all__ = ["NO_ANSWER", "Call", "Callbacks", "Handler", "HandlerResult", "HttpHandler", "SdkFailure"]
