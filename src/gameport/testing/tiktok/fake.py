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
``message``, ``value``, ``extra``, ``lateMs``). Outcomes, knobs and error codes (``TT_ERROR_CODES``, mostly
[unconfirmed] choices) come from the emulation table the mock reads too (:mod:`gameport.testing.emulation`).
The knobs and which members exist per runtime and client version: :mod:`gameport.testing.tiktok.client`;
what members do: :mod:`gameport.testing.tiktok.members`; ad objects: :mod:`gameport.testing.tiktok.ads`.
Not emulated here: ``pay``, the ``platformUrl`` server round trips.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Iterable, Mapping
from typing import Final

import gameport.testing.tiktok.client as client
from gameport.errors import BridgeError, JsPathError
from gameport.testing.calls import NO_ANSWER, Call, Callbacks, HandlerResult, SdkFailure
from gameport.testing.emulation import (
    LATE_COMPLETE_MS,
    TT_API_MIN_VERSION,
    TT_CALLBACK_OUTCOMES,
    TT_ERROR_CODES,
    TT_FAIL_CODE,
    TT_SYNC_OUTCOMES,
)
from gameport.testing.fake_bridge import FakeBridge
from gameport.testing.steps import StepQueues
from gameport.testing.tiktok.ads import LOAD_OUTCOMES, SHOW_OUTCOMES, FakeTikTokAds
from gameport.testing.tiktok.client import CALLBACK_APIS, CANCELLABLE, DEFAULT_SCENARIO, NS, SYNC_APIS
from gameport.testing.tiktok.members import TikTokMembers
from gameport.testing.tiktok.payloads import fail_payload, thrown
from gameport.testing.timing import seconds
from gameport.values import Json, JsonObject

_AD_STEP_PREFIXES: Final = ("ad#", "ad.", "rewarded.", "interstitial.")


class FakeTikTok(TikTokMembers):
    """The state and scripting of a fake ``TTMinis.game`` (see the module docstring).

    Attributes:
        scenario: the current knobs. storage: key -> JSON text. initialized: ``init`` succeeded.
        client_key: what ``init`` received. loading_progress: the last ``setLoadingProgress`` value.
    """

    def __init__(self, **knobs: Json) -> None:
        super().__init__(copy.deepcopy(DEFAULT_SCENARIO))
        self.initialized = False
        self.client_key: str | None = None
        self._steps = StepQueues()
        self._bridge: FakeBridge | None = None
        self._last_enter: Json = None
        self.ads = FakeTikTokAds(self._steps, self.at_least)
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
        allowed = TT_CALLBACK_OUTCOMES | ({"cancel"} if api in CANCELLABLE else set())
        if api in SYNC_APIS or api in client.AD_FACTORIES:
            allowed = TT_SYNC_OUTCOMES
        if api.endswith((".show", ".load")) and api.startswith(_AD_STEP_PREFIXES):
            allowed = SHOW_OUTCOMES if api.endswith(".show") else LOAD_OUTCOMES
        for step in steps:
            self._steps.push(api, step, allowed, f"{NS}.{api}")

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
        """Fire ``"onShow"`` (default payload: the enter options; a payload becomes the new enter options) or
        ``"onHide"`` on the :meth:`bridge`."""
        if self._bridge is None:
            raise BridgeError("fire() needs the bridge made by fake.bridge()")
        if event == "onShow" and payload is not None:
            self._last_enter = copy.deepcopy(payload)
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
                raise SdkFailure(thrown(member, "NOT_INITIALIZED"))
            step = self.next_step((member,))
            if step["outcome"] in ("fail", "throw"):
                raise SdkFailure(thrown(member, "SCRIPTED_FAIL", step))
            return self.ads.create(member, call.args)
        if call.kind == "call_sync" and member in SYNC_APIS:
            return self._sync(member, call.args)
        if call.kind == "call_cb" and member in CALLBACK_APIS and call.callbacks is not None:
            return self._callback(member, call.options or {}, call.callbacks)
        raise BridgeError(f"{call.kind}({call.path}) is not how {NS}.{member} is called", path=call.path)

    def _sync(self, member: str, args: tuple[Json, ...]) -> Json:
        if member != "init" and self._needs_init():
            raise SdkFailure(thrown(member, "NOT_INITIALIZED"))
        step = self._next(member)
        if step["outcome"] in ("fail", "throw"):
            raise SdkFailure(thrown(member, "SCRIPTED_FAIL", step))
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
            value = client.system_info(self.scenario)
        elif member == "getLaunchOptionsSync":
            value = copy.deepcopy(self.scenario["launchOptions"])
        elif member == "getEnterOptionsSync":
            value = self._enter_options()
        return copy.deepcopy(step["value"]) if "value" in step else value

    async def _callback(self, member: str, options: Mapping[str, Json], cbs: Callbacks) -> HandlerResult:
        await asyncio.sleep(0)  # the mock always calls back asynchronously
        if self._needs_init():
            return _deliver(cbs, False, fail_payload(member, "NOT_INITIALIZED"), {"outcome": "fail"})
        step = self._next(member)
        outcome = step["outcome"]
        payload: Json
        if outcome == "throw":
            raise SdkFailure(thrown(member, "SCRIPTED_FAIL", step))
        if outcome == "never":
            return NO_ANSWER
        await asyncio.sleep(seconds(step.get("delayMs"), 0))
        if outcome in ("fail", "cancel"):
            entry = TT_FAIL_CODE.get(member, TT_FAIL_CODE["default"])
            ok, payload = False, fail_payload(member, "USER_CANCEL" if outcome == "cancel" else entry, step)
        else:
            ok, payload = self.run(member, options)
            if ok and "value" in step:
                payload = copy.deepcopy(step["value"])
        return _deliver(cbs, ok, payload, step)

    # -- internals -------------------------------------------------------------------------------------

    def _next(self, api: str) -> JsonObject:
        return self.next_step((api,))

    def next_step(self, keys: Iterable[str]) -> JsonObject:
        """The next scripted step of the first of ``keys`` with one queued, else ``{"outcome": "ok"}``."""
        return self._steps.next(keys)

    def at_least(self, minimum: str) -> bool:
        """Whether the emulated client version is ``minimum`` or newer."""
        return client.at_least(self.scenario, minimum)

    def _needs_init(self) -> bool:
        return self.scenario["runtime"] == "html" and not self.initialized

    def _enter_options(self) -> Json:
        for enter in (self.scenario["enterOptions"], self._last_enter):
            if enter is not None:
                return copy.deepcopy(enter)
        return copy.deepcopy(self.scenario["launchOptions"])


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
        asyncio.get_running_loop().call_later(seconds(step.get("lateMs"), LATE_COMPLETE_MS), cbs.complete)
    return NO_ANSWER


def fake_tiktok(**knobs: Json) -> FakeTikTok:
    """A fake ``TTMinis.game`` with the mock's knobs, e.g. ``fake_tiktok(runtime="native")``."""
    return FakeTikTok(**knobs)


__all__ = ["DEFAULT_SCENARIO", "TT_API_MIN_VERSION", "TT_ERROR_CODES", "FakeTikTok", "fake_tiktok"]
