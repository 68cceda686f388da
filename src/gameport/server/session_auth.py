"""The bearer-session check every authenticated route of the reference backend uses."""

from __future__ import annotations

from starlette.requests import Request

from .errors import BadRequestError
from .ledger import SessionStore


async def require_session(
    sessions: SessionStore, request: Request, platform: str | None = None
) -> tuple[str, str]:
    """``(platform, user_id)`` of the request's ``Authorization: Bearer <session>``.

    Raises:
        BadRequestError: 401 ``unauthorized`` when the header is missing, the session is unknown or expired,
            or (with ``platform``) it belongs to another platform.
    """
    auth = request.headers.get("authorization", "")
    user = await sessions.session_user(auth[7:]) if auth.startswith("Bearer ") else None
    if user is None or (platform is not None and user[0] != platform):
        raise BadRequestError("a valid session is required", status=401, code="unauthorized")
    return user
