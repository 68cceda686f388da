"""Meta login/purchase verification, repair and reconciliation, end to end over real HTTP, on SQLite and on
PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from server_stack import Stack

from gameport.server.faults import CRASH_ENV, CRASH_EXIT_CODE


@pytest.fixture
def db(any_db: str) -> str:
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_db


def _meta_login(stack: Stack, player_id: str) -> tuple[str, str]:
    nonce = stack.post(f"{stack.backend.url}/api/meta/nonce", {})["nonce"]
    signed = stack.post(
        f"{stack.mock.url}/mock/meta/sign", {"payload": {"player_id": player_id, "request_payload": nonce}}
    )["signed"]
    answer = stack.post(f"{stack.backend.url}/api/meta/login", {"signed_player_info": signed})
    assert answer["player_id"] == player_id
    return answer["session"], signed


def _signed_purchase(stack: Stack, **fields: Any) -> str:
    payload = {"payment_id": "pay_1", "product_id": "gems_100", "purchase_token": "tok_1",
               "purchase_time": "1700000000", **fields}  # fmt: skip
    signed: str = stack.post(f"{stack.mock.url}/mock/meta/sign", {"payload": payload})["signed"]
    return signed


def test_meta_login_nonce_cannot_be_replayed(stack: Stack) -> None:
    _, signed = _meta_login(stack, "fb-player-1")
    replay = stack.http.post(f"{stack.backend.url}/api/meta/login", json={"signed_player_info": signed})
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "replayed_signature_error"


def test_meta_login_with_tampered_or_foreign_signature(stack: Stack) -> None:
    nonce = stack.post(f"{stack.backend.url}/api/meta/nonce", {})["nonce"]
    signed = stack.post(
        f"{stack.mock.url}/mock/meta/sign", {"payload": {"player_id": "p", "request_payload": nonce}}
    )["signed"]
    sig, payload = signed.split(".")
    tampered = ("A" if sig[0] != "A" else "B") + sig[1:] + "." + payload
    response = stack.http.post(f"{stack.backend.url}/api/meta/login", json={"signed_player_info": tampered})
    assert (response.status_code, response.json()["error"]["code"]) == (401, "tampered_signature_error")
    # the untampered one still works: a refused attempt does not burn the nonce
    assert (
        stack.post(f"{stack.backend.url}/api/meta/login", {"signed_player_info": signed})["player_id"] == "p"
    )


def test_meta_purchase_delivers_once_and_replay_is_harmless(stack: Stack) -> None:
    session, _ = _meta_login(stack, "fb-player-2")
    signed = _signed_purchase(stack)
    first = stack.post(f"{stack.backend.url}/api/meta/purchases", {"signed_request": signed}, session)
    assert (first["status"], first["delivered_now"], first["consume"]) == ("delivered", True, True)
    again = stack.post(f"{stack.backend.url}/api/meta/purchases", {"signed_request": signed}, session)
    assert (again["order_id"], again["delivered_now"]) == (first["order_id"], False)
    assert stack.grants(session)["totals"] == {"gems": 100}


def test_meta_purchase_of_another_player_is_refused(stack: Stack) -> None:
    owner, _ = _meta_login(stack, "fb-owner")
    thief, _ = _meta_login(stack, "fb-thief")
    signed = _signed_purchase(stack, payment_id="pay_owned")
    stack.post(f"{stack.backend.url}/api/meta/purchases", {"signed_request": signed}, owner)
    response = stack.http.post(
        f"{stack.backend.url}/api/meta/purchases", json={"signed_request": signed},
        headers={"Authorization": f"Bearer {thief}"},
    )  # fmt: skip
    assert (response.status_code, response.json()["error"]["code"]) == (409, "foreign_purchase")
    assert stack.grants(thief)["grants"] == []


def test_meta_purchase_price_mismatch_is_flagged(stack: Stack) -> None:
    session, _ = _meta_login(stack, "fb-player-3")
    signed = _signed_purchase(
        stack, payment_id="pay_cheap", purchase_price={"amount": "0.01", "currency": "EUR"}
    )
    order = stack.post(f"{stack.backend.url}/api/meta/purchases", {"signed_request": signed}, session)
    flags = json.loads(
        stack.rows("SELECT risk_flags FROM orders WHERE order_id = ?", order["order_id"])[0][0]
    )
    assert flags == [
        "price_mismatch:amount 0.01 != catalog 0.99",
        "price_mismatch:currency EUR != catalog USD",
    ]


def test_repair_completes_paid_and_fails_expired_orders(stack: Stack) -> None:
    session, _ = stack.tiktok_login()
    paid, unpaid = stack.order(session), stack.order(session, "gems_600")
    stack.post(
        f"{stack.mock.url}/mock/tiktok/pay", {"trade_order_id": paid["trade_order_id"], "webhook": False}
    )
    result = stack.cli("repair", "--expire-after", "0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"DELIVERED {paid['order_id']}" in result.stdout
    assert f"FAILED {unpaid['order_id']}" in result.stdout
    assert stack.grants(session)["totals"] == {"gems": 100}
    # a late webhook for the delivered order changes nothing
    stack.post(
        f"{stack.mock.url}/mock/tiktok/webhooks", {"trade_order_id": paid["trade_order_id"], "copies": 3}
    )
    assert stack.grants(session)["totals"] == {"gems": 100}
    consistent = stack.cli("reconcile")
    assert consistent.returncode == 0, consistent.stdout
    assert consistent.stdout.strip().endswith("consistent")


def test_reconcile_finds_every_injected_mismatch(stack: Stack) -> None:
    session, open_id = stack.tiktok_login()
    orders = {name: stack.order(session) for name in ("clean", "unpaid", "paid_quiet", "amount", "user",
                                                       "deleted", "product")}  # fmt: skip
    for name in ("clean", "unpaid", "amount", "user", "deleted", "product"):
        stack.post(f"{stack.mock.url}/mock/tiktok/pay", {"trade_order_id": orders[name]["trade_order_id"]})
    mock = f"{stack.mock.url}/mock/tiktok"
    ref = {name: order["trade_order_id"] for name, order in orders.items()}
    stack.post(f"{mock}/alter", {"trade_order_id": ref["unpaid"], "status": "PENDING"})
    stack.post(f"{mock}/pay", {"trade_order_id": ref["paid_quiet"], "webhook": False})
    stack.post(f"{mock}/alter", {"trade_order_id": ref["amount"], "token_amount": 11})
    stack.post(f"{mock}/alter", {"trade_order_id": ref["user"], "open_id": "someone-else"})
    stack.post(f"{mock}/alter", {"trade_order_id": ref["deleted"], "delete": True})
    stack.post(f"{mock}/alter", {"trade_order_id": ref["product"], "product_id": "gems_600"})
    ghost = stack.post(f"{mock}/inject", {"order_id": "not-ours", "open_id": open_id, "token_amount": 10})

    export = stack.tmp / "export.json"
    export.write_text(json.dumps(stack.get(f"{mock}/orders")))
    result = stack.cli("reconcile", "--platform-export", str(export))
    assert result.returncode == 1, result.stdout + result.stderr
    found = {(line.split()[1], line.split("trade_order=")[1].split(":")[0])
             for line in result.stdout.splitlines() if line.startswith("MISMATCH")}  # fmt: skip
    assert found == {
        ("delivered_not_paid", ref["unpaid"]),
        ("paid_not_delivered", ref["paid_quiet"]),
        ("amount_mismatch", ref["amount"]),
        ("user_mismatch", ref["user"]),
        ("missing_on_platform", ref["deleted"]),
        ("product_mismatch", ref["product"]),
        ("missing_in_ledger", ghost["trade_order_id"]),
    }
    assert "INCONSISTENT" in result.stdout


def test_meta_purchase_crash_before_commit_is_recovered_once(stack: Stack) -> None:
    session, _ = _meta_login(stack, "fb-crash")
    signed = _signed_purchase(stack, payment_id="pay_crash")
    stack.backend.stop()
    crashing = stack.start_backend({CRASH_ENV: "before_commit"})
    response = None
    try:
        response = stack.http.post(
            f"{stack.backend.url}/api/meta/purchases", json={"signed_request": signed},
            headers={"Authorization": f"Bearer {session}"},
        )  # fmt: skip
    except httpx.HTTPError:
        pass
    assert response is None, "the backend must have died mid-request"
    assert crashing.stop() == CRASH_EXIT_CODE
    stack.start_backend()
    assert stack.grants(session)["totals"] == {"gems": 100}
    again = stack.post(f"{stack.backend.url}/api/meta/purchases", {"signed_request": signed}, session)
    assert again["delivered_now"] is False
    assert stack.grants(session)["totals"] == {"gems": 100}
