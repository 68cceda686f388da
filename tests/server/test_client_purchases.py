"""platform.payments on CPython against the real backend and mock platform processes, over real HTTP: the
client's routes and the server's agree, and each order is granted once (checked in the SQLite file).

TikTok's ``pay`` and the web pay sheet reach the mock platform server as the JS mocks do in a browser; the
mock then sends the backend its signed webhook. Meta purchases are signed by the mock (``/mock/meta/sign``).
"""

from __future__ import annotations

import json
import urllib.request

from server_stack import Stack

from gameport import GameConfig, Grant, Platform, PurchaseReason, PurchaseStatus
from gameport.testing import Call, FakeBridge
from gameport.testing.fake_http import urllib_http
from gameport.testing.meta import fake_meta
from gameport.testing.tiktok import fake_tiktok
from gameport.values import Json, JsonObject

TIMEOUTS = {"purchase_poll": 0.05, "purchase_confirm": 5, "pay_sheet": 5, "payments_ready": 2}


def _config(platform: str, backend_url: str) -> GameConfig:
    block = {"backend_url": backend_url, "timeouts": TIMEOUTS}
    return GameConfig.from_json(
        json.dumps({"platforms": {platform: {"sandbox": {"client_key": "ck", **block}}}})
    )


def _post(url: str, body: JsonObject) -> Json:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read() or b"null")


def _granted(stack: Stack, user: str) -> list[tuple[str, str]]:
    rows = stack.rows("SELECT order_id, product_id FROM grants WHERE user_id = ?", user)
    return sorted((str(order_id), str(product_id)) for order_id, product_id in rows)


async def test_a_tiktok_purchase_through_the_real_servers_is_granted_once(stack: Stack) -> None:
    fake = fake_tiktok(runtime="native")
    code = stack.post(f"{stack.mock.url}/mock/tiktok/login_code", {"open_id": "tt-buyer"})["code"]
    fake.script("login", {"outcome": "ok", "value": {"code": code}})

    def pay(trade_order_id: str) -> None:  # TikTok's payment server, as the JS mock reaches it
        _post(f"{stack.mock.url}/mock/tiktok/pay", {"trade_order_id": trade_order_id})

    fake.on_pay = pay
    bridge = fake.bridge()
    bridge.http = urllib_http
    game = Platform(bridge, _config("tiktok", stack.backend.url))
    seen: list[Grant] = []
    game.payments.on_granted(seen.append)
    await game.init("tiktok")
    products = await game.payments.catalog()
    assert ("gems_100", "10", "BEANS") in [(p.product_id, p.price, p.currency) for p in products]
    result = await game.payments.purchase("gems_100")
    assert result.status is PurchaseStatus.SUCCEEDED, result
    assert [(g.order_id, g.items) for g in seen] == [(result.order_id, {"gems": 100})]
    assert _granted(stack, "tt-buyer") == [(result.order_id, "gems_100")]
    fake.script("pay", "cancel")
    cancelled = await game.payments.purchase("gems_100")
    assert (cancelled.status, cancelled.reason) == (PurchaseStatus.CANCELLED, PurchaseReason.USER_CANCELLED)
    assert await game.payments.restore() == [] and len(seen) == 1 and len(_granted(stack, "tt-buyer")) == 1


async def test_a_web_purchase_through_the_sandbox_checkout_is_granted_once(stack: Stack) -> None:
    def page(call: Call) -> Json:
        if call.path == "localStorage.getItem":
            return "web-buyer" if call.args[0] == "gameport:web:player_id" else storage.get(str(call.args[0]))
        if call.path == "localStorage.setItem":
            storage[str(call.args[0])] = str(call.args[1])
        if call.path == "gameportWebPay.open":
            request = call.args[0]
            assert isinstance(request, dict)
            _post(
                str(request["pay_url"]), {"order_id": request["order_id"], "outcome": "success", "copies": 2}
            )
            return {"outcome": "paid"}
        return None

    storage: dict[str, str] = {}
    names = {"localStorage.getItem", "localStorage.setItem", "localStorage.removeItem", "gameportWebPay.open"}
    game = Platform(FakeBridge(page, globals=names, http=urllib_http), _config("web", stack.backend.url))
    seen: list[Grant] = []
    game.payments.on_granted(seen.append)
    await game.init("web")
    result = await game.payments.purchase("gems_600")
    assert result.status is PurchaseStatus.SUCCEEDED, result
    assert (result.amount, result.currency) == ("5.00", "EUR")
    assert [g.items for g in seen] == [{"gems": 600}] and _granted(stack, "web-buyer") == [
        (result.order_id, "gems_600")
    ]


async def test_a_meta_purchase_is_verified_granted_and_consumed_through_the_real_backend(
    stack: Stack,
) -> None:
    def sign(payload: JsonObject) -> str:
        return str(stack.post(f"{stack.mock.url}/mock/meta/sign", {"payload": payload})["signed"])

    fake = fake_meta(
        sign=sign,
        playerId="fb-buyer",
        catalog=[
            {"productID": "gems_100", "title": "100 gems", "price": "$0.99", "priceCurrencyCode": "USD"}
        ],
    )
    bridge = fake.bridge()
    bridge.http = urllib_http
    game = Platform(bridge, _config("meta", stack.backend.url))
    seen: list[Grant] = []
    game.payments.on_granted(seen.append)
    await game.init("meta")
    await game.ready()
    assert [p.price for p in await game.payments.catalog()] == ["$0.99"]
    result = await game.payments.purchase("gems_100")
    assert result.status is PurchaseStatus.SUCCEEDED, result
    assert len(seen) == 1 and fake.payments.purchases == []
    assert _granted(stack, "fb-buyer") == [(result.order_id, "gems_100")]
