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
from typing import TYPE_CHECKING, Final

from gameport.testing.fake_bridge import NO_ANSWER, FakeBridge, HandlerResult, SdkFailure
from gameport.testing.tiktok.codes import TT_ERROR_CODES
from gameport.testing.timing import seconds, settle_later
from gameport.values import Json, JsonObject

if TYPE_CHECKING:
    from gameport.testing.tiktok.fake import FakeTikTok

SHOW_OUTCOMES: Final = frozenset(
    {"ok", "completed", "closed_early", "no_fill", "error_after_display", "slow_load", "never_closes"}
    | {"fail", "never", "throw"}
)
LOAD_OUTCOMES: Final = frozenset({"ok", "slow_load", "no_fill", "fail", "never", "throw"})
FACTORIES: Final = {"createRewardedVideoAd": "rewarded", "createInterstitialAd": "interstitial"}
PRELOAD_VERSION: Final = "46.1.0"


def ad_error(label: str, entry: str, step: JsonObject) -> JsonObject:
    """The mock's ad error payload: both the Minis and the wx-style fields."""
    code, message = TT_ERROR_CODES[entry]
    code_v, msg = step.get("code", code), step.get("message", message)
    return {"error_code": code_v, "error_msg": msg, "errCode": code_v, "errMsg": f"{label}:fail {msg}"}


class FakeTikTokAds:
    """The ad objects of one :class:`~.tiktok.FakeTikTok`; ``states``: ad id -> new / showing / used."""

    def __init__(self, fake: FakeTikTok) -> None:
        self._fake = fake
        self.states: dict[str, str] = {}
        self._count = 0

    def is_ad_path(self, path: str, kind: str) -> bool:
        """Whether a bridge call on ``path`` is one of ours."""
        return kind == "create" and path.removeprefix("TTMinis.game.") in FACTORIES

    def create(self, member: str, args: tuple[Json, ...]) -> JsonObject:
        """A new ad object (the value a handle keeps); raises like the mock on a bad ``adUnitId``."""
        options = args[0] if args else None
        unit = options.get("adUnitId") if isinstance(options, dict) else None
        if not isinstance(unit, str) or not unit:
            raise SdkFailure({"message": f"TTMinis.game.{member}({{adUnitId}}): adUnitId must be a string"})
        self._count += 1
        ad_id = f"ad#{self._count}"
        self.states[ad_id] = "new"
        return {"__tt": "ad", "id": ad_id, "kind": FACTORIES[member], "adUnitId": unit}

    def members(self) -> tuple[str, ...]:
        """The members an ad object has on this client version."""
        base = ("show", "onClose", "offClose", "onError", "offError")
        return base + (("load", "onLoad", "offLoad") if self._fake.at_least(PRELOAD_VERSION) else ())

    def call(self, ad: JsonObject, member: str, bridge: FakeBridge) -> HandlerResult | asyncio.Future[Json]:
        """``show()`` or ``load()`` of ``ad``: an awaitable answer, as the mock's Promise."""
        ad_id, kind = str(ad["id"]), str(ad["kind"])
        label = f"{'RewardedVideoAd' if kind == 'rewarded' else 'InterstitialAd'}.{member}"
        if self.states[ad_id] == "used":
            raise SdkFailure(ad_error(label, "AD_ALREADY_SHOWN", {}))
        step = self._fake.next_step((f"{ad_id}.{member}", f"{kind}.{member}", f"ad.{member}"))
        outcome = str(step["outcome"])
        allowed = SHOW_OUTCOMES if member == "show" else LOAD_OUTCOMES
        if outcome not in allowed:
            raise TypeError(f"outcome {outcome!r} is not supported by {ad_id}.{member}")
        if outcome == "throw":
            raise SdkFailure(ad_error(label, "SCRIPTED_FAIL", step))
        emit: Callable[[str, Json], int] = lambda event, payload: bridge.emit_on(ad, event, payload)  # noqa: E731
        if member == "load":
            return self._load(outcome, step, label, emit)
        if self.states[ad_id] == "showing":
            raise SdkFailure(ad_error(label, "AD_SHOW_PENDING", {}))
        self.states[ad_id] = "showing"
        return self._show(ad_id, outcome, step, label, emit)

    def _load(
        self, outcome: str, step: JsonObject, label: str, emit: Callable[[str, Json], int]
    ) -> HandlerResult | asyncio.Future[Json]:
        if outcome == "never":
            return NO_ANSWER
        delay = seconds(step.get("delayMs"), 1000 if outcome == "slow_load" else 0)
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
        delay = seconds(step.get("delayMs"), 1000 if outcome == "slow_load" else 0)

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
