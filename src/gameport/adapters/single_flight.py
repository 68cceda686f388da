"""One task per key: a second caller waits for the work already in flight instead of starting it again."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Hashable
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)


def start_once(
    tasks: dict[K, asyncio.Task[None]], key: K, work: Callable[[], Coroutine[Any, Any, None]]
) -> asyncio.Task[None]:
    """The task in ``tasks`` for ``key``, or a new one running ``work()``.

    The task leaves ``tasks`` when it ends, and its exception is retrieved then: callers await it through
    ``asyncio.shield`` and may stop waiting, but the work goes on to its end.
    """
    task = tasks.get(key)
    if task is None:
        task = tasks[key] = asyncio.ensure_future(work())

        def done(finished: asyncio.Task[None]) -> None:
            if tasks.get(key) is finished:
                del tasks[key]
            if not finished.cancelled():
                finished.exception()

        task.add_done_callback(done)
    return task
