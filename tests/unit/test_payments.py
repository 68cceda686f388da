"""platform.payments on the host fakes: every flow ends granted exactly once or not at all."""

from __future__ import annotations

import asyncio
import json

import pytest

from gameport import Capability, InvalidArgumentError, NotInitializedError, UnsupportedCapabilityError
from gameport.models.payments import Grant, PurchaseReason, PurchaseStatus
from gameport.values import Json

from .payment_doubles import WebShopPage, config, journal, meta, sign, tiktok, web
from .shop_doubles import FakeShop


def collect(platform: object) -> list[Grant]:
    seen: list[Grant] = []
    platform.payments.on_granted(seen.append)  # type: ignore[attr-defined]
    return seen


async def started(shop: FakeShop, **kw: object):  # type: ignore[no-untyped-def]
    p, fake = tiktok(shop, **kw)  # type: ignore[arg-type]
    seen = collect(p)
    await p.init("tiktok")
    await p.payments.restore()
    return p, fake, seen


async def test_a_tiktok_purchase_is_granted_by_the_backend_once() -> None:
    shop = FakeShop()
    p, fake, seen = await started(shop)
    result = await p.payments.purchase("coins_100")
    assert result.status is PurchaseStatus.SUCCEEDED and result.succeeded
    assert (result.platform, result.environment, result.order_id) == ("tiktok", "sandbox", "ord_1")
    assert [g.order_id for g in seen] == ["ord_1"] and seen[0].items == {"coins": 100}
    assert shop.granted == ["ord_1"] and await p.payments.pending() == []
    assert journal(fake.storage) == {"v": 1, "open": {}, "applied": ["ord_1"]}
    assert await p.payments.restore() == [] and len(seen) == 1


async def test_the_catalog_comes_from_the_backend_with_its_prices() -> None:
    p, _, _ = await started(FakeShop())
    products = await p.payments.catalog()
    assert [(x.product_id, x.price, x.currency) for x in products] == [
        ("coins_100", "100", "BEANS"),
        ("gems_10", "50", "BEANS"),
    ]
    result = await p.payments.purchase("gems_10")
    assert (result.amount, result.currency) == ("50", "BEANS")


@pytest.mark.parametrize(
    ("step", "status", "reason"),
    [
        ("cancel", PurchaseStatus.CANCELLED, PurchaseReason.USER_CANCELLED),
        ("fail", PurchaseStatus.FAILED, PurchaseReason.PLATFORM),
    ],
)
async def test_a_closed_or_failed_pay_sheet_grants_nothing(
    step: str, status: PurchaseStatus, reason: PurchaseReason
) -> None:
    shop = FakeShop()
    p, fake, seen = await started(shop)
    fake.script("pay", step)
    result = await p.payments.purchase("coins_100")
    assert (result.status, result.reason) == (status, reason) and result.code is not None
    assert seen == [] and shop.granted == [] and await p.payments.pending() == []
    again = await p.payments.purchase("coins_100")  # a new order: TikTok's trade order is single use
    assert again.succeeded and again.order_id == "ord_2" and [g.order_id for g in seen] == ["ord_2"]


async def test_a_pay_sheet_that_never_answers_times_out_and_a_later_start_finishes_it() -> None:
    shop = FakeShop()
    p, fake, seen = await started(shop)
    fake.script("pay", "never")
    result = await p.payments.purchase("coins_100")
    assert (result.status, result.reason) == (PurchaseStatus.TIMED_OUT, PurchaseReason.AWAITING_CONFIRMATION)
    assert [e.step for e in await p.payments.pending()] == ["sheet_opened"]
    shop.pay(shop.orders["ord_1"].ref)  # the player did pay; TikTok's webhook reached the backend
    await p.close()
    reloaded, _ = tiktok(shop, fake)
    seen_after = collect(reloaded)
    await reloaded.init("tiktok")
    await reloaded.payments.restore()  # joins the restore platform.init started
    assert [g.order_id for g in seen_after] == ["ord_1"] and seen == []
    assert await reloaded.payments.restore() == []
    assert await reloaded.payments.pending() == []


async def test_a_late_webhook_is_handed_over_by_restore_and_a_duplicate_grants_nothing_more() -> None:
    shop = FakeShop(auto_webhook=False)
    p, _, seen = await started(shop)
    result = await p.payments.purchase("coins_100")
    assert result.status is PurchaseStatus.TIMED_OUT and result.order_id == "ord_1"
    shop.webhook("ord_1")
    shop.webhook("ord_1")
    assert [g.order_id for g in await p.payments.restore()] == ["ord_1"]
    assert await p.payments.restore() == [] and len(seen) == 1 and shop.granted == ["ord_1"]


