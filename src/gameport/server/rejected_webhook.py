"""A webhook refused for its signature (Meta, web checkout) is still kept, for the operator's record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from .errors import SignatureError
from .http_util import log, snake
from .ledger import LedgerStore

#: A refused webhook is kept for the record, but only its first bytes: anyone can send them.
REJECTED_BODY_KEPT: Final = 4096


async def record_rejected_webhook(
    ledger: LedgerStore,
    error: SignatureError,
    *,
    source: str,
    platform: str,
    kind: str,
    body: bytes,
    headers: Mapping[str, str],
) -> None:
    """Log that ``source`` (``"Meta webhook"``, ...) refused a webhook for ``error``, and record it: a
    callback of ``kind`` with no order and the first :data:`REJECTED_BODY_KEPT` bytes of ``body``, finished
    at once as ``rejected:<error class in snake_case>`` (so start-up recovery never replays it).

    The caller still raises ``error``. Raises what the ledger raises (:class:`~.errors.LedgerError`, database
    errors).
    """
    log.warning("%s refused (%s): %s", source, type(error).__name__, error)
    callback_id = await ledger.record_callback(
        platform=platform, kind=kind, raw_body=body[:REJECTED_BODY_KEPT], headers=headers, order_id=None
    )
    await ledger.finish_callback(callback_id, f"rejected:{snake(type(error).__name__)}")
