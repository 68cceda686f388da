"""platform.payments end to end: Pyodide in real Chromium, the reference backend and the mock platform
server as real subprocesses over real HTTP on loopback, the JS SDK mocks pointed at the mock server
(``platformUrl``).

What produces each real step:

* TikTok: ``TTMinis.game.pay`` (JS mock) POSTs ``/mock/tiktok/pay``; the mock server marks the trade order
  paid and sends the signed webhook to the backend, which grants. A late, repeated or missing webhook is
  made with the mock server's ``/mock/tiktok/pay`` (``webhook: false``), ``/mock/tiktok/webhooks``
  (``copies``) and the backend's ``python -m gameport.server repair``; a webhook that cannot reach the
  backend by pointing the mock server's ``backend_url`` at a closed port (``/mock/config``).
* Meta: ``payments.purchaseAsync`` (JS mock) has the mock server sign the purchase; the backend verifies it.
* The backend down: ``backend_url`` on a closed port, or the backend process stopped (SIGTERM) and a new
  one started on the same port and SQLite file.
* A reload: ``page.reload()`` and a new boot of gameport; the mocks keep TikTok storage and Meta's player
  data and purchases in ``sessionStorage`` (scenario ``persistStorage``, set in the page URL so the
  reloaded mock restores them), as the real clients keep them.

Every test ends with each item granted exactly once or not at all, in the backend's SQLite ledger
(``orders``, ``grants``) and in what the game's ``on_granted`` handler saw (``granted`` in the page). Each
test uses its own player, so the shared ledger keeps them apart.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, Page

from gameport.testing.local_stack import LocalServers, start_server, stop_processes

from ..server.server_stack import db_rows, make_config, running_pair
from .conftest import js_stats, open_harness, run_py

SDKS = {
    "tiktok": "sdk=/js_bridge/mocks/ttminis.js&global=TTMinis.game",
    "meta": "sdk=/js_bridge/mocks/fbinstant.js&global=FBInstant",
}

GRANTS = {"gems_100": {"gems": 100}, "gems_600": {"gems": 600}}  # the catalog's, by product

META_CATALOG = [
    {"productID": "gems_100", "title": "100 gems", "description": "", "imageURI": "", "price": "$0.99",
     "priceCurrencyCode": "USD", "priceAmount": 0.99},
    {"productID": "gems_600", "title": "600 gems", "description": "", "imageURI": "", "price": "$4.99",
     "priceCurrencyCode": "USD", "priceAmount": 4.99},
]  # fmt: skip

PRELUDE = """
import asyncio
import json
import js
from gameport import GameConfig, GameportError, Platform

TIMEOUTS = {"purchase_poll": 0.05, "purchase_confirm": 3, "pay_sheet": 2, "payments_ready": 2}
granted = []  # what the game's on_granted handler saw on this page
running = {}  # purchases started in the background, by name

def config(name, url, timeouts):
    block = {"backend_url": url, "timeouts": {**TIMEOUTS, **timeouts}}
    if name == "tiktok":
        block["client_key"] = "ck-public-test"
    return GameConfig.from_json(json.dumps({"platforms": {name: {"sandbox": block}}}))

def on_granted(grant):
    consumed = len(js.__gpMock.callsTo("payments.consumePurchaseAsync"))
    granted.append([grant.order_id, grant.product_id, dict(grant.items), consumed])

async def fresh(name, url, settle=True, **timeouts):
    p = Platform(config=config(name, url, timeouts))
    p.payments.on_granted(on_granted)
    await p.init(name)
    if name == "meta":
        await p.ready()
    if settle:
        await p.payments.restore()  # joins the restore init started
    return p

def out(r):
    return [r.status.value, r.reason.value if r.reason else None, r.order_id]

async def steps(p):
    return [[e.product_id, e.step, e.order_id] for e in await p.payments.pending()]

async def until_step(p, step):
    while not any(e.step == step for e in await p.payments.pending()):
        await asyncio.sleep(0.02)

