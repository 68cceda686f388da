"""Verification (and, for the mock, signing) of Meta signed data (platform-apis.md B.12).

Format: ``"<sig>.<payload>"``, both base64url without padding. ``sig`` is the raw
32-byte HMAC-SHA256, keyed with the **App Secret**, of the *encoded* payload segment exactly as sent;
``payload`` is UTF-8 JSON carrying ``algorithm`` and ``issued_at``. Used by ``getSignedPlayerInfoAsync``
(adds ``player_id`` and ``request_payload``, our nonce) and ``Purchase.signedRequest``
(purchase fields, list [unconfirmed]).

Checks, in order: shape and encodings (:class:`MalformedSignatureError`), ``algorithm``
(:class:`AlgorithmError`), HMAC with a constant-time compare (:class:`TamperedSignatureError`), ``issued_at``
freshness (:class:`StaleSignatureError`), then the nonce for player info (:class:`ReplayedSignatureError`).
The algorithm is checked before the HMAC so we never compute a MAC under terms we did not agree to; both
refuse, and nothing from the payload is returned before the MAC has been checked.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from typing import Any

from .errors import (
    AlgorithmError,
    MalformedSignatureError,
    ReplayedSignatureError,
    StaleSignatureError,
    TamperedSignatureError,
)
from .nonce_store import AsyncNonceStore, NonceOutcome, NonceStore
from .unconfirmed import (
    META_ALGORITHM,
    META_MAX_FUTURE_SKEW_S,
    META_PLAYER_INFO_MAX_AGE_S,
    META_PURCHASE_MAX_AGE_S,
    META_PURCHASE_PRICE_FIELD,
)

_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_MAX_LEN = 16 * 1024


def b64url_encode(raw: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(segment: str) -> bytes:
    """Strict base64url decode (no padding, alphabet only); raises :class:`MalformedSignatureError`."""
    if not _B64URL.fullmatch(segment) or len(segment) % 4 == 1:
        raise MalformedSignatureError("segment is not base64url")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as exc:  # pragma: no cover - the regex already rules these out
        raise MalformedSignatureError("segment is not base64url") from exc


def _to_key(secret: str | bytes) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else secret


def sign_meta_payload(payload: dict[str, Any], app_secret: str | bytes, *, now: float | None = None) -> str:
    """Sign ``payload`` the way Meta does, adding ``algorithm`` and ``issued_at`` when missing (mock side)."""
    body = dict(payload)
    body.setdefault("algorithm", META_ALGORITHM)
    body.setdefault("issued_at", int(time.time() if now is None else now))
    encoded = b64url_encode(json.dumps(body, separators=(",", ":")).encode("utf-8"))
    sig = hmac.new(_to_key(app_secret), encoded.encode("ascii"), hashlib.sha256).digest()
    return f"{b64url_encode(sig)}.{encoded}"


def verify_meta_signed(
    signed: object,
    app_secret: str | bytes,
    *,
    max_age_s: float,
    now: float | None = None,
    max_future_skew_s: float = META_MAX_FUTURE_SKEW_S,
) -> dict[str, Any]:
    """Verify a Meta signed string and return its payload; raises a :class:`SignatureError` subclass."""
    if not isinstance(signed, str) or not signed or len(signed) > _MAX_LEN:
        raise MalformedSignatureError("signed data must be a non-empty string")
    sig_segment, dot, payload_segment = signed.partition(".")
    if not dot or not sig_segment or not payload_segment:
        raise MalformedSignatureError("expected '<sig>.<payload>'")
    sig = b64url_decode(sig_segment)
    raw_payload = b64url_decode(payload_segment)
    if len(sig) != hashlib.sha256().digest_size:
        raise MalformedSignatureError("signature must be 32 bytes")
    try:
        payload = json.loads(raw_payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedSignatureError("payload is not UTF-8 JSON") from exc
    if not isinstance(payload, dict):
        raise MalformedSignatureError("payload is not a JSON object")
    algorithm = payload.get("algorithm")
    if not isinstance(algorithm, str) or algorithm.upper() != META_ALGORITHM:
        raise AlgorithmError(f"unsupported algorithm {algorithm!r}")
    expected = hmac.new(_to_key(app_secret), payload_segment.encode("ascii"), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, sig):
        raise TamperedSignatureError("signature does not match")
    issued_at = payload.get("issued_at")
    if isinstance(issued_at, bool) or not isinstance(issued_at, int):
        raise MalformedSignatureError("issued_at missing or not an integer")
    current = time.time() if now is None else now
    if issued_at < current - max_age_s:
        raise StaleSignatureError(f"issued_at is older than {max_age_s} s")
    if issued_at > current + max_future_skew_s:
        raise StaleSignatureError("issued_at is in the future")
    return payload


@dataclass(frozen=True)
class SignedPlayerInfo:
    """A verified ``getSignedPlayerInfoAsync`` result."""

    player_id: str
    nonce: str
    issued_at: int


def _player_info(signed: object, app_secret: str | bytes, now: float, max_age_s: float) -> SignedPlayerInfo:
    payload = verify_meta_signed(signed, app_secret, max_age_s=max_age_s, now=now)
    player_id, nonce = payload.get("player_id"), payload.get("request_payload")
    if not isinstance(player_id, str) or not player_id:
        raise MalformedSignatureError("player_id missing")
    if not isinstance(nonce, str) or not nonce:
        raise MalformedSignatureError("request_payload (nonce) missing")
    return SignedPlayerInfo(player_id=player_id, nonce=nonce, issued_at=payload["issued_at"])


def _nonce_accepted(outcome: NonceOutcome) -> None:
    if outcome is NonceOutcome.REPLAYED:
        raise ReplayedSignatureError("nonce already used")
    if outcome is NonceOutcome.UNKNOWN:
        raise ReplayedSignatureError("nonce was not issued by this server or has expired")


def verify_signed_player_info(
    signed: object,
    app_secret: str | bytes,
    nonces: NonceStore,
    *,
    now: float | None = None,
    max_age_s: float = META_PLAYER_INFO_MAX_AGE_S,
) -> SignedPlayerInfo:
    """Verify signed player info and consume its nonce (``request_payload``) exactly once."""
    current = time.time() if now is None else now
    info = _player_info(signed, app_secret, current, max_age_s)
    _nonce_accepted(nonces.consume(info.nonce, now=current))
    return info


async def verify_signed_player_info_async(
    signed: object,
    app_secret: str | bytes,
    nonces: AsyncNonceStore,
    *,
    now: float | None = None,
    max_age_s: float = META_PLAYER_INFO_MAX_AGE_S,
) -> SignedPlayerInfo:
    """:func:`verify_signed_player_info` with an awaited nonce store (the backend's); the same errors.

    The signature is checked before the nonce is touched, so a refused attempt never burns a nonce.
    """
    current = time.time() if now is None else now
    info = _player_info(signed, app_secret, current, max_age_s)
    _nonce_accepted(await nonces.consume(info.nonce, now=current))
    return info


@dataclass(frozen=True)
class MetaPurchase:
    """A verified ``Purchase.signedRequest``. ``price`` is ``(amount, currency)`` when the payload has one."""

    payment_id: str
    product_id: str
    purchase_token: str
    issued_at: int
    purchase_time: str | None
    developer_payload: str | None
    app_id: str | None
    price: tuple[str, str] | None
    payload: dict[str, Any]


def _opt_str(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise MalformedSignatureError("unexpected field type")
    return str(value)


def verify_purchase(
    signed: object,
    app_secret: str | bytes,
    *,
    now: float | None = None,
    max_age_s: float = META_PURCHASE_MAX_AGE_S,
) -> MetaPurchase:
    """Verify a purchase ``signedRequest``. Replays are handled by idempotent delivery on ``payment_id``."""
    payload = verify_meta_signed(signed, app_secret, max_age_s=max_age_s, now=now)
    fields = {name: _opt_str(payload.get(name)) for name in ("payment_id", "product_id", "purchase_token")}
    missing = [name for name, value in fields.items() if not value]
    if missing:
        raise MalformedSignatureError(f"purchase fields missing: {', '.join(missing)}")
    price: tuple[str, str] | None = None
    raw_price = payload.get(META_PURCHASE_PRICE_FIELD)
    if isinstance(raw_price, dict):
        amount, currency = _opt_str(raw_price.get("amount")), _opt_str(raw_price.get("currency"))
        if amount is None or currency is None:
            raise MalformedSignatureError("purchase price needs amount and currency")
        price = (amount, currency)
    elif raw_price is not None:
        raise MalformedSignatureError("purchase price is not an object")
    return MetaPurchase(
        payment_id=str(fields["payment_id"]),
        product_id=str(fields["product_id"]),
        purchase_token=str(fields["purchase_token"]),
        issued_at=payload["issued_at"],
        purchase_time=_opt_str(payload.get("purchase_time")),
        developer_payload=_opt_str(payload.get("developer_payload")),
        app_id=_opt_str(payload.get("app_id")),
        price=price,
        payload=payload,
    )
