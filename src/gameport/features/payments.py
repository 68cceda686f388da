"""``platform.payments``: the shop's catalog, purchases granted exactly once, and restore after a crash.

``succeeded`` means the game backend granted the order, never that a pay sheet said ok: TikTok and the
web sandbox grant only on the platform's signed webhook, Meta after the backend verified the signed
purchase. The game delivers in one place, ``on_granted``, which runs once per order, also for orders
finished after a reload, restored at start, or repaired later by the backend.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from gameport._session import Session, SessionGetter
from gameport.backend.purchases import BackendPurchases
from gameport.capabilities import FALLBACKS, Capability
from gameport.errors import (
    InvalidArgumentError,
    NotInitializedError,
    StorageError,
    UnsupportedCapabilityError,
)
from gameport.features.payment_session import GrantHandler, PaymentSession, journal_for
from gameport.features.purchase_flows import finish_open, order_first, purchase_first
from gameport.models.payments import (
    Grant,
    PendingPurchase,
    Product,
    PurchaseReason,
    PurchaseResult,
    PurchaseStatus,
)

_log = logging.getLogger("gameport.features.payments")


class Payments:
    """Purchases on the current platform (see the module docstring).

    Every method raises NotInitializedError before ``platform.init()`` and UnsupportedCapabilityError
    (PURCHASES, with the fallback "hide the shop") where the platform, its client, the page or the
    configuration (``backend_url``) offers no purchases; on Meta also when ``payments.onReady`` did not
    fire within ``timeouts.payments_ready`` seconds (default 5).
    """

    def __init__(self, session: SessionGetter) -> None:
        self._session = session
        self._handlers: list[GrantHandler] = []
        self._state: PaymentSession | None = None
        self._restoring: asyncio.Task[list[Grant]] | None = None

    def on_granted(self, handler: GrantHandler) -> Callable[[], None]:
        """Call ``handler(grant)`` once for every order the backend grants (may be ``async``); returns
        a function that unsubscribes. Register it before ``platform.init()`` to see orders restored at
        start. The order is marked in the journal before handlers run, so a crash inside a handler
        never replays it (the grant stays listed by the backend's ``GET /api/grants``); a grant handed
        over while no handler is registered is logged as a warning. Restored orders can arrive before the
        game has read its saved progress: a handler that adds to saved state waits until that state is
        loaded, or the load overwrites the grant (the demo's ``Services._granted``)."""
        self._handlers.append(handler)

        def unsubscribe() -> None:
            if handler in self._handlers:
                self._handlers.remove(handler)

        return unsubscribe

    async def catalog(self) -> list[Product]:
        """The products the player can buy (Meta: ``getCatalogAsync``; TikTok, web: the game backend's).

        Raises:
            BackendError, NetworkError, BridgeTimeoutError, PlatformError: the catalog could not be read.
        """
        ps = await self._ready()
        products = await ps.driver.catalog()
        if products is None:
            products = await ps.backend.catalog()
        ps.products.update({p.product_id: p for p in products})
        return products

    async def purchase(self, product_id: str) -> PurchaseResult:
        """Buy ``product_id``. Expected outcomes are the result's ``status``, never exceptions; on
        SUCCEEDED the ``on_granted`` handlers have already run. One purchase per product at a time: a
        second call while one runs answers PROCESSING (``reason`` IN_PROGRESS) at once.

        Raises:
            InvalidArgumentError: ``product_id`` is empty, or the backend (Meta: the platform) does not
                sell it; nothing was charged.
            NotInitializedError: on Meta before ``platform.ready()`` (Meta refuses purchases then).
        """
        if not isinstance(product_id, str) or not product_id:
            raise InvalidArgumentError(f"a product id must be a non-empty string, got {product_id!r}")
        ps = await self._ready()
        try:
            await ps.journal.load()  # may wait on storage: the in-flight check below must come after it
        except StorageError as exc:
            return ps.failed(product_id, PurchaseReason.STORAGE, str(exc))
        running = ps.in_flight.get(product_id)
        if running is not None and not running.done():
            return ps.result(
                PurchaseStatus.PROCESSING, product_id, reason=PurchaseReason.IN_PROGRESS,
                detail="a purchase of this product is already running",
            )  # fmt: skip
        flow = order_first if ps.driver.ORDER_FIRST else purchase_first
        task = asyncio.ensure_future(flow(ps, product_id))
        ps.in_flight[product_id] = task
        try:
            return await asyncio.shield(task)
        finally:
            if ps.in_flight.get(product_id) is task and task.done():
                del ps.in_flight[product_id]

    async def restore(self) -> list[Grant]:
        """Finish what was left open (also started by ``platform.init()``); the grants handed to
        ``on_granted`` by this call. Single-flight: a call while one runs waits for it.

        Raises:
            BackendError, NetworkError, BridgeTimeoutError, StorageError, PlatformError: it could not
                finish; everything stays open for the next call.
        """
        ps = await self._ready()
        if self._restoring is None or self._restoring.done():
            self._restoring = asyncio.ensure_future(self._restore(ps))
        return await asyncio.shield(self._restoring)

    async def pending(self) -> list[PendingPurchase]:
        """The purchases still open, with the step each reached (see :mod:`.purchase_journal`).

        Raises:
            StorageError: the journal could not be read.
        """
        ps = self._current()
        await ps.journal.load()
        return ps.journal.entries()

    # -- for the Platform that owns this namespace -------------------------------------------------

    def begin(self, session: Session) -> None:
        """A session started (``platform.init()``): listen for the platform's payments and start a
        restore in the background when purchases are available."""
        self.end()
        if not session.gate.allows(Capability.PURCHASES) or session.backend is None:
            return
        backend = BackendPurchases(session.backend, session.name)
        driver = session.adapter.payment_driver()
        self._state = PaymentSession(session, driver, backend, journal_for(session), self._handlers)
        self._restoring = asyncio.ensure_future(self._restore(self._state))
        self._restoring.add_done_callback(_log_failure)

    def end(self) -> None:
        """Forget the session (``platform.close()``): stop the restore, running purchases (their journal
        entries stay for the next session's restore) and the platform listeners."""
        if self._restoring is not None and not self._restoring.done():
            self._restoring.cancel()
        self._restoring = None
        if self._state is not None:
            for running in self._state.in_flight.values():
                running.cancel()  # what the journal holds is finished by the next session's restore
            self._state.driver.close()
        self._state = None

    # -- internals ----------------------------------------------------------------------------------

    def _current(self) -> PaymentSession:
        session = self._session()
        session.gate.require(Capability.PURCHASES)
        if self._state is None or self._state.session is not session:
            raise NotInitializedError("platform.payments has no session: call `await platform.init()`")
        return self._state

    async def _ready(self) -> PaymentSession:
        ps = self._current()
        why = await ps.driver.wait_ready(ps.timeout("payments_ready"))
        if why is not None:
            name = ps.session.name.value
            raise UnsupportedCapabilityError("purchases", name, FALLBACKS[Capability.PURCHASES], why)
        return ps

    async def _restore(self, ps: PaymentSession) -> list[Grant]:
        await ps.journal.load()
        ps.adopt_on_sync = ps.journal.fresh
        why = await ps.driver.wait_ready(ps.timeout("payments_ready"))
        if why is not None:
            return []
        handed: list[Grant] = []
        ps.collectors.append(handed)
        try:
            await finish_open(ps)
        finally:
            ps.collectors.remove(handed)
        return handed


def _log_failure(task: asyncio.Task[list[Grant]]) -> None:
    if not task.cancelled() and task.exception() is not None:
        _log.warning("gameport: restoring purchases at start failed: %s", task.exception())
