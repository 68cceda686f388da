"""A host fake of TikTok's ``TTMinis.game`` for :class:`~gameport.testing.FakeBridge`, behaving like the
headless mock ``js_bridge/mocks/ttminis.js`` so TikTok flows run on plain CPython::

    fake = fake_tiktok(clientVersion="40.0.0", runtime="native")
    fake.script("login", {"outcome": "fail", "code": 102102})
    bridge = fake.bridge()                 # or FakeBridge(fake.handler, globals=fake.globals)
    ...
    fake.fire("onHide")                    # listeners added with bridge.on("TTMinis.game.onHide", ...)

Knob names are the mock's scenario knobs (``runtime``, ``clientVersion``, ``launchOptions``,
``shortcutRewardAvailable``, ...); step outcomes are the mock's (``ok``, ``fail``, ``never``, ``throw``,
``ok_twice``, ``ok_then_late_complete``, ``cancel``) with the same step fields (``delayMs``, ``code``,
``message``, ``value``, ``extra``, ``lateMs``). Error codes are the mock's ``TT_ERROR_CODES`` (mostly
[unconfirmed] choices). The knobs and which members exist per runtime and client version:
:mod:`gameport.testing.tiktok.client`; ad objects: :mod:`gameport.testing.tiktok.ads`. Not emulated here:
``pay``, the ``platformUrl`` server round trips.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections import deque
from collections.abc import Awaitable, Iterable, Mapping
from typing import Final

import gameport.testing.tiktok.client as client
from gameport.errors import BridgeError, JsPathError
from gameport.testing.fake_bridge import NO_ANSWER, Call, Callbacks, FakeBridge, HandlerResult, SdkFailure
from gameport.testing.tiktok.ads import LOAD_OUTCOMES, SHOW_OUTCOMES, FakeTikTokAds
from gameport.testing.tiktok.client import CALLBACK_APIS, CANCELLABLE, DEFAULT_SCENARIO, NS, SYNC_APIS
from gameport.testing.tiktok.client import (
    TT_API_MIN_VERSION as TT_API_MIN_VERSION,  # importable from here, as before
)
from gameport.testing.tiktok.codes import TT_ERROR_CODES
from gameport.testing.timing import seconds
from gameport.values import Json, JsonObject

_GENERIC: Final = frozenset({"ok", "fail", "never", "throw", "ok_twice", "ok_then_late_complete"})


def _payload(api: str, entry: str, step: JsonObject | None = None) -> JsonObject:
    step = step or {}
    code, message = TT_ERROR_CODES[entry]
    code_v = step.get("code", code)
    msg = step.get("message", message)
    extra = step.get("extra") or {}
    return {
        "error": {"error_code": code_v, "error_msg": msg, "error_extra": extra},
        "errMsg": f"{api}:fail {msg}",
        "errCode": code_v,
    }


class FakeTikTok:
    """The state and scripting of a fake ``TTMinis.game`` (see the module docstring).

    Attributes:
        scenario: the current knobs. storage: key -> JSON text. initialized: ``init`` succeeded.
        client_key: what ``init`` received. loading_progress: the last ``setLoadingProgress`` value.
    """

    def __init__(self, **knobs: Json) -> None:
        self.scenario: JsonObject = copy.deepcopy(DEFAULT_SCENARIO)
        self.storage: dict[str, str] = {}
        self.initialized = False
        self.client_key: str | None = None
        self.loading_progress: float | None = None
        self._queues: dict[str, deque[JsonObject]] = {}
        self._logins = 0
        self._bridge: FakeBridge | None = None
        self.ads = FakeTikTokAds(self)
        """The ad objects created so far (``ads.states``)."""
        self.configure(**knobs)

    # -- set-up --------------------------------------------------------------------------------------

    def configure(self, **knobs: Json) -> None:
        """Change knobs, as ``__gpMock.configure``. Raises TypeError on an unknown knob or a bad value."""
        for key, value in knobs.items():
            client.check_knob(key, value)
            self.scenario[key] = copy.deepcopy(value)

    def script(self, api: str, *steps: str | JsonObject) -> None:
        """Queue outcomes for the next calls of ``api`` (a member name such as ``"login"``), as
        ``__gpMock.script``. A step is an outcome string or ``{"outcome", "delayMs", "code", ...}``."""
        allowed = _GENERIC | ({"cancel"} if api in CANCELLABLE else set())
        if api in SYNC_APIS:
            allowed = frozenset({"ok", "fail", "throw"})
        if api.endswith((".show", ".load")) and api.startswith(("ad#", "ad.", "rewarded.", "interstitial.")):
            allowed = SHOW_OUTCOMES if api.endswith(".show") else LOAD_OUTCOMES
        for step in steps:
            normal: JsonObject = {"outcome": step} if isinstance(step, str) else dict(step)
            normal.setdefault("outcome", "ok")
            if normal["outcome"] not in allowed:
                raise TypeError(f"outcome {normal['outcome']!r} is not supported by {NS}.{api}")
            self._queues.setdefault(api, deque()).append(normal)

    def present(self, member: str) -> bool:
        """Whether ``TTMinis.game.<member>`` exists for the current runtime and client version."""
        return client.present(self.scenario, member)

    @property
    def globals(self) -> frozenset[str]:
        """The present members as FakeBridge ``globals`` (a snapshot: call after :meth:`configure`)."""
        return frozenset(f"{NS}.{m}" for m in client.ALL_MEMBERS if self.present(m))

    def bridge(self) -> FakeBridge:
        """A FakeBridge answered by this fake whose ``has`` follows later :meth:`configure` calls too."""
        self._bridge = _TikTokBridge(self)
        return self._bridge

    def fire(self, event: str, payload: Json = None) -> int:
        """Fire ``"onShow"`` (default payload: the enter options) or ``"onHide"`` on the :meth:`bridge`."""
        if self._bridge is None:
            raise BridgeError("fire() needs the bridge made by fake.bridge()")
        if payload is None:
            payload = self._enter_options() if event == "onShow" else {}
        return self._bridge.emit(f"{NS}.{event}", payload)

    # -- the handler -----------------------------------------------------------------------------------

    def handler(self, call: Call) -> HandlerResult | Awaitable[HandlerResult]:
        """Answer one bridge call like ``TTMinis.game`` would."""
        target = call.target
        if call.path.startswith("@") and isinstance(target, dict) and target.get("__tt") == "ad":
            ad_member = call.path.split(".", 1)[1]
            if call.kind == "call" and ad_member in ("show", "load") and self._bridge is not None:
                return self.ads.call(target, ad_member, self._bridge)
            raise BridgeError(f"{call.kind}({call.path}) is not how an ad object is used", path=call.path)
        member = call.path.removeprefix(NS + ".")
        if call.path == member or not self.present(member):
            raise JsPathError(f"{call.path} does not exist in this fake", path=call.path)
        if call.kind == "create" and member in client.AD_FACTORIES:
            if self._needs_init():
                raise SdkFailure(_payload(member, "NOT_INITIALIZED"))
            return self.ads.create(member, call.args)
        if call.kind == "call_sync" and member in SYNC_APIS:
            return self._sync(member, call.args)
        if call.kind == "call_cb" and member in CALLBACK_APIS and call.callbacks is not None:
            return self._callback(member, call.options or {}, call.callbacks)
        raise BridgeError(f"{call.kind}({call.path}) is not how {NS}.{member} is called", path=call.path)

    def _sync(self, member: str, args: tuple[Json, ...]) -> Json:
        if member != "init" and self._needs_init():
            raise SdkFailure(_payload(member, "NOT_INITIALIZED"))
        step = self._next(member)
        if step["outcome"] in ("fail", "throw"):
            raise SdkFailure(_payload(member, "SCRIPTED_FAIL", step))
        arg = args[0] if args else None
        value: Json = None
        if member == "init":
            key = arg.get("clientKey") if isinstance(arg, dict) else None
            if not isinstance(key, str) or not key:
                raise SdkFailure(
                    {"message": "TTMinis.game.init({clientKey}): clientKey must be a non-empty string"}
                )
            self.initialized, self.client_key = True, key
        elif member == "canIUse":
            value = client.can_i_use(self.scenario, arg)
        elif member == "getSystemInfoSync":
            info = {"platform": "ios", "language": str(self.scenario["locale"]).replace("_", "-")}
            value = {**info, "version": self.scenario["clientVersion"], **_obj(self.scenario["systemInfo"])}
        elif member == "getLaunchOptionsSync":
            value = copy.deepcopy(self.scenario["launchOptions"])
        elif member == "getEnterOptionsSync":
            value = self._enter_options()
        return copy.deepcopy(step["value"]) if "value" in step else value

    async def _callback(self, member: str, options: Mapping[str, Json], cbs: Callbacks) -> HandlerResult:
        await asyncio.sleep(0)  # the mock always calls back asynchronously
        if self._needs_init():
            return _deliver(cbs, False, _payload(member, "NOT_INITIALIZED"), {"outcome": "fail"})
        step = self._next(member)
        outcome = step["outcome"]
        payload: Json
        if outcome == "throw":
            raise SdkFailure(
                {"message": f"{member}:fail scripted throw", **_payload(member, "SCRIPTED_FAIL", step)}
            )
        if outcome == "never":
            return NO_ANSWER
        await asyncio.sleep(seconds(step.get("delayMs"), 0))
        if outcome in ("fail", "cancel"):
            entry = "LOGIN_NOT_CONFIGURED" if member == "login" else "SCRIPTED_FAIL"
            ok, payload = False, _payload(member, "USER_CANCEL" if outcome == "cancel" else entry, step)
        else:
            ok, payload = self._run(member, options)
            if ok and "value" in step:
                payload = copy.deepcopy(step["value"])
        return _deliver(cbs, ok, payload, step)

    def _run(self, member: str, o: Mapping[str, Json]) -> tuple[bool, Json]:
        invalid = (False, _payload(member, "INVALID_PARAM"))
        key = o.get("key")
        if member == "login":
            self._logins += 1
            return True, {"code": f"mock-code-{self._logins}"}
        if member == "authorize":
            scope = o.get("scope")
            return (True, {}) if isinstance(scope, str) and scope.strip() else invalid
        if member == "setLoadingProgress":
            p = o.get("progress")
            if isinstance(p, bool) or not isinstance(p, int | float) or not 0 <= p <= 100:
                return invalid
            self.loading_progress = float(p)
        elif member == "setStorage":
            return self._write(member, key, o.get("data"))
        elif member == "getStorage":
            if not isinstance(key, str) or key not in self.storage:
                return False, _payload(member, "DATA_NOT_FOUND")
            return True, {"data": json.loads(self.storage[key])}
        elif member == "removeStorage":
            if not isinstance(key, str):
                return invalid
            self.storage.pop(key, None)
        elif member == "clearStorage":
            self.storage.clear()
        elif member in ("getShortcutMissionReward", "getEntranceMissionReward"):
            knob = (
                "shortcutRewardAvailable" if member.startswith("getShortcut") else "entranceRewardAvailable"
            )
            can = bool(self.scenario[knob])
            self.scenario[knob] = False  # one-time: TikTok's server tracks the claim
            return True, {"canReceiveReward": can}
        elif member == "reportEvent":
            name, params = o.get("eventName"), o.get("params")
            if not isinstance(name, str) or not name or not (params is None or isinstance(params, dict)):
                return invalid
        return True, {}

    # -- internals -------------------------------------------------------------------------------------

    def _write(self, member: str, key: Json, data: Json) -> tuple[bool, Json]:
        if not isinstance(key, str) or not key:
            return False, _payload(member, "INVALID_PARAM")
        text = json.dumps(data, separators=(",", ":"))
        others = sum(len(k.encode()) + len(v.encode()) for k, v in self.storage.items() if k != key)
        limit = self.scenario["storageLimitBytes"]
        if isinstance(limit, int | float) and others + len(key.encode()) + len(text.encode()) > limit:
            return False, _payload(member, "STORAGE_LIMIT")
        self.storage[key] = text
        return True, {}

    def _next(self, api: str) -> JsonObject:
        return self.next_step((api,))

    def next_step(self, keys: Iterable[str]) -> JsonObject:
        """The next scripted step of the first of ``keys`` with one queued, else ``{"outcome": "ok"}``."""
        for key in keys:
            queue = self._queues.get(key)
            if queue:
                return queue.popleft()
        return {"outcome": "ok"}

    def at_least(self, minimum: str) -> bool:
        """Whether the emulated client version is ``minimum`` or newer."""
        return client.at_least(self.scenario, minimum)

    def _needs_init(self) -> bool:
        return self.scenario["runtime"] == "html" and not self.initialized

    def _enter_options(self) -> Json:
        enter = self.scenario["enterOptions"]
        return copy.deepcopy(enter if enter is not None else self.scenario["launchOptions"])


class _TikTokBridge(FakeBridge):
    def __init__(self, fake: FakeTikTok) -> None:
        super().__init__(fake.handler)
        self._fake = fake

    def has(self, path: str) -> bool:
        if path.startswith("@"):
            head, _, member = path[1:].partition(".")
            value = self._handles.get(head)
            if isinstance(value, dict) and value.get("__tt") == "ad" and member:
                return member in self._fake.ads.members()
            return super().has(path)
        if path in ("TTMinis", NS):
            return True
        return path.startswith(NS + ".") and self._fake.present(path.removeprefix(NS + "."))


def _deliver(cbs: Callbacks, ok: bool, payload: Json, step: JsonObject) -> HandlerResult:
    """success / fail, then complete, as the mock's deliver(); duplicates and late completes included."""
    if not ok:
        cbs.fail(payload)
    else:
        cbs.success(payload)
        if step["outcome"] == "ok_twice":
            cbs.success(payload)
    cbs.complete(payload)
    if step["outcome"] == "ok_then_late_complete":
        asyncio.get_running_loop().call_later(seconds(step.get("lateMs"), 50), cbs.complete)
    return NO_ANSWER


def _obj(value: Json) -> dict[str, Json]:
    return value if isinstance(value, dict) else {}


def fake_tiktok(**knobs: Json) -> FakeTikTok:
    """A fake ``TTMinis.game`` with the mock's knobs, e.g. ``fake_tiktok(runtime="native")``."""
    return FakeTikTok(**knobs)


__all__ = ["DEFAULT_SCENARIO", "TT_ERROR_CODES", "FakeTikTok", "fake_tiktok"]
