"""The failure payloads of the host TikTok fake, built from ``TT_ERROR_CODES`` of the emulation table as the
JS mock builds them (``errorPayload`` and ``adError`` in ``js_bridge/mocks/ttminis.js``)."""

from __future__ import annotations

from gameport.testing.emulation import TT_ERROR_CODES
from gameport.values import JsonObject


def fail_payload(api: str, entry: str, step: JsonObject | None = None) -> JsonObject:
    """What a failing callback member passes to ``fail``: the Minis ``error`` object and the wx-style fields.
    A step's ``code`` / ``message`` / ``extra`` replace the entry's."""
    step = step or {}
    code = TT_ERROR_CODES[entry]
    code_v = step.get("code", code.error_code)
    msg = step.get("message", code.error_msg)
    extra = step.get("extra") or {}
    return {
        "error": {"error_code": code_v, "error_msg": msg, "error_extra": extra},
        "errMsg": f"{api}:fail {msg}",
        "errCode": code_v,
    }


def ad_error(label: str, entry: str, step: JsonObject) -> JsonObject:
    """The ad error payload (rejections and ``onError``): both the Minis and the wx-style fields."""
    code = TT_ERROR_CODES[entry]
    code_v, msg = step.get("code", code.error_code), step.get("message", code.error_msg)
    return {"error_code": code_v, "error_msg": msg, "errCode": code_v, "errMsg": f"{label}:fail {msg}"}


def thrown(api: str, entry: str, step: JsonObject | None = None) -> JsonObject:
    """What a member that throws carries (the mock's ``ttThrowable``): the fail payload's fields and an
    Error's ``message`` (the ``errMsg``)."""
    payload = fail_payload(api, entry, step)
    return {"message": payload["errMsg"], **payload}
