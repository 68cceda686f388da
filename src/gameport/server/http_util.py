"""Small HTTP helpers shared by the two ASGI apps: JSON bodies, JSON errors, and the error mapping."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse

from .errors import (
    BadRequestError,
    CatalogError,
    ConfigError,
    LedgerError,
    ServerError,
    SignatureError,
    TikTokApiError,
    TikTokError,
)

log = logging.getLogger("gameport.server")
MAX_BODY = 64 * 1024


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


async def read_body(request: Request) -> bytes:
    """The raw body, refused (413) beyond :data:`MAX_BODY`; a body cut short is a 400
    ``client_disconnected``."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
        raise BadRequestError("body too large", status=413, code="too_large")
    chunks = bytearray()
    try:
        async for chunk in request.stream():
            chunks += chunk
            if len(chunks) > MAX_BODY:
                raise BadRequestError("body too large", status=413, code="too_large")
    except ClientDisconnect as exc:  # a broken or abandoned body: the client's fault, not a server error
        raise BadRequestError("the client went away mid-body", code="client_disconnected") from exc
    return bytes(chunks)


async def json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object, else :class:`BadRequestError`."""
    return json_from_bytes(await read_body(request))


def json_from_bytes(raw: bytes) -> dict[str, Any]:
    """``raw`` as a JSON object, else :class:`BadRequestError`."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequestError("body is not JSON", code="bad_json") from exc
    if not isinstance(value, dict):
        raise BadRequestError("body must be a JSON object", code="bad_json")
    return value


def field(body: dict[str, Any], name: str, kind: type, *, required: bool = True) -> Any:
    """``body[name]`` checked against ``kind`` (bools are never ints here)."""
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BadRequestError(f"field {name!r} must be {kind.__name__}", code="bad_field")
    if isinstance(value, str) and (not value or len(value) > 4096):
        raise BadRequestError(f"field {name!r} must be a non-empty string", code="bad_field")
    return value


async def server_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Map the typed error tree onto HTTP statuses."""
    if isinstance(exc, BadRequestError):
        return error_response(exc.status, exc.code, str(exc))
    if isinstance(exc, SignatureError):
        return error_response(401, snake(type(exc).__name__), str(exc))
    if isinstance(exc, CatalogError):
        return error_response(400, "unknown_product", str(exc))
    if isinstance(exc, LedgerError):
        return error_response(409, "order_conflict", str(exc))
    if isinstance(exc, TikTokApiError):
        return error_response(502, f"tiktok_{exc.code}", str(exc))
    if isinstance(exc, TikTokError):
        return error_response(502, "tiktok_unavailable", str(exc))
    if isinstance(exc, ConfigError | ServerError):
        log.error("server error on %s: %s", request.url.path, exc)
        return error_response(500, "server_error", "internal error")
    raise exc  # pragma: no cover - only ServerError is registered
