"""Repair of web checkout orders whose webhook never arrived (``python -m gameport.server repair``).

Every web order still ``created`` is looked up in the checkout's own record (the mock platform server's
``GET /mock/web/orders`` at ``web.checkout_url``; the web checkout is sandbox-only, so there is no production
provider to ask): ``paid`` → deliver exactly once (a later webhook is then a duplicate); not paid and older
than ``expire_after_s`` → ``failed``; otherwise left pending.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from .catalog import WEB, Catalog
from .config import ServerConfig
from .fulfilment import deliver_paid
from .ledger import LedgerStore, OrderStatus
from .reconcile import RepairReport
from .web_checkout import WEB_ORDERS_PATH


async def _checkout_records(checkout_url: str) -> dict[str, dict[str, Any]]:
    async with httpx.AsyncClient(timeout=10.0) as client:
        response = await client.get(checkout_url + WEB_ORDERS_PATH)
        response.raise_for_status()
        orders = response.json()["orders"]
    return {str(o["order_id"]): o for o in orders if isinstance(o, dict) and "order_id" in o}


async def repair_web(
    ledger: LedgerStore,
    catalog: Catalog,
    config: ServerConfig,
    report: RepairReport,
    *,
    expire_after_s: float,
    now: float | None = None,
) -> None:
    """Append what was done to ``report`` (``DELIVERED`` / ``FAILED`` / ``PENDING`` / ``ERROR`` lines)."""
    current = time.time() if now is None else now
    orders = await ledger.list_orders(platform=WEB, status=OrderStatus.CREATED)
    if not orders:
        return
    if config.environment != "sandbox" or config.web.checkout_url is None:
        report.errors.append(f"{len(orders)} web order(s) pending but no sandbox web checkout is configured")
        return
    try:
        records = await _checkout_records(config.web.checkout_url)
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        report.errors.append(f"web checkout {config.web.checkout_url}: {type(exc).__name__}: {exc}")
        return
    for order in orders:
        record = records.get(order.order_id, {})
        if record.get("status") == "paid" and isinstance(record.get("payment_id"), str):
            if order.platform_ref is None:
                order = await ledger.attach_platform_ref(order.order_id, record["payment_id"])
            await deliver_paid(ledger, catalog, order, reason="repair: web checkout paid", callback_id=None)
            report.delivered.append(order.order_id)
        elif current - order.created_at > expire_after_s:
            await ledger.fail(order.order_id, reason=f"repair: expired ({record.get('status', 'unpaid')})")
            report.failed.append(order.order_id)
        else:
            report.pending.append(order.order_id)
