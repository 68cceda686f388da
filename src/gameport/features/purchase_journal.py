"""The purchase journal: every step of a purchase, written to platform storage before it happens.

One storage key (:data:`KEY`) holds ``{"v": 1, "open": {key: entry}, "applied": [order ids]}``, written
whole, so each write is all or nothing and a reload at any moment finds the last step that started:
``intent`` -> ``order_created`` -> ``sheet_opened`` -> ``paid`` -> (``consuming``) and, once granted,
the order id in ``applied`` (written before ``on_granted`` handlers run, so a crash never replays them;
the grant itself stays on the backend).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Final

from gameport.errors import StorageError
from gameport.models.payments import PendingPurchase
from gameport.values import Json, JsonObject

KEY: Final = "gameport.purchases"
"""The storage key of the journal (beside the game's own keys; gameport's names start with ``gameport.``)."""

_log = logging.getLogger(__name__)

Read = Callable[[], Awaitable[Json]]
Write = Callable[[Json], Awaitable[None]]


class PurchaseJournal:
    """Crash-safe record of open purchases and of the orders already handed to the game.

    Args:
        read, write: the journal's value in platform storage (reading None: no journal yet).
    """

    def __init__(self, read: Read, write: Write) -> None:
        self._read = read
        self._write = write
        self._open: dict[str, JsonObject] = {}
        self._applied: list[str] = []
        self._loaded = False
        self.fresh = False
        """True when storage held no journal: nothing bought on this install yet."""
        self._lock = asyncio.Lock()

    async def load(self) -> None:
        """Read the journal once. A malformed one is logged and replaced (its orders stay on the backend).

        Raises:
            StorageError: storage could not be read.
        """
        if self._loaded:
            return
        try:
            raw = await self._read()
        except StorageError:
            raise
        except Exception as exc:  # no storage here, or the platform failed the read
            raise StorageError(f"the purchase journal could not be read: {exc}") from exc
        self.fresh = raw is None
        opened = raw.get("open") if isinstance(raw, dict) else None
        applied = raw.get("applied") if isinstance(raw, dict) else None
        if isinstance(opened, dict) and isinstance(applied, list):
            self._open = {k: v for k, v in opened.items() if isinstance(v, dict) and "product_id" in v}
            self._applied = [a for a in applied if isinstance(a, str)]
        elif raw is not None:
            _log.warning("gameport: the purchase journal in storage is malformed; starting a new one")
        self._loaded = True

    def entries(self) -> list[PendingPurchase]:
        """The open purchases, oldest first."""
        return [_pending(key, entry) for key, entry in self._open.items()]

    def entry(self, key: str) -> PendingPurchase | None:
        """The open purchase ``key``, or None."""
        found = self._open.get(key)
        return None if found is None else _pending(key, found)

    def is_applied(self, order_id: str) -> bool:
        """Whether ``on_granted`` handlers were (about to be) run for ``order_id``."""
        return order_id in self._applied

    @staticmethod
    def new_key() -> str:
        """A key for a new purchase (mark it running before :meth:`begin` writes it)."""
        return os.urandom(8).hex()

    async def begin(self, key: str, product_id: str) -> None:
        """Write the ``intent`` of the new purchase ``key``.

        Raises:
            StorageError, StorageLimitError: storage refused the write; nothing else happened.
        """
        await self.step(key, "intent", product_id=product_id)

    async def step(self, key: str, step: str, **fields: Json) -> None:
        """Record that purchase ``key`` is about to take ``step`` (with what it knows now).

        Raises:
            StorageError, StorageLimitError: storage refused; the step must not be taken.
        """
        async with self._lock:
            entry = dict(self._open.get(key, {}))
            entry.update(fields)
            entry["step"] = step
            await self._save({**self._open, key: entry}, self._applied)

    async def close(self, key: str) -> None:
        """Forget purchase ``key`` (it ended without a grant, or its grant was applied)."""
        async with self._lock:
            if key in self._open:
                await self._save({k: v for k, v in self._open.items() if k != key}, self._applied)

    async def apply(self, order_ids: list[str], *, close: list[str] | None = None) -> list[str]:
        """Mark ``order_ids`` as handed to the game (and close the purchases ``close``) in one write.

        Returns the ids that were not marked before: the caller runs ``on_granted`` for exactly those.

        Raises:
            StorageError: storage refused; nothing is marked and the caller must not run the handlers.
        """
        async with self._lock:
            new = [o for o in dict.fromkeys(order_ids) if o not in self._applied]
            gone = set(close or ())
            if not new and not (gone & self._open.keys()):
                return []
            remaining = {k: v for k, v in self._open.items() if k not in gone}
            await self._save(remaining, [*self._applied, *new])
            return new

    async def _save(self, opened: dict[str, JsonObject], applied: list[str]) -> None:
        doc: JsonObject = {"v": 1, "open": dict(opened), "applied": list(applied)}
        try:
            await self._write(doc)
        except StorageError:
            raise
        except Exception as exc:  # a platform failure of the write: the step is not taken either way
            raise StorageError(f"the purchase journal could not be written: {exc}") from exc
        self._open, self._applied = opened, applied


def _pending(key: str, entry: JsonObject) -> PendingPurchase:
    order = entry.get("order_id")
    extra = {k: v for k, v in entry.items() if k not in ("product_id", "step", "order_id")}
    return PendingPurchase(
        key,
        str(entry.get("product_id")),
        str(entry.get("step")),
        order if isinstance(order, str) else None,
        extra,
    )
