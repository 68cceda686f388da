"""Order repair and ledger-vs-platform reconciliation (TikTok).

:func:`repair` takes every ledger order still ``created`` and asks TikTok (``trade_order/query`` with the
paying user's token): ``SUCCESS`` → deliver (exactly once, as for a webhook); ``PENDING`` past
``expire_after_s`` or unknown to TikTok → ``failed``. It first re-applies callbacks recorded before a crash.

:func:`reconcile` changes nothing; it lists every mismatch between the ledger and TikTok's records:
each ledger order is queried, and when a platform export is given (a JSON list of ``{trade_order_id,
order_id, open_id, token_amount, status, product_id?}``, the shape of the mock's ``GET /mock/tiktok/orders``;
TikTok documents no list API [unconfirmed]) platform-only orders and amount / user / product differences are
found too. Refunds are reported alongside (they are events, not mismatches).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .catalog import TIKTOK, Catalog
from .errors import OrderNotFoundError, ServerError
from .fulfilment import deliver_paid, user_access_token
from .ledger import LedgerStore, Order, OrderStatus, SessionStore
from .recovery import recover_all
from .tiktok_api import TikTokApiClient

PAID_STATUSES = (OrderStatus.DELIVERED, OrderStatus.REFUNDED)


@dataclass(frozen=True)
class Mismatch:
    kind: str
    order_id: str | None
    trade_order_id: str | None
    detail: str


@dataclass
class ReconcileReport:
    checked: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    refunds: list[Order] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not self.mismatches and not self.errors

    def add(self, kind: str, order_id: str | None, trade_order_id: str | None, detail: str) -> None:
        if not any(m.kind == kind and m.trade_order_id == trade_order_id and m.order_id == order_id
                   for m in self.mismatches):  # fmt: skip
            self.mismatches.append(Mismatch(kind, order_id, trade_order_id, detail))

    def render(self) -> str:
        lines = [f"reconcile: {self.checked} ledger order(s) checked, {len(self.mismatches)} mismatch(es)"]
        lines += [f"MISMATCH {m.kind} order={m.order_id} trade_order={m.trade_order_id}: {m.detail}"
                  for m in self.mismatches]  # fmt: skip
        lines += [f"REFUND order={o.order_id} refunded={o.refunded_amount} of {o.amount} {o.currency}"
                  for o in self.refunds]  # fmt: skip
        lines += [f"ERROR {e}" for e in self.errors]
        lines.append("consistent" if self.consistent else "INCONSISTENT")
        return "\n".join(lines)


async def _platform_status(sessions: SessionStore, client: TikTokApiClient, order: Order) -> str | None:
    """TikTok's status for the order, ``None`` if TikTok does not know it."""
    assert order.platform_ref is not None
    token = await user_access_token(sessions, client, order.user_id)
    try:
        return await client.query_trade_order(token, order.platform_ref)
    except OrderNotFoundError:
        return None


async def reconcile(
    ledger: LedgerStore,
    sessions: SessionStore,
    client: TikTokApiClient,
    *,
    platform_export: list[dict[str, Any]] | None = None,
) -> ReconcileReport:
    report = ReconcileReport()
    orders = await ledger.list_orders(platform=TIKTOK)
    by_ref = {o.platform_ref: o for o in orders if o.platform_ref}
    for order in orders:
        report.checked += 1
        if order.status is OrderStatus.REFUNDED:
            report.refunds.append(order)
        if order.platform_ref is None:
            if order.status is not OrderStatus.FAILED:
                report.add("no_trade_order", order.order_id, None, f"ledger status {order.status.value}")
            continue
        try:
            status = await _platform_status(sessions, client, order)
        except ServerError as exc:
            report.errors.append(f"order {order.order_id}: {type(exc).__name__}: {exc}")
            continue
        _compare_status(report, order, status)
    if platform_export is not None:
        seen = set()
        for record in platform_export:
            ref = str(record.get("trade_order_id"))
            seen.add(ref)
            known = by_ref.get(ref)
            if known is None:
                report.add("missing_in_ledger", str(record.get("order_id")), ref, f"platform record {record}")
                continue
            _compare_record(report, known, record)
        for ref, order in by_ref.items():
            if ref not in seen:
                report.add("missing_on_platform", order.order_id, ref, "absent from the platform export")
    for callback in await ledger.orphan_callbacks():
        if (callback.outcome or "").startswith("rejected:"):
            continue  # a refused signature: logged and kept, but no order is involved
        report.add("orphan_callback", None, None, f"callback {callback.callback_id} ({callback.kind})")
    return report


