"""Meta IAP payment webhooks: refunds, and purchases as a second delivery path (B.7).

* ``GET /api/meta/webhook?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C`` → ``C`` (text/plain) when
  ``T`` equals ``meta.webhook_verify_token``; otherwise 403 ``verify_token_mismatch``.
* ``POST /api/meta/webhook``, signed ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>``
  → 200 ``{ok, outcomes: [...]}`` (one per change); 401 for a missing, malformed or wrong signature (recorded
  as a rejected callback); 400 ``malformed_webhook`` for a body that is not the shape below.

**The payload is an assumption** (Meta documents the feature but not, in what we could read, the header or
the fields; every name is in :mod:`.unconfirmed`)::

    {"object": "payments",
     "entry": [{"id": "<app id>", "time": 1760000000,
                "changes": [{"field": "purchase" | "refund",
                             "value": {"payment_id": "...", "purchase_token": "...", "product_id": "...",
                                       "player_id": "...?", "refund_id": "...?"}}]}]}

Orders are correlated by ``purchase_token`` (``developerPayload`` is not populated after 30 Oct 2026), then by
``payment_id`` (orders recorded before this module). A ``purchase`` for a known order delivers it once (a
duplicate of the client's ``POST /api/meta/purchases`` is harmless); for an unknown one with a ``player_id``
it creates the order at the catalog's price and delivers it; without a ``player_id`` there is nobody to grant
to (outcome ``orphan``: the client's own report will deliver). A ``refund`` marks the order refunded once.
Each change is recorded as its own callback (kind ``meta.webhook@<entry>.<change>``) before it is applied, so
a crash in between is replayed at start-up (:mod:`.recovery`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .catalog import META, Catalog
from .config import ServerConfig
from .errors import (
    BadRequestError,
    CatalogError,
    MalformedSignatureError,
    SignatureError,
    TamperedSignatureError,
)
from .faults import crash_point
from .fulfilment import deliver_paid
from .http_util import read_body
from .ledger import CallbackRecord, LedgerStore, Order
from .metrics import counting_signature_failures
from .rejected_webhook import record_rejected_webhook
from .unconfirmed import (
    META_WEBHOOK_FIELDS,
    META_WEBHOOK_OBJECT,
    META_WEBHOOK_REFUND_KEY_FIELDS,
    META_WEBHOOK_SIGNATURE_HEADER,
    META_WEBHOOK_SIGNATURE_PREFIX,
)

META_WEBHOOK_PATH: Final = "/api/meta/webhook"
KIND_PREFIX: Final = "meta.webhook@"
REJECTED_KIND: Final = "meta.webhook.rejected"
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class MetaChange:
    """One ``changes[]`` item of an (assumed-shape) Meta payments webhook."""

    field: str
    payment_id: str
    purchase_token: str
    product_id: str | None
    player_id: str | None
    refund_key: str


def sign_meta_webhook(body: bytes, app_secret: str) -> str:
    """The signature header value for ``body`` (mock side)."""
    digest = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return META_WEBHOOK_SIGNATURE_PREFIX + digest


def verify_meta_webhook(header: object, body: bytes, app_secret: str) -> None:
    """Raise :class:`MalformedSignatureError` or :class:`TamperedSignatureError` unless ``header`` signs
    ``body``."""
    if not isinstance(header, str) or not header.startswith(META_WEBHOOK_SIGNATURE_PREFIX):
        raise MalformedSignatureError(f"{META_WEBHOOK_SIGNATURE_HEADER} missing or not 'sha256=<hex>'")
    given = header[len(META_WEBHOOK_SIGNATURE_PREFIX) :]
    if not _HEX64.fullmatch(given):
        raise MalformedSignatureError(f"{META_WEBHOOK_SIGNATURE_HEADER} needs 64 hex digits")
    expected = sign_meta_webhook(body, app_secret)[len(META_WEBHOOK_SIGNATURE_PREFIX) :]
    if not hmac.compare_digest(expected.encode("ascii"), given.lower().encode("ascii")):
        raise TamperedSignatureError("webhook signature does not match")


def _malformed(what: str) -> BadRequestError:
    return BadRequestError(f"Meta webhook: {what}", code="malformed_webhook")


def _text(value: dict[str, Any], name: str, *, required: bool) -> str | None:
    item = value.get(name)
    if item is None and not required:
        return None
    if isinstance(item, bool) or not isinstance(item, str | int) or not str(item) or len(str(item)) > 256:
        raise _malformed(f"{name!r} missing or not a string")
    return str(item)


def parse_meta_webhook(body: bytes) -> list[tuple[str, MetaChange | None]]:
    """``[(position "<entry>.<change>", change or None when its field is not ours)]``; 400 when malformed."""
    try:
        raw = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _malformed("body is not JSON") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("entry"), list):
        raise _malformed("expected {object, entry: [...]}")
    if raw.get("object") != META_WEBHOOK_OBJECT:
        return []
    out: list[tuple[str, MetaChange | None]] = []
    for e, entry in enumerate(raw["entry"]):
        changes = entry.get("changes") if isinstance(entry, dict) else None
        if not isinstance(changes, list):
            raise _malformed("entry without changes")
        for c, change in enumerate(changes):
            if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
                raise _malformed("change without a value object")
            if change.get("field") not in META_WEBHOOK_FIELDS:
                out.append((f"{e}.{c}", None))
                continue
            value: dict[str, Any] = change["value"]
            keys = (_text(value, name, required=False) for name in META_WEBHOOK_REFUND_KEY_FIELDS)
            refund_key = next((key for key in keys if key), "")
            out.append((f"{e}.{c}", MetaChange(
                field=str(change["field"]),
                payment_id=str(_text(value, "payment_id", required=True)),
                purchase_token=str(_text(value, "purchase_token", required=True)),
                product_id=_text(value, "product_id", required=change["field"] == "purchase"),
                player_id=_text(value, "player_id", required=False),
                refund_key=refund_key,
            )))  # fmt: skip
    return out


async def find_meta_order(ledger: LedgerStore, purchase_token: str, payment_id: str) -> Order | None:
    """The Meta order of a purchase: by ``purchase_token``, else by ``payment_id`` (older orders)."""
    return await ledger.find_by_ref(META, purchase_token) or await ledger.find_by_ref(META, payment_id)


async def _order_for(ledger: LedgerStore, cfg: ServerConfig, change: MetaChange) -> Order | None:
    order = await find_meta_order(ledger, change.purchase_token, change.payment_id)
    if order is not None or change.field != "purchase" or not change.player_id:
        return order
    try:
        amount, currency = cfg.catalog.get(change.product_id).price_for(META)
    except CatalogError:
        return None
    return await ledger.create_order(
        platform=META, environment=cfg.environment, user_id=change.player_id,
        product_id=str(change.product_id), amount=amount, currency=currency,
        platform_ref=change.purchase_token,
    )  # fmt: skip


async def apply_change(
    ledger: LedgerStore, catalog: Catalog, order: Order | None, change: MetaChange, callback_id: int
) -> str:
    """Apply one recorded change to ``order`` (``None``: unknown); returns the callback's outcome."""
    if order is None:
        await ledger.finish_callback(callback_id, "orphan")
        return "orphan"
    if change.field == "refund":
        _, applied = await ledger.refund(
            order.order_id, amount=0, event_key=f"meta_refund:{change.refund_key}",
            reason="meta webhook refund", callback_id=callback_id,
        )  # fmt: skip
        return "refunded" if applied else "duplicate"
    flags = (
        [f"webhook_player_mismatch:{change.player_id}"]
        if change.player_id not in (None, order.user_id)
        else []
    )
    if change.product_id not in (None, order.product_id):
        flags.append(f"webhook_product_mismatch:{change.product_id}")
    if flags:  # never grant on a webhook that disagrees with the order: a human looks at the flags
        await ledger.add_risk_flags(order.order_id, tuple(flags))
        await ledger.finish_callback(callback_id, "mismatch")
        return "mismatch"
    done = await deliver_paid(ledger, catalog, order, reason="meta webhook purchase", callback_id=callback_id)
    return "delivered" if done else "duplicate"


