"""TikTok's key-value storage (``getStorage`` / ``setStorage`` / ``removeStorage``) for the adapter."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from gameport.adapters.base import map_errors
from gameport.adapters.tiktok.errors import malformed, storage_full
from gameport.adapters.tiktok.members import NS
from gameport.adapters.tiktok.unconfirmed import Unconfirmed
from gameport.capabilities import Capability
from gameport.errors import PlatformError
from gameport.values import Json, JsonObject

Call = Callable[[Capability, str, JsonObject, float | None], Awaitable[Json]]
"""The adapter's gated ``call_cb``: (capability, member, options, default timeout) -> success payload."""


class TikTokStorage:
    """Storage calls through the adapter's gated ``call``, with the [unconfirmed] codes of ``unconfirmed``."""

    def __init__(self, call: Call, unconfirmed: Unconfirmed) -> None:
        self._call = call
        self._unconfirmed = unconfirmed

    async def get(self, key: str) -> Json:
        """``getStorage({key})`` -> ``data``; None when the key is absent.

        Raises:
            TikTokResponseError: success without ``data``.
        """
        try:
            payload = await self._call(Capability.STORAGE, "getStorage", {"key": key}, 5.0)
        except PlatformError as exc:
            if self._is_missing(exc):
                return None
            raise
        if not isinstance(payload, dict) or "data" not in payload:
            raise malformed(f"{NS}.getStorage", payload, "no data in the success payload")
        return payload["data"]

    async def set(self, key: str, value: Json) -> None:
        """``setStorage({key, data})`` with a JSON-like ``value``.

        Raises:
            StorageLimitError: TikTok's storage is full (codes in ``unconfirmed.storage_limit_codes``).
        """
        with map_errors({c: storage_full for c in self._unconfirmed.storage_limit_codes}):
            await self._call(Capability.STORAGE, "setStorage", {"key": key, "data": value}, 5.0)

    async def delete(self, key: str) -> None:
        """``removeStorage({key})``; no error when absent."""
        await self._call(Capability.STORAGE, "removeStorage", {"key": key}, 5.0)

    def _is_missing(self, exc: PlatformError) -> bool:
        if exc.code is not None:
            return exc.code in self._unconfirmed.storage_missing_codes
        return self._unconfirmed.storage_missing_text in exc.message
