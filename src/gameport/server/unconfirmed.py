"""THE one table of platform facts the reference (platform-apis.md) marks **[unconfirmed]** or leaves open.

Every other module imports these names instead of repeating the literal, so when a fact is confirmed (or turns
out wrong) exactly one line changes. Each entry says what is known and what was assumed.
"""

from __future__ import annotations

from typing import Final

# --- TikTok webhooks (A.6) ------------------------------------------------------------------------------
#: Header name, as documented: ``TikTok-Signature: t=<unix ts>,s=<hex>``.
TIKTOK_SIGNATURE_HEADER: Final = "TikTok-Signature"
#: The HMAC key. The documentation's sentence naming the key is cut short; "client secret" is corroborated by
#: independent integrators only. [unconfirmed]
TIKTOK_WEBHOOK_KEY_IS_CLIENT_SECRET: Final = True
#: How far ``t`` may be from our clock, in seconds. The docs say "reject stale t" without a number. [assumed]
TIKTOK_WEBHOOK_TOLERANCE_S: Final = 300
#: TikTok's retry schedule for webhooks that do not get a 2xx is not documented. We answer 2xx only once a
#: callback is durably recorded, so a retry is harmless either way. [unconfirmed]
TIKTOK_WEBHOOK_RETRIES_DOCUMENTED: Final = False
#: A refund webhook carries no refund id. We assume a retried webhook repeats ``create_time``, so a refund is
#: applied once per (event, create_time, refund_amount); two distinct refunds of the same amount in the same
#: second would be merged. [assumed]
TIKTOK_REFUND_DEDUPE_FIELDS: Final = ("event", "create_time", "refund_amount")
#: ``user_openid`` is an empty string in the sample payloads: grant to the open_id stored with the order.
TIKTOK_WEBHOOK_USER_OPENID_RELIABLE: Final = False
#: Event names. ``refund_success`` / ``refund_fail`` are listed as "not yet available".
TIKTOK_EVENT_PAID: Final = "minis.trade_order.redeem.success"
TIKTOK_EVENT_REFUND_TRACEBACK: Final = "minis.trade_order.redeem.refund_traceback"
TIKTOK_EVENT_REFUND_SUCCESS: Final = "minis.trade_order.redeem.refund_success"
TIKTOK_EVENT_REFUND_FAIL: Final = "minis.trade_order.redeem.refund_fail"

# --- TikTok Open API (A.5, A.6) -------------------------------------------------------------------------
TIKTOK_API_BASE_URL: Final = "https://open.tiktokapis.com"
TIKTOK_OAUTH_TOKEN_PATH: Final = "/v2/oauth/token/"
TIKTOK_TIER_INFOS_PATH: Final = "/v2/minis/utility/get_tier_infos/"
TIKTOK_CHECK_AMOUNTS_PATH: Final = "/v2/minis/utility/check_redeem_amounts/"
TIKTOK_ORDER_CREATE_PATH: Final = "/v2/minis/trade_order/create/"
TIKTOK_ORDER_QUERY_PATH: Final = "/v2/minis/trade_order/query/"
#: Documented statuses of ``trade_order/query``. No failed/expired/refunded status is documented, so an order
#: that is never paid simply stays PENDING; our repair command decides when to give up on it. [unconfirmed]
TIKTOK_ORDER_STATUSES: Final = frozenset({"PENDING", "SUCCESS"})
#: Business error codes are documented as numbers in prose; whether JSON carries them as strings or numbers is
#: not shown. We normalise to ``str``. [unconfirmed]
TIKTOK_ERROR_CODE_TYPE: Final = "str-or-int"
#: TikTok offers no documented API that *lists* trade orders. Reconciliation queries each ledger order; an
#: optional platform export (a JSON list in our own format, see :mod:`.reconcile`) adds platform-only orders
#: and amounts. [unconfirmed: no export format is documented]
TIKTOK_ORDER_LIST_API: Final = None

# --- Meta signed data (B.12) ----------------------------------------------------------------------------
META_ALGORITHM: Final = "HMAC-SHA256"
#: Freshness of ``getSignedPlayerInfoAsync`` results: not documented; a login should be seconds old. [assumed]
META_PLAYER_INFO_MAX_AGE_S: Final = 300
#: Freshness of ``Purchase.signedRequest``. Unconsumed purchases are re-verified at the next session start
#: (pitfall 8), and whether ``issued_at`` is refreshed by ``getPurchasesAsync`` is unknown, so the window is
#: wide and replay is handled by idempotent delivery keyed on ``payment_id``. [unconfirmed]
META_PURCHASE_MAX_AGE_S: Final = 7 * 24 * 3600
#: Accepted clock skew for an ``issued_at`` in the future. [assumed]
META_MAX_FUTURE_SKEW_S: Final = 60
#: ``request_payload`` echoes the nonce we passed to ``getSignedPlayerInfoAsync``.
META_PLAYER_INFO_FIELDS: Final = ("algorithm", "issued_at", "player_id", "request_payload")
#: Purchase payload field names, "commonly reported" only. [unconfirmed: verify against a live purchase]
META_PURCHASE_FIELDS: Final = (
    "algorithm",
    "app_id",
    "is_consumed",
    "issued_at",
    "payment_id",
    "product_id",
    "purchase_time",
    "purchase_token",
    "developer_payload",
)
#: Whether the purchase payload carries a price. 7.x exposes ``purchasePrice {amount, currency}`` on the
#: client object; if a signed payload carries ``purchase_price`` we check it against the catalog.
#: [unconfirmed]
META_PURCHASE_PRICE_FIELD: Final = "purchase_price"

# --- Meta IAP payment webhooks (B.7; "IAP Payment Webhooks", Apr 2026) -------------------------------------
#: Documented: a GET handshake with our verify token, then POSTs for purchases and refunds validated with the
#: App Secret. Not documented in what we could read: the header, the signature scheme and the payload. We
#: assume Meta's usual webhook convention, ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw
#: body)>``. [unconfirmed]
META_WEBHOOK_SIGNATURE_HEADER: Final = "X-Hub-Signature-256"
META_WEBHOOK_SIGNATURE_PREFIX: Final = "sha256="
#: Handshake query parameters (Meta's usual webhook verification). [unconfirmed for IAP webhooks]
META_WEBHOOK_HUB_PARAMS: Final = ("hub.mode", "hub.verify_token", "hub.challenge")
#: Assumed payload: ``{object: "payments", entry: [{id, time, changes: [{field, value}]}]}`` with ``field``
#: one of :data:`META_WEBHOOK_FIELDS` and ``value`` ``{payment_id, purchase_token, product_id, player_id?,
#: refund_id?}``; see :mod:`.meta_webhook`. Every name here is a guess in Meta's usual style. [unconfirmed]
META_WEBHOOK_OBJECT: Final = "payments"
META_WEBHOOK_FIELDS: Final = ("purchase", "refund")
#: A refund is applied once per ``refund_id`` when the payload has one, else once per ``payment_id`` (one
#: refund per purchase). [assumed]
META_WEBHOOK_REFUND_KEY_FIELDS: Final = ("refund_id", "payment_id")
