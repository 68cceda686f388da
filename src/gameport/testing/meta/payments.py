"""The payments of the host Meta fake, like the payments part of ``js_bridge/mocks/fbinstant.js``:
``onReady`` fires (once initialised, when the ``paymentsReady`` knob is true) for each listener as it
subscribes; ``getCatalogAsync`` answers the ``catalog`` knob; ``purchaseAsync`` signs its Purchase with
the fake's ``sign`` (as the JS mock asks the mock platform server) and rejects before ``startGameAsync``;
``getPurchasesAsync`` / ``consumePurchaseAsync`` keep the unconsumed list (``unconsumedPurchases`` knob)."""

from __future__ import annotations

import asyncio
import copy
import itertools
import time
from collections.abc import Callable, Sequence

from gameport.testing.calls import SdkFailure
from gameport.testing.fake_bridge import FakeBridge, _FakeSubscription
from gameport.testing.meta.core import Answer, MetaCore, choice, fail
from gameport.values import Json, JsonObject

READY_EVENT = "FBInstant.payments.onReady"


class FakeMetaPayments:
    """Emulated ``FBInstant.payments``. ``purchases``: the unconsumed Purchase objects."""

    def __init__(self, core: MetaCore) -> None:
        self._core = core
        self._ids = itertools.count(1)
        owned = core.scenario["unconsumedPurchases"]
        self.purchases: list[JsonObject] = (
            [copy.deepcopy(p) for p in owned if isinstance(p, dict)] if isinstance(owned, list) else []
        )

    @property
    def ready(self) -> bool:
        """Whether ``onReady`` fires in this session."""
        return self._core.initialized and self._core.scenario["paymentsReady"] is True

    def answer(self, api: str, arg: Json) -> Answer:
        """One ``payments.*`` Promise member (``api`` without the ``FBInstant.`` prefix)."""
        not_ready = (
            None
            if self._core.scenario["paymentsReady"] is True
            else choice("paymentsNotReady", "payments are not available in this session")
        )
        p = self._core.promise
        if api == "payments.getCatalogAsync":
            return p(api, lambda: copy.deepcopy(self._core.scenario["catalog"]), pre=not_ready)
        if api == "payments.getPurchasesAsync":
            return p(api, self._owned, pre=not_ready)
        if api == "payments.consumePurchaseAsync":
            bad = not isinstance(arg, str) or not arg
            return p(api, lambda: self._consume(arg), pre=not_ready or (bad and "purchaseToken"))
        return p(api, lambda: self._purchase(arg), pre=self._purchase_precheck(arg, not_ready))

    def _owned(self) -> Json:
        return [copy.deepcopy(p) for p in self.purchases]

    def _purchase_precheck(self, cfg: Json, not_ready: SdkFailure | None) -> SdkFailure | str | None:
        if not self._core.started:
            return choice("purchaseBeforeStart", "purchaseAsync called before startGameAsync() resolved")
        if not_ready is not None:
            return not_ready
        if not isinstance(cfg, dict) or not isinstance(cfg.get("productID"), str):
            return "purchaseAsync({productID, developerPayload?})"
        catalog = self._core.scenario["catalog"]
        known = isinstance(catalog, list) and any(
            isinstance(p, dict) and p.get("productID") == cfg["productID"] for p in catalog
        )
        return None if known else fail("INVALID_PARAM", f"unknown productID {cfg['productID']}")

    def _purchase(self, cfg: Json) -> Json:
        sign = self._core.sign
        if sign is None:
            raise choice("signerMissing", "mock signer not configured (sign=)")
        if not isinstance(cfg, dict):  # the precheck refused it already; kept for the type checker
            raise fail("INVALID_PARAM", "purchaseAsync({productID})")
        n = next(self._ids)
        when = int(time.time())
        purchase: JsonObject = {
            "developerPayload": cfg.get("developerPayload"),
            "paymentID": f"mock-payment-{n}",
            "productID": cfg["productID"],
            "purchaseTime": str(when),
            "purchaseToken": f"mock-token-{n}",
        }
        purchase["signedRequest"] = sign(
            {
                "app_id": self._core.scenario["appId"],
                "is_consumed": False,
                "payment_id": purchase["paymentID"],
                "product_id": purchase["productID"],
                "purchase_time": when,
                "purchase_token": purchase["purchaseToken"],
                "player_id": self._core.scenario["playerId"],
                "developer_payload": purchase["developerPayload"],
            }
        )
        self.purchases.append(purchase)
        return copy.deepcopy(purchase)

    def _consume(self, token: Json) -> Json:
        for i, purchase in enumerate(self.purchases):
            if purchase.get("purchaseToken") == token:
                del self.purchases[i]
                return None
        raise fail("INVALID_PARAM", f"no unconsumed purchase with token {token}")


class MetaBridge(FakeBridge):
    """A FakeBridge whose ``payments.onReady`` subscriptions are answered as the JS mock answers them."""

    payments: FakeMetaPayments

    def on(
        self,
        path: str,
        callback: Callable[[Json], None],
        *,
        off: str | None = None,
        args: Sequence[Json] = (),
    ) -> _FakeSubscription:
        subscription = super().on(path, callback, off=off, args=args)
        if path == READY_EVENT and self.payments.ready:
            asyncio.get_running_loop().call_soon(self._fire_ready, subscription)
        return subscription

    def _fire_ready(self, subscription: _FakeSubscription) -> None:
        if self.payments.ready and subscription in self._subscriptions:
            subscription.callback(None)
