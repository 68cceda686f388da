"""Meta's player data (``player.getDataAsync`` / ``player.setDataAsync``): 1 MB per player, one write at a
time, and reads that wait for the write in flight, so a read never returns older data than a write that
went before it."""

from __future__ import annotations

import asyncio
import json
from typing import Final

from gameport.adapters.base import ErrorMap, map_errors
from gameport.bridge import Bridge
from gameport.errors import PlatformError, StorageError, StorageLimitError
from gameport.values import Json

PLAYER_DATA_LIMIT: Final = 1024 * 1024
"""Bytes of player data Meta stores per player (``setDataAsync``)."""


class MetaPlayerData:
    """Reads and serialised writes of Meta's player data through ``bridge``."""

    def __init__(self, bridge: Bridge) -> None:
        self.bridge = bridge
        self._lock = asyncio.Lock()

    async def get(self, key: str, *, codes: ErrorMap, timeout: float) -> Json:
        """``getDataAsync([key])[key]`` (None when absent), after any write in flight.

        Raises:
            what ``codes`` maps Meta's codes to; PlatformError, BridgeTimeoutError otherwise.
        """
        async with self._lock:
            with map_errors(codes):
                found = await self.bridge.call("FBInstant.player.getDataAsync", [key], timeout=timeout)
        return found.get(key) if isinstance(found, dict) else None

    async def set(
        self, key: str, value: Json, *, codes: ErrorMap, timeout: float, retry_delay: float, pending: str
    ) -> None:
        """``setDataAsync({key: value})`` once the previous write has settled; one retry ``retry_delay``
        seconds after Meta answers the code ``pending`` (a flush in flight).

        Raises:
            StorageError: ``value`` is not JSON, or Meta answered ``pending`` twice.
            StorageLimitError: over :data:`PLAYER_DATA_LIMIT` bytes as JSON (checked before calling Meta).
            what ``codes`` maps Meta's codes to; PlatformError, BridgeTimeoutError otherwise.
        """
        try:
            text = json.dumps({key: value}, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        except ValueError as exc:
            raise StorageError(f"{key!r} is not JSON-serialisable: {exc}", platform="meta") from None
        size = len(text.encode())
        if size > PLAYER_DATA_LIMIT:
            raise StorageLimitError(
                f"{key!r} is {size} bytes as JSON; Meta stores at most {PLAYER_DATA_LIMIT} bytes per player",
                platform="meta",
            )
        async with self._lock:
            for attempt in (1, 2):
                try:
                    with map_errors(codes):
                        await self.bridge.call("FBInstant.player.setDataAsync", {key: value}, timeout=timeout)
                    return
                except PlatformError as exc:
                    if exc.code != pending:
                        raise
                    if attempt == 2:
                        raise StorageError(
                            "Meta refused the write twice: a flushDataAsync is pending", platform="meta"
                        ) from exc
                    await asyncio.sleep(retry_delay)
