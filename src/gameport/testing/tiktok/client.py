"""The TikTok client the host fake emulates: its scenario knobs, and which ``TTMinis.game`` members and
``canIUse`` schemas exist for the knobs' runtime and client version.

The knobs and their defaults are those of ``js_bridge/mocks/scenario.js``; the version tables mirror
``TT_API_MIN_VERSION`` / ``TT_SCHEMA_MIN_VERSION`` in ``js_bridge/mocks/ttminis.js``. Everything here is a
function of a scenario (a knob dict); how each member answers is
:mod:`gameport.testing.tiktok.fake`'s concern.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from gameport.testing.tiktok.ads import FACTORIES, PRELOAD_VERSION
from gameport.values import Json, JsonObject

NS: Final = "TTMinis.game"

DEFAULT_SCENARIO: Final[JsonObject] = {
    "runtime": "html",
    "clientVersion": "46.3.0",
    "openId": None,
    "locale": "en_US",
    "systemInfo": {},
    "launchOptions": {"scene": "mock_scene", "query": {}},
    "enterOptions": None,
    "storageLimitBytes": 10 * 1024 * 1024,
    "shortcutRewardAvailable": False,
    "entranceRewardAvailable": False,
    "canIUseOverrides": {},
}
"""The TikTok knobs of ``js_bridge/mocks/scenario.js`` and their defaults."""

_MISSIONS: Final = (
    "addShortcut",
    "getShortcutMissionReward",
    "startEntranceMission",
    "getEntranceMissionReward",
)
TT_API_MIN_VERSION: Final = dict.fromkeys(_MISSIONS, "41.0.0") | {
    "reportEvent": "43.0.0",
    "createInterstitialAd": "42.9.0",
}
_SCHEMA_MIN_VERSION: Final = {"shareAppMessage.object.query": "42.9.0"} | {
    f"{factory}.return.{m}": PRELOAD_VERSION for factory in FACTORIES for m in ("load", "onLoad", "offLoad")
}

CANCELLABLE: Final = frozenset(
    {"authorize", "addShortcut", "startEntranceMission", "shareAppMessage", "shareToStory"}
)
"""Callback members whose dialog the player can dismiss (the ``cancel`` outcome)."""
CALLBACK_APIS: Final = frozenset(
    {"login", "setLoadingProgress", "setStorage", "getStorage", "removeStorage", "clearStorage"}
    | {"getShortcutMissionReward", "getEntranceMissionReward", "reportEvent"}
    | CANCELLABLE
)
"""Members called with ``{success, fail, complete}`` callbacks."""
SYNC_APIS: Final = frozenset(
    {"init", "canIUse", "getSystemInfoSync", "getLaunchOptionsSync", "getEnterOptionsSync"}
)
"""Members that answer synchronously."""
LISTENERS: Final = frozenset({"onShow", "offShow", "onHide", "offHide"})
AD_FACTORIES: Final = frozenset(FACTORIES)
ALL_MEMBERS: Final = CALLBACK_APIS | SYNC_APIS | LISTENERS | AD_FACTORIES
"""Every emulated member; :func:`present` says which exist for a scenario."""


def check_knob(key: str, value: Json) -> None:
    """Check one knob as ``__gpMock.configure`` does.

    Raises:
        TypeError: ``key`` is not a knob of :data:`DEFAULT_SCENARIO`, ``runtime`` is not ``"html"`` or
            ``"native"``, or ``clientVersion`` does not look like ``"46.1.0"``.
    """
    if key not in DEFAULT_SCENARIO:
        raise TypeError(f"unknown TikTok knob {key!r} (known: {', '.join(DEFAULT_SCENARIO)})")
    if key == "runtime" and value not in ("html", "native"):
        raise TypeError('runtime must be "html" or "native"')
    if key == "clientVersion" and not (isinstance(value, str) and re.fullmatch(r"\d+(\.\d+){0,3}", value)):
        raise TypeError('clientVersion must look like "46.1.0"')


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def at_least(scenario: Mapping[str, Json], minimum: str) -> bool:
    """Whether the scenario's client version is ``minimum`` or newer."""
    return _version(str(scenario["clientVersion"])) >= _version(minimum)


def present(scenario: Mapping[str, Json], member: str) -> bool:
    """Whether ``TTMinis.game.<member>`` exists for the scenario's runtime and client version."""
    if member == "init":
        return scenario["runtime"] == "html"
    if member not in ALL_MEMBERS:
        return False
    minimum = TT_API_MIN_VERSION.get(member)
    return minimum is None or at_least(scenario, minimum)


def can_i_use(scenario: Mapping[str, Json], schema: Json) -> bool:
    """``canIUse(schema)``: ``canIUseOverrides`` first, then the member's presence and the schema's minimum
    version."""
    if not isinstance(schema, str) or not schema:
        return False
    overrides = scenario["canIUseOverrides"]
    if isinstance(overrides, dict) and schema in overrides:
        return bool(overrides[schema])
    if not present(scenario, schema.split(".")[0]):
        return False
    minimum = _SCHEMA_MIN_VERSION.get(schema)
    return minimum is None or at_least(scenario, minimum)
