"""Time in the host fakes: scripted delays (``delayMs``-style fields) and SDK work that settles later."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from gameport.testing.calls import SdkFailure
from gameport.values import Json


def seconds(ms: Json, default_ms: float) -> float:
    """A step's millisecond field as seconds; ``default_ms`` when it is absent or not a number."""
    if isinstance(ms, bool) or not isinstance(ms, int | float):
        return default_ms / 1000
    return ms / 1000


def settle_later(delay: float, settle: Callable[[], Json]) -> asyncio.Future[Json]:
    """A future that ``settle()`` resolves (or an :class:`SdkFailure` it raises rejects) after ``delay``
    seconds. ``settle`` runs even when the caller stopped waiting, as an SDK's own work does."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Json] = loop.create_future()

    def run() -> None:
        try:
            value = settle()
        except SdkFailure as failure:
            if not future.done():
                future.set_exception(failure)
            return
        if not future.done():
            future.set_result(value)

    loop.call_later(delay, run)
    return future
