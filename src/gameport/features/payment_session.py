"""One session's purchase machinery for ``platform.payments``: driver, backend, journal, grants."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from gameport._session import Session
from gameport.adapters.payment_driver import PaymentDriver
from gameport.backend.purchases import BackendPurchases
from gameport.capabilities import Capability
from gameport.features.purchase_journal import KEY, PurchaseJournal
from gameport.models.payments import Grant, Product, PurchaseReason, PurchaseResult, PurchaseStatus
from gameport.values import Json

_log = logging.getLogger("gameport.features.payments")

GrantHandler = Callable[[Grant], "Awaitable[None] | None"]
"""The game's delivery hook: called once per granted order (may be async)."""

DEFAULT_TIMEOUTS = {"pay_sheet": 300.0, "payments_ready": 5.0, "purchase_confirm": 30.0, "purchase_poll": 1.5}
"""Seconds, overridable per platform block in ``timeouts``: the pay sheet (a person is deciding), Meta's
``onReady``, how long to wait for the backend to confirm a paid order, and the polling interval."""


@dataclass(slots=True)
class PaymentSession:
    """What one platform session needs to buy: everything here is per ``platform.init``."""

    session: Session
    driver: PaymentDriver
    backend: BackendPurchases
    journal: PurchaseJournal
    handlers: list[GrantHandler]
    in_flight: dict[str, asyncio.Future[PurchaseResult]] = field(default_factory=dict)
    active_keys: set[str] = field(default_factory=set)
    products: dict[str, Product] = field(default_factory=dict)
    adopt_on_sync: bool = False
    collectors: list[list[Grant]] = field(default_factory=list)  # restore() calls: what each handed over

    def timeout(self, name: str) -> float:
        """The configured seconds for ``name`` (see :data:`DEFAULT_TIMEOUTS`)."""
        return self.session.settings.timeouts.get(name, DEFAULT_TIMEOUTS[name])

    def result(
        self,
        status: PurchaseStatus,
        product_id: str,
        *,
        order_id: str | None = None,
        code: str | int | None = None,
        reason: PurchaseReason | None = None,
        detail: str = "",
    ) -> PurchaseResult:
        """A result for ``product_id`` on this session's platform and environment, with the server's
        price from the catalog when it was read."""
        known = self.products.get(product_id)
        return PurchaseResult(
            status,
            product_id,
            self.session.name.value,
            self.session.environment.value,
            order_id,
            known.price if known else "",
            known.currency if known else "",
            code,
            reason,
            detail,
        )

    def price(self, product_id: str, amount: str, currency: str) -> None:
        """Remember the server's price of ``product_id`` (from an order) when the catalog was not read."""
        if amount and product_id not in self.products:
            self.products[product_id] = Product(product_id, "", amount, currency)

    def failed(
        self, product_id: str, reason: PurchaseReason, detail: str, *, order_id: str | None = None,
        code: str | int | None = None,
    ) -> PurchaseResult:  # fmt: skip
        """A FAILED result with ``reason``."""
        return self.result(
            PurchaseStatus.FAILED, product_id, order_id=order_id, code=code, reason=reason, detail=detail
        )

    async def sync_grants(self, close: list[str] | None = None) -> list[Grant]:
        """Hand every granted order the game has not had yet to the ``on_granted`` handlers, once.

        The journal marks the orders (and closes the purchases ``close``) in one write *before* the
        handlers run. On the first sync of a fresh install (no journal in storage) the orders granted to
        this player elsewhere are adopted without running handlers (the game's state there was not this
        one); orders of purchases journaled here are always handed over.

        Raises:
            BackendError, NetworkError, BridgeTimeoutError: the grants could not be read.
            StorageError: the journal could not be written; no handler ran.
        """
        rows = await self.backend.grants()
        closing = list(close or [])
        by_order = {e.order_id: e.key for e in self.journal.entries() if e.order_id}
        closing += [by_order[r.order_id] for r in rows if r.order_id in by_order]
        adopt, self.adopt_on_sync = self.adopt_on_sync, False
        new = set(await self.journal.apply([r.order_id for r in rows], close=closing))
        granted = [
            Grant(r.order_id, r.product_id, r.items, self.session.name.value, self.session.environment.value)
            for r in rows
            if r.order_id in new and (not adopt or r.order_id in by_order)
        ]
        for grant in granted:
            await self._hand_over(grant)
        return granted

    async def _hand_over(self, grant: Grant) -> None:
        if not self.handlers:  # marked delivered already: say so, or the player's purchase vanishes silently
            _log.warning(
                "order %s (%s) was granted but no on_granted handler is registered; register one before "
                "platform.init()", grant.order_id, grant.product_id,
            )  # fmt: skip
        for handler in list(self.handlers):
            try:
                outcome = handler(grant)
                if inspect.isawaitable(outcome):
                    await outcome
            except Exception:
                _log.exception("an on_granted handler raised for order %s", grant.order_id)
        for collected in self.collectors:
            collected.append(grant)


def journal_for(session: Session) -> PurchaseJournal:
    """The purchase journal in this session's platform storage (through the capability gate)."""

    async def read() -> Json:
        return await session.require(Capability.STORAGE).storage_get(KEY)

    async def write(value: Json) -> None:
        await session.require(Capability.STORAGE).storage_set(KEY, value)

    return PurchaseJournal(read, write)