async def test_a_webhook_that_never_comes_is_finished_after_the_backend_repairs() -> None:
    shop = FakeShop(auto_webhook=False)
    p, _, seen = await started(shop)
    assert (await p.payments.purchase("coins_100")).status is PurchaseStatus.TIMED_OUT
    assert await p.payments.restore() == []
    shop.repair()
    assert [g.order_id for g in await p.payments.restore()] == ["ord_1"] and len(seen) == 1


async def test_a_reload_between_payment_and_grant_grants_once() -> None:
    shop = FakeShop(auto_webhook=False)
    p, fake, seen = await started(shop)
    paid = asyncio.Event()
    fake.on_pay = lambda ref: (shop.pay(ref), paid.set())[0]
    task = asyncio.ensure_future(p.payments.purchase("coins_100"))
    await paid.wait()
    task.cancel()  # the page goes away while gameport polls
    await p.close()
    shop.webhook("ord_1")
    reloaded, _ = tiktok(shop, fake)
    seen_after = collect(reloaded)
    await reloaded.init("tiktok")
    await reloaded.payments.restore()
    assert [g.order_id for g in seen_after] == ["ord_1"] and seen == [] and shop.granted == ["ord_1"]


async def test_a_grant_restored_with_no_handler_registered_is_logged_as_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    shop = FakeShop(auto_webhook=False)
    p, fake, _ = await started(shop)
    assert (await p.payments.purchase("coins_100")).status is PurchaseStatus.TIMED_OUT
    await p.close()
    shop.webhook("ord_1")
    reloaded, _ = tiktok(shop, fake)  # the game forgot on_granted
    with caplog.at_level("WARNING", logger="gameport.features.payments"):
        await reloaded.init("tiktok")
        assert [g.order_id for g in await reloaded.payments.restore()] == ["ord_1"]
    assert any("ord_1" in r.getMessage() and "on_granted" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("route", ["POST /api/tiktok/orders", "POST *"])
async def test_a_backend_that_is_down_when_ordering_fails_cleanly(route: str) -> None:
    shop = FakeShop()
    p, _, seen = await started(shop)
    shop.down.add(route)
    result = await p.payments.purchase("coins_100")
    assert (result.status, result.reason) == (PurchaseStatus.FAILED, PurchaseReason.NETWORK)
    assert shop.orders == {} and seen == [] and await p.payments.pending() == []


async def test_a_backend_down_while_confirming_times_out_and_restore_grants_later() -> None:
    shop = FakeShop()
    p, _, seen = await started(shop)
    shop.down.add("GET /api/orders/ord_1")
    result = await p.payments.purchase("coins_100")
    assert result.status is PurchaseStatus.TIMED_OUT and shop.granted == ["ord_1"] and seen == []
    shop.down.clear()
    assert [g.order_id for g in await p.payments.restore()] == ["ord_1"] and len(seen) == 1


async def test_one_purchase_per_product_at_a_time_and_different_products_together() -> None:
    shop = FakeShop()
    p, fake, seen = await started(shop)
    fake.script("pay", {"delayMs": 30}, {"delayMs": 30})
    first = asyncio.ensure_future(p.payments.purchase("coins_100"))
    other = asyncio.ensure_future(p.payments.purchase("gems_10"))
    await asyncio.sleep(0.01)
    same = await p.payments.purchase("coins_100")
    assert (same.status, same.reason) == (PurchaseStatus.PROCESSING, PurchaseReason.IN_PROGRESS)
    done = await asyncio.gather(first, other)
    assert all(r.succeeded for r in done) and len(shop.orders) == 2
    assert sorted(g.product_id for g in seen) == ["coins_100", "gems_10"]


async def test_the_same_product_twice_while_the_journal_loads_is_one_purchase() -> None:
    # found in the browser: the in-flight check ran before the journal's first load, which waits on
    # storage, so two calls made while it loaded both passed it and each created an order
    shop = FakeShop()
    p, fake = tiktok(shop)
    seen = collect(p)
    fake.script("getStorage", {"delayMs": 20})  # the journal's first read (started by init) takes a while
    await p.init("tiktok")
    first, second = await asyncio.gather(p.payments.purchase("coins_100"), p.payments.purchase("coins_100"))
    assert first.succeeded and first.order_id == "ord_1"
    assert (second.status, second.reason) == (PurchaseStatus.PROCESSING, PurchaseReason.IN_PROGRESS)
    assert list(shop.orders) == ["ord_1"] and [g.order_id for g in seen] == ["ord_1"]


async def test_full_storage_fails_the_purchase_before_any_money_moves() -> None:
    shop = FakeShop()
    p, fake, seen = await started(shop)
    fake.configure(storageLimitBytes=10)
    result = await p.payments.purchase("coins_100")
    assert (result.status, result.reason) == (PurchaseStatus.FAILED, PurchaseReason.STORAGE)
    assert shop.orders == {} and seen == [] and "TTMinis.game.pay" not in fake.bridge().paths


async def test_an_unknown_product_is_a_typed_error_and_creates_nothing() -> None:
    shop = FakeShop()
    p, _, _ = await started(shop)
    with pytest.raises(InvalidArgumentError, match="does not sell 'nope'"):
        await p.payments.purchase("nope")
    with pytest.raises(InvalidArgumentError):
        await p.payments.purchase("")
    assert shop.orders == {} and await p.payments.pending() == []


async def test_without_a_backend_purchases_are_unsupported_with_the_reason() -> None:
    p, _ = tiktok(FakeShop())
    p = type(p)(p._bridge, config("tiktok", backend=False))
    await p.init("tiktok")
    assert not p.supports(Capability.PURCHASES)
    with pytest.raises(UnsupportedCapabilityError, match="hide the shop") as caught:
        await p.payments.purchase("coins_100")
    assert "backend_url" in caught.value.reason


async def test_a_malformed_journal_is_replaced_and_purchases_still_work() -> None:
    shop = FakeShop()
    p, fake = tiktok(shop)
    fake.storage["gameport.purchases"] = json.dumps({"open": "garbage"})
    await p.init("tiktok")
    assert (await p.payments.purchase("coins_100")).succeeded


async def test_a_fresh_install_adopts_earlier_grants_without_handing_them_over() -> None:
    shop = FakeShop()
    p, _, seen = await started(shop)
    assert (await p.payments.purchase("coins_100")).succeeded
    other_device, _ = tiktok(shop)  # a new fake: empty storage, same TikTok player
    seen_there = collect(other_device)
    await other_device.init("tiktok")
    assert await other_device.payments.restore() == [] and seen_there == []
    assert (await other_device.payments.purchase("gems_10")).succeeded
    assert [g.product_id for g in seen_there] == ["gems_10"] and len(seen) == 1


# -- Meta ---------------------------------------------------------------------------------------------


async def meta_started(shop: FakeShop, **knobs: object):  # type: ignore[no-untyped-def]
    from gameport.testing.meta import fake_meta

    p, fake = meta(shop, fake_meta(sign=sign, **knobs))  # type: ignore[arg-type]
    seen = collect(p)
    await p.init("meta")
    await p.ready()
    await p.payments.restore()
    return p, fake, seen


async def test_meta_verifies_grants_then_consumes() -> None:
    # the shop answers as the reference backend does ({order_id, status, delivered_now, consume}, no
    # "delivered"): gameport took that for "not granted yet" and never consumed (found in the browser)
    shop = FakeShop()
    p, fake, seen = await meta_started(shop)
    result = await p.payments.purchase("coins_100")
    assert result.succeeded and result.order_id == "meta_mock-token-1"
    assert [g.items for g in seen] == [{"coins": 100}] and fake.payments.purchases == []
    assert fake.log.index("end payments.purchaseAsync") < fake.log.index(
        "begin payments.consumePurchaseAsync"
    )


async def test_meta_user_input_is_a_cancel() -> None:
    shop = FakeShop()
    p, fake, seen = await meta_started(shop)
    fake.script("payments.purchaseAsync", "cancel")
    result = await p.payments.purchase("coins_100")
    assert (result.status, result.reason) == (PurchaseStatus.CANCELLED, PurchaseReason.USER_CANCELLED)
    assert result.code == "USER_INPUT" and seen == [] and shop.granted == []
    assert result.order_id is None  # no order was created (it was "")


async def test_meta_unconsumed_purchases_are_verified_granted_and_consumed_at_start() -> None:
    shop = FakeShop()
    owned = {"product_id": "gems_10", "purchase_token": "tok-9", "player_id": "mock-player-1"}
    purchase = {
        "productID": "gems_10",
        "purchaseToken": "tok-9",
        "paymentID": "p9",
        "signedRequest": sign(owned),
    }
    p, fake, seen = await meta_started(shop, unconsumedPurchases=[purchase])
    assert [g.order_id for g in seen] == ["meta_tok-9"] and fake.payments.purchases == []
    assert await p.payments.restore() == [] and shop.granted == ["meta_tok-9"]


async def test_meta_tampered_or_foreign_purchases_grant_nothing_and_are_not_consumed() -> None:
    shop = FakeShop()
    tampered = {"productID": "gems_10", "purchaseToken": "t1", "signedRequest": "forged.{}"}
    foreign_claims = {"product_id": "gems_10", "purchase_token": "t2", "player_id": "someone-else"}
    foreign = {"productID": "gems_10", "purchaseToken": "t2", "signedRequest": sign(foreign_claims)}
    _, fake, seen = await meta_started(shop, unconsumedPurchases=[tampered, foreign])
    assert seen == [] and shop.granted == [] and len(fake.payments.purchases) == 2


async def test_meta_without_on_ready_has_no_purchases_in_this_session() -> None:
    from gameport.testing.meta import fake_meta

    p, _ = meta(FakeShop(), fake_meta(sign=sign, paymentsReady=False))
    await p.init("meta")
    await p.ready()
    with pytest.raises(UnsupportedCapabilityError, match="onReady did not fire"):
        await p.payments.purchase("coins_100")


async def test_meta_never_purchases_before_ready() -> None:
    shop = FakeShop()
    p, fake = meta(shop)
    await p.init("meta")
    with pytest.raises(NotInitializedError, match=r"platform\.ready"):
        await p.payments.purchase("coins_100")
    assert "begin payments.purchaseAsync" not in fake.log


# -- web ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sheet", "status"),
    [
        ("paid", PurchaseStatus.SUCCEEDED),
        ("cancelled", PurchaseStatus.CANCELLED),
        ("failed", PurchaseStatus.FAILED),
    ],
)
async def test_web_purchases_follow_the_same_order_and_grant_protocol(
    sheet: str, status: PurchaseStatus
) -> None:
    shop = FakeShop()
    page = WebShopPage(shop)
    page.sheet = sheet
    p, _ = web(shop, page)
    seen = collect(p)
    await p.init("web")
    result = await p.payments.purchase("coins_100")
    assert result.status is status
    assert len(seen) == (1 if sheet == "paid" else 0) and len(shop.granted) == len(seen)


