"""The server's product catalog: the only place prices live (the client never sends a price).

A product has an id, a title, what it grants (``{"gems": 100}``), and a price per platform: a count of TikTok
Beans (A.6: ``token_amount`` is Beans, not fiat), a Meta price with an ISO 4217 currency (the Meta
catalog itself is configured in Meta's dashboard; ours must agree with it) and/or a web price (``web_price`` +
``web_currency``, charged by the sandbox web checkout of :mod:`.web_checkout`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import BadRequestError, CatalogError, ConfigError

TIKTOK = "tiktok"
META = "meta"
WEB = "web"
PLATFORMS = (TIKTOK, META, WEB)
BEANS = "BEANS"
_DECIMAL = re.compile(r"[0-9]{1,9}(\.[0-9]{1,4})?")
_CURRENCY = re.compile(r"[A-Z]{3}")
_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


@dataclass(frozen=True)
class Product:
    """One sellable product."""

    product_id: str
    title: str
    grants: Mapping[str, int]
    tiktok_beans: int | None = None
    meta_price: str | None = None
    meta_currency: str | None = None
    web_price: str | None = None
    web_currency: str | None = None
    description: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def price_for(self, platform: str) -> tuple[str, str]:
        """``(amount, currency)`` on ``platform``; raises :class:`CatalogError` if not sold there."""
        if platform == TIKTOK and self.tiktok_beans is not None:
            return str(self.tiktok_beans), BEANS
        if platform == META and self.meta_price is not None and self.meta_currency is not None:
            return self.meta_price, self.meta_currency
        if platform == WEB and self.web_price is not None and self.web_currency is not None:
            return self.web_price, self.web_currency
        raise CatalogError(f"product {self.product_id!r} is not sold on {platform!r}")

    def public(self, platform: str) -> dict[str, Any]:
        """What a client may see (no secrets exist here, but keep the shape explicit)."""
        amount, currency = self.price_for(platform)
        return {
            "product_id": self.product_id,
            "title": self.title,
            "description": self.description,
            "price": amount,
            "currency": currency,
            "grants": dict(self.grants),
        }


class Catalog:
    """Products by id."""

    def __init__(self, products: Iterable[Product]) -> None:
        self._products: dict[str, Product] = {}
        for product in products:
            if product.product_id in self._products:
                raise ConfigError(f"duplicate product id {product.product_id!r}")
            self._products[product.product_id] = product

    def get(self, product_id: object) -> Product:
        """The product, or :class:`CatalogError`."""
        if not isinstance(product_id, str) or product_id not in self._products:
            raise CatalogError(f"unknown product {product_id!r}")
        return self._products[product_id]

    def for_platform(self, platform: str) -> list[Product]:
        """Products sold on ``platform``, in configuration order."""
        out = []
        for product in self._products.values():
            try:
                product.price_for(platform)
            except CatalogError:
                continue
            out.append(product)
        return out

    @classmethod
    def from_json(cls, items: object) -> Catalog:
        """Build from the ``catalog`` list of the server configuration; raises :class:`ConfigError`."""
        if not isinstance(items, list):
            raise ConfigError("catalog must be a list")
        return cls(_product_from_json(item) for item in items)


def _product_from_json(item: object) -> Product:
    if not isinstance(item, dict):
        raise ConfigError("catalog entries must be objects")
    pid, title, grants = item.get("product_id"), item.get("title"), item.get("grants", {})
    if not isinstance(pid, str) or not _ID.fullmatch(pid):
        raise ConfigError(f"bad product_id {pid!r}")
    if not isinstance(title, str) or not title:
        raise ConfigError(f"product {pid!r} needs a title")
    if not isinstance(grants, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v > 0
        for k, v in grants.items()
    ):
        raise ConfigError(f"product {pid!r}: grants must map names to positive integers")
    beans = item.get("tiktok_beans")
    if beans is not None and (isinstance(beans, bool) or not isinstance(beans, int) or beans <= 0):
        raise ConfigError(f"product {pid!r}: tiktok_beans must be a positive integer")
    meta_price, meta_currency = _fiat_price(item, pid, "meta")
    web_price, web_currency = _fiat_price(item, pid, "web")
    return Product(
        product_id=pid,
        title=title,
        description=str(item.get("description", "")),
        grants=dict(grants),
        tiktok_beans=beans,
        meta_price=meta_price,
        meta_currency=meta_currency,
        web_price=web_price,
        web_currency=web_currency,
    )


def _fiat_price(item: dict[str, Any], pid: str, prefix: str) -> tuple[str | None, str | None]:
    price, currency = item.get(f"{prefix}_price"), item.get(f"{prefix}_currency")
    if (price is None) != (currency is None):
        raise ConfigError(f"product {pid!r}: {prefix}_price and {prefix}_currency go together")
    if price is not None and (not isinstance(price, str) or not _DECIMAL.fullmatch(price)):
        raise ConfigError(f"product {pid!r}: {prefix}_price must be a decimal string like '0.99'")
    if currency is not None and (not isinstance(currency, str) or not _CURRENCY.fullmatch(currency)):
        raise ConfigError(f"product {pid!r}: {prefix}_currency must be ISO 4217")
    return price, currency


#: Fields an order request must not carry: the price is the catalog's, never the client's.
CLIENT_PRICE_FIELDS = ("price", "amount", "token_amount")


def refuse_client_price(body: Mapping[str, Any]) -> None:
    """Raise 400 ``client_price`` when an order request body carries a price field (nothing is created)."""
    sent = [name for name in CLIENT_PRICE_FIELDS if name in body]
    if sent:
        raise BadRequestError(
            f"the server sets prices; remove {', '.join(sent)} from the request", code="client_price"
        )