result = True
"""


@dataclass
class Servers:
    """The mock platform server and the backend (restartable on its port and SQLite file)."""

    running: LocalServers
    db: Path
    config_path: Path
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))

    @property
    def mock_url(self) -> str:
        return self.running.mock_url

    @property
    def backend_url(self) -> str:
        return self.running.backend_url

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.http.post(self.mock_url + path, json=body)
        assert response.status_code == 200, (path, response.status_code, response.text)
        return response.json()

    def webhooks_to(self, url: str) -> None:
        """Where the mock platform sends its webhooks."""
        self.post("/mock/config", {"backend_url": url})

    def query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        return db_rows(str(self.db), sql, *args)

    def orders(self, user: str) -> list[tuple[str, str, str]]:
        """(order_id, product_id, status) of ``user``'s orders, oldest first."""
        sql = "SELECT order_id, product_id, status FROM orders WHERE user_id = ? ORDER BY created_at"
        return [(str(o), str(p), str(s)) for o, p, s in self.query(sql, user)]

    def grants(self, user: str) -> list[tuple[str, str, dict[str, int]]]:
        """(order_id, product_id, items) of ``user``'s grants."""
        rows = self.query(
            "SELECT order_id, product_id, items FROM grants WHERE user_id = ? ORDER BY granted_at", user
        )
        return [(o, p, json.loads(i)) for o, p, i in rows]

    def assert_delivered_once(self, player: str, *orders: tuple[str, str]) -> None:
        """``player``'s orders are exactly ``orders`` ((order_id, product_id)), each delivered and granted
        once."""
        assert sorted(self.orders(player)) == sorted((o, p, "delivered") for o, p in orders)
        assert sorted(self.grants(player)) == sorted((o, p, GRANTS[p]) for o, p in orders)

    def assert_nothing_granted(self, player: str, *created: str) -> None:
        """``player`` has no grant, and no order but the ``created`` ones (gems_100, never paid)."""
        assert self.orders(player) == [(order, "gems_100", "created") for order in created]
        assert self.grants(player) == []

    def trade_order(self, order_id: str) -> str:
        rows = self.query("SELECT platform_ref FROM orders WHERE order_id = ?", order_id)
        assert rows and rows[0][0], order_id
        return str(rows[0][0])

    def stop_backend(self) -> str:
        """Stop the backend process; its port, for :meth:`start_backend_on`."""
        port = self.backend_url.rsplit(":", 1)[1]
        assert stop_processes(self.running.processes[:1]) == [0]
        return port

    def start_backend_on(self, port: str) -> None:
        args = ["backend", "--port", port, "--db", str(self.db), "--config", str(self.config_path)]
        self.running.processes[0], self.running.backend_url = start_server(args)

    def repair(self) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gameport.server", "repair", "--db", str(self.db),
             "--config", str(self.config_path)],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip


def closed_port() -> str:
    """A loopback URL nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    tmp = tmp_path_factory.mktemp("payments")
    db, config_path = tmp / "ledger.sqlite3", tmp / "server-config.json"
    with running_pair(make_config(), config_path, db) as pair:
        stack = Servers(pair, db, config_path)
        try:
            yield stack
        finally:
            stack.http.close()


def _boot(page: Page) -> None:
    outcome = page.evaluate("() => window.gpBoot", None)
    assert outcome == "ready", f"boot failed: {outcome}"
    assert run_py(page, PRELUDE) is True


class Pages:
    """One booted page per platform, opened when a test first needs it. The mocks load with the mock
    server's URL and ``persistStorage`` from the page URL, so a reloaded page has them too."""

    def __init__(self, browser: Browser, site_url: str, servers: Servers) -> None:
        load_time = quote(json.dumps({"platformUrl": servers.mock_url, "persistStorage": True}))
        self._url = f"{site_url}/_test/harness.html?{{sdk}}&gp_scenario={load_time}"
        self._mock_url = servers.mock_url
        self._browser = browser
        self.opened: dict[str, Page] = {}

    def __call__(self, name: str) -> Page:
        if name not in self.opened:
            page = open_harness(self._browser, self._url.format(sdk=SDKS[name]))
            _boot(page)
            self.opened[name] = page
        return self.opened[name]

    def shop(self, name: str, player: str) -> Page:
        """The ``name`` page with a clean mock (storage, purchases, scripts) for ``player`` and the page's
        handler lists emptied."""
        page = self(name)
        knobs: dict[str, Any] = {"persistStorage": True, "platformUrl": self._mock_url}
        if name == "tiktok":
            knobs["openId"] = player
        else:
            knobs.update(playerId=player, purchaseIdPrefix=player, catalog=META_CATALOG)
        page.evaluate("(knobs) => { __gpMock.reset(); __gpMock.configure(knobs); }", knobs)
        assert run_py(page, "granted.clear(); running.clear(); result = True") is True
        return page


