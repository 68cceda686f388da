"""Recovery of callbacks that were recorded but not applied before a crash: at the start of every backend
worker (all workers run it; the ledger's exactly-once delivery makes concurrent runs safe) and in ``repair``.

Each callback is re-applied from its recorded raw body (its signature was verified before it was recorded):
TikTok webhooks, Meta signed purchases (delivered to the order's owner), Meta webhook notifications and web
checkout webhooks. Refused (``*.rejected``) and other callbacks are closed as ``not_replayable``. Every path
ends in the ledger's exactly-once delivery.
"""

from __future__ import annotations

from .catalog import META, TIKTOK, WEB, Catalog
from .fulfilment import deliver_paid, process_tiktok_event
from .http_util import log
from .ledger import CallbackRecord, LedgerStore
from .meta_webhook import KIND_PREFIX, replay_meta_callback
from .tiktok_webhook import parse_webhook
from .web_checkout import REJECTED_KIND, parse_web_webhook, process_web_event


async def _replay(
    ledger: LedgerStore, catalog: Catalog, environment: str, callback: CallbackRecord
) -> str | None:
    """The outcome of re-applying one callback, or ``None`` when it cannot be replayed."""
    if callback.kind.startswith(KIND_PREFIX):
        return await replay_meta_callback(ledger, catalog, callback)
    if callback.platform == WEB and callback.kind != REJECTED_KIND:
        web_event = parse_web_webhook(callback.raw_body)
        return await process_web_event(ledger, catalog, web_event, callback.callback_id)
    if callback.platform == META and callback.order_id is not None:
        # a verified Meta purchase whose delivery did not commit: deliver to the order's owner
        order = await ledger.get_order(callback.order_id)
        if order is None:
            return None
        done = await deliver_paid(
            ledger, catalog, order, reason="recovered after restart", callback_id=callback.callback_id
        )
        return "delivered" if done else "duplicate"
    if callback.platform == TIKTOK:
        event = parse_webhook(callback.raw_body)
        return await process_tiktok_event(ledger, catalog, environment, event, callback.callback_id)
    return None


async def recover_all(ledger: LedgerStore, catalog: Catalog, environment: str) -> int:
    """Re-apply every unprocessed callback (TikTok, Meta, web); returns how many were applied."""
    count = 0
    for callback in await ledger.unprocessed_callbacks():
        outcome = await _replay(ledger, catalog, environment, callback)
        if outcome is None:
            await ledger.finish_callback(callback.callback_id, "not_replayable")
            continue
        log.info("recovered callback %s: %s", callback.callback_id, outcome)
        count += 1
    return count
