"""Meta signed data and TikTok webhook signatures: valid, tampered, stale, replayed, malformed."""

from __future__ import annotations

import asyncio
import json
import secrets

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gameport.server.errors import (
    AlgorithmError,
    MalformedSignatureError,
    ReplayedSignatureError,
    SignatureError,
    StaleSignatureError,
    TamperedSignatureError,
)
from gameport.server.meta_signed import (
    b64url_encode,
    sign_meta_payload,
    verify_meta_signed,
    verify_purchase,
    verify_signed_player_info,
    verify_signed_player_info_async,
)
from gameport.server.nonce_store import MemoryNonceStore, NonceOutcome, SqliteNonceStore
from gameport.server.stores import open_stores
from gameport.server.tiktok_webhook import (
    build_webhook_body,
    parse_webhook,
    sign_webhook,
    verify_webhook_signature,
)

NOW = 1_800_000_000


@pytest.fixture
def secret() -> str:
    return secrets.token_hex(16)


# --- Meta ---------------------------------------------------------------------------------------------------


def test_meta_roundtrip_adds_algorithm_and_issued_at(secret: str) -> None:
    signed = sign_meta_payload({"player_id": "p1"}, secret, now=NOW)
    payload = verify_meta_signed(signed, secret, max_age_s=60, now=NOW + 10)
    assert payload == {"player_id": "p1", "algorithm": "HMAC-SHA256", "issued_at": NOW}


def test_meta_wrong_secret_is_tampered(secret: str) -> None:
    signed = sign_meta_payload({"player_id": "p1"}, secret, now=NOW)
    with pytest.raises(TamperedSignatureError):
        verify_meta_signed(signed, secret + "x", max_age_s=60, now=NOW)


def test_meta_altered_payload_is_tampered(secret: str) -> None:
    signed = sign_meta_payload({"player_id": "p1"}, secret, now=NOW)
    sig = signed.split(".")[0]
    forged = b64url_encode(
        json.dumps({"player_id": "p2", "algorithm": "HMAC-SHA256", "issued_at": NOW}).encode()
    )
    with pytest.raises(TamperedSignatureError):
        verify_meta_signed(f"{sig}.{forged}", secret, max_age_s=60, now=NOW)


def test_meta_flipped_signature_byte_is_tampered(secret: str) -> None:
    signed = sign_meta_payload({"player_id": "p1"}, secret, now=NOW)
    sig, payload = signed.split(".")
    flipped = "A" if sig[0] != "A" else "B"
    with pytest.raises(TamperedSignatureError):
        verify_meta_signed(f"{flipped}{sig[1:]}.{payload}", secret, max_age_s=60, now=NOW)


@pytest.mark.parametrize("algorithm", ["HMAC-SHA1", "none", "", 5, None])
def test_meta_other_algorithm_is_refused(secret: str, algorithm: object) -> None:
    signed = sign_meta_payload({"player_id": "p1", "algorithm": algorithm}, secret, now=NOW)
    with pytest.raises(AlgorithmError):
        verify_meta_signed(signed, secret, max_age_s=60, now=NOW)


def test_meta_stale_and_future_are_refused(secret: str) -> None:
    signed = sign_meta_payload({"player_id": "p1"}, secret, now=NOW)
    with pytest.raises(StaleSignatureError):
        verify_meta_signed(signed, secret, max_age_s=300, now=NOW + 301)
    with pytest.raises(StaleSignatureError):
        verify_meta_signed(signed, secret, max_age_s=300, now=NOW - 3600)
    assert verify_meta_signed(signed, secret, max_age_s=300, now=NOW + 300)["player_id"] == "p1"


@pytest.mark.parametrize(
    "signed",
    [
        "",
        "no-dot",
        ".payload",
        "sig.",
        "a+b.cde",  # '+' is not base64url
        "abcde.eyJ9",  # length % 4 == 1
        f"{b64url_encode(b'short')}.{b64url_encode(b'{}')}",  # signature not 32 bytes
        42,
        None,
        "x" * 20_000,
    ],
)
def test_meta_malformed(secret: str, signed: object) -> None:
    with pytest.raises(MalformedSignatureError):
        verify_meta_signed(signed, secret, max_age_s=60, now=NOW)