async def test_a_page_without_storage_fails_purchases_cleanly_before_any_order() -> None:
    shop = FakeShop()
    p, _ = web(shop, without=frozenset({"localStorage.getItem"}))
    await p.init("web")
    result = await p.payments.purchase("coins_100")
    assert (result.status, result.reason) == (PurchaseStatus.FAILED, PurchaseReason.STORAGE)
    assert shop.orders == {}


async def test_restore_drops_an_open_purchase_whose_order_the_backend_does_not_know() -> None:
    shop = FakeShop()
    p, fake, _ = await started(shop)
    fake.script("pay", "never")
    assert (await p.payments.purchase("coins_100")).status is PurchaseStatus.TIMED_OUT
    del shop.orders["ord_1"]  # e.g. a backend whose database was reset
    await p.payments.restore()
    assert await p.payments.pending() == []


async def test_a_malformed_meta_purchase_fails_and_grants_nothing() -> None:
    shop = FakeShop()
    p, fake, seen = await meta_started(shop)
    fake.script("payments.purchaseAsync", {"outcome": "ok", "value": {"productID": "coins_100"}})
    result = await p.payments.purchase("coins_100")
    assert (result.status, result.reason) == (PurchaseStatus.FAILED, PurchaseReason.PLATFORM)
    assert "malformed" in result.detail and seen == [] and shop.granted == []


@pytest.mark.parametrize("answer", [[], "paid", {"outcome": "maybe"}, {"status": "paid"}])
async def test_a_web_pay_provider_answering_nonsense_fails_and_grants_nothing(answer: Json) -> None:
    shop = FakeShop()
    page = WebShopPage(shop)
    page.raw_answer = answer
    p, _ = web(shop, page)
    seen = collect(p)
    await p.init("web")
    result = await p.payments.purchase("coins_100")
    assert (result.status, result.reason) == (PurchaseStatus.FAILED, PurchaseReason.PLATFORM)
    assert seen == [] and shop.granted == [] and await p.payments.pending() == []