@pytest.fixture(scope="module")
def pages(browser: Browser, site_url: str, servers: Servers) -> Iterator[Pages]:
    opened = Pages(browser, site_url, servers)
    yield opened
    for page in opened.opened.values():
        page.context.close()


@pytest.fixture(autouse=True)
def nothing_left_running(pages: Pages) -> Iterator[None]:
    """After each test: no bridge call still pending and no mock callback that threw, on every page."""
    yield
    for name, page in pages.opened.items():
        assert js_stats(page)["pending"] == 0, name
        assert page.evaluate("() => __gpMock.stats().callbackErrors") == 0, name


def reload(page: Page, name: str, player: str) -> None:
    """A real reload of the game page and a new boot; the mock's per-player knobs set again (its
    storage, player data and purchases come back from sessionStorage)."""
    page.reload()
    _boot(page)
    knobs: dict[str, Any] = {"openId": player} if name == "tiktok" else {
        "playerId": player, "purchaseIdPrefix": player + "-after-reload", "catalog": META_CATALOG,
    }  # fmt: skip
    page.evaluate("(knobs) => __gpMock.configure(knobs)", knobs)


def calls(page: Page, api: str) -> int:
    return int(page.evaluate("(api) => __gpMock.callsTo(api).length", api))


def unconsumed(page: Page) -> int:
    """How many of its purchases the Meta mock still lists as not consumed."""
    return int(page.evaluate("() => __gpMock.stats().unconsumedPurchases"))


def handed_over(order: str, product: str = "gems_100") -> list[Any]:
    """What the page's on_granted handler saw for ``order``, granted before any consume."""
    return [order, product, GRANTS[product], 0]


# -- TikTok -------------------------------------------------------------------------------------------------


def test_tiktok_order_pay_webhook_delivered_granted_once(pages: Pages, servers: Servers) -> None:
    player = "tt-success"
    page = pages.shop("tiktok", player)
    got = run_py(
        page,
        f"""
p = await fresh("tiktok", {servers.backend_url!r})
products = [[x.product_id, x.price, x.currency] for x in await p.payments.catalog()]
r = await p.payments.purchase("gems_100")
result = [products, out(r), [r.amount, r.currency], granted, await p.payments.restore(), await steps(p)]
await p.close()
""",
    )
    products, outcome, price, seen, restored, pending = got
    assert ["gems_100", "10", "BEANS"] in products
    order = outcome[2]
    assert outcome == ["succeeded", None, order] and price == ["10", "BEANS"]
    assert seen == [handed_over(order)] and restored == [] and pending == []
    servers.assert_delivered_once(player, (order, "gems_100"))
    assert calls(page, "pay") == 1


@pytest.mark.parametrize(
    ("step", "status", "reason"), [("cancel", "cancelled", "user_cancelled"), ("fail", "failed", "platform")]
)
def test_tiktok_cancelled_or_failed_pay_sheet_grants_nothing(
    pages: Pages, servers: Servers, step: str, status: str, reason: str
) -> None:
    player = f"tt-{step}"
    page = pages.shop("tiktok", player)
    page.evaluate("(step) => __gpMock.script('pay', step)", step)
    got = run_py(
        page,
        f"""
p = await fresh("tiktok", {servers.backend_url!r})
r = await p.payments.purchase("gems_100")
result = [out(r), r.code is not None, granted, await steps(p), await p.payments.restore()]
await p.close()
""",
    )
    outcome, has_code, seen, pending, restored = got
    order = outcome[2]
    assert outcome == [status, reason, order] and has_code
    assert seen == [] and pending == [] and restored == []
    servers.assert_nothing_granted(player, order)  # never paid


