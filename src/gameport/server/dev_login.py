"""The web platform's development login: ``POST /api/web/login`` ``{token}`` → ``{session, player_id}``.

The web platform (``gameport.adapters.web``) has no identity provider: its login hands out the *unsigned*
token ``web-dev.<player id>``, which anyone can forge. This route accepts it only when the server's
configuration says ``"environment": "sandbox"``; in production it answers 403 ``dev_login_disabled`` before
reading the body. A web session is a session of platform ``web``, so it only ever reaches web data (web
leaderboards), never a TikTok or Meta player's.

Refused with 400 ``bad_token``: not ``web-dev.`` followed by 1-64 of ``[A-Za-z0-9_-]``.
"""

from __future__ import annotations

import re
from typing import Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .errors import BadRequestError
from .http_util import field, json_object
from .ledger import SessionStore

WEB: Final = "web"
TOKEN: Final = re.compile(r"web-dev\.([A-Za-z0-9_-]{1,64})")


def web_login_route(environment: str, sessions: SessionStore) -> Route:
    """The route; ``environment`` is the server configuration's (``"sandbox"`` or ``"production"``)."""

    async def web_login(request: Request) -> Response:
        if environment != "sandbox":
            raise BadRequestError(
                "the web dev login is for development only and is disabled in production",
                status=403,
                code="dev_login_disabled",
            )
        found = TOKEN.fullmatch(field(await json_object(request), "token", str))
        if found is None:
            raise BadRequestError(
                "token must be 'web-dev.<player id>' (1-64 of A-Z a-z 0-9 _ -)", code="bad_token"
            )
        player_id = found.group(1)
        session = await sessions.create_session(WEB, player_id)
        return JSONResponse({"session": session, "player_id": player_id})

    return Route("/api/web/login", web_login, methods=["POST"])
