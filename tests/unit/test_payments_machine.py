"""A Hypothesis state machine over random interleavings of purchases, pay-sheet outcomes (paid, cancelled,
failed, no answer, a success callback fired twice), crashes and reloads, duplicate and late webhooks, a
backend that goes down, restore and repair. No order is ever granted twice, no handler sees an order
twice, and once the backend repairs and the game restores, every paid order reached the game once."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import ClassVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from gameport import GameportError, Platform
from gameport.models.payments import Grant
from gameport.testing.tiktok import fake_tiktok

from .payment_doubles import tiktok
from .shop_doubles import FakeShop

OUTCOMES = ["ok", "ok", "ok", "cancel", "fail", "never", "ok_twice"]
PRODUCTS = ["coins_100", "gems_10"]
OUTAGES = [set(), {"POST /api/tiktok/orders"}, {"GET *"}, {"POST *", "GET *"}]
TIMEOUTS = "purchase_poll = 0.001, purchase_confirm = 0.008, pay_sheet = 0.008, payments_ready = 0.01"
EXAMPLES, STEPS = 120, 100


class Purchases(RuleBasedStateMachine):
    steps_run: ClassVar[int] = 0

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.shop = FakeShop(auto_webhook=False)
        self.fake = fake_tiktok(runtime="native")
        self.seen: list[str] = []
        self.tasks: list[asyncio.Future[object]] = []
        self.platform = self._boot()

    def _boot(self) -> Platform:
        platform, _ = tiktok(self.shop, self.fake, timeouts=TIMEOUTS)
        platform.payments.on_granted(self._handle)
        self.loop.run_until_complete(platform.init("tiktok"))
        return platform

    def _handle(self, grant: Grant) -> None:
        self.seen.append(grant.order_id)

    def _run(self, seconds: float) -> None:
        self.loop.run_until_complete(asyncio.sleep(seconds))

    # -- what players, platforms and the backend do ----------------------------------------------------

    @rule(product=st.sampled_from(PRODUCTS), outcome=st.sampled_from(OUTCOMES))
    def buy(self, product: str, outcome: str) -> None:
        Purchases.steps_run += 1
        self.fake.script("pay", outcome)
        self.tasks.append(asyncio.ensure_future(self.platform.payments.purchase(product), loop=self.loop))
        self._run(0.001)

    @rule(ms=st.integers(min_value=1, max_value=10))
    def time_passes(self, ms: int) -> None:
        Purchases.steps_run += 1
        self._run(ms / 1000)

    # What is drawn never depends on the state (the orders that exist depend on timing): an index, taken
    # modulo the orders there are, keeps Hypothesis's replays consistent on a loaded machine.
    @rule(pick=st.integers(min_value=0, max_value=15), copies=st.integers(min_value=1, max_value=3))
    def webhook(self, pick: int, copies: int) -> None:
        Purchases.steps_run += 1
        if self.shop.orders:
            order = sorted(self.shop.orders)[pick % len(self.shop.orders)]
            for _ in range(copies):
                self.shop.webhook(order)

    @rule()
    def crash_and_reload(self) -> None:
        Purchases.steps_run += 1
        self.platform.payments.end()  # the page dies: nothing of this session runs on
        for task in self.tasks:
            task.cancel()
        self._run(0)
        self.tasks = []
        self.platform = self._boot()

    @rule()
    def restore(self) -> None:
        Purchases.steps_run += 1
        try:
            self.loop.run_until_complete(self.platform.payments.restore())
        except GameportError:
            pass  # the backend is down: everything stays open

    @rule()
    def repair(self) -> None:
        Purchases.steps_run += 1
        self.shop.repair()

    @rule(outage=st.sampled_from(OUTAGES))
    def backend(self, outage: set[str]) -> None:
        Purchases.steps_run += 1
        self.shop.down = set(outage)

    # -- what must always hold -------------------------------------------------------------------------

    @invariant()
    def never_granted_twice(self) -> None:
        assert len(self.shop.granted) == len(set(self.shop.granted))
        assert all(n == 1 for n in Counter(self.seen).values()), Counter(self.seen)
        assert set(self.seen) <= set(self.shop.granted)

    def teardown(self) -> None:
        try:
            self.shop.down = set()
            self.crash_and_reload()
            self.shop.repair()
            self.loop.run_until_complete(self.platform.payments.restore())
            paid = {o.order_id for o in self.shop.orders.values() if o.paid}
            assert set(self.shop.granted) == paid
            assert sorted(self.seen) == sorted(self.shop.granted)
        finally:
            self.platform.payments.end()
            self.loop.run_until_complete(asyncio.sleep(0))
            self.loop.close()


def test_no_order_is_lost_or_granted_twice_in_any_interleaving() -> None:
    Purchases.steps_run = 0
    run_state_machine_as_test(
        Purchases,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    print(f"{Purchases.steps_run} steps")
    assert Purchases.steps_run >= 10_000, Purchases.steps_run