def test_tiktok_pay_sheet_that_never_answers_is_paid_later_and_restored(
    pages: Pages, servers: Servers
) -> None:
    player = "tt-never"
    page = pages.shop("tiktok", player)
    page.evaluate("() => __gpMock.script('pay', 'never')")
    first = run_py(
        page,
        f"""
p = await fresh("tiktok", {servers.backend_url!r}, pay_sheet=0.3, purchase_confirm=0.3)
r = await p.payments.purchase("gems_100")
result = [out(r), await steps(p), granted]
""",
    )
    outcome, pending, seen = first
    order = outcome[2]
    assert outcome == ["timed_out", "awaiting_confirmation", order]
    assert pending == [["gems_100", "sheet_opened", order]] and seen == []
    servers.assert_nothing_granted(player, order)
    paid = servers.post("/mock/tiktok/pay", {"trade_order_id": servers.trade_order(order)})
    assert paid["webhook_status"] == 200  # the player paid after all; TikTok's webhook reached the backend
    second = run_py(
        page,
        "result = [[g.order_id for g in await p.payments.restore()], granted, await steps(p)]\n"
        "await p.close()",
    )
    assert second == [[order], [handed_over(order)], []]
    servers.assert_delivered_once(player, (order, "gems_100"))


def test_tiktok_backend_down_when_ordering_fails_with_nothing_in_the_ledger(
    pages: Pages, servers: Servers
) -> None:
    player = "tt-order-down"
    page = pages.shop("tiktok", player)
    got = run_py(
        page,
        f"""
p = await fresh("tiktok", {closed_port()!r}, settle=False)
r = await p.payments.purchase("gems_100")
result = [out(r), granted, await steps(p)]
await p.close()
""",
    )
    assert got == [["failed", "network", None], [], []]
    servers.assert_nothing_granted(player)
    assert calls(page, "pay") == 0


def test_tiktok_backend_restarted_while_polling_still_grants_once(pages: Pages, servers: Servers) -> None:
    player = "tt-poll-down"
    page = pages.shop("tiktok", player)
    servers.webhooks_to(closed_port())  # TikTok's first webhook cannot reach the backend
    started = run_py(
        page,
        f"""
p = await fresh("tiktok", {servers.backend_url!r}, purchase_confirm=60)
running["buy"] = asyncio.ensure_future(p.payments.purchase("gems_100"))
await until_step(p, "paid")  # the sheet said paid; gameport now polls the backend
result = await steps(p)
""",
    )
    order = started[0][2]
    assert started == [["gems_100", "paid", order]]
    port = servers.stop_backend()
    failed = page.wait_for_event("requestfailed", lambda r: "/api/orders/" in r.url)
    assert failed.url.endswith(f"/api/orders/{order}")  # gameport polled the stopped backend
    servers.start_backend_on(port)
    servers.webhooks_to(servers.backend_url)
    sent = servers.post("/mock/tiktok/webhooks", {"trade_order_id": servers.trade_order(order)})
    assert sent["statuses"] == [200]
    got = run_py(page, "result = [out(await running['buy']), granted, await steps(p)]\nawait p.close()")
    assert got == [["succeeded", None, order], [handed_over(order)], []]
    servers.assert_delivered_once(player, (order, "gems_100"))


def _unconfirmed_purchase(pages: Pages, servers: Servers, player: str) -> tuple[Page, str]:
    """A purchase by ``player`` whose sheet never answered (TIMED_OUT, pending): its page and order id."""
    page = pages.shop("tiktok", player)
    page.evaluate("() => __gpMock.script('pay', 'never')")
    got = run_py(
        page,
        f"""
p = await fresh("tiktok", {servers.backend_url!r}, pay_sheet=0.2, purchase_confirm=0.2)
r = await p.payments.purchase("gems_100")
result = [out(r), await steps(p)]
""",
    )
    order = str(got[0][2])
    assert got == [["timed_out", "awaiting_confirmation", order], [["gems_100", "sheet_opened", order]]]
    paid = servers.post("/mock/tiktok/pay", {"trade_order_id": servers.trade_order(order), "webhook": False})
    assert paid["webhook_status"] is None  # paid on TikTok; no webhook yet
    again = run_py(page, "result = [await p.payments.restore(), granted, await steps(p)]")
    assert again == [[], [], [["gems_100", "sheet_opened", order]]]
    servers.assert_nothing_granted(player, order)
    return page, order


