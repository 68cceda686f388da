"""The error codes of the TikTok fake: one table, as ``TT_ERROR_CODES`` in ``js_bridge/mocks/ttminis.js``."""

from __future__ import annotations

from typing import Final

TT_ERROR_CODES: Final[dict[str, tuple[int, str]]] = {
    "LOGIN_NOT_CONFIGURED": (102102, "login failed: Terms of Service / Privacy Policy URL not configured"),
    "USER_CANCEL": (90001, "cancel"),
    "NOT_INITIALIZED": (90002, "TTMinis.game.init({clientKey}) must be called first"),
    "INVALID_PARAM": (90003, "invalid parameter"),
    "STORAGE_LIMIT": (90004, "storage limit exceeded"),
    "DATA_NOT_FOUND": (90005, "data not found"),
    "AD_NO_FILL": (1004, "no suitable ad"),
    "AD_ALREADY_SHOWN": (90006, "ad instance already shown; create a new one"),
    "AD_SHOW_PENDING": (90007, "ad show already in progress"),
    "AD_PLAYBACK_ERROR": (90008, "ad playback error"),
    "SCRIPTED_FAIL": (90000, "scripted failure"),
}
"""The mock's codes; only 102102 is a documented TikTok code, the rest are [unconfirmed] mock choices."""