def _compare_status(report: ReconcileReport, order: Order, status: str | None) -> None:
    ref = order.platform_ref
    if status is None:
        report.add("missing_on_platform", order.order_id, ref, f"ledger {order.status.value}")
    elif status == "SUCCESS" and order.status not in PAID_STATUSES:
        report.add(
            "paid_not_delivered", order.order_id, ref, f"platform SUCCESS, ledger {order.status.value}"
        )
    elif status != "SUCCESS" and order.status in PAID_STATUSES:
        report.add(
            "delivered_not_paid", order.order_id, ref, f"platform {status}, ledger {order.status.value}"
        )


def _compare_record(report: ReconcileReport, order: Order, record: dict[str, Any]) -> None:
    ref = order.platform_ref
    _compare_status(report, order, str(record.get("status")))
    if str(record.get("token_amount")) != order.amount:
        detail = f"platform {record.get('token_amount')} beans, ledger {order.amount}"
        report.add("amount_mismatch", order.order_id, ref, detail)
    if record.get("open_id") != order.user_id:
        report.add(
            "user_mismatch", order.order_id, ref, f"platform {record.get('open_id')}, ledger {order.user_id}"
        )
    if record.get("order_id") != order.order_id:
        report.add("order_id_mismatch", order.order_id, ref, f"platform order_id {record.get('order_id')}")
    product = record.get("product_id")
    if product is not None and product != order.product_id:
        report.add("product_mismatch", order.order_id, ref, f"platform {product}, ledger {order.product_id}")


@dataclass
class RepairReport:
    recovered_callbacks: int = 0
    delivered: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def render(self) -> str:
        return "\n".join(
            [f"repair: recovered {self.recovered_callbacks} callback(s)"]
            + [f"DELIVERED {o}" for o in self.delivered]
            + [f"FAILED {o}" for o in self.failed]
            + [f"PENDING {o}" for o in self.pending]
            + [f"ERROR {e}" for e in self.errors]
        )


async def repair(
    ledger: LedgerStore,
    sessions: SessionStore,
    client: TikTokApiClient,
    catalog: Catalog,
    *,
    environment: str,
    expire_after_s: float,
    now: float | None = None,
) -> RepairReport:
    current = time.time() if now is None else now
    report = RepairReport(recovered_callbacks=await recover_all(ledger, catalog, environment))
    for order in await ledger.list_orders(platform=TIKTOK, status=OrderStatus.CREATED):
        expired = current - order.created_at > expire_after_s
        try:
            status = (
                "NO_TRADE_ORDER"
                if order.platform_ref is None
                else await _platform_status(sessions, client, order)
            )
            if status == "SUCCESS":
                await deliver_paid(
                    ledger, catalog, order, reason="repair: platform SUCCESS", callback_id=None
                )
                report.delivered.append(order.order_id)
            elif status is None or (expired and status in ("PENDING", "NO_TRADE_ORDER")):
                reason = "repair: unknown to platform" if status is None else f"repair: expired ({status})"
                await ledger.fail(order.order_id, reason=reason)
                report.failed.append(order.order_id)
            else:
                report.pending.append(order.order_id)
        except ServerError as exc:
            report.errors.append(f"order {order.order_id}: {type(exc).__name__}: {exc}")
    return report
