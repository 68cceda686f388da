"""TikTok end to end over real HTTP: backend and mock platform as subprocesses started through the CLI, with
the backend on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections import Counter

import pytest
from server_stack import ServerProcess, Stack

from gameport.server.faults import CRASH_ENV, CRASH_EXIT_CODE


@pytest.fixture
def db(any_db: str) -> str:
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_db


def _db_rows(stack: Stack, sql: str, *params: object) -> list[tuple[object, ...]]:
    return stack.rows(sql, *params)


def test_purchase_flow_delivers_after_webhook_only(stack: Stack) -> None:
    session, open_id = stack.tiktok_login("player-1")
    assert open_id == "player-1"
    catalog = stack.get(f"{stack.backend.url}/api/catalog?platform=tiktok")
    assert {p["product_id"]: p["price"] for p in catalog["products"]} == {
        "gems_100": "10", "gems_600": "50", "no_ads": "100"
    }  # fmt: skip
    order = stack.order(session, "gems_600")
    status_url = f"{stack.backend.url}/api/orders/{order['order_id']}"
    assert stack.get(status_url, session)["status"] == "created"

    paid = stack.post(f"{stack.mock.url}/mock/tiktok/pay", {"trade_order_id": order["trade_order_id"]})
    assert paid == {"ok": True, "status": "SUCCESS", "webhook_status": 200}
    assert stack.get(status_url, session) | {"platform_ref": None} == {
        "order_id": order["order_id"], "platform": "tiktok", "product_id": "gems_600", "status": "delivered",
        "platform_ref": None, "delivered": True,
    }  # fmt: skip
    assert stack.grants(session)["totals"] == {"gems": 600}


def test_failed_payment_delivers_nothing(stack: Stack) -> None:
    session, _ = stack.tiktok_login()
    order = stack.order(session)
    paid = stack.post(
        f"{stack.mock.url}/mock/tiktok/pay", {"trade_order_id": order["trade_order_id"], "outcome": "fail"}
    )
    assert paid["webhook_status"] is None
    assert stack.get(f"{stack.backend.url}/api/orders/{order['order_id']}", session)["status"] == "created"
    assert stack.grants(session)["grants"] == []


def test_200_concurrent_duplicate_webhooks_deliver_once(stack: Stack) -> None:
    session, _ = stack.tiktok_login()
    order = stack.order(session)
    stack.post(
        f"{stack.mock.url}/mock/tiktok/pay", {"trade_order_id": order["trade_order_id"], "webhook": False}
    )
    sent = stack.post(
        f"{stack.mock.url}/mock/tiktok/webhooks", {"trade_order_id": order["trade_order_id"], "copies": 200}
    )
    assert sent["statuses"] == [200] * 200
    grants = stack.grants(session)
    assert grants["totals"] == {"gems": 100}
    assert len(grants["grants"]) == 1
    outcomes = Counter(
        row[0]
        for row in _db_rows(stack, "SELECT outcome FROM callbacks WHERE order_id = ?", order["order_id"])
    )
    assert outcomes == {"delivered": 1, "duplicate": 199}


def test_resigned_duplicates_and_other_orders_stay_separate(stack: Stack) -> None:
    session, _ = stack.tiktok_login()
    first, second = stack.order(session), stack.order(session, "gems_600")
    for order in (first, second):
        stack.post(
            f"{stack.mock.url}/mock/tiktok/pay", {"trade_order_id": order["trade_order_id"], "webhook": False}
        )
        sent = stack.post(
            f"{stack.mock.url}/mock/tiktok/webhooks",
            {"trade_order_id": order["trade_order_id"], "copies": 30, "resign": True},
        )
        assert sent["statuses"] == [200] * 30
    assert stack.grants(session)["totals"] == {"gems": 700}


@pytest.mark.parametrize("point", ["after_receipt", "before_commit"])
def test_crash_between_receipt_and_commit_loses_nothing(stack: Stack, point: str) -> None:
    session, _ = stack.tiktok_login()
    order = stack.order(session)
    stack.backend.stop()
    crashing = stack.start_backend({CRASH_ENV: point})

    paid = stack.post(f"{stack.mock.url}/mock/tiktok/pay", {"trade_order_id": order["trade_order_id"]})
    assert paid["webhook_status"] is None  # the backend died mid-request
    assert crashing.stop() == CRASH_EXIT_CODE
    rows = _db_rows(stack, "SELECT processed_at FROM callbacks WHERE order_id = ?", order["order_id"])
    assert rows == [(None,)], "the receipt must be durable and unprocessed"
    assert _db_rows(stack, "SELECT COUNT(*) FROM grants") == [(0,)]
    assert _db_rows(stack, "SELECT status FROM orders WHERE order_id = ?", order["order_id"]) == [
        ("created",)
    ]

    stack.start_backend()  # start-up recovery re-applies the recorded callback
    assert stack.get(f"{stack.backend.url}/api/orders/{order['order_id']}", session)["status"] == "delivered"
    again = stack.post(
        f"{stack.mock.url}/mock/tiktok/webhooks", {"trade_order_id": order["trade_order_id"], "copies": 5}
    )
    assert again["statuses"] == [200] * 5
    assert stack.grants(session)["totals"] == {"gems": 100}
    assert _db_rows(stack, "SELECT COUNT(*) FROM grants") == [(1,)]


def test_refund_marks_order_once_and_is_reported(stack: Stack) -> None:
    session, _ = stack.tiktok_login()
    order = stack.order(session, "gems_600")
    stack.post(f"{stack.mock.url}/mock/tiktok/pay", {"trade_order_id": order["trade_order_id"]})
    sent = stack.post(
        f"{stack.mock.url}/mock/tiktok/webhooks",
        {"trade_order_id": order["trade_order_id"], "event": "refund", "refund_amount": 20, "copies": 3},
    )
    assert sent["statuses"] == [200] * 3
    assert stack.get(f"{stack.backend.url}/api/orders/{order['order_id']}", session)["status"] == "refunded"
    assert _db_rows(stack, "SELECT refunded_amount FROM orders WHERE order_id = ?", order["order_id"]) == [
        (20,)
    ]
    result = stack.cli("reconcile")
    assert f"REFUND order={order['order_id']} refunded=20 of 50 BEANS" in result.stdout
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("t=1,s=" + "0" * 64, "tampered_signature_error"),
        ("nonsense", "malformed_signature_error"),
        (None, "malformed_signature_error"),
    ],
)
def test_webhook_with_bad_signature_is_refused(stack: Stack, header: str | None, code: str) -> None:
    headers = {"TikTok-Signature": header} if header else {}
    response = stack.http.post(f"{stack.backend.url}/api/tiktok/webhook", content=b"{}", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == code


def test_stale_webhook_is_refused_and_delivers_nothing(stack: Stack) -> None:
    session, _ = stack.tiktok_login()
    order = stack.order(session)
    sent = stack.post(
        f"{stack.mock.url}/mock/tiktok/webhooks", {"trade_order_id": order["trade_order_id"], "age_s": 3600}
    )
    assert sent["statuses"] == [401]
    assert stack.grants(session)["grants"] == []


def test_cors_preflight_on_both_servers(stack: Stack) -> None:
    for url in (f"{stack.backend.url}/api/tiktok/orders", f"{stack.mock.url}/mock/meta/sign"):
        response = stack.http.options(
            url,
            headers={"Origin": "http://127.0.0.1:1234", "Access-Control-Request-Method": "POST",
                     "Access-Control-Request-Headers": "content-type"},
        )  # fmt: skip
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "*"
        assert "content-type" in response.headers["access-control-allow-headers"].lower()


def test_order_status_is_private_to_its_owner(stack: Stack) -> None:
    owner, _ = stack.tiktok_login()
    other, _ = stack.tiktok_login()
    order = stack.order(owner)
    response = stack.http.get(
        f"{stack.backend.url}/api/orders/{order['order_id']}", headers={"Authorization": f"Bearer {other}"}
    )
    assert response.status_code == 404
    status_url = f"{stack.backend.url}/api/orders/{order['order_id']}"
    for headers in ({}, {"Authorization": "Bearer gps_unknown"}, {"Authorization": owner}):
        assert stack.http.get(status_url, headers=headers).status_code == 401
    assert stack.get(status_url, owner)["order_id"] == order["order_id"]
    assert (
        stack.http.post(f"{stack.backend.url}/api/tiktok/orders", json={"product_id": "gems_100"}).status_code
        == 401
    )


def test_velocity_is_flagged(stack: Stack) -> None:
    session, _ = stack.tiktok_login()
    orders = [stack.order(session) for _ in range(6)]  # velocity_max is 5
    flags = _db_rows(stack, "SELECT risk_flags FROM orders WHERE order_id = ?", orders[-1]["order_id"])
    assert "velocity:6 orders" in str(flags[0][0])
    assert _db_rows(stack, "SELECT risk_flags FROM orders WHERE order_id = ?", orders[0]["order_id"]) == [
        ("[]",)
    ]


def test_server_exits_cleanly_on_sigint(tmp_path: object, stack: Stack) -> None:
    extra = ServerProcess(
        ["mock-platform", "--host", "127.0.0.1", "--port", "0", "--config", str(stack.config_path)]
    ).start()
    assert stack.http.get(f"{extra.url}/mock/health").json()["ok"] is True
    assert extra.proc is not None
    extra.proc.send_signal(2)
    assert extra.proc.wait(timeout=20) == 0
    assert extra.stop() == 0