def test_meta_non_json_and_non_object_payloads_are_malformed(secret: str) -> None:
    sig = b64url_encode(b"\0" * 32)
    for raw in (b"\xff\xfe", b"not json", b"[1, 2]"):
        with pytest.raises(MalformedSignatureError):
            verify_meta_signed(f"{sig}.{b64url_encode(raw)}", secret, max_age_s=60, now=NOW)


def test_meta_issued_at_must_be_integer(secret: str) -> None:
    signed = sign_meta_payload({"player_id": "p1", "issued_at": "soon"}, secret)
    with pytest.raises(MalformedSignatureError):
        verify_meta_signed(signed, secret, max_age_s=60, now=NOW)


@pytest.mark.parametrize("store_kind", ["memory", "sqlite"])
def test_player_info_nonce_is_single_use(secret: str, store_kind: str, tmp_path: object) -> None:
    store = MemoryNonceStore() if store_kind == "memory" else SqliteNonceStore(f"{tmp_path}/n.db")
    nonce = store.issue(ttl_s=60, now=NOW)
    signed = sign_meta_payload({"player_id": "p1", "request_payload": nonce}, secret, now=NOW)
    info = verify_signed_player_info(signed, secret, store, now=NOW + 1)
    assert (info.player_id, info.nonce, info.issued_at) == ("p1", nonce, NOW)
    with pytest.raises(ReplayedSignatureError, match="already used"):
        verify_signed_player_info(signed, secret, store, now=NOW + 2)


@pytest.mark.parametrize("store_kind", ["memory", "sqlite"])
def test_nonce_unknown_or_expired(store_kind: str, tmp_path: object) -> None:
    store = MemoryNonceStore() if store_kind == "memory" else SqliteNonceStore(f"{tmp_path}/n.db")
    nonce = store.issue(ttl_s=10, now=NOW)
    assert store.consume("never-issued", now=NOW) is NonceOutcome.UNKNOWN
    assert store.consume(nonce, now=NOW + 11) is NonceOutcome.UNKNOWN


async def test_backend_nonce_stores_are_single_use_across_instances(secret: str, any_db: str) -> None:
    """The backend's async stores (threaded SQLite, PostgreSQL): issued by one instance, consumed once by
    whichever instance receives the login."""
    first, second = open_stores(any_db), open_stores(any_db)
    try:
        nonce = await first.nonces.issue(ttl_s=60, now=NOW)
        signed = sign_meta_payload({"player_id": "p1", "request_payload": nonce}, secret, now=NOW)
        outcomes = await asyncio.gather(*(
            verify_signed_player_info_async(signed, secret, store.nonces, now=NOW + 1)
            for store in (first, second, first, second)
        ), return_exceptions=True)  # fmt: skip
        assert [type(o).__name__ for o in outcomes].count("SignedPlayerInfo") == 1
        assert [type(o) for o in outcomes].count(ReplayedSignatureError) == 3
        assert await second.nonces.consume("never-issued", now=NOW) is NonceOutcome.UNKNOWN
        late = await first.nonces.issue(ttl_s=10, now=NOW)
        assert await second.nonces.consume(late, now=NOW + 11) is NonceOutcome.UNKNOWN
    finally:
        await first.close()
        await second.close()


def test_player_info_with_foreign_nonce_is_refused(secret: str) -> None:
    signed = sign_meta_payload({"player_id": "p1", "request_payload": "made-up"}, secret, now=NOW)
    with pytest.raises(ReplayedSignatureError, match="not issued"):
        verify_signed_player_info(signed, secret, MemoryNonceStore(), now=NOW)


def test_player_info_needs_player_and_nonce(secret: str) -> None:
    store = MemoryNonceStore()
    for payload in ({"request_payload": "n"}, {"player_id": "p"}, {"player_id": 3, "request_payload": "n"}):
        with pytest.raises(MalformedSignatureError):
            verify_signed_player_info(sign_meta_payload(payload, secret, now=NOW), secret, store, now=NOW)