async def replay_meta_callback(ledger: LedgerStore, catalog: Catalog, callback: CallbackRecord) -> str:
    """Re-apply a recorded but unprocessed webhook change (start-up recovery)."""
    position = callback.kind[len(KIND_PREFIX) :]
    change = dict(parse_meta_webhook(callback.raw_body)).get(position)
    if change is None:
        await ledger.finish_callback(callback.callback_id, "not_replayable")
        return "not_replayable"
    order = None if callback.order_id is None else await ledger.get_order(callback.order_id)
    return await apply_change(ledger, catalog, order, change, callback.callback_id)


def meta_webhook_routes(cfg: ServerConfig, ledger: LedgerStore) -> list[Route]:
    """The handshake and the notification route (see the module docstring)."""

    async def handshake(request: Request) -> Response:
        mode, token, challenge = (request.query_params.get(k, "") for k in ("hub.mode", "hub.verify_token",
                                                                            "hub.challenge"))  # fmt: skip
        expected = cfg.meta.webhook_verify_token
        if (
            mode != "subscribe"
            or expected is None
            or not hmac.compare_digest(token.encode("utf-8"), expected.encode("utf-8"))
        ):
            raise BadRequestError("verify token mismatch", status=403, code="verify_token_mismatch")
        return PlainTextResponse(challenge)

    async def notify(request: Request) -> Response:
        body = await read_body(request)
        header = request.headers.get(META_WEBHOOK_SIGNATURE_HEADER)
        headers = {META_WEBHOOK_SIGNATURE_HEADER: (header or "")[:512]}
        try:
            with counting_signature_failures("meta_webhook", cfg.environment):
                verify_meta_webhook(header, body, cfg.meta.app_secret)
        except SignatureError as exc:
            await record_rejected_webhook(
                ledger,
                exc,
                source="Meta webhook",
                platform=META,
                kind=REJECTED_KIND,
                body=body,
                headers=headers,
            )
            raise
        outcomes = []
        for position, change in parse_meta_webhook(body):
            if change is None:
                outcomes.append("ignored")
                continue
            order = await _order_for(ledger, cfg, change)
            callback_id = await ledger.record_callback(
                platform=META, kind=KIND_PREFIX + position, raw_body=body, headers=headers,
                order_id=None if order is None else order.order_id,
            )  # fmt: skip
            crash_point("after_receipt")
            outcomes.append(await apply_change(ledger, cfg.catalog, order, change, callback_id))
        return JSONResponse({"ok": True, "outcomes": outcomes})

    return [
        Route(META_WEBHOOK_PATH, handshake, methods=["GET"]),
        Route(META_WEBHOOK_PATH, notify, methods=["POST"]),
    ]
