"""Scripted steps of the host fakes, queued per key as ``__gpMock.script`` queues them in the JS mocks."""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable

from gameport.values import JsonObject


class UnsupportedOutcome(TypeError, ValueError):
    """A scripted outcome the API does not support (the JS mocks throw for it too)."""


class StepQueues:
    """FIFO queues of scripted steps, one per key (an API name such as ``"login"`` or ``"ad#2.show"``)."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[JsonObject]] = {}

    def push(self, key: str, step: str | JsonObject, allowed: Collection[str], where: str) -> None:
        """Queue ``step`` (an outcome string or ``{"outcome", "delayMs", ...}``; the outcome defaults to
        ``"ok"``) for ``key``.

        Raises:
            UnsupportedOutcome: the outcome is not in ``allowed`` (``where`` names the API in the message).
        """
        normal: JsonObject = {"outcome": step} if isinstance(step, str) else {"outcome": "ok", **step}
        if normal["outcome"] not in allowed:
            raise UnsupportedOutcome(f"outcome {normal['outcome']!r} is not supported by {where}")
        self._queues.setdefault(key, deque()).append(normal)

    def next(self, keys: Iterable[str]) -> JsonObject:
        """The next step of the first of ``keys`` with one queued, else ``{"outcome": "ok"}``."""
        for key in keys:
            queue = self._queues.get(key)
            if queue:
                return queue.popleft()
        return {"outcome": "ok"}
