"""An in-memory game backend that sells, as a FakeBridge http handler: the reference backend's purchase
routes (catalog, orders, status, grants, Meta verification) with exactly-once grants, a webhook the test
delivers (late, twice or never) and the backend's repair. Login comes from :class:`FakeBackend`.

The real backend is exercised over real HTTP in ``tests/server`` and ``tests/browser``.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from gameport.bridge import HttpReply, HttpRequest
from gameport.errors import NetworkError
from gameport.values import JsonObject

from .backend_doubles import FakeBackend, refusal

PRODUCTS = {
    "coins_100": ("Coins x100", "100", "BEANS", {"coins": 100}),
    "gems_10": ("Gems x10", "50", "BEANS", {"gems": 10}),
}


@dataclass
class Order:
    order_id: str
    player: str
    product_id: str
    ref: str
    paid: bool = False
    delivered: bool = False


@dataclass
class FakeShop(FakeBackend):
    """Attributes: orders by id; granted: order ids in grant order (the test checks no id repeats);
    down: request keys (``"POST /api/tiktok/orders"``) answered with NetworkError; auto_webhook: a paid
    order's webhook arrives at once (else the test calls :meth:`webhook`)."""

    orders: dict[str, Order] = field(default_factory=dict)
    granted: list[str] = field(default_factory=list)
    down: set[str] = field(default_factory=set)
    auto_webhook: bool = True
    webhooks: int = 0
    tiktok_player: str = "open-1"
    _order_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def __call__(self, request: HttpRequest) -> HttpReply:
        parts = urlsplit(request.url)
        key = f"{request.method} {parts.path}"
        if key in self.down or f"{request.method} *" in self.down:
            raise NetworkError(f"{key}: the backend is down", url=request.url)
        if not parts.path.startswith(
            ("/api/catalog", "/api/tiktok/orders", "/api/web/orders", "/api/orders")
        ):
            if not parts.path.startswith(("/api/grants", "/api/meta/purchases")):
                return await super().__call__(request)
        self.requests.append(request)
        player = self.sessions.get(request.headers.get("Authorization", "")[7:])
        if player is None:
            return refusal(401, "unauthorized", "a valid session is required")
        body = request.body if isinstance(request.body, dict) else {}
        if parts.path == "/api/catalog":
            rows = [
                {"product_id": p, "title": t, "price": price, "currency": cur}
                for p, (t, price, cur, _) in PRODUCTS.items()
            ]
            return HttpReply(200, {"products": rows})
        if parts.path.endswith("/orders"):
            return self._create(player, body, tiktok=parts.path.startswith("/api/tiktok"))
        if parts.path.startswith("/api/orders/"):
            order = self.orders.get(parts.path.rsplit("/", 1)[1])
            if order is None or order.player != player:
                return refusal(404, "not_found")
            return HttpReply(
                200, {"order_id": order.order_id, "status": _status(order), "delivered": order.delivered}
            )
        if parts.path == "/api/meta/purchases":
            return self._meta(player, str(body.get("signed_request", "")))
        rows = [
            {
                "order_id": o,
                "product_id": self.orders[o].product_id,
                "items": dict(PRODUCTS[self.orders[o].product_id][3]),
            }
            for o in self.granted
            if self.orders[o].player == player
        ]
        return HttpReply(200, {"grants": rows})

    def _login(self, path: str, body: JsonObject) -> HttpReply:
        """As FakeBackend, but every TikTok login code belongs to :attr:`tiktok_player` (one player who
        reloads gets a new code each time)."""
        reply = super()._login(path, body)
        if path == "/api/tiktok/login" and reply.status == 200 and isinstance(reply.body, dict):
            self.sessions[str(reply.body["session"])] = self.tiktok_player
            return HttpReply(200, {**reply.body, "open_id": self.tiktok_player})
        return reply

    def _create(self, player: str, body: JsonObject, *, tiktok: bool) -> HttpReply:
        product = body.get("product_id")
        if not isinstance(product, str) or product not in PRODUCTS:
            return refusal(404, "unknown_product")
        if "price" in body or "amount" in body:
            return refusal(400, "client_price")
        n = next(self._order_ids)
        order = Order(f"ord_{n}", player, product, f"tt_{n}" if tiktok else f"https://pay.example/{n}")
        self.orders[order.order_id] = order
        ref = {"trade_order_id": order.ref} if tiktok else {"pay_url": order.ref}
        return HttpReply(200, {"order_id": order.order_id, "status": "created", **ref})

    def _meta(self, player: str, signed: str) -> HttpReply:
        """Our fake signature: ``sig.<json claims>``; anything else is tampered."""
        sig, _, payload = signed.partition(".")
        try:
            claims = json.loads(payload) if sig == "sig" else None
        except ValueError:
            claims = None
        if not isinstance(claims, dict):
            return refusal(401, "bad_signature")
        product, token = claims.get("product_id"), claims.get("purchase_token")
        if not isinstance(product, str) or product not in PRODUCTS:
            return refusal(404, "unknown_product")
        if claims.get("player_id") != player:
            return refusal(409, "foreign_purchase")
        order = self.orders.setdefault(f"meta_{token}", Order(f"meta_{token}", player, product, str(token)))
        order.paid = True
        newly = not order.delivered
        self._deliver(order)
        # the reference backend's answer (gameport.server.backend_app): no "delivered" field here
        return HttpReply(
            200, {"order_id": order.order_id, "status": "delivered", "delivered_now": newly, "consume": True}
        )

    # -- what the platform does ------------------------------------------------------------------------

    def pay(self, ref: str) -> None:
        """The platform took the money for the order ``ref``; its webhook follows if ``auto_webhook``."""
        order = next(o for o in self.orders.values() if o.ref == ref)
        order.paid = True
        if self.auto_webhook:
            self.webhook(order.order_id)

    def webhook(self, order_id: str) -> None:
        """The platform's signed webhook for ``order_id`` (any number of times): delivers once if paid."""
        self.webhooks += 1
        order = self.orders[order_id]
        if order.paid:
            self._deliver(order)

    def repair(self) -> None:
        """The backend's repair: every paid order is delivered (the platform's order list says paid)."""
        for order in self.orders.values():
            if order.paid:
                self._deliver(order)

    def _deliver(self, order: Order) -> None:
        if not order.delivered:
            order.delivered = True
            self.granted.append(order.order_id)


def _status(order: Order) -> str:
    return "delivered" if order.delivered else "created"
