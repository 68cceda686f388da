"""Turn a platform's failure payload into a :class:`~gameport.errors.PlatformError`.

The platforms report failures in several shapes, all accepted here:

* TikTok Mini Games: ``{"error": {"error_code": 102102, "error_msg": "...", "error_extra": {...}}}``
* TikTok native runtime (WeChat style): ``{"errCode": 1004, "errMsg": "login:fail ..."}``
* TikTok ad ``onError`` / Minis: ``{"error_code": ..., "error_msg": ...}``
* Meta ``APIError`` and JavaScript ``Error`` objects: ``{"code": "USER_INPUT", "message": "..."}``
* a bare string or number.
"""

from __future__ import annotations

from gameport.errors import PlatformError
from gameport.values import Json


def _code(value: Json) -> str | int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | str):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _text(value: Json) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_failure(raw: Json) -> tuple[str | int | None, str]:
    """Return ``(code, message)`` found in a failure payload of any known shape."""
    if isinstance(raw, str):
        return None, raw or "failed without a message"
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _code(raw), f"failed with code {raw}"
    if not isinstance(raw, dict):
        return None, "failed without a payload"
    inner = raw.get("error")
    if isinstance(inner, dict):
        found = parse_failure(inner)
        if found[0] is not None or inner:
            return found
    for code_key, message_key in (("error_code", "error_msg"), ("errCode", "errMsg"), ("code", "message")):
        code = _code(raw.get(code_key))
        message = _text(raw.get(message_key))
        if code is not None or message is not None:
            return code, message or f"failed with code {code}"
    return None, "failed with an unrecognised payload"


def platform_error(raw: Json, *, path: str, platform: str | None = None) -> PlatformError:
    """The :class:`PlatformError` for a failure payload returned by the function at ``path``."""
    code, message = parse_failure(raw)
    return PlatformError(message, code=code, raw=raw, path=path, platform=platform)
