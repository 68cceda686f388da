"""The sandbox web checkout end to end over real HTTP: backend and mock platform as subprocesses."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from server_stack import Stack, make_config

from gameport.server.backend_app import create_backend_app, open_backend
from gameport.server.config import parse_config
from gameport.server.web_checkout import WEB_SIGNATURE_HEADER, build_web_webhook_body, sign_web_webhook


@pytest.fixture
def db(any_db: str) -> str:
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_db


def _web_login(stack: Stack, player: str) -> str:
    answer = stack.post(f"{stack.backend.url}/api/web/login", {"token": f"web-dev.{player}"})
    session: str = answer["session"]
    return session


def _order(stack: Stack, session: str, product_id: str = "gems_100") -> dict[str, Any]:
    order: dict[str, Any] = stack.post(
        f"{stack.backend.url}/api/web/orders", {"product_id": product_id}, session
    )
    return order


def _status(stack: Stack, session: str, order_id: str) -> str:
    status: str = stack.get(f"{stack.backend.url}/api/orders/{order_id}", session)["status"]
    return status


def test_paid_web_order_is_delivered_once_despite_duplicates_and_late_copies(stack: Stack) -> None:
    session = _web_login(stack, "w1")
    catalog = stack.get(f"{stack.backend.url}/api/catalog?platform=web")
    assert [(p["product_id"], p["price"], p["currency"]) for p in catalog["products"]] == [
        ("gems_100", "1.00", "EUR"), ("gems_600", "5.00", "EUR")
    ]  # fmt: skip
    order = _order(stack, session, "gems_600")
    assert order["pay_url"] == f"{stack.mock.url}/mock/web/pay"
    assert (order["status"], order["price"], order["currency"]) == ("created", "5.00", "EUR")
    assert _status(stack, session, order["order_id"]) == "created"

    paid = stack.post(order["pay_url"], {"order_id": order["order_id"], "outcome": "success", "copies": 3})
    assert paid["webhook_statuses"] == [200, 200, 200]
    assert _status(stack, session, order["order_id"]) == "delivered"
    stack.post(f"{stack.mock.url}/mock/web/webhooks", {"order_id": order["order_id"], "copies": 20})
    grants = stack.grants(session)
    assert grants["totals"] == {"gems": 600}
    [grant] = grants["grants"]
    assert (grant["order_id"], grant["product_id"], grant["items"]) == (
        order["order_id"],
        "gems_600",
        {"gems": 600},
    )
    assert abs(grant["granted_at"] - time.time()) < 120
    outcomes = Counter(
        r[0] for r in stack.rows("SELECT outcome FROM callbacks WHERE order_id = ?", order["order_id"])
    )
    assert outcomes == {"delivered": 1, "duplicate": 22}
    assert stack.rows("SELECT amount, currency, platform_ref FROM orders") == [
        ("5.00", "EUR", paid["payment_id"])
    ]
    assert len(stack.rows("SELECT 1 FROM grants")) == 1

    late = _order(stack, session)  # the webhook comes after the client's first polls
    stack.post(late["pay_url"], {"order_id": late["order_id"], "outcome": "success", "delay_ms": 400})
    assert _status(stack, session, late["order_id"]) == "created"
    deadline = time.monotonic() + 30
    while _status(stack, session, late["order_id"]) != "delivered" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert stack.grants(session)["totals"] == {"gems": 700}


def test_cancel_and_fail_deliver_nothing(stack: Stack) -> None:
    session = _web_login(stack, "w2")
    for outcome in ("cancel", "fail"):
        order = _order(stack, session)
        answer = stack.post(order["pay_url"], {"order_id": order["order_id"], "outcome": outcome})
        assert (answer["ok"], answer["outcome"], answer["webhook_statuses"]) == (True, outcome, [])
        assert _status(stack, session, order["order_id"]) == "created"
    assert stack.grants(session)["grants"] == []
    assert stack.rows("SELECT COUNT(*) FROM callbacks") == [(0,)]


def test_webhook_that_never_arrives_is_finished_by_repair(stack: Stack) -> None:
    session = _web_login(stack, "w3")
    paid, unpaid = _order(stack, session), _order(stack, session, "gems_600")
    answer = stack.post(paid["pay_url"], {"order_id": paid["order_id"], "webhook": False})
    assert answer["webhook_statuses"] == []
    assert _status(stack, session, paid["order_id"]) == "created"
    result = stack.cli("repair", "--expire-after", "0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"DELIVERED {paid['order_id']}" in result.stdout
    assert f"FAILED {unpaid['order_id']}" in result.stdout
    assert stack.grants(session)["totals"] == {"gems": 100}
    sent = stack.post(f"{stack.mock.url}/mock/web/webhooks", {"order_id": paid["order_id"], "copies": 2})
    assert sent["statuses"] == [200, 200]  # late webhooks after repair: duplicates
    assert stack.grants(session)["totals"] == {"gems": 100}
    again = stack.cli("repair")
    assert again.returncode == 0 and "DELIVERED" not in again.stdout, again.stdout


def test_tampered_stale_and_unsigned_webhooks_are_refused_and_recorded(stack: Stack) -> None:
    session = _web_login(stack, "w4")
    order = _order(stack, session)
    payment = stack.post(order["pay_url"], {"order_id": order["order_id"], "webhook": False})["payment_id"]
    secret = stack.config["web"]["webhook_secret"]
    body = build_web_webhook_body(order["order_id"], "paid", payment)
    url = f"{stack.backend.url}/api/web/webhook"
    forged = body.replace(b'"paid"', b'"paid" ')

    def sign(key: str) -> dict[str, str]:
        return {WEB_SIGNATURE_HEADER: sign_web_webhook(body, key)}

    attempts = {
        "tampered": stack.http.post(url, content=forged, headers=sign(secret)),
        "wrong_key": stack.http.post(url, content=body, headers=sign("x" * 48)),
        "unsigned": stack.http.post(url, content=body),
    }
    assert {k: (r.status_code, r.json()["error"]["code"]) for k, r in attempts.items()} == {
        "tampered": (401, "tampered_signature_error"), "wrong_key": (401, "tampered_signature_error"),
        "unsigned": (401, "malformed_signature_error"),
    }  # fmt: skip
    stale = stack.post(f"{stack.mock.url}/mock/web/webhooks", {"order_id": order["order_id"], "age_s": 3600})
    assert stale["statuses"] == [401]
    assert _status(stack, session, order["order_id"]) == "created"
    assert stack.grants(session)["grants"] == []
    rejected = stack.rows("SELECT kind, outcome, order_id FROM callbacks ORDER BY callback_id")
    assert [r[1] for r in rejected] == ["rejected:tampered_signature_error"] * 2 + [
        "rejected:malformed_signature_error", "rejected:stale_signature_error"
    ]  # fmt: skip
    assert {(r[0], r[2]) for r in rejected} == {("web.rejected", None)}
    ok = stack.http.post(url, content=body, headers=sign(secret))
    assert ok.json() == {"ok": True, "outcome": "delivered"}
    assert stack.cli("reconcile").returncode == 0  # refused signatures are not orphan callbacks


def test_order_refusals_create_nothing(stack: Stack) -> None:
    owner, other = _web_login(stack, "w5"), _web_login(stack, "w6")
    tiktok_session, _ = stack.tiktok_login()
    cases = [
        ("/api/web/orders", {"product_id": "gems_100", "price": "0.01"}, owner, 400, "client_price"),
        ("/api/web/orders", {"product_id": "gems_100", "amount": 1}, owner, 400, "client_price"),
        ("/api/tiktok/orders", {"product_id": "gems_100", "price": 1}, tiktok_session, 400, "client_price"),
        ("/api/web/orders", {"product_id": "nope"}, owner, 400, "unknown_product"),
        ("/api/web/orders", {"product_id": "no_ads"}, owner, 400, "unknown_product"),  # no web price
        ("/api/web/orders", {"product_id": "gems_100"}, tiktok_session, 401, "unauthorized"),
        ("/api/web/orders", {"product_id": "gems_100"}, None, 401, "unauthorized"),
    ]
    for path, body, session, status, code in cases:
        headers = {"Authorization": f"Bearer {session}"} if session else {}
        response = stack.http.post(stack.backend.url + path, json=body, headers=headers)
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), (path, body)
    assert stack.rows("SELECT COUNT(*) FROM orders") == [(0,)]
    order = _order(stack, owner)
    stack.post(order["pay_url"], {"order_id": order["order_id"]})
    foreign = stack.http.get(
        f"{stack.backend.url}/api/orders/{order['order_id']}", headers={"Authorization": f"Bearer {other}"}
    )
    assert foreign.status_code == 404
    assert stack.grants(other)["grants"] == [] and stack.grants(owner)["totals"] == {"gems": 100}
    orphan = stack.post(stack.mock.url + "/mock/web/pay", {"order_id": "we_not_ours"})
    assert orphan["webhook_statuses"] == [200]
    assert stack.rows("SELECT outcome FROM callbacks WHERE order_id IS NULL") == [("orphan",)]


@pytest.mark.parametrize(
    ("environment", "web", "status", "code"),
    [
        ("production", True, 403, "web_checkout_disabled"),
        ("sandbox", False, 503, "web_checkout_unconfigured"),
    ],
)
def test_web_checkout_outside_a_configured_sandbox(
    tmp_path: Path, environment: str, web: bool, status: int, code: str
) -> None:
    raw = make_config()
    secret = raw["web"]["webhook_secret"]
    raw["environment"] = environment
    if not web:
        del raw["web"]
    app = create_backend_app(open_backend(parse_config(raw), tmp_path / "ledger.sqlite3"))
    body = build_web_webhook_body("we_x", "paid", "wpay_x")
    signed = {WEB_SIGNATURE_HEADER: sign_web_webhook(body, secret)}

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://a") as c,
        ):
            return [
                await c.post("/api/web/orders", json={"product_id": "gems_100"}),
                await c.post("/api/web/webhook", content=body, headers=signed),
            ]

    for response in asyncio.run(run()):
        assert (response.status_code, response.json()["error"]["code"]) == (status, code)
