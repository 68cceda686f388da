"""The core of the host Meta fake: its knobs, scripted steps, and how its Promise and sync members answer
(``promiseApi`` / ``syncApi`` in ``js_bridge/mocks/fbinstant.js``). The members themselves are in
:mod:`gameport.testing.meta.fake`, :mod:`~gameport.testing.meta.ads` and
:mod:`~gameport.testing.meta.leaderboards`, which all build on :class:`MetaCore`.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable
from typing import Final, TypeAlias

from gameport.testing.calls import NO_ANSWER, HandlerResult, SdkFailure
from gameport.testing.emulation import (
    FB_AD_LOAD_OUTCOMES,
    FB_AD_SHOW_OUTCOMES,
    FB_CANCEL,
    FB_CODE_CHOICES,
    FB_HOST_OMITS,
    FB_PROMISE_OUTCOMES,
    default_scenario,
    fb_effect,
)
from gameport.testing.emulation import FB_IMPLEMENTED_APIS as _JS_MOCK_APIS
from gameport.testing.steps import StepQueues
from gameport.values import Json, JsonObject

FB_IMPLEMENTED_APIS: Final = tuple(api for api in _JS_MOCK_APIS if api not in FB_HOST_OMITS)
"""Dotted names of the emulated APIs: the default ``getSupportedAPIs()`` answer (the JS mock's list without
the ones the host fake leaves out, payments)."""

DEFAULT_SCENARIO: Final[JsonObject] = default_scenario("fb")
"""The FBInstant knobs this fake honours, with their defaults (the emulation table's ``scenario``)."""

Signer: TypeAlias = Callable[[JsonObject], str]
Answer: TypeAlias = "HandlerResult | Awaitable[HandlerResult]"
_AD_MEMBERS: Final = {"loadAsync": FB_AD_LOAD_OUTCOMES, "showAsync": FB_AD_SHOW_OUTCOMES}


def fail(code: Json, message: str) -> SdkFailure:
    """An FBInstant APIError ``{code, message}``."""
    return SdkFailure({"code": code, "message": message})


def choice(name: str, message: str) -> SdkFailure:
    """The APIError whose code is the ``FB_CODE_CHOICES`` entry ``name``."""
    return fail(FB_CODE_CHOICES[name], message)


class MetaCore:
    """Knobs, session flags, scripted steps and the call log of a fake ``FBInstant``.

    Attributes:
        scenario: the knobs (see :data:`DEFAULT_SCENARIO`); change them freely between calls.
        log: ``"begin <api>"`` when an async call starts and ``"end <api>"`` when it settles.
        initialized, started: ``initializeAsync`` / ``startGameAsync`` resolved.
    """

    def __init__(self, scenario: JsonObject, sign: Signer | None) -> None:
        self.scenario = scenario
        self.sign = sign
        self.log: list[str] = []
        self.initialized = self.started = False
        self._steps = StepQueues()

    def script(self, api: str, *steps: str | JsonObject) -> None:
        """Queue outcomes for the next calls of ``api`` like ``__gpMock.script``: ``"ok"``, ``"fail"``,
        ``"never"``, ``"throw"``, ``"cancel"``, the ad outcomes, or ``{"outcome", "code", "message", "value",
        "delayMs"}``.

        Raises:
            UnsupportedOutcome: (a ValueError) an outcome the API never accepts.
        """
        ad_outcomes = _AD_MEMBERS.get(api.rsplit(".", 1)[-1])
        allowed = FB_PROMISE_OUTCOMES | (set(ad_outcomes) if ad_outcomes is not None else {"cancel"})
        for step in steps:
            self._steps.push(api, step, allowed, f"FBInstant.{api}")

    def supported_apis(self) -> tuple[Json, ...]:
        """This session's ``getSupportedAPIs()``: the ``supportedAPIs`` knob as given, else every emulated
        API."""
        listed = self.scenario["supportedAPIs"]
        return tuple(listed) if isinstance(listed, list) else FB_IMPLEMENTED_APIS

    def supported(self, api: str) -> bool:
        """Whether ``api`` is in this session's ``getSupportedAPIs()``."""
        return api in self.supported_apis()

    def next_step(self, keys: tuple[str, ...]) -> JsonObject:
        """The next scripted step of the first of ``keys`` with one queued, else ``{"outcome": "ok"}``."""
        return self._steps.next(keys)

    def sync(self, api: str, run: Callable[[], Json]) -> Json:
        """A synchronous member: ``ok`` (``value`` replaces the answer); ``fail`` / ``throw`` throw."""
        step = self.next_step((api,))
        if step["outcome"] in ("throw", "fail"):
            raise fail(step.get("code", "UNKNOWN"), f"scripted throw from {api}")
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
            raise choice("beforeInitialize", f"FBInstant.{api} called before initializeAsync() resolved")
        if gate and not self.supported(api):
            raise choice("unsupportedApi", f"{api} is not supported in this session (scenario.supportedAPIs)")
        if isinstance(pre, SdkFailure):
            raise pre
        if pre:
            raise fail("INVALID_PARAM", f"{api}: invalid {pre}")
        step = self.next_step((api,))
        outcome = step["outcome"]
        cancel = fb_effect(FB_CANCEL[api]) if api in FB_CANCEL else None
        if outcome not in FB_PROMISE_OUTCOMES and not (outcome == "cancel" and cancel is not None):
            raise ValueError(f"outcome {outcome!r} is not supported by FBInstant.{api}")
        if outcome == "throw":
            raise fail(step.get("code", "UNKNOWN"), str(step.get("message", f"scripted throw from {api}")))
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
                raise fail(
                    step.get("code", "UNKNOWN"), str(step.get("message", f"scripted failure of {api}"))
                )
            if outcome == "cancel":
                if cancel == "resolve":
                    return None
                raise fail(step.get("code", cancel), str(step.get("message", f"{api}: cancel")))
            value = run()
            return copy.deepcopy(step["value"]) if "value" in step else value

        delay = step.get("delayMs")
        if not isinstance(delay, int | float) or delay <= 0:
            return finish()

        async def later() -> Json:
            await asyncio.sleep(delay / 1000)
            return finish()

        return later()

    def _flag(self, name: str) -> Callable[[], Json]:
        return lambda: setattr(self, name, True)