def test_tiktok_late_webhook_sent_twice_grants_once(pages: Pages, servers: Servers) -> None:
    player = "tt-late-twice"
    page, order = _unconfirmed_purchase(pages, servers, player)
    sent = servers.post("/mock/tiktok/webhooks", {"trade_order_id": servers.trade_order(order), "copies": 2})
    assert sent["statuses"] == [200, 200]
    got = run_py(
        page,
        "result = [[g.order_id for g in await p.payments.restore()], await p.payments.restore(), granted,"
        " await steps(p)]\nawait p.close()",
    )
    assert got == [[order], [], [handed_over(order)], []]
    assert servers.grants(player) == [(order, "gems_100", {"gems": 100})]
    outcomes = servers.query("SELECT outcome FROM callbacks WHERE order_id = ? ORDER BY callback_id", order)
    assert sorted(o for (o,) in outcomes) == ["delivered", "duplicate"]


def test_tiktok_webhook_that_never_comes_is_repaired_then_restored(pages: Pages, servers: Servers) -> None:
    player = "tt-repair"
    page, order = _unconfirmed_purchase(pages, servers, player)
    repaired = servers.repair()
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert servers.orders(player) == [(order, "gems_100", "delivered")]
    got = run_py(
        page, "result = [[g.order_id for g in await p.payments.restore()], granted]\nawait p.close()"
    )
    assert got == [[order], [handed_over(order)]]
    assert servers.grants(player) == [(order, "gems_100", {"gems": 100})]


def test_tiktok_reload_between_payment_and_grant(pages: Pages, servers: Servers) -> None:
    player = "tt-reload"
    page = pages.shop("tiktok", player)
    page.evaluate("() => __gpMock.script('pay', 'never')")  # the player pays; the sheet is still up
    started = run_py(
        page,
        f"""
p = await fresh("tiktok", {servers.backend_url!r})
running["buy"] = asyncio.ensure_future(p.payments.purchase("gems_100"))
await until_step(p, "sheet_opened")
result = await steps(p)
""",
    )
    order = started[0][2]
    assert started == [["gems_100", "sheet_opened", order]]
    servers.post("/mock/tiktok/pay", {"trade_order_id": servers.trade_order(order), "webhook": False})
    assert run_py(page, "result = granted") == []
    reload(page, "tiktok", player)  # the game page goes away while its purchase waits for the sheet
    after = run_py(
        page,
        f"""
p = await fresh("tiktok", {servers.backend_url!r})
result = [await steps(p), granted]
""",
    )
    assert after == [[["gems_100", "sheet_opened", order]], []]  # the journal survived the reload
    servers.post("/mock/tiktok/webhooks", {"trade_order_id": servers.trade_order(order)})
    got = run_py(page, "result = [[g.order_id for g in await p.payments.restore()], granted, await steps(p)]")
    assert got == [[order], [handed_over(order)], []]
    assert run_py(page, "result = await p.payments.restore()\nawait p.close()") == []
    assert servers.grants(player) == [(order, "gems_100", {"gems": 100})]


def test_tiktok_two_products_at_once_are_both_granted_once(pages: Pages, servers: Servers) -> None:
    player = "tt-two"
    page = pages.shop("tiktok", player)
    got = run_py(
        page,
        f"""
p = await fresh("tiktok", {servers.backend_url!r})
rs = await asyncio.gather(p.payments.purchase("gems_100"), p.payments.purchase("gems_600"))
result = [[out(r) for r in rs], sorted(granted)]
await p.close()
""",
    )
    outcomes, seen = got
    assert [o[:2] for o in outcomes] == [["succeeded", None]] * 2
    first, second = outcomes[0][2], outcomes[1][2]
    assert sorted(seen) == sorted([handed_over(first), handed_over(second, "gems_600")])
    servers.assert_delivered_once(player, (first, "gems_100"), (second, "gems_600"))


def test_tiktok_same_product_twice_at_once_is_one_order(pages: Pages, servers: Servers) -> None:
    player = "tt-same"
    page = pages.shop("tiktok", player)
    got = run_py(
        page,
        f"""
p = await fresh("tiktok", {servers.backend_url!r}, settle=False)
rs = await asyncio.gather(p.payments.purchase("gems_100"), p.payments.purchase("gems_100"))
await p.payments.restore()
result = [[out(r) for r in rs], granted]
await p.close()
""",
    )
    outcomes, seen = got
    order = outcomes[0][2]
    assert outcomes == [["succeeded", None, order], ["processing", "in_progress", None]]
    assert seen == [handed_over(order)]
    servers.assert_delivered_once(player, (order, "gems_100"))
    assert calls(page, "pay") == 1


