"""Platforms that sell, on the host fakes and :class:`FakeShop`: TikTok (``pay`` marks the shop's order
paid, as TikTok's payment server would), Meta (purchases signed ``sig.<claims>``, which the shop checks)
and the web (a pay provider that pays through the shop). Storage lives in the fakes, so a new Platform
over the same fake is a reload."""

from __future__ import annotations

import json

from gameport import GameConfig, Platform
from gameport.testing import NO_ANSWER, Call, FakeBridge, HandlerResult
from gameport.testing.meta import FakeMeta, fake_meta
from gameport.testing.tiktok import FakeTikTok, fake_tiktok
from gameport.values import Json, JsonObject

from .backend_doubles import BASE
from .platform_doubles import WebPage
from .shop_doubles import FakeShop

FAST = "purchase_poll = 0.005, purchase_confirm = 0.2, pay_sheet = 0.2, payments_ready = 0.2"


def config(platform: str, *, backend: bool = True, timeouts: str = FAST) -> GameConfig:
    block = f"[platforms.{platform}.sandbox]\n"
    if backend:
        block += f"backend_url = '{BASE}'\n"
    return GameConfig.from_toml(block + f"timeouts = {{ {timeouts} }}\n")


def sign(claims: JsonObject) -> str:
    """The shop's stand-in for Meta's HMAC: ``sig.`` then the claims as JSON."""
    return "sig." + json.dumps(claims)


def tiktok(
    shop: FakeShop, fake: FakeTikTok | None = None, *, timeouts: str = FAST
) -> tuple[Platform, FakeTikTok]:
    """A Platform on the TikTok fake (native runtime), paying through ``shop``."""
    fake = fake or fake_tiktok(runtime="native")
    fake.on_pay = shop.pay
    bridge = fake.bridge()
    bridge.http = shop
    return Platform(bridge, config("tiktok", timeouts=timeouts)), fake


def meta(shop: FakeShop, fake: FakeMeta | None = None) -> tuple[Platform, FakeMeta]:
    """A Platform on the Meta fake whose purchases the shop can verify."""
    fake = fake or fake_meta(sign=sign)
    bridge = fake.bridge()
    bridge.http = shop
    return Platform(bridge, config("meta")), fake


class WebShopPage(WebPage):
    """A browser page with a pay provider (``gameportWebPay.open``) that pays through ``shop``; ``sheet``
    is the outcome of the next sheets (``paid``, ``cancelled``, ``failed``, ``never``)."""

    def __init__(self, shop: FakeShop) -> None:
        super().__init__(extra_globals=frozenset({"gameportWebPay.open"}))
        self.shop = shop
        self.sheet = "paid"
        self.raw_answer: Json | None = None
        """When set, what ``open`` answers instead (a provider answering nonsense)."""

    def handle(self, call: Call) -> HandlerResult:
        if call.path == "gameportWebPay.open":
            if self.raw_answer is not None:
                return self.raw_answer
            if self.sheet == "never":
                return NO_ANSWER
            request = call.args[0] if call.args else None
            if self.sheet == "paid" and isinstance(request, dict):
                self.shop.pay(str(request["pay_url"]))
            return {"outcome": self.sheet}
        return super().handle(call)


def web(
    shop: FakeShop, page: WebShopPage | None = None, *, without: frozenset[str] = frozenset()
) -> tuple[Platform, WebShopPage]:
    """A Platform on a web page with ``page``'s pay provider (``without``: browser APIs it lacks)."""
    page = page or WebShopPage(shop)
    bridge: FakeBridge = page.bridge(without=without)
    bridge.http = shop
    return Platform(bridge, config("web")), page


def journal(storage: dict[str, str]) -> Json:
    """The purchase journal as the TikTok fake stores it (None when absent)."""
    raw = storage.get("gameport.purchases")
    return None if raw is None else json.loads(raw)
