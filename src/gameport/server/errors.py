"""The typed errors of :mod:`gameport.server`, one tree under :class:`ServerError`.

::

    ServerError
    ├── SignatureError                 signed data or a webhook signature was refused
    │   ├── MalformedSignatureError    not parseable (bad header, bad base64url, not JSON, missing field)
    │   ├── TamperedSignatureError     HMAC does not match
    │   ├── AlgorithmError             signed with an algorithm other than the expected one
    │   ├── StaleSignatureError        timestamp outside the freshness / tolerance window
    │   └── ReplayedSignatureError     nonce already used, or never issued / expired
    ├── BadRequestError                a request body the server cannot accept (HTTP 4xx)
    │   └── UnstorableInputError       text the database cannot hold (PostgreSQL: a NUL character)
    ├── ConfigError                    the server configuration is invalid
    ├── CatalogError                   unknown product, or a product unavailable on a platform
    ├── LedgerError                    unknown order, illegal status transition
    │   └── SchemaError                the database's schema is newer than this code (or unreadable)
    └── TikTokError                    TikTok Open API failures
        ├── TikTokTransportError       network failure or timeout after bounded retries
        ├── TikTokOAuthError           OAuth endpoint error (``error``, ``error_description``, ``log_id``)
        └── TikTokApiError             business/v2 error (``code``, ``message``, ``log_id``, ``http_status``)
            ├── AccessTokenInvalidError, ScopeNotAuthorizedError, InvalidParamsError,
            ├── RateLimitedError, TikTokInternalError, OrderNotFoundError, DuplicateOrderError,
            └── PaymentsNotEnabledError, TierInvalidError, SubscriptionStateError
"""

from __future__ import annotations


class ServerError(Exception):
    """Base class of every error raised by :mod:`gameport.server`."""


class SignatureError(ServerError):
    """Signed data (Meta) or a webhook signature (TikTok) was refused."""


class MalformedSignatureError(SignatureError):
    """The signature or signed data cannot be parsed."""


class TamperedSignatureError(SignatureError):
    """The HMAC does not match: wrong secret, or the data was altered."""


class AlgorithmError(SignatureError):
    """The signed data declares an algorithm other than the one we accept."""


class StaleSignatureError(SignatureError):
    """The timestamp is outside the accepted window (too old, or too far in the future)."""


class ReplayedSignatureError(SignatureError):
    """The nonce was already consumed, or was never issued by this server, or has expired."""


class BadRequestError(ServerError):
    """A request the server refuses (mapped to an HTTP 4xx)."""

    def __init__(self, message: str, *, status: int = 400, code: str = "bad_request") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class UnstorableInputError(BadRequestError):
    """Input the database refuses as data (PostgreSQL's text cannot hold NUL): a 400, nothing written."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="unstorable_input")


class ConfigError(ServerError):
    """The server configuration is missing a value or holds an invalid one."""


class CatalogError(ServerError):
    """An unknown product, or one not sold on the requested platform."""


class LedgerError(ServerError):
    """An unknown order or an illegal status transition."""


class SchemaError(LedgerError):
    """The database was migrated by a newer gameport (schema version above ours): it is left untouched."""


class TikTokError(ServerError):
    """Base class of TikTok Open API failures."""


class TikTokTransportError(TikTokError):
    """The request failed at the network level (or timed out) after bounded retries."""


class TikTokOAuthError(TikTokError):
    """``/v2/oauth/token/`` answered ``{error, error_description, log_id}``."""

    def __init__(self, error: str, description: str, log_id: str, http_status: int) -> None:
        super().__init__(f"{error}: {description} (log_id={log_id}, http={http_status})")
        self.error = error
        self.description = description
        self.log_id = log_id
        self.http_status = http_status


class TikTokApiError(TikTokError):
    """The v2 envelope's ``error.code`` was not ``"ok"``. ``code`` is always a string."""

    def __init__(self, code: str, message: str, log_id: str, http_status: int) -> None:
        super().__init__(f"{code}: {message} (log_id={log_id}, http={http_status})")
        self.code = code
        self.message = message
        self.log_id = log_id
        self.http_status = http_status


class AccessTokenInvalidError(TikTokApiError):
    """``access_token_invalid``: e.g. an app token used where the paying user's ``act.`` token is needed."""


class ScopeNotAuthorizedError(TikTokApiError):
    """``scope_not_authorized``."""


class InvalidParamsError(TikTokApiError):
    """``invalid_params`` / ``40001000``."""


class RateLimitedError(TikTokApiError):
    """``rate_limit_exceeded`` (HTTP 429)."""


class TikTokInternalError(TikTokApiError):
    """``internal_error`` / ``50001000``."""


class OrderNotFoundError(TikTokApiError):
    """``20011002``: the trade order does not exist."""


class DuplicateOrderError(TikTokApiError):
    """``20021002``: this external ``order_id`` was already used for a trade order."""


class PaymentsNotEnabledError(TikTokApiError):
    """``20021001``: sub-merchant ID invalid (payments not enabled for the app)."""


class TierInvalidError(TikTokApiError):
    """``20001003``: tier ID invalid."""


class SubscriptionStateError(TikTokApiError):
    """``20021101/02/03/08/11``: subscription state conflicts."""


_API_ERRORS: dict[str, type[TikTokApiError]] = {
    "access_token_invalid": AccessTokenInvalidError,
    "scope_not_authorized": ScopeNotAuthorizedError,
    "invalid_params": InvalidParamsError,
    "40001000": InvalidParamsError,
    "rate_limit_exceeded": RateLimitedError,
    "internal_error": TikTokInternalError,
    "50001000": TikTokInternalError,
    "20011002": OrderNotFoundError,
    "20021002": DuplicateOrderError,
    "20021001": PaymentsNotEnabledError,
    "20001003": TierInvalidError,
    **dict.fromkeys(("20021101", "20021102", "20021103", "20021108", "20021111"), SubscriptionStateError),
}


def tiktok_api_error(code: str, message: str, log_id: str, http_status: int) -> TikTokApiError:
    """Build the most specific :class:`TikTokApiError` subclass for a documented ``code``."""
    cls = _API_ERRORS.get(code, TikTokApiError)
    return cls(code, message, log_id, http_status)
