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
:mod:`gameport.testing.meta.leaderboards`. Payments are not emulated yet.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
from collections.abc import Awaitable, Callable
from typing import Final, TypeAlias

from gameport.errors import JsPathError
from gameport.testing.fake_bridge import NO_ANSWER, Call, FakeBridge, HandlerResult, SdkFailure
from gameport.testing.meta.ads import AD_APIS, ALL_OUTCOMES, GETTERS, FakeMetaAds
from gameport.testing.meta.leaderboards import ENTRY_FIELDS, FakeMetaLeaderboards
from gameport.values import Json, JsonObject

FB_IMPLEMENTED_APIS: Final = (
    *("initializeAsync", "setLoadingProgress", "startGameAsync", "getSDKVersion", "getSupportedAPIs"),
    *("getLocale", "getPlatform", "getEntryPointData", "getEntryPointAsync", "onPause", "player.getID"),
    *("player.getSignedPlayerInfoAsync", "player.getDataAsync", "player.setDataAsync"),
    *("player.flushDataAsync", "context.getID", "shareAsync", "inviteAsync", "canCreateShortcutAsync"),
    *("createShortcutAsync", "logEvent", "getLeaderboardAsync"),
    *AD_APIS,
)
"""Dotted names of the emulated APIs: the default ``getSupportedAPIs()`` answer."""

FB_CODE_CHOICES: Final = {
    "beforeInitialize": "INVALID_OPERATION",
    "playerDataTooLarge": "INVALID_OPERATION",
    "setDataDuringFlush": "PENDING_REQUEST",
    "shortcutSecondCall": "INVALID_OPERATION",
    "inviteDismissed": "USER_INPUT",
    "signerMissing": "NETWORK_FAILURE",
    "unsupportedApi": "CLIENT_UNSUPPORTED_OPERATION",
}
"""The same choices as ``FB_CODE_CHOICES`` in fbinstant.js: which documented code a situation yields."""

DEFAULT_SCENARIO: Final[JsonObject] = {
    "supportedAPIs": None,
    "playerId": "mock-player-1",
    "locale": "en_US",
    "platform": "WEB",
    "entryPoint": "mock_entry",
    "entryPointData": None,
    "contextId": None,
    "playerDataLimitBytes": 1024 * 1024,
    "leaderboards": {},
    "shortcutEligible": True,
    "bannerSupported": True,
    "maxUnshownAds": 3,
}
"""The FBInstant knobs of ``DEFAULT_SCENARIO`` in scenario.js that this fake honours, with their defaults."""

Signer: TypeAlias = Callable[[JsonObject], str]
Answer: TypeAlias = "HandlerResult | Awaitable[HandlerResult]"
_CANCEL: Final = {"shareAsync": "resolve", "inviteAsync": "USER_INPUT", "createShortcutAsync": "USER_INPUT"}
_NAME = re.compile(r"^[A-Za-z0-9 _-]{2,40}$")
_MEMBERS: Final = {"getPlayerID": "playerID", "getSignature": "signature", "getID": "id", **ENTRY_FIELDS}


def _fail(code: Json, message: str) -> SdkFailure:
    return SdkFailure({"code": code, "message": message})


