"""The ads of the host Meta fake, behaving like the ads part of ``js_bridge/mocks/fbinstant.js``.

``getRewardedVideoAsync`` / ``getInterstitialAdAsync`` give a new single-use ``AdInstance``; more than
``maxUnshownAds`` loaded-but-unshown instances make ``get…Async`` and ``loadAsync`` fail with
``ADS_TOO_MANY_INSTANCES``. Step keys are looked up as ``ad#N.loadAsync``, then ``rewarded.loadAsync`` /
``interstitial.loadAsync``, then ``ad.loadAsync`` (``showAsync`` the same). Outcomes: ``loadAsync``: ``ok``,
``no_fill``, ``frequent_load``, ``network_failure``, ``slow_load``; ``showAsync``: ``ok`` / ``completed``,
``closed_early``, ``network_failure``, ``error_after_display``, ``slow_load``, ``never_closes``; both also
``fail``, ``never``, ``throw``. Banners: ``loadBannerAdAsync`` / ``hideBannerAdAsync`` (``bannerSupported``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Final

from gameport.testing.calls import NO_ANSWER, HandlerResult, SdkFailure
from gameport.testing.emulation import (
    FB_AD_LOAD_OUTCOMES,
    FB_AD_SHOW_OUTCOMES,
    FB_PROMISE_OUTCOMES,
    SLOW_LOAD_MS,
    fb_effect,
)
from gameport.testing.meta.core import MetaCore, choice, fail
from gameport.testing.timing import seconds, settle_later
from gameport.values import Json, JsonObject

AD_APIS: Final = ("getRewardedVideoAsync", "getInterstitialAdAsync", "loadBannerAdAsync", "hideBannerAdAsync")
GETTERS: Final = {"getRewardedVideoAsync": "rewarded", "getInterstitialAdAsync": "interstitial"}
EFFECTS: Final = {
    member: {outcome: fb_effect(effect) for outcome, effect in table.items()}
    for member, table in (("loadAsync", FB_AD_LOAD_OUTCOMES), ("showAsync", FB_AD_SHOW_OUTCOMES))
}
"""Per AdInstance member, what each ad outcome does: ``"ok"``, ``"resolve"``, ``"never"`` or a code."""


@dataclass
class _Instance:
    kind: str
    placement: str
    loaded: bool = False
    loading: bool = False
    used: bool = False


class FakeMetaAds:
    """The ad instances and banner of one :class:`~gameport.testing.meta.FakeMeta`."""

    def __init__(self, fake: MetaCore) -> None:
        self._fake = fake
        self.instances: dict[str, _Instance] = {}
        self.banner_state: JsonObject | None = None

    @property
    def unshown(self) -> int:
        """Loaded instances not shown yet (what Meta counts towards its limit)."""
        return sum(1 for a in self.instances.values() if a.loaded and not a.used)

    def _too_many(self) -> SdkFailure | None:
        limit = self._fake.scenario["maxUnshownAds"]
        if isinstance(limit, int) and self.unshown >= limit:
            return fail("ADS_TOO_MANY_INSTANCES", f"too many loaded but unshown ad instances (limit {limit})")
        return None

    def get(self, api: str, placement: Json) -> JsonObject:
        """A new AdInstance (the value its handle keeps)."""
        if not isinstance(placement, str) or not placement:
            raise fail("INVALID_PARAM", "placementID must be a non-empty string")
        refused = self._too_many()
        if refused is not None:
            raise refused
        ad_id = f"ad#{len(self.instances) + 1}"
        self.instances[ad_id] = _Instance(GETTERS[api], placement)
        return {"__fb": "AdInstance", "id": ad_id}

    def member(self, target: JsonObject, member: str) -> HandlerResult | asyncio.Future[Json]:
        """``loadAsync``, ``showAsync`` or ``getPlacementID`` of the instance ``target``."""
        ad_id = str(target["id"])
        ad = self.instances[ad_id]
        if member == "getPlacementID":
            return ad.placement
        if member not in EFFECTS:
            raise fail("INVALID_OPERATION", f"AdInstance has no {member}")
        if ad.used:
            raise choice("adUsedAfterShow", "ad instance already shown; get a new one")
        if member == "loadAsync":
            refused = (fail("PENDING_REQUEST", "ad is already loading") if ad.loading else None) or (
                None if ad.loaded else self._too_many()
            )
        else:
            refused = None if ad.loaded else fail("ADS_NOT_LOADED", "showAsync called before loadAsync")
        if refused is not None:
            raise refused
        step = self._fake.next_step((f"{ad_id}.{member}", f"{ad.kind}.{member}", f"ad.{member}"))
        outcome = str(step["outcome"])
        effect = EFFECTS[member].get(outcome, outcome if outcome in FB_PROMISE_OUTCOMES else None)
        if effect is None:
            raise ValueError(f"outcome {outcome!r} is not supported by {ad_id}.{member}")
        if outcome == "throw":
            raise fail(str(step.get("code", "UNKNOWN")), f"scripted throw from {ad_id}.{member}")
        if member == "loadAsync":
            ad.loading = True
        else:
            ad.used = True  # single use from here on, whatever the outcome
        if effect == "never":
            return NO_ANSWER

        def settle() -> Json:
            ad.loading = False
            if outcome == "fail":
                raise fail(str(step.get("code", "UNKNOWN")), f"scripted failure of {ad_id}.{member}")
            if effect not in ("ok", "resolve"):
                raise fail(str(step.get("code", effect)), f"{ad_id}.{member}: {outcome}")
            if member == "loadAsync":
                ad.loaded = True
            return None

        delay = seconds(step.get("delayMs"), SLOW_LOAD_MS if outcome == "slow_load" else 0)
        return settle_later(delay, settle)

    def banner(self, api: str, args: tuple[Json, ...]) -> Json:
        """``loadBannerAdAsync(placementID, position?)`` / ``hideBannerAdAsync()`` (after the step)."""
        if not self._fake.scenario["bannerSupported"]:
            raise fail("CLIENT_UNSUPPORTED_OPERATION", "banner ads are not supported on this client")
        if api == "hideBannerAdAsync":
            if self.banner_state is not None:
                self.banner_state["visible"] = False
            return None
        placement = args[0] if args else None
        position = args[1] if len(args) > 1 else "bottom"
        if not isinstance(placement, str) or not placement or position not in ("top", "bottom"):
            raise fail("INVALID_PARAM", "loadBannerAdAsync(placementID, 'top' | 'bottom')")
        self.banner_state = {"placementID": placement, "position": position, "visible": True}
        return None