def test_purchase_fields_and_price(secret: str) -> None:
    payload = {
        "payment_id": "pay1",
        "product_id": "gems_100",
        "purchase_token": "tok1",
        "purchase_time": 1_700_000_000,
        "developer_payload": "dp",
        "purchase_price": {"amount": "0.99", "currency": "USD"},
    }
    purchase = verify_purchase(sign_meta_payload(payload, secret, now=NOW), secret, now=NOW)
    assert (purchase.payment_id, purchase.product_id, purchase.purchase_token) == ("pay1", "gems_100", "tok1")
    assert purchase.purchase_time == "1700000000"
    assert purchase.price == ("0.99", "USD")
    with pytest.raises(MalformedSignatureError, match="payment_id"):
        verify_purchase(sign_meta_payload({"product_id": "x", "purchase_token": "t"}, secret), secret)


# --- TikTok -------------------------------------------------------------------------------------------------


def _body() -> bytes:
    return build_webhook_body(
        client_key="ck", event="minis.trade_order.redeem.success", trade_order_id="T1", order_id="o1",
        is_sandbox=True, create_time=NOW,
    )  # fmt: skip


def test_webhook_roundtrip(secret: str) -> None:
    body = _body()
    header = sign_webhook(body, secret, timestamp=NOW)
    assert verify_webhook_signature(header, body, secret, now=NOW + 5, tolerance_s=300) == NOW
    event = parse_webhook(body)
    assert (event.trade_order_id, event.order_id, event.is_sandbox) == ("T1", "o1", True)
    assert event.refund_amount is None


def test_webhook_header_order_and_spaces_do_not_matter(secret: str) -> None:
    body = _body()
    t, s = sign_webhook(body, secret, timestamp=NOW).split(",")
    assert verify_webhook_signature(f"{s}, {t}", body, secret, now=NOW) == NOW


def test_webhook_tampered_body_secret_and_timestamp(secret: str) -> None:
    body = _body()
    header = sign_webhook(body, secret, timestamp=NOW)
    with pytest.raises(TamperedSignatureError):
        verify_webhook_signature(header, body + b" ", secret, now=NOW)
    with pytest.raises(TamperedSignatureError):
        verify_webhook_signature(header, body, secret + "0", now=NOW)
    s = header.split(",s=")[1]
    with pytest.raises(TamperedSignatureError):  # t moved without re-signing
        verify_webhook_signature(f"t={NOW + 1},s={s}", body, secret, now=NOW)


def test_webhook_stale_both_directions(secret: str) -> None:
    body = _body()
    header = sign_webhook(body, secret, timestamp=NOW)
    with pytest.raises(StaleSignatureError):
        verify_webhook_signature(header, body, secret, now=NOW + 301, tolerance_s=300)
    with pytest.raises(StaleSignatureError):
        verify_webhook_signature(header, body, secret, now=NOW - 301, tolerance_s=300)


@pytest.mark.parametrize(
    "header",
    [None, "", "garbage", "t=1", "s=" + "a" * 64, "t=abc,s=" + "a" * 64, "t=1,s=xyz", "t=1,t=2,s=" + "a" * 64,
     "t=1,s=" + "a" * 63, 17],
)  # fmt: skip
def test_webhook_malformed_header(secret: str, header: object) -> None:
    with pytest.raises(MalformedSignatureError):
        verify_webhook_signature(header, _body(), secret, now=NOW)


@settings(max_examples=200, deadline=None)
@given(header=st.text(max_size=200), body=st.binary(max_size=200))
def test_webhook_random_input_only_raises_signature_errors(header: str, body: bytes) -> None:
    with pytest.raises(SignatureError):
        verify_webhook_signature(header, body, "k" * 32, now=NOW)


@settings(max_examples=200, deadline=None)
@given(signed=st.one_of(st.text(max_size=300), st.from_regex(r"[A-Za-z0-9_-]{0,60}\.[A-Za-z0-9_-]{0,200}")))
def test_meta_random_input_only_raises_signature_errors(signed: str) -> None:
    with pytest.raises(SignatureError):
        verify_meta_signed(signed, "k" * 32, max_age_s=60, now=NOW)
