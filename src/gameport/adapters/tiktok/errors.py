"""TikTok's errors as gameport raises them: the documented login failure and malformed success payloads,
and the factories that turn a :class:`~gameport.errors.PlatformError` into the typed error for its code."""

from __future__ import annotations

from typing import Final

from gameport.errors import PlatformError, StorageLimitError, UserCancelledError
from gameport.values import Json

LOGIN_NOT_CONFIGURED: Final = 102102
"""TikTok's documented login failure: ToS / Privacy Policy URLs missing in the app settings (A.5, A.14)."""


class TikTokLoginNotConfiguredError(PlatformError):
    """``login`` failed with 102102: set the Terms of Service and Privacy Policy URLs of the TikTok app (and
    use the client key of that same app). ``code``, ``raw`` and ``path`` are the platform's."""


class TikTokResponseError(PlatformError):
    """TikTok reported success with a payload lacking what its documentation promises (a login without
    ``code``, a mission reward without a boolean ``canReceiveReward``). ``code`` is None; ``raw`` is the
    payload."""


def login_not_configured(exc: PlatformError) -> Exception:
    """102102 as :class:`TikTokLoginNotConfiguredError`, saying what to set."""
    return TikTokLoginNotConfiguredError(
        f"{exc.message}. Set the Terms of Service and Privacy Policy URLs in the TikTok Developer Portal "
        "(and use the client key of that same app), then retry",
        code=exc.code,
        raw=exc.raw,
        path=exc.path,
        platform="tiktok",
    )


def cancelled(exc: PlatformError) -> Exception:
    """A cancel code (``UNCONFIRMED.cancel_codes``) as :class:`~gameport.errors.UserCancelledError`."""
    return UserCancelledError(f"the player closed TikTok's dialog ({exc.path})", platform="tiktok")


def storage_full(exc: PlatformError) -> Exception:
    """A storage-full code as :class:`~gameport.errors.StorageLimitError`."""
    return StorageLimitError(
        f"TikTok storage is full ({exc.message}): store less, or keep large state on your backend",
        platform="tiktok",
    )


def malformed(path: str, payload: Json, what: str) -> TikTokResponseError:
    """TikTok's success ``payload`` of ``path`` lacks ``what`` its documentation promises."""
    return TikTokResponseError(what, code=None, raw=payload, path=path, platform="tiktok")