# -- Meta ---------------------------------------------------------------------------------------------------


def test_meta_purchase_verified_granted_then_consumed(pages: Pages, servers: Servers) -> None:
    player = "fb-success"
    page = pages.shop("meta", player)
    got = run_py(
        page,
        f"""
p = await fresh("meta", {servers.backend_url!r})
r = await p.payments.purchase("gems_100")
result = [out(r), granted, await steps(p), await p.payments.restore()]
await p.close()
""",
    )
    outcome, seen, pending, restored = got
    order = outcome[2]
    assert outcome == ["succeeded", None, order] and pending == [] and restored == []
    assert seen == [handed_over(order)]  # granted before any consume
    sequence = page.evaluate(
        "() => __gpMock.calls.map((c) => c.api)"
        ".filter((api) => api === 'payments.purchaseAsync' || api === 'payments.consumePurchaseAsync')"
    )
    assert sequence == ["payments.purchaseAsync", "payments.consumePurchaseAsync"]
    assert unconsumed(page) == 0
    servers.assert_delivered_once(player, (order, "gems_100"))
    assert servers.query("SELECT platform_ref FROM orders WHERE order_id = ?", order) == [
        (f"{player}-token-1",)  # the ledger correlates Meta orders by purchaseToken
    ]


@pytest.mark.parametrize(
    ("step", "status", "reason", "code"),
    [("cancel", "cancelled", "user_cancelled", "USER_INPUT"), ("fail", "failed", "platform", "UNKNOWN")],
)
def test_meta_cancelled_or_failed_purchase_grants_nothing(
    pages: Pages, servers: Servers, step: str, status: str, reason: str, code: str
) -> None:
    player = f"fb-{step}"
    page = pages.shop("meta", player)
    page.evaluate("(step) => __gpMock.script('payments.purchaseAsync', step)", step)
    got = run_py(
        page,
        f"""
p = await fresh("meta", {servers.backend_url!r})
r = await p.payments.purchase("gems_100")
result = [out(r), r.code, granted, await steps(p)]
await p.close()
""",
    )
    assert got == [[status, reason, None], code, [], []]
    assert calls(page, "payments.consumePurchaseAsync") == 0
    servers.assert_nothing_granted(player)


def test_meta_purchase_sheet_that_never_answers_times_out_with_nothing_granted(
    pages: Pages, servers: Servers
) -> None:
    player = "fb-never"
    page = pages.shop("meta", player)
    page.evaluate("() => __gpMock.script('payments.purchaseAsync', 'never')")
    got = run_py(
        page,
        f"""
p = await fresh("meta", {servers.backend_url!r}, pay_sheet=0.3)
r = await p.payments.purchase("gems_100")
first = [out(r), await steps(p)]
await p.payments.restore()  # Meta made no purchase: nothing to finish
result = [first, await steps(p), granted]
await p.close()
""",
    )
    assert got == [
        [["timed_out", "awaiting_confirmation", None], [["gems_100", "sheet_opened", None]]],
        [],
        [],
    ]
    servers.assert_nothing_granted(player)


def test_meta_backend_down_when_verifying_then_restored(pages: Pages, servers: Servers) -> None:
    player = "fb-verify-down"
    page = pages.shop("meta", player)
    first = run_py(
        page,
        f"""
p = await fresh("meta", {closed_port()!r}, settle=False)
r = await p.payments.purchase("gems_100")
result = [out(r), await steps(p), granted]
await p.close()
""",
    )
    assert first == [["timed_out", "network", None], [["gems_100", "paid", None]], []]
    servers.assert_nothing_granted(player)
    assert unconsumed(page) == 1  # paid on Meta, not consumed
    got = run_py(
        page,
        f"""
p = await fresh("meta", {servers.backend_url!r})  # the backend is back: init's restore finishes it
result = [granted, await steps(p)]
await p.close()
""",
    )
    seen, pending = got
    order = seen[0][0]
    assert seen == [handed_over(order)] and pending == []
    assert unconsumed(page) == 0
    servers.assert_delivered_once(player, (order, "gems_100"))


