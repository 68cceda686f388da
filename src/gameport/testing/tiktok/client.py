"""The TikTok client the host fake emulates: its scenario knobs, and which ``TTMinis.game`` members and
``canIUse`` schemas exist for the knobs' runtime and client version.

The knobs, their defaults and the version tables come from the emulation table
(:mod:`gameport.testing.emulation`), as the JS mock's do. Everything here is a function of a scenario (a knob
dict); how each member answers is :mod:`gameport.testing.tiktok.fake`'s concern.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Final

from gameport.testing.emulation import (
    TT_AD_PRELOAD_VERSION,
    TT_API_MIN_VERSION,
    TT_CANCELLABLE,
    TT_HOST_OMITS,
    TT_KNOWN_SUBSCHEMAS,
    TT_SCHEMA_MIN_VERSION,
    TT_SDK_VERSION_FOR_CLIENT,
    TT_SYSTEM_INFO,
    default_scenario,
)
from gameport.values import Json, JsonObject

NS: Final = "TTMinis.game"

DEFAULT_SCENARIO: Final[JsonObject] = default_scenario("tt")
"""The TikTok knobs the host fake honours, with their defaults (the emulation table's ``scenario``)."""

FACTORIES: Final = {"createRewardedVideoAd": "rewarded", "createInterstitialAd": "interstitial"}
"""Ad factory members and the kind of ad each makes."""
PRELOAD_VERSION: Final = TT_AD_PRELOAD_VERSION
"""The client version from which ad objects have ``load`` / ``onLoad`` / ``offLoad``."""

CANCELLABLE: Final = TT_CANCELLABLE - TT_HOST_OMITS
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


def system_info(scenario: Mapping[str, Json]) -> JsonObject:
    """``getSystemInfoSync()``: the table's fixture, the scenario's language, client and SDK versions, then
    the ``systemInfo`` knob's overrides."""
    sdk = next(sdk for client, sdk in TT_SDK_VERSION_FOR_CLIENT if at_least(scenario, client))
    overrides = scenario["systemInfo"]
    return {
        **copy.deepcopy(dict(TT_SYSTEM_INFO)),
        "language": str(scenario["locale"]).replace("_", "-"),
        "SDKVersion": sdk,
        "version": str(scenario["clientVersion"]),
        **copy.deepcopy(overrides if isinstance(overrides, dict) else {}),
    }


def can_i_use(scenario: Mapping[str, Json], schema: Json) -> bool:
    """``canIUse(schema)``: ``canIUseOverrides`` first, then the member's presence, the schema's minimum
    version, the ``getSystemInfoSync`` fields and the table's known option / result fields."""
    if not isinstance(schema, str) or not schema:
        return False
    overrides = scenario["canIUseOverrides"]
    if isinstance(overrides, dict) and schema in overrides:
        return bool(overrides[schema])
    api, *rest = schema.split(".")
    if not present(scenario, api):
        return False
    if not rest:
        return True
    if schema in TT_SCHEMA_MIN_VERSION:
        return at_least(scenario, TT_SCHEMA_MIN_VERSION[schema])
    if api == "getSystemInfoSync" and rest[0] == "return":
        node: Json = system_info(scenario)
        for part in rest[1:]:
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True
    known = TT_KNOWN_SUBSCHEMAS.get(api, {}).get(rest[0])
    if len(rest) > 2 or known is None:
        return False
    return len(rest) == 1 or rest[1] in known
