"""The operator's read-only commands (``python -m gameport.server order | grants | export``).

* ``order ORDER_ID``: the order, its full status history, every callback received for it (raw body as
  text, headers, outcome) and its grant, as JSON. Exit 1 when the order is unknown.
* ``grants --user ID --platform P``: a player's grants and item totals, as JSON.
* ``export --since T --until T [--environment E] [--out PATH]``: orders created in ``[since, until)`` as CSV
  (:data:`~.ledger.stats.EXPORT_COLUMNS`; times as ISO 8601 UTC). ``T`` is an ISO date or date-time (UTC
  unless it says otherwise) or unix seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from typing import Any, TextIO

from .errors import BadRequestError
from .ledger import Order
from .ledger.stats import EXPORT_COLUMNS
from .stores import Stores


def parse_time(text: str) -> float:
    """Unix seconds from ``text`` (unix seconds, or ISO 8601; naive means UTC). Raises BadRequestError."""
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise BadRequestError(f"not a time: {text!r} (ISO 8601 or unix seconds)") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()


def iso(at: float | None) -> str:
    return "" if at is None else dt.datetime.fromtimestamp(at, dt.UTC).isoformat()


def order_report(order: Order, grant: dict[str, Any] | None) -> dict[str, Any]:
    """Everything the ledger knows about one order, JSON-ready."""
    return {
        "order_id": order.order_id, "platform": order.platform, "environment": order.environment,
        "user_id": order.user_id, "product_id": order.product_id, "amount": order.amount,
        "currency": order.currency, "status": order.status.value, "platform_ref": order.platform_ref,
        "created_at": iso(order.created_at), "updated_at": iso(order.updated_at),
        "refunded_amount": order.refunded_amount, "risk_flags": list(order.risk_flags),
        "history": [{"status": h.status.value, "at": iso(h.at), "reason": h.reason} for h in order.history],
        "callbacks": [
            {"callback_id": c.callback_id, "kind": c.kind, "received_at": iso(c.received_at),
             "processed_at": iso(c.processed_at), "outcome": c.outcome, "headers": dict(c.headers),
             "raw_body": c.raw_body.decode("utf-8", "replace")}
            for c in order.callbacks
        ],
        "grant": grant,
    }  # fmt: skip


async def show_order(stores: Stores, order_id: str, out: TextIO) -> int:
    """Print :func:`order_report` of ``order_id``; 0 when found, 1 when unknown."""
    order = await stores.ledger.get_order(order_id)
    if order is None:
        out.write(json.dumps({"error": f"no order {order_id!r}"}) + "\n")
        return 1
    grants = await stores.ledger.grants(order.user_id, order.platform)
    grant = next(({"items": dict(g.items), "granted_at": iso(g.granted_at)}
                  for g in grants if g.order_id == order_id), None)  # fmt: skip
    out.write(json.dumps(order_report(order, grant), indent=1) + "\n")
    return 0


async def show_grants(stores: Stores, user_id: str, platform: str, out: TextIO) -> int:
    """Print a player's grants and totals; always 0 (no grants is an empty list)."""
    grants = await stores.ledger.grants(user_id, platform)
    totals: dict[str, int] = {}
    for grant in grants:
        for item, count in grant.items.items():
            totals[item] = totals.get(item, 0) + count
    rows = [{"order_id": g.order_id, "product_id": g.product_id, "items": dict(g.items),
             "granted_at": iso(g.granted_at)} for g in grants]  # fmt: skip
    out.write(json.dumps({"user_id": user_id, "platform": platform, "grants": rows, "totals": totals},
                         indent=1) + "\n")  # fmt: skip
    return 0


async def export_csv(stores: Stores, since: float, until: float, environment: str | None, out: TextIO) -> int:
    """Write the CSV (header first); returns how many orders it holds."""
    rows = await stores.stats.export(since, until, environment)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    times = {EXPORT_COLUMNS.index(name) for name in ("created_at", "updated_at", "delivered_at")}
    for row in rows:
        writer.writerow([iso(v) if i in times else ("" if v is None else v) for i, v in enumerate(row)])
    return len(rows)
