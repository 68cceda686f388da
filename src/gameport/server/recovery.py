"""Start-up (and repair) recovery of callbacks that were recorded but not applied before a crash.

Web checkout and Meta webhook callbacks are re-applied here from their recorded raw bodies (their signatures
were verified before they were recorded); everything else goes to :func:`.fulfilment.recover_callbacks`
(TikTok webhooks, Meta signed purchases). Every path ends in the ledger's exactly-once delivery.
"""

from __future__ import annotations

from .catalog import WEB, Catalog
from .fulfilment import recover_callbacks
from .http_util import log
from .ledger import LedgerStore
from .meta_webhook import KIND_PREFIX, replay_meta_callback
from .web_checkout import REJECTED_KIND, parse_web_webhook, process_web_event


async def recover_all(ledger: LedgerStore, catalog: Catalog, environment: str) -> int:
    """Re-apply every unprocessed callback; returns how many were applied."""
    count = 0
    for callback in await ledger.unprocessed_callbacks():
        if callback.kind.startswith(KIND_PREFIX):
            outcome = await replay_meta_callback(ledger, catalog, callback)
        elif callback.platform == WEB and callback.kind != REJECTED_KIND:
            event = parse_web_webhook(callback.raw_body)
            outcome = await process_web_event(ledger, catalog, event, callback.callback_id)
        else:
            continue
        log.info("recovered callback %s: %s", callback.callback_id, outcome)
        count += 1
    return count + await recover_callbacks(ledger, catalog, environment)
