"""The operator's commands on SQLite and PostgreSQL: an order's full history, a player's grants, the ledger
of a period as CSV, and a clean refusal of bad input."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
from server_stack import Stack


@pytest.fixture
def db(any_db: str) -> str:
    return any_db


def test_order_grants_and_export_show_what_the_ledger_holds(stack: Stack) -> None:
    started = time.time()
    session, open_id = stack.tiktok_login("op-player")
    paid, unpaid = stack.order(session, "gems_600"), stack.order(session)
    stack.post(f"{stack.mock.url}/mock/tiktok/pay", {"trade_order_id": paid["trade_order_id"]})
    stack.post(
        f"{stack.mock.url}/mock/tiktok/webhooks", {"trade_order_id": paid["trade_order_id"], "copies": 2}
    )

    shown = stack.cli("order", paid["order_id"])
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert (report["status"], report["user_id"], report["environment"]) == ("delivered", open_id, "sandbox")
    assert [h["status"] for h in report["history"]] == ["created", "delivered"]
    assert [c["outcome"] for c in report["callbacks"]] == ["delivered", "duplicate", "duplicate"]
    assert (
        json.loads(report["callbacks"][0]["raw_body"])["client_key"] == stack.config["tiktok"]["client_key"]
    )
    assert "TikTok-Signature" in report["callbacks"][0]["headers"]
    assert report["grant"]["items"] == {"gems": 600}
    unknown = stack.cli("order", "no-such-order")
    assert unknown.returncode == 1 and "no-such-order" in unknown.stdout

    grants = stack.cli("grants", "--user", open_id, "--platform", "tiktok")
    assert grants.returncode == 0, grants.stderr
    answer = json.loads(grants.stdout)
    assert answer["totals"] == {"gems": 600} and [g["order_id"] for g in answer["grants"]] == [
        paid["order_id"]
    ]

    out = stack.tmp / "day.csv"
    exported = stack.cli("export", "--since", str(started - 1), "--until", str(time.time() + 1),
                         "--environment", "sandbox", "--out", str(out))  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert {r["order_id"]: r["status"] for r in rows} == {paid["order_id"]: "delivered",
                                                          unpaid["order_id"]: "created"}  # fmt: skip
    by_id = {r["order_id"]: r for r in rows}
    assert by_id[paid["order_id"]]["amount"] == "50" and by_id[paid["order_id"]]["delivered_at"].startswith(
        "20"
    )
    assert by_id[unpaid["order_id"]]["delivered_at"] == ""
    other_env = stack.cli(
        "export", "--since", "2000-01-01", "--until", "2100-01-01", "--environment", "production"
    )
    assert other_env.returncode == 0 and other_env.stdout.strip().count("\n") == 0, "header only"
    bad = stack.cli("export", "--since", "yesterday-ish", "--until", "2100-01-01")
    assert bad.returncode == 2 and "not a time" in bad.stderr
