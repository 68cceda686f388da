"""The ad objects of the host TikTok fake, behaving like ``makeAd`` in ``js_bridge/mocks/ttminis.js``.

``createRewardedVideoAd`` / ``createInterstitialAd`` return a new object per call; ``show()`` follows the
scripted outcome (keys looked up as ``ad#N.show``, then ``rewarded.show`` / ``interstitial.show``, then
``ad.show``): ``ok`` / ``completed``, ``closed_early``, ``no_fill``, ``error_after_display``, ``slow_load``,
``never_closes``, ``fail``, ``never``, ``throw``; ``load()`` (client >= 46.1.0): ``ok``, ``slow_load``,
``no_fill``, ``fail``, ``never``, ``throw``. Step fields ``delayMs`` and ``closeAfterMs`` as in the mock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Final

from gameport.testing.calls import NO_ANSWER, HandlerResult, SdkFailure
from gameport.testing.emulation import SLOW_LOAD_MS, TT_AD_LOAD_OUTCOMES, TT_AD_SHOW_OUTCOMES
from gameport.testing.fake_bridge import FakeBridge
from gameport.testing.steps import StepQueues
from gameport.testing.tiktok.client import FACTORIES, PRELOAD_VERSION
from gameport.testing.tiktok.payloads import ad_error, thrown
from gameport.testing.timing import seconds, settle_later
from gameport.values import Json, JsonObject

SHOW_OUTCOMES: Final = TT_AD_SHOW_OUTCOMES
LOAD_OUTCOMES: Final = TT_AD_LOAD_OUTCOMES


class FakeTikTokAds:
    """The ad objects of one :class:`~gameport.testing.tiktok.FakeTikTok`; ``states``: ad id -> new /
    showing / used. ``steps`` are the fake's scripted steps; ``at_least(version)`` says whether the emulated
    client is that version or newer."""

    def __init__(self, steps: StepQueues, at_least: Callable[[str], bool]) -> None:
        self._steps = steps
        self._at_least = at_least
        self.states: dict[str, str] = {}
        self._count = 0

    def create(self, member: str, args: tuple[Json, ...]) -> JsonObject:
        """A new ad object (the value a handle keeps); raises like the mock on a bad ``adUnitId``."""
        options = args[0] if args else None
        unit = options.get("adUnitId") if isinstance(options, dict) else None
        if not isinstance(unit, str) or not unit:
            raise SdkFailure(thrown(member, "INVALID_PARAM", {"message": "adUnitId is required"}))
        self._count += 1
        ad_id = f"ad#{self._count}"
        self.states[ad_id] = "new"
        return {"__tt": "ad", "id": ad_id, "kind": FACTORIES[member], "adUnitId": unit}

    def members(self) -> tuple[str, ...]:
        """The members an ad object has on this client version."""
        base = ("show", "onClose", "offClose", "onError", "offError")
        return base + (("load", "onLoad", "offLoad") if self._at_least(PRELOAD_VERSION) else ())

    def call(self, ad: JsonObject, member: str, bridge: FakeBridge) -> HandlerResult | asyncio.Future[Json]:
        """``show()`` or ``load()`` of ``ad``: an awaitable answer, as the mock's Promise."""
        ad_id, kind = str(ad["id"]), str(ad["kind"])
        label = f"{'RewardedVideoAd' if kind == 'rewarded' else 'InterstitialAd'}.{member}"
        if self.states[ad_id] == "used":
            raise SdkFailure(ad_error(label, "AD_ALREADY_SHOWN", {}))
        if member == "show" and self.states[ad_id] == "showing":
            raise SdkFailure(ad_error(label, "AD_SHOW_PENDING", {}))
        step = self._steps.next((f"{ad_id}.{member}", f"{kind}.{member}", f"ad.{member}"))
        outcome = str(step["outcome"])
        allowed = SHOW_OUTCOMES if member == "show" else LOAD_OUTCOMES
        if outcome not in allowed:
            raise TypeError(f"outcome {outcome!r} is not supported by {ad_id}.{member}")
        if outcome == "throw":
            raise SdkFailure(thrown(label, "SCRIPTED_FAIL", step))
        emit: Callable[[str, Json], int] = lambda event, payload: bridge.emit_on(ad, event, payload)  # noqa: E731
        if member == "load":
            return self._load(outcome, step, label, emit)
        self.states[ad_id] = "showing"
        return self._show(ad_id, outcome, step, label, emit)

    def _load(
        self, outcome: str, step: JsonObject, label: str, emit: Callable[[str, Json], int]
    ) -> HandlerResult | asyncio.Future[Json]:
        if outcome == "never":
            return NO_ANSWER
        delay = seconds(step.get("delayMs"), SLOW_LOAD_MS if outcome == "slow_load" else 0)
        return settle_later(delay, lambda: self._settle_load(outcome, step, label, emit))

    def _settle_load(
        self, outcome: str, step: JsonObject, label: str, emit: Callable[[str, Json], int]
    ) -> Json:
        if outcome in ("ok", "slow_load"):
            emit("onLoad", {})
            return None
        error = ad_error(label, "AD_NO_FILL" if outcome == "no_fill" else "SCRIPTED_FAIL", step)
        emit("onError", error)
        raise SdkFailure(error)

    def _show(
        self, ad_id: str, outcome: str, step: JsonObject, label: str, emit: Callable[[str, Json], int]
    ) -> HandlerResult | asyncio.Future[Json]:
        if outcome == "never":
            return NO_ANSWER
        delay = seconds(step.get("delayMs"), SLOW_LOAD_MS if outcome == "slow_load" else 0)

        def settle() -> Json:
            if outcome in ("no_fill", "fail"):
                self.states[ad_id] = "new"
                error = ad_error(label, "AD_NO_FILL" if outcome == "no_fill" else "SCRIPTED_FAIL", step)
                if outcome == "no_fill":
                    emit("onError", error)
                raise SdkFailure(error)
            self.states[ad_id] = "used"  # displayed: single use from here on
            if outcome != "never_closes":
                asyncio.get_running_loop().call_later(seconds(step.get("closeAfterMs"), 0), close)
            return None

        def close() -> None:
            if outcome == "error_after_display":
                emit("onError", ad_error(label, "AD_PLAYBACK_ERROR", step))
                emit("onClose", {"isEnded": False})
            else:
                emit("onClose", {"isEnded": outcome != "closed_early"})

        return settle_later(delay, settle)
