"""The game backend's purchase routes, as the client sees them (``gameport.server`` implements them).

* ``GET /api/catalog?platform=P`` -> ``{products: [{product_id, title, price, currency, description}]}``
* ``POST /api/tiktok/orders`` / ``POST /api/web/orders`` ``{product_id}`` -> ``{order_id, status,
  trade_order_id | pay_url}``: an order priced by the server (the client never sends a price).
* ``POST /api/meta/purchases`` ``{signed_request}`` -> ``{order_id, status, delivered_now, consume}``: the
  verified order, granted when ``status`` is ``"delivered"`` (no ``delivered`` field, unlike the next route).
* ``GET /api/orders/{id}`` -> ``{order_id, status, delivered}``; ``GET /api/grants`` -> ``{grants: [...]}``.

Every call is authenticated with the backend session (the silent login's credential exchanged once).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from urllib.parse import quote

from gameport.backend.session import BackendSession
from gameport.capabilities import PlatformName
from gameport.errors import BackendError
from gameport.models.payments import Product
from gameport.values import Json, JsonObject

ORDER_ROUTES: Final = {PlatformName.TIKTOK: "/api/tiktok/orders", PlatformName.WEB: "/api/web/orders"}
"""Platforms whose backend creates the order before the pay sheet opens -> the route that creates it."""


@dataclass(frozen=True, slots=True)
class BackendOrder:
    """An order the backend created: ``ref`` is what the pay sheet needs (TikTok's ``trade_order_id``,
    the web sandbox's ``pay_url``)."""

    order_id: str
    ref: str
    amount: str
    currency: str


@dataclass(frozen=True, slots=True)
class BackendGrant:
    """One row of ``GET /api/grants``."""

    order_id: str
    product_id: str
    items: dict[str, int]


class BackendPurchases:
    """The purchase routes of the game backend for one platform.

    Raises (every method): BackendError (``.status``, ``.code``; ``code="malformed_response"`` for an
    answer without the expected fields), NetworkError, BridgeTimeoutError, and the login's errors.
    """

    def __init__(self, session: BackendSession, platform: PlatformName) -> None:
        self._session = session
        self._platform = platform

    def _url(self, path: str) -> str:
        return self._session.backend_url + path

    async def catalog(self) -> list[Product]:
        """The backend's products for this platform, with its prices."""
        url = self._url(f"/api/catalog?platform={self._platform.value}")
        answer = await self._session.request("GET", url)
        rows = answer.get("products")
        if not isinstance(rows, list):
            raise _malformed(url, "products")
        return [_product(row, url) for row in rows]

    async def create_order(self, product_id: str) -> BackendOrder:
        """A new order for ``product_id`` (TikTok: with a single-use ``trade_order_id``)."""
        url = self._url(ORDER_ROUTES[self._platform])
        answer = await self._session.request("POST", url, {"product_id": product_id})
        ref_field = "trade_order_id" if self._platform is PlatformName.TIKTOK else "pay_url"
        return BackendOrder(
            _text(answer, "order_id", url),
            _text(answer, ref_field, url),
            str(answer.get("amount") or answer.get("price") or ""),
            str(answer.get("currency", "")),
        )

    async def verify_meta_purchase(self, signed_request: str) -> JsonObject:
        """Let the backend verify Meta's ``signedRequest`` and grant: the order as the backend sees it."""
        url = self._url("/api/meta/purchases")
        answer = await self._session.request("POST", url, {"signed_request": signed_request})
        _text(answer, "order_id", url)
        return answer

    async def order(self, order_id: str) -> JsonObject:
        """``GET /api/orders/{id}``: ``{order_id, status, delivered, ...}``."""
        url = self._url(f"/api/orders/{quote(order_id, safe='')}")
        answer = await self._session.request("GET", url)
        _text(answer, "order_id", url)
        return answer

    async def grants(self) -> list[BackendGrant]:
        """Every order the backend granted to this player on this platform."""
        url = self._url("/api/grants")
        rows = (await self._session.request("GET", url)).get("grants")
        if not isinstance(rows, list):
            raise _malformed(url, "grants")
        return [_grant(row, url) for row in rows]


def _text(answer: JsonObject, name: str, url: str) -> str:
    value = answer.get(name)
    if not isinstance(value, str) or not value:
        raise _malformed(url, name)
    return value


def _product(row: Json, url: str) -> Product:
    if not isinstance(row, dict):
        raise _malformed(url, "products[]")
    return Product(
        _text(row, "product_id", url),
        str(row.get("title", "")),
        str(row.get("price", "")),
        str(row.get("currency", "")),
        str(row.get("description", "") or ""),
    )


def _grant(row: Json, url: str) -> BackendGrant:
    items = row.get("items") if isinstance(row, dict) else None
    if not isinstance(row, dict) or not isinstance(items, dict):
        raise _malformed(url, "grants[]")
    counts = {str(k): v for k, v in items.items() if isinstance(v, int) and not isinstance(v, bool)}
    return BackendGrant(_text(row, "order_id", url), _text(row, "product_id", url), counts)


def _malformed(url: str, name: str) -> BackendError:
    return BackendError(
        f"{url} answered without a valid {name!r}", status=200, code="malformed_response", url=url
    )
