"""``platform.storage``: small JSON values per player (TikTok storage, Meta player data, localStorage)."""

from __future__ import annotations

import json
from typing import Final

from gameport._session import SessionGetter
from gameport.capabilities import Capability, PlatformName
from gameport.errors import InvalidArgumentError, StorageError, StorageLimitError
from gameport.values import Json

DEFAULT_STORAGE_LIMITS: Final[dict[PlatformName, int]] = {
    PlatformName.META: 1_000_000,
    PlatformName.TIKTOK: 10_000_000,  # [unconfirmed] no documented per-key limit; override in storage_limits
    PlatformName.WEB: 5_000_000,
}
"""The largest value ``set`` accepts per platform, in bytes of compact UTF-8 JSON.

Meta documents 1 MB for all of a player's data; localStorage holds about 5 MB per origin. The check is per
value, so the platform may still refuse a value that fits when other keys fill the space.
"""


def json_size(value: Json) -> int:
    """Bytes of ``value`` as compact UTF-8 JSON.

    Raises:
        StorageError: ``value`` is not JSON (a NaN, an object, a non-string key).
    """
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise StorageError(f"the value cannot be stored as JSON: {exc}") from None
    return len(text.encode("utf-8"))


class Storage:
    """Per-player key/value storage of JSON-like values."""

    def __init__(self, session: SessionGetter) -> None:
        self._session = session

    async def get(self, key: str) -> Json:
        """The value stored under ``key``, or None.

        Raises:
            NotInitializedError, UnsupportedCapabilityError, InvalidArgumentError (empty key),
            StorageError / PlatformError: the platform failed.
        """
        adapter = self._session().require(Capability.STORAGE)
        return await adapter.storage_get(_check_key(key))

    async def set(self, key: str, value: Json) -> None:
        """Store ``value`` under ``key``.

        Raises:
            StorageLimitError: the value is larger than the platform's limit (the message gives it); nothing
                was sent to the platform.
            StorageError: the value is not JSON.
            NotInitializedError, UnsupportedCapabilityError, InvalidArgumentError (empty key), PlatformError.
        """
        session = self._session()
        adapter = session.require(Capability.STORAGE)
        size = json_size(value)
        if size > session.storage_limit:
            raise StorageLimitError(
                f"the value for {key!r} is {size} bytes of JSON; {session.name.value} stores at most "
                f"{session.storage_limit} bytes. Store less, or keep large data on your backend",
                platform=session.name.value,
            )
        await adapter.storage_set(_check_key(key), value)

    async def delete(self, key: str) -> None:
        """Remove ``key``; no error when it is absent.

        Raises:
            NotInitializedError, UnsupportedCapabilityError, InvalidArgumentError (empty key), PlatformError.
        """
        adapter = self._session().require(Capability.STORAGE)
        await adapter.storage_delete(_check_key(key))


def _check_key(key: str) -> str:
    if not isinstance(key, str) or not key:
        raise InvalidArgumentError(f"a storage key must be a non-empty string, got {key!r}")
    return key
