"""Order polling on PostgreSQL, batched: the polls that arrive together are answered by one query.

Every paying client polls its order every 1-2 s, so a busy backend has many polls waiting at once, and each
query costs far more in round trip and driver work than in the database. A poll joins the batch that is
still being collected; the batch is sent once the event loop has run everything that was ready
(``call_soon``: no timer, no added wait when alone), so it is never read before the poll arrived: every
answer is as fresh as a query of its own would be. Batches run concurrently (each takes a pool connection).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, cast

from .pg_db import PgDatabase
from .rows import ORDER_COLUMNS, qualified

MAX_BATCH = 8
_SQL = (
    f"SELECT q.i, s.platform, s.user_id, {qualified(ORDER_COLUMNS, 'o')}"
    " FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS q(token_hash, order_id, i)"
    " JOIN sessions s ON s.token_hash = q.token_hash AND s.expires_at >= %s"
    " LEFT JOIN orders o ON o.order_id = q.order_id AND o.user_id = s.user_id AND o.platform = s.platform"
).encode()

Row = tuple[Any, ...]


class PollBatcher:
    """Answers ``(session token hash, order id)`` polls with the row ``(session platform, session user,
    <order columns or NULLs>)``, or ``None`` when the session is not live."""

    def __init__(self, db: PgDatabase) -> None:
        self.db = db
        self._pending: list[tuple[str, str, asyncio.Future[Row | None]]] = []

    async def poll(self, digest: str, order_id: str) -> Row | None:
        """The poll's row (see the class docstring). Raises what the query raises."""
        future: asyncio.Future[Row | None] = asyncio.get_running_loop().create_future()
        if not self._pending:
            asyncio.get_running_loop().call_soon(self._flush)
        self._pending.append((digest, order_id, future))
        if len(self._pending) >= MAX_BATCH:
            self._flush()
        return await future

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        if batch:
            task = asyncio.get_running_loop().create_task(self._run(batch))
            task.add_done_callback(_retrieve)

    async def _run(self, batch: list[tuple[str, str, asyncio.Future[Row | None]]]) -> None:
        try:
            async with self.db.read() as conn:
                params = ([b[0] for b in batch], [b[1] for b in batch], time.time())
                cur = await conn.execute(_SQL, params)
                rows = await cur.fetchall()
        except BaseException as exc:
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        found = {cast(int, row[0]): row[1:] for row in rows}  # WITH ORDINALITY: a bigint
        for index, (_, _, future) in enumerate(batch, start=1):
            if not future.done():  # a poll whose request was cancelled meanwhile
                future.set_result(found.get(index))


def _retrieve(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()  # every poll already got it; this only marks it seen
