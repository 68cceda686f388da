"""``/metrics`` after a scripted day of traffic matches the ledger, on SQLite with one process and on
PostgreSQL with four (where any worker's scrape must report the same ledger and the sum of all workers'
refusals). Sandbox and production orders are reported apart."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from server_stack import Stack

from gameport.server.stores import open_stores
from gameport.server.tiktok_webhook import build_webhook_body, sign_webhook
from gameport.server.unconfirmed import TIKTOK_EVENT_PAID

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
def day(tmp_path: Path, any_db: str) -> Iterator[Stack]:
    st = Stack.open(tmp_path, any_db, workers=1 if "://" not in any_db else 4)
    try:
        yield st
    finally:
        st.close()


def _scrape(stack: Stack) -> Samples:
    with httpx.Client(timeout=60) as fresh:  # a new connection: with 4 workers, any of them may answer
        response = fresh.get(f"{stack.backend.url}/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if not sample.name.endswith("_created"):
                samples[(sample.name, tuple(sample.labels.items()))] = sample.value
    return samples


LABELS = {
    "gameport_orders": ("platform", "environment", "status"),
    "gameport_deliveries_total": ("platform", "environment"),
    "gameport_callbacks_total": ("platform", "environment", "outcome"),
    "gameport_webhooks_rejected_total": ("platform", "environment", "reason"),
    "gameport_signature_failures_total": ("source", "environment", "reason"),
    "gameport_maintenance_orders_total": ("command", "environment", "result"),
    "gameport_maintenance_last_run_timestamp_seconds": ("command", "environment"),
    "gameport_http_request_duration_seconds_count": ("method", "route", "status"),
}


def _series(samples: Samples, name: str) -> dict[tuple[str, ...], float]:
    """The samples of ``name`` keyed by their label values, in the order of :data:`LABELS`."""
    return {
        tuple(dict(labels)[label] for label in LABELS[name]): value
        for (n, labels), value in samples.items()
        if n == name
    }


def _post_raw(stack: Stack, body: bytes, headers: dict[str, str]) -> int:
    return stack.http.post(
        f"{stack.backend.url}/api/tiktok/webhook", content=body, headers=headers
    ).status_code


def _meta(stack: Stack) -> None:
    """One Meta login, its replay (refused), one delivered purchase and one tampered purchase (refused)."""
    nonce = stack.post(f"{stack.backend.url}/api/meta/nonce", {})["nonce"]
    info = stack.post(f"{stack.mock.url}/mock/meta/sign",
                      {"payload": {"player_id": "fb-day", "request_payload": nonce}})["signed"]  # fmt: skip
    session = stack.post(f"{stack.backend.url}/api/meta/login", {"signed_player_info": info})["session"]
    assert (
        stack.http.post(f"{stack.backend.url}/api/meta/login", json={"signed_player_info": info}).status_code
        == 401
    )
    payload = {"payment_id": "pay_day", "product_id": "gems_100", "purchase_token": "t"}
    signed = stack.post(f"{stack.mock.url}/mock/meta/sign", {"payload": payload})["signed"]
    stack.post(f"{stack.backend.url}/api/meta/purchases", {"signed_request": signed}, session)
    bad = stack.http.post(f"{stack.backend.url}/api/meta/purchases", json={"signed_request": "x" + signed},
                          headers={"Authorization": f"Bearer {session}"})  # fmt: skip
    assert bad.status_code == 401


def _tiktok(stack: Stack) -> dict[str, dict[str, Any]]:
    sessions = [stack.tiktok_login(f"tt-day-{i}")[0] for i in range(3)]
    orders = {
        name: stack.order(sessions[i % 3]) for i, name in enumerate(("o1", "o2", "o3", "o4", "o5", "o6"))
    }
    mock = f"{stack.mock.url}/mock/tiktok"
    for name in ("o1", "o2", "o3", "o6"):
        assert (
            stack.post(f"{mock}/pay", {"trade_order_id": orders[name]["trade_order_id"]})["webhook_status"]
            == 200
        )
    stack.post(f"{mock}/pay", {"trade_order_id": orders["o4"]["trade_order_id"], "outcome": "fail"})
    stack.post(f"{mock}/pay", {"trade_order_id": orders["o5"]["trade_order_id"], "webhook": False})
    dup = stack.post(f"{mock}/webhooks", {"trade_order_id": orders["o1"]["trade_order_id"], "copies": 3})
    o6 = orders["o6"]["trade_order_id"]
    refund = stack.post(f"{mock}/webhooks", {"trade_order_id": o6, "event": "refund", "refund_amount": 10,
                                             "copies": 2})  # fmt: skip
    stale = stack.post(f"{mock}/webhooks", {"trade_order_id": orders["o2"]["trade_order_id"], "age_s": 3600})
    assert (dup["statuses"], refund["statuses"], stale["statuses"]) == ([200] * 3, [200] * 2, [401])
    for _ in range(4):
        assert _post_raw(stack, b"{}", {"TikTok-Signature": "t=1,s=" + "0" * 64}) == 401
    for _ in range(2):
        assert _post_raw(stack, b"{}", {}) == 401
    secret = stack.config["tiktok"]["client_secret"]
    foreign = build_webhook_body(client_key="someone-else", event=TIKTOK_EVENT_PAID, trade_order_id="x",
                                 order_id="y", is_sandbox=True)  # fmt: skip
    assert _post_raw(stack, foreign, {"TikTok-Signature": sign_webhook(foreign, secret)}) == 400
    assert _post_raw(stack, b"[1]", {"TikTok-Signature": sign_webhook(b"[1]", secret)}) == 400
    return orders


async def _production_order(db: str) -> None:
    """An order of a production backend sharing the database: reported apart, never summed with sandbox."""
    stores = open_stores(db)
    await stores.start()
    order = await stores.ledger.create_order(
        platform="tiktok", environment="production", user_id="prod-1", product_id="gems_100", amount="10",
        currency="BEANS",
    )  # fmt: skip
    await stores.ledger.deliver(order.order_id, items={"gems": 100}, reason="test")
    await stores.close()


def test_metrics_match_the_ledger_after_a_day(day: Stack) -> None:
    _meta(day)
    _tiktok(day)
    repaired = day.cli("repair", "--expire-after", "0")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert day.cli("reconcile").returncode == 0
    asyncio.run(_production_order(day.db))

    scrapes = [_scrape(day) for _ in range(6)]
    ledger_names = ("gameport_orders", "gameport_deliveries_total", "gameport_callbacks_total",
                    "gameport_maintenance_orders_total")  # fmt: skip
    for other in scrapes[1:]:
        for name in (*ledger_names, "gameport_webhooks_rejected_total", "gameport_signature_failures_total"):
            assert _series(other, name) == _series(scrapes[0], name), name
    samples = scrapes[0]

    orders = {
        tuple(r[:3]): r[3]
        for r in day.rows(
            "SELECT platform, environment, status, COUNT(*) FROM orders"
            " GROUP BY platform, environment, status"
        )
    }
    assert _series(samples, "gameport_orders") == orders
    assert orders == {("meta", "sandbox", "delivered"): 1, ("tiktok", "production", "delivered"): 1,
                      ("tiktok", "sandbox", "delivered"): 4, ("tiktok", "sandbox", "failed"): 1,
                      ("tiktok", "sandbox", "refunded"): 1}  # fmt: skip
    grants = {tuple(r[:2]): r[2] for r in day.rows(
        "SELECT o.platform, o.environment, COUNT(*) FROM grants g JOIN orders o ON o.order_id = g.order_id"
        " GROUP BY o.platform, o.environment")}  # fmt: skip
    assert _series(samples, "gameport_deliveries_total") == grants
    assert grants == {("meta", "sandbox"): 1, ("tiktok", "sandbox"): 5, ("tiktok", "production"): 1}
    assert _series(samples, "gameport_callbacks_total") == {
        ("meta", "sandbox", "delivered"): 1, ("tiktok", "sandbox", "delivered"): 4,
        ("tiktok", "sandbox", "duplicate"): 4, ("tiktok", "sandbox", "refunded"): 1,
    }  # fmt: skip
    assert _series(samples, "gameport_webhooks_rejected_total") == {
        ("tiktok", "sandbox", "tampered_signature_error"): 4,
        ("tiktok", "sandbox", "malformed_signature_error"): 2,
        ("tiktok", "sandbox", "stale_signature_error"): 1, ("tiktok", "sandbox", "wrong_client_key"): 1,
        ("tiktok", "sandbox", "malformed_webhook"): 1,
    }  # fmt: skip
    assert _series(samples, "gameport_signature_failures_total") == {
        ("tiktok_webhook", "sandbox", "tampered_signature_error"): 4,
        ("tiktok_webhook", "sandbox", "malformed_signature_error"): 2,
        ("tiktok_webhook", "sandbox", "stale_signature_error"): 1,
        ("meta_player_info", "sandbox", "replayed_signature_error"): 1,
        ("meta_purchase", "sandbox", "malformed_signature_error"): 1,
    }  # fmt: skip
    maintenance = _series(samples, "gameport_maintenance_orders_total")
    assert {k: v for k, v in maintenance.items() if v} == {
        ("repair", "sandbox", "delivered"): 1, ("repair", "sandbox", "failed"): 1,
        ("reconcile", "sandbox", "checked"): 6, ("reconcile", "sandbox", "refund"): 1,
    }  # fmt: skip
    assert set(_series(samples, "gameport_maintenance_last_run_timestamp_seconds")) == {
        ("repair", "sandbox"), ("reconcile", "sandbox")}  # fmt: skip
    latency = _series(samples, "gameport_http_request_duration_seconds_count")
    assert latency[("POST", "tiktok_webhook", "200")] >= 4 + 3 + 2
    assert latency[("POST", "tiktok_webhook", "401")] == 7
