"""A host fake of Meta's ``FBInstant`` 8.0: a :class:`~gameport.testing.fake_bridge.FakeBridge` handler.

It behaves like ``js_bridge/mocks/fbinstant.js`` (same knob names, outcomes and error-code choices), so one
scenario drives both the host tests and the Chromium tests::

    fake = fake_meta(supportedAPIs=["initializeAsync", "shareAsync"], sign=my_test_signer)
    fake.script("inviteAsync", "cancel")                     # the next inviteAsync rejects USER_INPUT
    fake.script("player.setDataAsync", {"delayMs": 50})      # the next write takes 50 ms
    bridge = fake.bridge()
    fake.log      # ["begin initializeAsync", "end initializeAsync", ...]: when each async call ran

Objects kept behind handles (SignedPlayerInfo, Leaderboard, LeaderboardEntry, entry arrays, players) are
JSON dicts tagged ``"__fb"``; member paths on them (``"@h2.0.getScore"``) resolve as the JS bridge does.
The fake never signs anything itself: pass ``sign`` (a function of the payload), or signed calls reject
``NETWORK_FAILURE`` as the JS mock does without a signer. Ads: :mod:`gameport.testing.meta.ads`; leaderboards:
:mod:`gameport.testing.meta.leaderboards`; knobs, steps and how Promise members answer:
:mod:`gameport.testing.meta.core`. Outcomes, knob defaults and code choices come from the emulation table the
JS mock reads too (:mod:`gameport.testing.emulation`). Payments: :mod:`gameport.testing.meta.payments`.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Final

from gameport.errors import JsPathError
from gameport.testing.calls import Call, SdkFailure
from gameport.testing.emulation import FB_CODE_CHOICES
from gameport.testing.fake_bridge import FakeBridge
from gameport.testing.meta.ads import GETTERS, FakeMetaAds
from gameport.testing.meta.core import (
    DEFAULT_SCENARIO,
    FB_IMPLEMENTED_APIS,
    Answer,
    MetaCore,
    Signer,
    choice,
    fail,
)
from gameport.testing.meta.leaderboards import ENTRY_FIELDS, FakeMetaLeaderboards
from gameport.testing.meta.payments import FakeMetaPayments, MetaBridge
from gameport.values import Json, JsonObject

_NAME = re.compile(r"^[A-Za-z0-9 _-]{2,40}$")
_MEMBERS: Final = {"getPlayerID": "playerID", "getSignature": "signature", "getID": "id", **ENTRY_FIELDS}


class FakeMeta(MetaCore):
    """Emulated ``FBInstant`` state and its :meth:`handler`. Build it with :func:`fake_meta`.

    Attributes:
        scenario: the knobs (see :data:`DEFAULT_SCENARIO`); change them freely between calls.
        log: ``"begin <api>"`` when an async call starts and ``"end <api>"`` when it settles.
        visibility: what ``document.visibilityState`` answers.
        player_data, initialized, started, loading_progress, flush_pending: the emulated state.
    """

    def __init__(self, scenario: JsonObject, sign: Signer | None) -> None:
        super().__init__(scenario, sign)
        self.visibility = "visible"
        self.player_data: JsonObject = {}
        self.flush_pending = self.shortcut_called = False
        self.loading_progress: float | None = None
        self.ads = FakeMetaAds(self)
        """Ad instances and the banner (:mod:`gameport.testing.meta.ads`)."""
        self.leaderboards = FakeMetaLeaderboards(self)
        """Contextual leaderboards (:mod:`gameport.testing.meta.leaderboards`)."""
        self.payments = FakeMetaPayments(self)
        """Catalog, purchases and the unconsumed list (:mod:`gameport.testing.meta.payments`)."""

    @property
    def globals(self) -> frozenset[str]:
        """The FBInstant paths that exist (``logEvent`` only when supported, as in the JS mock)."""
        return frozenset(
            f"FBInstant.{a}" for a in FB_IMPLEMENTED_APIS if a != "logEvent" or self.supported(a)
        )

    def bridge(self, *, document: bool = True) -> FakeBridge:
        """A FakeBridge over this fake; ``document`` adds the page's visibility API."""
        page = {f"document.{m}" for m in ("visibilityState", "addEventListener", "removeEventListener")}
        bridge = MetaBridge(self.handler, globals=self.globals | (page if document else set()))
        bridge.payments = self.payments
        return bridge

    def handler(self, call: Call) -> Answer:
        """Answer one bridge call as FBInstant 8.0 would."""
        if call.path == "document.visibilityState":
            return self.visibility
        target = call.target
        if call.path.startswith("@") and isinstance(target, dict) and target.get("__fb") == "AdInstance":
            return self.ads.member(target, call.path.rsplit(".", 1)[-1])
        if call.path.startswith("@"):
            return self._member(call)
        api, arg = call.path.removeprefix("FBInstant."), call.args[0] if call.args else None
        s, on = self.scenario, self.initialized
        getters: dict[str, Callable[[], Json]] = {
            "getSDKVersion": lambda: "8.0",
            "getSupportedAPIs": lambda: list(self.supported_apis()),
            "getLocale": lambda: s["locale"] if on else None,
            "getPlatform": lambda: s["platform"] if on else None,
            "getEntryPointData": lambda: copy.deepcopy(s["entryPointData"]) if on else None,
            "player.getID": lambda: str(s["playerId"]) if on else None,
            "context.getID": lambda: s["contextId"] if self.started else None,
            "setLoadingProgress": lambda: self._set_progress(arg),
        }
        if api in getters:
            return self.sync(api, getters[api])
        if api == "logEvent":
            return self._log_event(arg, call.args[2] if len(call.args) > 2 else None)
        p = self.promise
        if api == "initializeAsync":
            return p(api, self._flag("initialized"), needs_init=False, gate=False)
        if api == "startGameAsync":
            return p(api, self._flag("started"), gate=False)
        if api == "getEntryPointAsync":
            return p(api, lambda: s["entryPoint"])
        if api == "player.getSignedPlayerInfoAsync":
            ok = arg is None or isinstance(arg, str)
            return p(api, lambda: self._signed(arg), pre=None if ok else "nonce must be a string")
        if api == "player.getDataAsync":
            keys = [k for k in arg if isinstance(k, str)] if isinstance(arg, list) else []
            bad = not isinstance(arg, list) or len(keys) != len(arg)
            data = self.player_data
            return p(api, lambda: {k: copy.deepcopy(data[k]) for k in keys if k in data}, pre=bad and "keys")
        if api == "player.setDataAsync":
            return self._set_data(arg)
        if api == "player.flushDataAsync":
            twice = fail("PENDING_REQUEST", "a flush is already pending") if self.flush_pending else None
            unflag = lambda: setattr(self, "flush_pending", False)  # noqa: E731
            return p(api, lambda: None, pre=twice, begin=self._flag("flush_pending"), settle=unflag)
        if api in ("shareAsync", "inviteAsync"):
            ok = isinstance(arg, dict) and isinstance(arg.get("image"), str) and bool(arg["image"])
            return p(api, lambda: None, pre=None if ok else "payload needs image (base64 data URL) and text")
        if api == "canCreateShortcutAsync":
            return p(api, lambda: bool(s["shortcutEligible"]) and not self.shortcut_called)
        if api == "createShortcutAsync":
            return p(api, self._shortcut)
        if api == "getLeaderboardAsync":
            return p(api, lambda: self.leaderboards.board_object(arg))
        if api in GETTERS:
            return p(api, lambda: self.ads.get(api, arg))
        if api.startswith("payments.") and api != "payments.onReady":
            return self.payments.answer(api, arg)
        if api in ("loadBannerAdAsync", "hideBannerAdAsync"):
            return p(api, lambda: self.ads.banner(api, call.args))
        raise JsPathError(f"FBInstant.{api} is not emulated by fake_meta", path=call.path)

    def _set_progress(self, value: Json) -> Json:
        if not self.initialized:
            raise choice("beforeInitialize", "setLoadingProgress called before initializeAsync()")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            raise fail("INVALID_PARAM", "percentage must be a number in [0, 100]")
        self.loading_progress = value
        return None

    def _log_event(self, name: Json, params: Json) -> Json:
        step = self.next_step(("logEvent",))
        if step["outcome"] == "throw":
            raise fail(step.get("code", "UNKNOWN"), "scripted throw from logEvent")
        if step["outcome"] == "fail":
            return {
                "code": step.get("code", "ANALYTICS_POST_EXCEPTION"),
                "message": "scripted analytics failure",
            }
        if not self.initialized:
            return {
                "code": FB_CODE_CHOICES["beforeInitialize"],
                "message": "logEvent before initializeAsync()",
            }
        if "value" in step:
            return copy.deepcopy(step["value"])
        bad_params = isinstance(params, dict) and (
            len(params) > 25 or any(not _NAME.match(k) or len(str(v)) >= 100 for k, v in params.items())
        )
        if not isinstance(name, str) or not _NAME.match(name) or bad_params:
            return {"code": "INVALID_PARAM", "message": "event name or parameters break Meta's limits"}
        return None

    def _signed(self, nonce: Json) -> Json:
        if self.sign is None:
            raise choice("signerMissing", "mock signer not configured (sign=)")
        player = str(self.scenario["playerId"])
        signed = self.sign({"player_id": player, "request_payload": nonce})
        if "." not in signed:
            raise fail("NETWORK_FAILURE", 'the signer answered without "<sig>.<payload>"')
        return {"__fb": "SignedPlayerInfo", "playerID": player, "signature": signed}

    def _set_data(self, data: Json) -> Answer:
        merged = {**self.player_data, **data} if isinstance(data, dict) else {}
        limit = self.scenario["playerDataLimitBytes"]
        size = len(json.dumps(merged, separators=(",", ":"), ensure_ascii=False).encode())
        pre: SdkFailure | str | None = None if isinstance(data, dict) else "data"
        if self.flush_pending:
            pre = choice("setDataDuringFlush", "setDataAsync while flushDataAsync is pending")
        elif isinstance(limit, int) and size > limit:
            pre = choice("playerDataTooLarge", f"player data would exceed {limit} bytes")
        return self.promise("player.setDataAsync", lambda: setattr(self, "player_data", merged), pre=pre)

    def _shortcut(self) -> Json:
        if self.shortcut_called:
            raise choice("shortcutSecondCall", "createShortcutAsync may be called once")
        self.shortcut_called = True
        return None

    def _member(self, call: Call) -> Answer:
        *walk, name = call.path.split(".")[1:]
        obj = call.target
        for part in walk:
            ok = isinstance(obj, list) and part.isdigit() and int(part) < len(obj)
            obj = obj[int(part)] if ok and isinstance(obj, list) else None
        if isinstance(obj, list) and name == "length":
            return len(obj)
        if isinstance(obj, dict) and name in _MEMBERS and _MEMBERS[name] in obj:
            return obj[_MEMBERS[name]]
        return self.leaderboards.member(call.path, obj, name, call.args)


def fake_meta(*, sign: Signer | None = None, **knobs: Json) -> FakeMeta:
    """A fresh :class:`FakeMeta`; ``knobs`` are the JS mock's FBInstant scenario knobs (same names).

    Raises:
        TypeError: an unknown knob (as ``__gpMock.configure`` does).
    """
    unknown = sorted(set(knobs) - set(DEFAULT_SCENARIO))
    if unknown:
        raise TypeError(f"unknown fake_meta knob(s) {unknown}; known: {sorted(DEFAULT_SCENARIO)}")
    return FakeMeta({**copy.deepcopy(DEFAULT_SCENARIO), **copy.deepcopy(knobs)}, sign)


__all__ = ["DEFAULT_SCENARIO", "FB_CODE_CHOICES", "FB_IMPLEMENTED_APIS", "FakeMeta", "fake_meta"]
