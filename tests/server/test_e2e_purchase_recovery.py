"""A backend that dies right after recording a web or Meta webhook delivers it once after a restart."""

from __future__ import annotations

from server_stack import Stack

from gameport.server.faults import CRASH_ENV, CRASH_EXIT_CODE


def test_webhooks_recorded_before_a_crash_are_delivered_once_after_restart(stack: Stack) -> None:
    web = stack.post(f"{stack.backend.url}/api/web/login", {"token": "web-dev.crash"})["session"]
    order = stack.post(f"{stack.backend.url}/api/web/orders", {"product_id": "gems_100"}, web)
    stack.backend.stop()

    crashing = stack.start_backend({CRASH_ENV: "after_receipt"})
    paid = stack.post(order["pay_url"], {"order_id": order["order_id"]})
    assert paid["webhook_statuses"] == [None], "the backend must have died mid-request"
    assert crashing.stop() == CRASH_EXIT_CODE

    crashing = stack.start_backend({CRASH_ENV: "after_receipt"})  # recovers the web one, dies on the Meta one
    value = {"payment_id": "pay_c", "purchase_token": "tok_c", "product_id": "gems_600", "player_id": "fb-c"}
    sent = stack.post(f"{stack.mock.url}/mock/meta/webhooks", {"field": "purchase", "value": value})
    assert sent["statuses"] == [None]
    assert crashing.stop() == CRASH_EXIT_CODE

    stack.start_backend()
    assert stack.grants(web)["totals"] == {"gems": 100}
    assert stack.post(f"{stack.mock.url}/mock/web/webhooks", {"order_id": order["order_id"]})["statuses"] == [
        200
    ]
    assert stack.post(f"{stack.mock.url}/mock/meta/webhooks", {"field": "purchase", "value": value})[
        "statuses"
    ] == [200]
    nonce = stack.post(f"{stack.backend.url}/api/meta/nonce", {})["nonce"]
    signed = stack.post(
        f"{stack.mock.url}/mock/meta/sign", {"payload": {"player_id": "fb-c", "request_payload": nonce}}
    )["signed"]
    meta = stack.post(f"{stack.backend.url}/api/meta/login", {"signed_player_info": signed})["session"]
    grants = stack.grants(meta)
    assert grants["totals"] == {"gems": 600} and len(grants["grants"]) == 1
    assert stack.grants(web)["totals"] == {"gems": 100}
