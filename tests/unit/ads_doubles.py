"""Platforms with ads for the host ad tests: the TikTok and Meta fakes, and a web page with a scripted
ad provider (the Python twin of ``js_bridge/web_ads_sim.js``)."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable
from dataclasses import dataclass, field

from gameport import GameConfig, Platform
from gameport.testing import NO_ANSWER, Call, FakeBridge, HandlerResult, SdkFailure
from gameport.testing.meta import FakeMeta, fake_meta
from gameport.testing.tiktok import FakeTikTok, fake_tiktok
from gameport.values import Json, JsonObject

from .platform_doubles import PAGE_GLOBALS, WebPage

PLACEMENTS = {"revive": "unit-revive", "break": "unit-break", "bar": "unit-bar", "chest": "unit-chest"}
FAST: JsonObject = {
    "interstitial_start_delay": 0,
    "interstitial_gap": 0,
    "backoff": 0,
    "show_timeout": 0.3,
    "load_timeout": 0.2,
}


def config(name: str, **ads: float) -> GameConfig:
    block: JsonObject = {"placements": dict(PLACEMENTS), "ads": {**FAST, **ads}}
    if name == "tiktok":
        block["client_key"] = "ck-public"
    return GameConfig.from_dict({"environment": "sandbox", "platforms": {name: {"sandbox": block}}})


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class WebAdsPage(WebPage):
    """A page with ``gameportWebAds``: each show takes the next scripted outcome (default completed)."""

    outcomes: deque[str] = field(default_factory=deque)
    shows: list[tuple[str, str]] = field(default_factory=list)

    def bridge(self, *, share: bool = True, without: frozenset[str] = frozenset()) -> FakeBridge:
        names = PAGE_GLOBALS | {"navigator.share", "gameportWebAds.show", "gameportWebAds.load"}
        return FakeBridge(self.handle, globals=names - without)

    def handle(self, call: Call) -> HandlerResult | Awaitable[HandlerResult]:
        if call.path == "gameportWebAds.load":
            return None
        if call.path != "gameportWebAds.show":
            return super().handle(call)
        self.shows.append((str(call.args[0]), str(call.args[1])))
        outcome = self.outcomes.popleft() if self.outcomes else "completed"
        if outcome in ("completed", "closed_early"):
            return {"completed": outcome == "completed"}
        if outcome == "never_closes":
            return NO_ANSWER
        if outcome == "slow_load":
            return _after(0.05, {"completed": True})
        shown = outcome == "error_after_display"
        code = "network" if shown else outcome
        raise SdkFailure({"code": code, "message": f"simulated {outcome}", "shown": shown})


async def _after(seconds: float, value: Json) -> Json:
    await asyncio.sleep(seconds)
    return value


@dataclass
class AdSetup:
    platform: Platform
    bridge: FakeBridge
    tiktok: FakeTikTok | None = None
    meta: FakeMeta | None = None
    web: WebAdsPage | None = None

    def script(self, outcome: str) -> None:
        """The next show's outcome, in the mocks' vocabulary."""
        if self.tiktok is not None:
            self.tiktok.script("ad.show", outcome)
        elif self.meta is not None:
            load = outcome in ("no_fill", "frequent_load", "slow_load")
            self.meta.script("ad.loadAsync" if load else "ad.showAsync", outcome)
        elif self.web is not None:
            self.web.outcomes.append(outcome)


async def ad_setup(name: str, clock: Clock | None = None, **ads: float) -> AdSetup:
    kw = {"clock": clock} if clock is not None else {}
    if name == "tiktok":
        tiktok = fake_tiktok()
        bridge = tiktok.bridge()
        setup = AdSetup(Platform(bridge=bridge, config=config(name, **ads), **kw), bridge, tiktok=tiktok)
    elif name == "meta":
        meta = fake_meta()
        bridge = meta.bridge()
        setup = AdSetup(Platform(bridge=bridge, config=config(name, **ads), **kw), bridge, meta=meta)
    else:
        page = WebAdsPage()
        bridge = page.bridge()
        setup = AdSetup(Platform(bridge=bridge, config=config(name, **ads), **kw), bridge, web=page)
    await setup.platform.init(name)
    return setup