class FakeMeta:
    """Emulated ``FBInstant`` state and its :meth:`handler`. Build it with :func:`fake_meta`.

    Attributes:
        scenario: the knobs (see :data:`DEFAULT_SCENARIO`); change them freely between calls.
        log: ``"begin <api>"`` when an async call starts and ``"end <api>"`` when it settles.
        visibility: what ``document.visibilityState`` answers.
        player_data, initialized, started, loading_progress, flush_pending: the emulated state.
    """

    def __init__(self, scenario: JsonObject, sign: Signer | None) -> None:
        self.scenario = scenario
        self.sign = sign
        self.log: list[str] = []
        self.visibility = "visible"
        self.player_data: JsonObject = {}
        self.initialized = self.started = self.flush_pending = self.shortcut_called = False
        self.loading_progress: float | None = None
        self._queues: dict[str, list[JsonObject]] = {}
        self.ads = FakeMetaAds(self)
        """Ad instances and the banner (:mod:`gameport.testing.meta.ads`)."""
        self.leaderboards = FakeMetaLeaderboards(self)
        """Contextual leaderboards (:mod:`gameport.testing.meta.leaderboards`)."""

    def script(self, api: str, *steps: str | JsonObject) -> None:
        """Queue outcomes for the next calls of ``api`` like ``__gpMock.script``: ``"ok"``, ``"fail"``,
        ``"never"``, ``"throw"``, ``"cancel"``, or ``{"outcome", "code", "message", "value", "delayMs"}``."""
        member = api.rsplit(".", 1)[-1]
        allowed = ALL_OUTCOMES.get(member, frozenset({"ok", "fail", "never", "throw", "cancel"}))
        for step in steps:
            full: JsonObject = {"outcome": step} if isinstance(step, str) else {"outcome": "ok", **step}
            if full["outcome"] not in allowed:
                raise ValueError(f"unknown outcome {full['outcome']!r}")
            self._queues.setdefault(api, []).append(full)

    def supported(self, api: str) -> bool:
        """Whether ``api`` is in this session's ``getSupportedAPIs()``."""
        listed = self.scenario["supportedAPIs"]
        return api in (listed if isinstance(listed, list) else FB_IMPLEMENTED_APIS)

    @property
    def globals(self) -> frozenset[str]:
        """The FBInstant paths that exist (``logEvent`` only when supported, as in the JS mock)."""
        return frozenset(
            f"FBInstant.{a}" for a in FB_IMPLEMENTED_APIS if a != "logEvent" or self.supported(a)
        )

    def bridge(self, *, document: bool = True) -> FakeBridge:
        """A FakeBridge over this fake; ``document`` adds the page's visibility API."""
        page = {f"document.{m}" for m in ("visibilityState", "addEventListener", "removeEventListener")}
        return FakeBridge(self.handler, globals=self.globals | (page if document else set()))

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
            "getSupportedAPIs": lambda: [a for a in FB_IMPLEMENTED_APIS if self.supported(a)],
            "getLocale": lambda: s["locale"] if on else None,
            "getPlatform": lambda: s["platform"] if on else None,
            "getEntryPointData": lambda: copy.deepcopy(s["entryPointData"]) if on else None,
            "player.getID": lambda: str(s["playerId"]) if on else None,
            "context.getID": lambda: s["contextId"] if self.started else None,
            "setLoadingProgress": lambda: self._set_progress(arg),
        }
        if api in getters:
            return self._sync(api, getters[api])
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
            twice = _fail("PENDING_REQUEST", "a flush is already pending") if self.flush_pending else None
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
        if api in ("loadBannerAdAsync", "hideBannerAdAsync"):
            return p(api, lambda: self.ads.banner(api, call.args))
        raise JsPathError(f"FBInstant.{api} is not emulated by fake_meta", path=call.path)

    def _flag(self, name: str) -> Callable[[], Json]:
        return lambda: setattr(self, name, True)

    def _next(self, api: str) -> JsonObject:
        return self.next_step((api,))

    def next_step(self, keys: tuple[str, ...]) -> JsonObject:
        """The next scripted step of the first of ``keys`` with one queued, else ``{"outcome": "ok"}``."""
        for key in keys:
            queue = self._queues.get(key)
            if queue:
                return queue.pop(0)
        return {"outcome": "ok"}

    def _sync(self, api: str, run: Callable[[], Json]) -> Json:
        step = self._next(api)
        if step["outcome"] in ("throw", "fail"):
            raise _fail(step.get("code", "UNKNOWN"), f"scripted throw from {api}")
        if step["outcome"] != "ok":
            raise ValueError(f"outcome {step['outcome']!r} is not supported by FBInstant.{api}")
        value = run()
        return copy.deepcopy(step["value"]) if "value" in step else value

    def promise(
        self,
        api: str,
        run: Callable[[], Json],
        *,
        needs_init: bool = True,
        gate: bool = True,
        pre: SdkFailure | str | bool | None = None,
        begin: Callable[[], Json] | None = None,
        settle: Callable[[], None] | None = None,
    ) -> Answer:
        """A Promise API: order check, support gate, ``pre`` (a failure, or an INVALID_PARAM subject), the
        scripted step, ``begin``, then ``run`` after ``delayMs`` (``settle`` runs whatever the outcome)."""
        if needs_init and not self.initialized:
            raise _fail(
                FB_CODE_CHOICES["beforeInitialize"], f"FBInstant.{api} called before initializeAsync()"
            )
        if gate and not self.supported(api):
            raise _fail(FB_CODE_CHOICES["unsupportedApi"], f"{api} is not supported in this session")
        if isinstance(pre, SdkFailure):
            raise pre
        if pre:
            raise _fail("INVALID_PARAM", f"{api}: invalid {pre}")
        step = self._next(api)
        outcome, cancel = step["outcome"], _CANCEL.get(api)
        if outcome == "cancel" and cancel is None:
            raise ValueError(f"outcome 'cancel' is not supported by FBInstant.{api}")
        if outcome == "throw":
            raise _fail(step.get("code", "UNKNOWN"), f"scripted throw from {api}")
        if begin is not None:
            begin()
        self.log.append(f"begin {api}")
        if outcome == "never":
            return NO_ANSWER

        def finish() -> Json:
            self.log.append(f"end {api}")
            if settle is not None:
                settle()
            if outcome == "fail":
                raise _fail(
                    step.get("code", "UNKNOWN"), str(step.get("message", f"scripted failure of {api}"))
                )
            if outcome == "cancel":
                if cancel == "resolve":
                    return None
                raise _fail(step.get("code", cancel), f"{api}: the player dismissed the dialog")
            value = run()
            return copy.deepcopy(step["value"]) if "value" in step else value

        delay = step.get("delayMs")
        if not isinstance(delay, int | float) or delay <= 0:
            return finish()

        async def later() -> Json:
            await asyncio.sleep(delay / 1000)
            return finish()

        return later()

    def _set_progress(self, value: Json) -> Json:
        if not self.initialized:
            raise _fail(
                FB_CODE_CHOICES["beforeInitialize"], "setLoadingProgress called before initializeAsync()"
            )
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            raise _fail("INVALID_PARAM", "percentage must be a number in [0, 100]")
        self.loading_progress = value
        return None

    def _log_event(self, name: Json, params: Json) -> Json:
        step = self._next("logEvent")
        if step["outcome"] == "throw":
            raise _fail(step.get("code", "UNKNOWN"), "scripted throw from logEvent")
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
            raise _fail(FB_CODE_CHOICES["signerMissing"], "mock signer not configured (sign=)")
        player = str(self.scenario["playerId"])
        signed = self.sign({"player_id": player, "request_payload": nonce})
        if "." not in signed:
            raise _fail("NETWORK_FAILURE", 'the signer answered without "<sig>.<payload>"')
        return {"__fb": "SignedPlayerInfo", "playerID": player, "signature": signed}

    def _set_data(self, data: Json) -> Answer:
        merged = {**self.player_data, **data} if isinstance(data, dict) else {}
        limit = self.scenario["playerDataLimitBytes"]
        size = len(json.dumps(merged, separators=(",", ":"), ensure_ascii=False).encode())
        pre: SdkFailure | str | None = None if isinstance(data, dict) else "data"
        if self.flush_pending:
            pre = _fail(FB_CODE_CHOICES["setDataDuringFlush"], "setDataAsync while flushDataAsync is pending")
        elif isinstance(limit, int) and size > limit:
            pre = _fail(FB_CODE_CHOICES["playerDataTooLarge"], f"player data would exceed {limit} bytes")
        return self.promise("player.setDataAsync", lambda: setattr(self, "player_data", merged), pre=pre)

    def _shortcut(self) -> Json:
        if self.shortcut_called:
            raise _fail(FB_CODE_CHOICES["shortcutSecondCall"], "createShortcutAsync may be called once")
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
