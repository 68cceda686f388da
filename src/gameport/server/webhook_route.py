"""``POST /api/tiktok/webhook``: TikTok's signed order events. Answered 2xx once durably recorded.

A webhook is verified (``TikTok-Signature``), decoded and checked for our ``client_key`` *before* anything is
written; a refusal is a 4xx counted by reason in ``gameport_webhooks_rejected_total`` (signature failures also
in ``gameport_signature_failures_total``) and writes nothing. An accepted one is recorded raw, then applied
through the ledger's exactly-once delivery (:func:`~.fulfilment.process_tiktok_event`).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .catalog import TIKTOK
from .config import ServerConfig
from .errors import BadRequestError, ServerError, SignatureError
from .faults import crash_point
from .fulfilment import find_tiktok_order, process_tiktok_event
from .http_util import log, read_body, snake
from .ledger import LedgerStore
from .metrics import SIGNATURE_FAILURES, WEBHOOKS_REJECTED
from .tiktok_webhook import WebhookEvent, parse_webhook, verify_webhook_signature
from .unconfirmed import TIKTOK_SIGNATURE_HEADER


async def _accepted(request: Request, cfg: ServerConfig) -> tuple[bytes, str, WebhookEvent]:
    body = await read_body(request)
    header = request.headers.get(TIKTOK_SIGNATURE_HEADER)
    tolerance = cfg.tiktok.webhook_tolerance_s
    verify_webhook_signature(header, body, cfg.tiktok.client_secret, tolerance_s=tolerance)
    event = parse_webhook(body)
    if event.client_key != cfg.tiktok.client_key:
        raise BadRequestError("webhook for another client_key", code="wrong_client_key")
    return body, header or "", event


def tiktok_webhook_route(cfg: ServerConfig, ledger: LedgerStore) -> Route:
    """The route, for the configured app (secret, client key, environment) and ledger."""

    async def tiktok_webhook(request: Request) -> Response:
        try:
            body, header, event = await _accepted(request, cfg)
        except ServerError as exc:
            reason = exc.code if isinstance(exc, BadRequestError) else snake(type(exc).__name__)
            WEBHOOKS_REJECTED.labels(TIKTOK, cfg.environment, reason).inc()
            if isinstance(exc, SignatureError):
                SIGNATURE_FAILURES.labels("tiktok_webhook", cfg.environment, reason).inc()
            extra = {"platform": TIKTOK, "environment": cfg.environment, "reason": reason}
            log.warning("webhook refused: %s", exc, extra=extra)
            raise
        order = await find_tiktok_order(ledger, event)
        callback_id = await ledger.record_callback(
            platform=TIKTOK, kind=event.event, raw_body=body, headers={TIKTOK_SIGNATURE_HEADER: header},
            order_id=order.order_id if order else None,
        )  # fmt: skip
        crash_point("after_receipt")
        outcome = await process_tiktok_event(
            ledger, cfg.catalog, cfg.environment, event, callback_id, found=order
        )
        return JSONResponse({"ok": True, "outcome": outcome})

    return Route("/api/tiktok/webhook", tiktok_webhook, methods=["POST"])