def test_meta_reload_between_payment_and_grant(pages: Pages, servers: Servers) -> None:
    player = "fb-reload-paid"
    page = pages.shop("meta", player)
    held: list[Any] = []
    # the verification request is held in the browser (Playwright's router): it never reaches the backend
    page.route("**/api/meta/purchases", lambda route: held.append(route))
    try:
        with page.expect_request("**/api/meta/purchases"):
            run_py(
                page,
                f"""
p = await fresh("meta", {servers.backend_url!r})
running["buy"] = asyncio.ensure_future(p.payments.purchase("gems_100"))
result = True
""",
            )
        before = run_py(page, "result = [await steps(p), granted]")
        assert before == [[["gems_100", "paid", None]], []]
        reload(page, "meta", player)  # the page goes away while the backend has not verified
    finally:
        page.unroute("**/api/meta/purchases")
    assert len(held) == 1 and servers.orders(player) == []
    got = run_py(
        page,
        f"""
p = await fresh("meta", {servers.backend_url!r})
result = [granted, await steps(p), await p.payments.restore()]
await p.close()
""",
    )
    seen, pending, restored = got
    order = seen[0][0]
    assert seen == [handed_over(order)] and pending == [] and restored == []
    assert calls(page, "payments.consumePurchaseAsync") == 1
    assert unconsumed(page) == 0
    servers.assert_delivered_once(player, (order, "gems_100"))


def test_meta_reload_between_grant_and_consume(pages: Pages, servers: Servers) -> None:
    player = "fb-reload-granted"
    page = pages.shop("meta", player)
    page.evaluate("() => __gpMock.script('payments.consumePurchaseAsync', 'never')")
    run_py(
        page,
        f"""
p = await fresh("meta", {servers.backend_url!r})
running["buy"] = asyncio.ensure_future(p.payments.purchase("gems_100"))
result = True
""",
    )
    page.wait_for_function("() => __gpMock.callsTo('payments.consumePurchaseAsync').length === 1")
    before = run_py(page, "result = [await steps(p), granted]")
    pending, seen = before
    order = seen[0][0]
    # handed over (its journal entry closed with the grant); Meta still lists the purchase as unconsumed
    assert seen == [handed_over(order)] and pending == []
    reload(page, "meta", player)  # granted and handed over; the page goes away before consuming
    assert unconsumed(page) == 1
    got = run_py(
        page,
        f"""
p = await fresh("meta", {servers.backend_url!r})
result = [granted, await steps(p), await p.payments.restore()]
await p.close()
""",
    )
    assert got == [[], [], []]  # not handed over again
    assert calls(page, "payments.consumePurchaseAsync") == 1
    assert unconsumed(page) == 0
    servers.assert_delivered_once(player, (order, "gems_100"))


def test_meta_two_products_at_once_and_the_same_one_twice(pages: Pages, servers: Servers) -> None:
    player = "fb-together"
    page = pages.shop("meta", player)
    got = run_py(
        page,
        f"""
p = await fresh("meta", {servers.backend_url!r})
rs = await asyncio.gather(
    p.payments.purchase("gems_100"), p.payments.purchase("gems_600"), p.payments.purchase("gems_100"))
result = [[out(r) for r in rs], granted, await steps(p)]
await p.close()
""",
    )
    outcomes, seen, pending = got
    first, second = outcomes[0][2], outcomes[1][2]
    assert outcomes == [
        ["succeeded", None, first],
        ["succeeded", None, second],
        ["processing", "in_progress", None],
    ]
    seen_orders = sorted(g[:3] for g in seen)  # [3]: the other purchase may have been consumed already
    assert seen_orders == sorted([[first, "gems_100", {"gems": 100}], [second, "gems_600", {"gems": 600}]])
    assert pending == [] and calls(page, "payments.purchaseAsync") == 2
    assert calls(page, "payments.consumePurchaseAsync") == 2
    assert unconsumed(page) == 0
    servers.assert_delivered_once(player, (first, "gems_100"), (second, "gems_600"))
