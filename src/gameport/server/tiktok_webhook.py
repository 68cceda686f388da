"""Verification (and, for the mock, signing) of TikTok webhooks (platform-apis.md A.6).

Header ``TikTok-Signature: t=<unix ts>,s=<hex>``: split on ``,`` then on ``=``; the signed payload is
``t + "." + raw body``; HMAC-SHA256 keyed with the app's client secret, hex-encoded, compared in constant
time with ``s``; a ``t`` outside the tolerance window is refused (replay of an old capture). Exact duplicates
inside the window are legitimate retries: they are made harmless by idempotent delivery in the ledger.

:func:`parse_webhook` then decodes the body ``{client_key, event, create_time, user_openid, content}`` where
``content`` is a JSON *string* holding ``{trade_order_id, order_id, is_sandbox, refund_amount?}``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from typing import Any

from .errors import BadRequestError, MalformedSignatureError, StaleSignatureError, TamperedSignatureError
from .unconfirmed import TIKTOK_SIGNATURE_HEADER, TIKTOK_WEBHOOK_TOLERANCE_S

_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_DIGITS = re.compile(r"[0-9]{1,12}")


def _mac(body: bytes, timestamp: str, client_secret: str | bytes) -> str:
    key = client_secret.encode("utf-8") if isinstance(client_secret, str) else client_secret
    return hmac.new(key, timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


def sign_webhook(body: bytes, client_secret: str | bytes, *, timestamp: int | None = None) -> str:
    """The ``TikTok-Signature`` header value for ``body`` (mock side)."""
    t = str(int(time.time()) if timestamp is None else timestamp)
    return f"t={t},s={_mac(body, t, client_secret)}"


def parse_signature_header(header: object, name: str = TIKTOK_SIGNATURE_HEADER) -> tuple[str, str]:
    """Return ``(t, s)`` from the header value; raises :class:`MalformedSignatureError` (naming ``name``)."""
    if not isinstance(header, str) or not header or len(header) > 512:
        raise MalformedSignatureError(f"{name} header missing")
    parts: dict[str, str] = {}
    for item in header.split(","):
        key, eq, value = item.strip().partition("=")
        if not eq or key in parts:
            raise MalformedSignatureError(f"{name} header is not 't=...,s=...'")
        parts[key] = value.strip()
    t, s = parts.get("t"), parts.get("s")
    if t is None or s is None or not _DIGITS.fullmatch(t) or not _HEX64.fullmatch(s):
        raise MalformedSignatureError(f"{name} header needs t=<unix ts> and s=<64 hex>")
    return t, s


def verify_webhook_signature(
    header: object,
    body: bytes,
    client_secret: str | bytes,
    *,
    now: float | None = None,
    tolerance_s: float = TIKTOK_WEBHOOK_TOLERANCE_S,
    header_name: str = TIKTOK_SIGNATURE_HEADER,
) -> int:
    """Verify the signature of a webhook and return its timestamp ``t``; raises a :class:`SignatureError`."""
    t, s = parse_signature_header(header, header_name)
    expected = _mac(body, t, client_secret)
    if not hmac.compare_digest(expected.encode("ascii"), s.lower().encode("ascii")):
        raise TamperedSignatureError("webhook signature does not match")
    current = time.time() if now is None else now
    if abs(current - int(t)) > tolerance_s:
        raise StaleSignatureError(f"webhook timestamp outside the {tolerance_s} s tolerance window")
    return int(t)


@dataclass(frozen=True)
class WebhookEvent:
    """A decoded TikTok webhook body."""

    client_key: str
    event: str
    create_time: int
    user_openid: str
    trade_order_id: str
    order_id: str
    is_sandbox: bool
    refund_amount: int | None
    content: dict[str, Any]


def _str_field(obj: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = obj.get(name)
    if isinstance(value, str) and (value or not required):
        return value
    if value is None and not required:
        return ""
    raise BadRequestError(f"webhook field {name!r} missing or not a string", code="malformed_webhook")


def _int_field(obj: dict[str, Any], name: str) -> int | None:
    value = obj.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadRequestError(f"webhook field {name!r} is not an integer", code="malformed_webhook")
    try:
        return int(value)
    except ValueError as exc:
        raise BadRequestError(f"webhook field {name!r} is not an integer", code="malformed_webhook") from exc


def parse_webhook(body: bytes) -> WebhookEvent:
    """Decode a (signature-verified) webhook body; raises :class:`BadRequestError` when malformed."""
    try:
        outer = json.loads(body.decode("utf-8"))
        content = json.loads(outer["content"]) if isinstance(outer, dict) else None
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise BadRequestError("webhook body is not the documented JSON", code="malformed_webhook") from exc
    if not isinstance(outer, dict) or not isinstance(content, dict):
        raise BadRequestError("webhook body is not the documented JSON", code="malformed_webhook")
    create_time = _int_field(outer, "create_time")
    is_sandbox = content.get("is_sandbox", False)
    if not isinstance(is_sandbox, bool):
        raise BadRequestError("webhook field 'is_sandbox' is not a boolean", code="malformed_webhook")
    return WebhookEvent(
        client_key=_str_field(outer, "client_key"),
        event=_str_field(outer, "event"),
        create_time=0 if create_time is None else create_time,
        user_openid=_str_field(outer, "user_openid", required=False),
        trade_order_id=_str_field(content, "trade_order_id"),
        order_id=_str_field(content, "order_id"),
        is_sandbox=is_sandbox,
        refund_amount=_int_field(content, "refund_amount"),
        content=content,
    )


def build_webhook_body(
    *,
    client_key: str,
    event: str,
    trade_order_id: str,
    order_id: str,
    is_sandbox: bool,
    user_openid: str = "",
    refund_amount: int | None = None,
    create_time: int | None = None,
) -> bytes:
    """Serialise a webhook body in the documented shape (mock side)."""
    content: dict[str, Any] = {
        "trade_order_id": trade_order_id,
        "order_id": order_id,
        "is_sandbox": is_sandbox,
    }
    if refund_amount is not None:
        content["refund_amount"] = refund_amount
    outer = {
        "client_key": client_key,
        "event": event,
        "create_time": int(time.time()) if create_time is None else create_time,
        "user_openid": user_openid,
        "content": json.dumps(content, separators=(",", ":")),
    }
    return json.dumps(outer, separators=(",", ":")).encode("utf-8")
