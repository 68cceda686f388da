"""Meta purchases keyed by purchase_token and Meta's payment webhooks, end to end over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from server_stack import Stack

from gameport.server.meta_webhook import sign_meta_webhook
from gameport.server.unconfirmed import META_WEBHOOK_SIGNATURE_HEADER


@pytest.fixture
def db(any_db: str) -> str:
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_db


def _login(stack: Stack, player_id: str) -> str:
    nonce = stack.post(f"{stack.backend.url}/api/meta/nonce", {})["nonce"]
    signed = stack.post(
        f"{stack.mock.url}/mock/meta/sign", {"payload": {"player_id": player_id, "request_payload": nonce}}
    )["signed"]
    session: str = stack.post(f"{stack.backend.url}/api/meta/login", {"signed_player_info": signed})[
        "session"
    ]
    return session


def _signed(stack: Stack, **fields: Any) -> str:
    payload = {"payment_id": "pay_1", "product_id": "gems_100", "purchase_token": "tok_1", **fields}
    signed: str = stack.post(f"{stack.mock.url}/mock/meta/sign", {"payload": payload})["signed"]
    return signed


def _purchase(stack: Stack, session: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = stack.http.post(
        f"{stack.backend.url}/api/meta/purchases", json=body, headers={"Authorization": f"Bearer {session}"}
    )
    return response.status_code, response.json()


def _webhook(stack: Stack, field: str, copies: int = 1, **value: Any) -> list[int | None]:
    sent = stack.post(
        f"{stack.mock.url}/mock/meta/webhooks", {"field": field, "value": value, "copies": copies}
    )
    statuses: list[int | None] = sent["statuses"]
    return statuses


def test_same_signed_request_twice_is_one_order_one_grant_then_webhooks(stack: Stack) -> None:
    session = _login(stack, "fb-1")
    signed = _signed(stack)
    status, first = _purchase(stack, session, {"signed_request": signed})
    assert status == 200
    assert {k: first[k] for k in ("status", "delivered", "delivered_now", "consume", "purchase_token")} == {
        "status": "delivered", "delivered": True, "delivered_now": True, "consume": True,
        "purchase_token": "tok_1",
    }  # fmt: skip
    status, again = _purchase(stack, session, {"signed_request": signed})
    assert (status, again["order_id"], again["delivered_now"], again["delivered"]) == (
        200, first["order_id"], False, True
    )  # fmt: skip
    assert stack.rows("SELECT platform_ref FROM orders") == [("tok_1",)]
    # the webhook path for the same purchase is a duplicate; a refund is applied once
    assert _webhook(stack, "purchase", payment_id="pay_1", purchase_token="tok_1", product_id="gems_100") == [
        200
    ]
    assert _webhook(stack, "refund", copies=3, payment_id="pay_1", purchase_token="tok_1") == [200] * 3
    order = stack.get(f"{stack.backend.url}/api/orders/{first['order_id']}", session)
    assert (order["status"], order["delivered"]) == ("refunded", True)
    grants = stack.grants(session)
    assert [g["order_id"] for g in grants["grants"]] == [first["order_id"]]
    outcomes = sorted(r[0] for r in stack.rows("SELECT outcome FROM callbacks"))
    assert outcomes == ["delivered", "duplicate", "duplicate", "duplicate", "duplicate", "refunded"]
    history = [r[0] for r in stack.rows("SELECT status FROM order_events ORDER BY id")]
    assert history == ["created", "delivered", "refunded"]


def test_webhook_purchase_before_the_client_report_delivers_once(stack: Stack) -> None:
    session = _login(stack, "fb-2")
    sent = _webhook(
        stack, "purchase", copies=2, payment_id="pay_2", purchase_token="tok_2", product_id="gems_600",
        player_id="fb-2",
    )  # fmt: skip
    assert sent == [200, 200]
    assert stack.grants(session)["totals"] == {"gems": 600}
    status, answer = _purchase(
        stack, session, {"signed_request": _signed(stack, payment_id="pay_2", purchase_token="tok_2",
                                                   product_id="gems_600")}
    )  # fmt: skip
    assert (status, answer["delivered_now"], answer["status"]) == (200, False, "delivered")
    assert stack.grants(session)["totals"] == {"gems": 600}
    # no player_id and no order: nobody to grant to; an unknown refund changes nothing
    assert _webhook(stack, "purchase", payment_id="p3", purchase_token="t3", product_id="gems_100") == [200]
    assert _webhook(stack, "refund", payment_id="p4", purchase_token="t4") == [200]
    assert stack.rows("SELECT outcome FROM callbacks WHERE order_id IS NULL") == [("orphan",), ("orphan",)]
    assert stack.rows("SELECT COUNT(*) FROM orders") == [(1,)]


def test_bad_webhook_signatures_are_refused_and_recorded(stack: Stack) -> None:
    session = _login(stack, "fb-3")
    sent = stack.post(
        f"{stack.mock.url}/mock/meta/webhooks",
        {"field": "purchase", "bad_signature": True,
         "value": {"payment_id": "p", "purchase_token": "t", "product_id": "gems_100", "player_id": "fb-3"}},
    )  # fmt: skip
    assert sent["statuses"] == [401]
    url = f"{stack.backend.url}/api/meta/webhook"
    body = b'{"object":"payments","entry":[]}'
    good = sign_meta_webhook(body, stack.config["meta"]["app_secret"])
    for header in ({}, {META_WEBHOOK_SIGNATURE_HEADER: "sha1=abc"}, {META_WEBHOOK_SIGNATURE_HEADER: good}):
        response = stack.http.post(url, content=body + b" " if header else body, headers=header)
        assert response.status_code == 401, response.text
    assert stack.grants(session)["grants"] == []
    assert [r[0] for r in stack.rows("SELECT outcome FROM callbacks")] == [
        "rejected:tampered_signature_error", "rejected:malformed_signature_error",
        "rejected:malformed_signature_error", "rejected:tampered_signature_error",
    ]  # fmt: skip
    ok = stack.http.post(url, content=body, headers={META_WEBHOOK_SIGNATURE_HEADER: good})
    assert ok.json() == {"ok": True, "outcomes": []}


def test_verify_handshake(stack: Stack) -> None:
    url = f"{stack.backend.url}/api/meta/webhook"
    token = stack.config["meta"]["webhook_verify_token"]
    ok = stack.http.get(
        url, params={"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "c123"}
    )
    assert (ok.status_code, ok.text) == (200, "c123")
    refused = [{"hub.mode": "subscribe", "hub.verify_token": token + "x", "hub.challenge": "c"},
               {"hub.mode": "unsubscribe", "hub.verify_token": token, "hub.challenge": "c"}, {}]  # fmt: skip
    for params in refused:
        response = stack.http.get(url, params=params)
        assert (response.status_code, response.json()["error"]["code"]) == (403, "verify_token_mismatch")


def test_refused_purchases_grant_nothing(stack: Stack) -> None:
    owner, thief = _login(stack, "fb-owner"), _login(stack, "fb-thief")
    signed = _signed(stack, payment_id="pay_o", purchase_token="tok_o")
    sig, payload = signed.split(".")
    tampered = ("A" if sig[0] != "A" else "B") + sig[1:] + "." + payload
    cases = [
        ({"signed_request": signed, "price": "0.01"}, owner, 400, "client_price"),
        ({"signed_request": tampered}, owner, 401, "tampered_signature_error"),
        ({"signed_request": _signed(stack, product_id="nope")}, owner, 400, "unknown_product"),
        ({"signed_request": _signed(stack, product_id="no_ads")}, owner, 400, "unknown_product"),
        ({"signed_request": _signed(stack, player_id="fb-owner")}, thief, 409, "foreign_purchase"),
    ]
    for body, session, status, code in cases:
        got, answer = _purchase(stack, session, body)
        assert (got, answer["error"]["code"]) == (status, code), body
    assert stack.rows("SELECT COUNT(*) FROM orders") == [(0,)]
    assert _purchase(stack, owner, {"signed_request": signed})[0] == 200
    got, answer = _purchase(stack, thief, {"signed_request": signed})
    assert (got, answer["error"]["code"]) == (409, "foreign_purchase")
    assert stack.grants(thief)["grants"] == []
    assert stack.grants(owner)["totals"] == {"gems": 100}
