"""``platform.analytics``: events routed to the platform, checked against Meta's limits everywhere.

Meta's ``logEvent`` limits apply on every platform, so an event that works on the web also works on Meta:
a name of 2-40 characters of ``[A-Za-z0-9 _-]``; at most 25 parameters (including the three dimensions
gameport adds: ``platform``, ``environment``, ``app_version``); parameter keys by the same rule; values that
are a string shorter than 100 characters, a finite number or a bool.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Final

from gameport._session import SessionGetter
from gameport.capabilities import Capability
from gameport.errors import AnalyticsEventError
from gameport.values import Json, JsonObject

MAX_PARAMS: Final = 25
"""Meta's limit on parameters per event, dimensions included."""

DIMENSIONS: Final = ("platform", "environment", "app_version")
"""The attribution dimensions added to every event; reserved as parameter names."""

_NAME: Final = re.compile(r"[A-Za-z0-9 _-]{2,40}")


def validate_event(name: str, params: Mapping[str, Json] | None = None) -> None:
    """Check an event against Meta's limits (see the module docstring) before any dimension is added.

    Raises:
        AnalyticsEventError: the first broken rule, naming the name, key or value.
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise AnalyticsEventError(f"event name {name!r} must be 2-40 characters of A-Z a-z 0-9 space _ -")
    params = params or {}
    room = MAX_PARAMS - len(DIMENSIONS)
    if len(params) > room:
        raise AnalyticsEventError(
            f"event {name!r} has {len(params)} parameters; at most {room} (Meta allows {MAX_PARAMS}, "
            f"and gameport adds {', '.join(DIMENSIONS)})"
        )
    for key, value in params.items():
        if not isinstance(key, str) or not _NAME.fullmatch(key):
            raise AnalyticsEventError(
                f"parameter key {key!r} must be 2-40 characters of A-Z a-z 0-9 space _ -"
            )
        if key in DIMENSIONS:
            raise AnalyticsEventError(f"parameter key {key!r} is reserved: gameport adds it to every event")
        _check_value(key, value)


def _check_value(key: str, value: Json) -> None:
    if isinstance(value, str):
        if len(value) >= 100:
            raise AnalyticsEventError(
                f"parameter {key!r} is {len(value)} characters; Meta allows fewer than 100"
            )
    elif isinstance(value, float) and not math.isfinite(value):
        raise AnalyticsEventError(f"parameter {key!r} is {value}; only finite numbers are allowed")
    elif not isinstance(value, bool | int | float):
        raise AnalyticsEventError(
            f"parameter {key!r} must be a string, number or bool, got {type(value).__name__}"
        )


class Analytics:
    """Analytics events (Meta ``logEvent``, TikTok ``reportEvent``, the web adapter's local log)."""

    def __init__(self, session: SessionGetter) -> None:
        self._session = session

    async def log(self, event: str, params: Mapping[str, Json] | None = None) -> None:
        """Validate ``event``; send it with the ``platform``, ``environment``, ``app_version`` dimensions.

        Where the session has no ANALYTICS capability this validates and then does nothing (the documented
        fallback: send events to your own backend), so game code need not check ``supports()`` first.

        Raises:
            AnalyticsEventError: the event breaks Meta's limits (on every platform).
            NotInitializedError: before ``platform.init()``.
            PlatformError: the platform refused the event.
        """
        session = self._session()
        validate_event(event, params)
        full: JsonObject = dict(params or {})
        full.update(
            platform=session.name.value,
            environment=session.environment.value,
            app_version=session.settings.app_version,
        )
        _check_value("app_version", full["app_version"])
        if Capability.ANALYTICS in session.capabilities:
            await session.adapter.log_event(event, full)
