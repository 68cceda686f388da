"""Catalog web prices, the client-price refusal and the ``web`` / Meta webhook configuration keys."""

from __future__ import annotations

from typing import Any

import pytest
from server_stack import make_config

from gameport.server.catalog import WEB, Catalog, refuse_client_price
from gameport.server.config import parse_config
from gameport.server.errors import BadRequestError, CatalogError, ConfigError


def _product(**extra: Any) -> dict[str, Any]:
    return {"product_id": "p", "title": "P", "grants": {"gems": 1}, **extra}


def test_web_price_is_served_per_platform() -> None:
    catalog = Catalog.from_json([_product(web_price="2.50", web_currency="GBP"), _product(product_id="q")])
    assert [p.product_id for p in catalog.for_platform(WEB)] == ["p"]
    assert catalog.get("p").public(WEB) | {"grants": None} == {
        "product_id": "p", "title": "P", "description": "", "price": "2.50", "currency": "GBP", "grants": None
    }  # fmt: skip
    with pytest.raises(CatalogError):
        catalog.get("q").price_for(WEB)


@pytest.mark.parametrize(
    "extra",
    [{"web_price": "1.00"}, {"web_currency": "USD"}, {"web_price": "1,00", "web_currency": "USD"},
     {"web_price": "1.00", "web_currency": "usd"}, {"web_price": 1, "web_currency": "USD"}],
)  # fmt: skip
def test_bad_web_prices_are_refused(extra: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match="web_"):
        Catalog.from_json([_product(**extra)])


@pytest.mark.parametrize("field", ["price", "amount", "token_amount"])
def test_a_client_price_is_refused(field: str) -> None:
    with pytest.raises(BadRequestError) as caught:
        refuse_client_price({"product_id": "p", field: 0})
    assert (caught.value.status, caught.value.code) == (400, "client_price")
    refuse_client_price({"product_id": "p"})


def test_web_and_meta_webhook_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = make_config("http://127.0.0.1:9/")
    config = parse_config(raw)
    assert config.web.checkout_url == "http://127.0.0.1:9"
    assert config.web.webhook_secret == raw["web"]["webhook_secret"]
    assert config.meta.webhook_verify_token == raw["meta"]["webhook_verify_token"]
    del raw["web"], raw["meta"]["webhook_verify_token"]
    bare = parse_config(raw)
    assert (bare.web.checkout_url, bare.web.webhook_secret, bare.meta.webhook_verify_token) == (
        None,
        None,
        None,
    )
    monkeypatch.setenv("GAMEPORT_WEB_WEBHOOK_SECRET", "from-env")
    assert parse_config(raw).web.webhook_secret == "from-env"
    monkeypatch.delenv("GAMEPORT_WEB_WEBHOOK_SECRET")
    with pytest.raises(ConfigError, match="webhook_secret"):
        parse_config({**raw, "web": {"webhook_secret": 5}})
