"""The bearer-session check every authenticated route of the reference backend uses."""

from __future__ import annotations

from starlette.requests import Request

from .errors import BadRequestError
from .ledger import SessionStore


def bearer_token(request: Request) -> str:
    """The session token of ``Authorization: Bearer <session>``, or ``""`` (which no session has)."""
    auth = request.headers.get("authorization", "")
    return auth[7:] if auth.startswith("Bearer ") else ""


def unauthorized() -> BadRequestError:
    """The 401 ``unauthorized`` of a request without a live session."""
    return BadRequestError("a valid session is required", status=401, code="unauthorized")


async def require_session(
    sessions: SessionStore, request: Request, platform: str | None = None
) -> tuple[str, str]:
    """``(platform, user_id)`` of the request's ``Authorization: Bearer <session>``.

    Raises:
        BadRequestError: 401 ``unauthorized`` when the header is missing, the session is unknown or expired,
            or (with ``platform``) it belongs to another platform.
    """
    token = bearer_token(request)
    user = await sessions.session_user(token) if token else None
    if user is None or (platform is not None and user[0] != platform):
        raise unauthorized()
    return user
