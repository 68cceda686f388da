"""Decode the JSON envelopes the JavaScript side of the bridge answers with.

The JavaScript API never throws and never rejects: every call answers a JSON string, either
``{"ok": true, "value": ...}`` or ``{"ok": false, "error": {"kind": ..., ...}}``, so that every failure is
decided here, in one place, as a typed Python error.
"""

from __future__ import annotations

import json

from gameport.bridge.failures import platform_error
from gameport.errors import BridgeError, BridgeTimeoutError, JsPathError, NetworkError, SdkLoadError
from gameport.values import Json


def decode(text: object, path: str) -> Json:
    """Return the value of an envelope, or raise the error it describes.

    Raises:
        PlatformError: the JavaScript function failed (``kind`` ``"platform"``).
        JsPathError: the path does not exist (``"missing"``).
        SdkLoadError: a script failed to load (``"sdk_load"``).
        NetworkError: an HTTP request got no answer (``"network"``).
        BridgeTimeoutError: the call timed out (``"timeout"``).
        BridgeError: the envelope is malformed, or the glue failed (``"bridge"``).
    """
    if not isinstance(text, str):
        raise BridgeError(f"bridge answered {type(text).__name__} instead of a JSON envelope", path=path)
    try:
        envelope = json.loads(text)
    except ValueError as exc:
        raise BridgeError(f"bridge answered malformed JSON: {exc}", path=path) from None
    if not isinstance(envelope, dict) or not isinstance(envelope.get("ok"), bool):
        raise BridgeError("bridge answered an envelope without a boolean 'ok'", path=path)
    if envelope["ok"]:
        value: Json = envelope.get("value")
        return value
    error = envelope.get("error")
    if not isinstance(error, dict):
        raise BridgeError("bridge answered a failure without an 'error' object", path=path)
    raise _error_for(error, path)


def _error_for(error: dict[str, Json], path: str) -> Exception:
    kind = error.get("kind")
    message = error.get("message")
    text = message if isinstance(message, str) and message else f"{path} failed"
    if kind == "platform":
        return platform_error(error.get("raw"), path=path)
    if kind == "timeout":
        ms = error.get("timeoutMs")
        seconds = ms / 1000 if isinstance(ms, int | float) and not isinstance(ms, bool) else 0.0
        return BridgeTimeoutError(f"{path} did not answer within {seconds:g} s", path=path, timeout=seconds)
    if kind == "missing":
        return JsPathError(text, path=path)
    if kind == "sdk_load":
        return SdkLoadError(text, path=path)
    if kind == "network":
        url = error.get("url")
        return NetworkError(text, url=url if isinstance(url, str) else path)
    return BridgeError(text, path=path)
