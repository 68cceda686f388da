"""The SDK emulation tables, read from ``emulation.json`` next to this module: the one file both the Python
host fakes and the JavaScript mocks (``js_bridge/mocks/emulation.json`` is a symlink to it) take them from.

Tables (the JSON key in brackets):

* :data:`KNOWN_OUTCOMES` [``outcomes``]: every step outcome some emulated API understands.
* :data:`KNOBS` [``scenario``]: every scenario knob with its default, its SDK (``"tt"``, ``"fb"``, ``"both"``)
  and whether the host fakes honour it (``host``); :func:`default_scenario` picks a fake's defaults.
* :data:`TT_ERROR_CODES` [``tiktok.errorCodes``]: the TikTok error codes. Only ``LOGIN_NOT_CONFIGURED``
  (102102) is documented by TikTok; every entry with ``confirmed=False`` is an [unconfirmed] mock choice.
* :data:`TT_FAIL_CODE` [``tiktok.failCode``]: the entry a ``fail`` outcome uses, per member (``"default"``
  for the others).
* :data:`TT_API_MIN_VERSION`, :data:`TT_SCHEMA_MIN_VERSION`, :data:`TT_AD_PRELOAD_VERSION`: the TikTok client
  version from which a member, a ``canIUse`` sub-schema, or ad ``load()`` exists.
* :data:`TT_CALLBACK_OUTCOMES`, :data:`TT_SYNC_OUTCOMES`, :data:`TT_CANCELLABLE`, :data:`TT_AD_SHOW_OUTCOMES`,
  :data:`TT_AD_LOAD_OUTCOMES`: which outcomes each kind of TikTok member accepts (``cancel`` only on the
  cancellable members; it fails with ``USER_CANCEL``, [unconfirmed]). :data:`TT_HOST_OMITS`: members the
  host fake does not emulate (``pay``).
* :data:`TT_SYSTEM_INFO`, :data:`TT_SDK_VERSION_FOR_CLIENT`, :data:`TT_KNOWN_SUBSCHEMAS`: the
  ``getSystemInfoSync()`` fixture, its ``SDKVersion`` per client version (newest first; below 42.8.0 a mock
  choice), and the option / result fields ``canIUse`` knows.
* :data:`FB_IMPLEMENTED_APIS` [``fbinstant.implementedApis``]: the default ``getSupportedAPIs()`` answer of
  the JS mock; :data:`FB_HOST_OMITS` the ones the host fake does not emulate (payments).
* :data:`FB_CODE_CHOICES` [``fbinstant.codeChoices``]: which documented FBInstant code a situation yields.
  The mapping is the mock's choice; :data:`FB_UNCONFIRMED_CHOICES` are the [unconfirmed] ones
  (``beforeInitialize``, ``purchaseBeforeStart``, ``inviteDismissed``, ``adErrorAfterDisplay``).
* :data:`FB_CANCEL`, :data:`FB_AD_LOAD_OUTCOMES`, :data:`FB_AD_SHOW_OUTCOMES`: what an outcome does on
  FBInstant: ``"resolve"`` (settles with nothing), ``"ok"`` (the call's normal work), ``"never"``, or the
  name of a :data:`FB_CODE_CHOICES` entry the call rejects with.
* :data:`SLOW_LOAD_MS`, :data:`LATE_COMPLETE_MS` [``timing``]: default delays of ``slow_load`` and of the late
  ``complete`` of ``ok_then_late_complete``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Final

from gameport.values import Json, JsonObject


@dataclass(frozen=True, slots=True)
class TtErrorCode:
    """One TikTok error code of the mocks: ``error_code`` / ``error_msg`` as the SDK sends them."""

    error_code: int
    error_msg: str
    confirmed: bool
    note: str


@dataclass(frozen=True, slots=True)
class Knob:
    """One scenario knob: its default, SDK (``"tt"``, ``"fb"`` or ``"both"``), whether the host fakes honour
    it, and what it means."""

    default: Json
    sdk: str
    host: bool
    doc: str


def _load() -> dict[str, Json]:
    text = resources.files("gameport.testing").joinpath("emulation.json").read_text(encoding="utf-8")
    table = json.loads(text)
    if not isinstance(table, dict):
        raise ValueError("emulation.json must hold an object")
    return table


def _obj(value: Json, where: str) -> dict[str, Json]:
    if not isinstance(value, dict):
        raise ValueError(f"emulation.json: {where} must be an object")
    return value


def _entries(value: Json, where: str) -> list[tuple[str, dict[str, Json]]]:
    return [(name, _obj(entry, f"{where}.{name}")) for name, entry in _obj(value, where).items()]


def _list(value: Json) -> list[Json]:
    if not isinstance(value, list):
        raise ValueError("emulation.json: a list was expected")
    return value


def _strs(value: Json, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"emulation.json: {where} must be a list of strings")
    return tuple(str(v) for v in value)


def _str_map(value: Json, where: str) -> dict[str, str]:
    table = _obj(value, where)
    if not all(isinstance(v, str) for v in table.values()):
        raise ValueError(f"emulation.json: the values of {where} must be strings")
    return {k: str(v) for k, v in table.items()}


_TABLE: Final = _load()
_TT: Final = _obj(_TABLE["tiktok"], "tiktok")
_FB: Final = _obj(_TABLE["fbinstant"], "fbinstant")
_TIMING: Final = _obj(_TABLE["timing"], "timing")

KNOWN_OUTCOMES: Final = tuple(_obj(_TABLE["outcomes"], "outcomes"))
KNOBS: Final[Mapping[str, Knob]] = {
    name: Knob(e["default"], str(e["sdk"]), e["host"] is True, str(e["doc"]))
    for name, e in _entries(_TABLE["scenario"], "scenario")
}
SLOW_LOAD_MS: Final = float(str(_TIMING["slowLoadMs"]))
LATE_COMPLETE_MS: Final = float(str(_TIMING["lateCompleteMs"]))

TT_ERROR_CODES: Final[Mapping[str, TtErrorCode]] = {
    name: TtErrorCode(int(str(e["error_code"])), str(e["error_msg"]), e["confirmed"] is True, str(e["note"]))
    for name, e in _entries(_TT["errorCodes"], "tiktok.errorCodes")
}
TT_FAIL_CODE: Final = _str_map(_TT["failCode"], "tiktok.failCode")
TT_API_MIN_VERSION: Final = _str_map(_TT["apiMinVersion"], "tiktok.apiMinVersion")
TT_SCHEMA_MIN_VERSION: Final = _str_map(_TT["schemaMinVersion"], "tiktok.schemaMinVersion")
TT_AD_PRELOAD_VERSION: Final = str(_TT["adPreloadVersion"])
TT_CALLBACK_OUTCOMES: Final = frozenset(_strs(_TT["callbackOutcomes"], "tiktok.callbackOutcomes"))
TT_SYNC_OUTCOMES: Final = frozenset(_strs(_TT["syncOutcomes"], "tiktok.syncOutcomes"))
TT_CANCELLABLE: Final = frozenset(_strs(_TT["cancellable"], "tiktok.cancellable"))
TT_AD_SHOW_OUTCOMES: Final = frozenset(_strs(_TT["adShowOutcomes"], "tiktok.adShowOutcomes"))
TT_AD_LOAD_OUTCOMES: Final = frozenset(_strs(_TT["adLoadOutcomes"], "tiktok.adLoadOutcomes"))
TT_HOST_OMITS: Final = frozenset(_strs(_TT["hostOmits"], "tiktok.hostOmits"))
TT_SYSTEM_INFO: Final[Mapping[str, Json]] = _obj(_TT["systemInfo"], "tiktok.systemInfo")
TT_SDK_VERSION_FOR_CLIENT: Final = tuple(
    (pair[0], pair[1])
    for pair in (_strs(p, "tiktok.sdkVersionForClient[]") for p in _list(_TT["sdkVersionForClient"]))
)
TT_KNOWN_SUBSCHEMAS: Final[Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    api: {part: _strs(names, f"tiktok.knownSubschemas.{api}") for part, names in parts.items()}
    for api, parts in _entries(_TT["knownSubschemas"], "tiktok.knownSubschemas")
}

FB_IMPLEMENTED_APIS: Final = _strs(_FB["implementedApis"], "fbinstant.implementedApis")
FB_HOST_OMITS: Final = frozenset(_strs(_FB["hostOmits"], "fbinstant.hostOmits"))
_CHOICES: Final = dict(_entries(_FB["codeChoices"], "fbinstant.codeChoices"))
FB_CODE_CHOICES: Final[Mapping[str, str]] = {name: str(e["code"]) for name, e in _CHOICES.items()}
FB_UNCONFIRMED_CHOICES: Final = frozenset(name for name, e in _CHOICES.items() if e["unconfirmed"] is True)
FB_PROMISE_OUTCOMES: Final = frozenset(_strs(_FB["promiseOutcomes"], "fbinstant.promiseOutcomes"))
FB_CANCEL: Final = _str_map(_FB["cancel"], "fbinstant.cancel")
FB_AD_LOAD_OUTCOMES: Final = _str_map(_FB["adLoadOutcomes"], "fbinstant.adLoadOutcomes")
FB_AD_SHOW_OUTCOMES: Final = _str_map(_FB["adShowOutcomes"], "fbinstant.adShowOutcomes")


def fb_effect(effect: str) -> str:
    """An FB outcome effect (from :data:`FB_CANCEL` or the ad outcome tables) with a choice name replaced by
    its code: ``"resolve"``, ``"ok"``, ``"never"`` or an FBInstant error code."""
    return FB_CODE_CHOICES.get(effect, effect)


def default_scenario(sdk: str) -> JsonObject:
    """A fresh copy of the defaults of the knobs the host fake of ``sdk`` (``"tt"`` or ``"fb"``) honours."""
    return {
        name: copy.deepcopy(knob.default)
        for name, knob in KNOBS.items()
        if knob.host and knob.sdk in (sdk, "both")
    }


__all__ = [
    "FB_AD_LOAD_OUTCOMES",
    "FB_AD_SHOW_OUTCOMES",
    "FB_CANCEL",
    "FB_CODE_CHOICES",
    "FB_HOST_OMITS",
    "FB_IMPLEMENTED_APIS",
    "FB_PROMISE_OUTCOMES",
    "FB_UNCONFIRMED_CHOICES",
    "KNOBS",
    "KNOWN_OUTCOMES",
    "LATE_COMPLETE_MS",
    "SLOW_LOAD_MS",
    "TT_AD_LOAD_OUTCOMES",
    "TT_AD_PRELOAD_VERSION",
    "TT_AD_SHOW_OUTCOMES",
    "TT_API_MIN_VERSION",
    "TT_CALLBACK_OUTCOMES",
    "TT_CANCELLABLE",
    "TT_ERROR_CODES",
    "TT_FAIL_CODE",
    "TT_HOST_OMITS",
    "TT_KNOWN_SUBSCHEMAS",
    "TT_SCHEMA_MIN_VERSION",
    "TT_SDK_VERSION_FOR_CLIENT",
    "TT_SYNC_OUTCOMES",
    "TT_SYSTEM_INFO",
    "Knob",
    "TtErrorCode",
    "default_scenario",
    "fb_effect",
]
