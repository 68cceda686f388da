"""The leaderboard routes of the reference backend (the rules are in :mod:`.leaderboard_store`).

Both routes take ``Authorization: Bearer <session>`` (from any login route) and work on the session's
platform's board only. Errors are ``{"error": {"code", "message"}}``:

* ``POST /api/leaderboards/{board}/scores`` ``{score, extra?}`` → ``{board, improved, entry: {rank,
  player_id, score, extra}}``: ``entry`` is the player's best after this submission, ``improved`` whether
  this score became it.
* ``GET /api/leaderboards/{board}/scores?count=10&offset=0`` → ``{board, total, entries: [{rank, player_id,
  score, extra}]}``, best first; ``total`` is how many players the board has.

Refused with 400: ``bad_board`` (not 1-64 of ``[A-Za-z0-9_.:-]`` starting with a letter or digit),
``bad_score`` (not an integer within ±(2**53 - 1)), ``bad_extra`` (not a string of at most 2048 bytes of
UTF-8, or null), ``bad_count`` (not 1-100), ``bad_offset`` (not 0-100000), ``bad_json``; 401
``unauthorized``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..backend.leaderboard_limits import MAX_COUNT, MAX_OFFSET, board_name_ok, extra_ok, score_ok
from .errors import BadRequestError
from .http_util import json_object
from .leaderboard_store import LeaderboardStore
from .ledger import SessionStore
from .session_auth import require_session


def _board(request: Request) -> str:
    board = request.path_params["board"]
    if not board_name_ok(board):
        raise BadRequestError(
            "a board name is 1-64 characters of A-Z a-z 0-9 _ . : - starting with a letter or digit",
            code="bad_board",
        )
    return board


def _query_int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    # Length first: int() of thousands of digits is slow, and past 4300 digits it raises (a 500).
    if len(raw) > len(str(high)) or not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise BadRequestError(f"{name} must be an integer from {low} to {high}", code=f"bad_{name}")
    return int(raw)


def leaderboard_routes(store: LeaderboardStore, sessions: SessionStore) -> list[Route]:
    """The two leaderboard routes, over ``store`` and authenticated by ``sessions``."""

    async def submit(request: Request) -> Response:
        platform, player_id = await require_session(sessions, request)
        board = _board(request)
        body = await json_object(request)
        score, extra = body.get("score"), body.get("extra")
        if not score_ok(score):
            raise BadRequestError("score must be an integer within ±(2**53 - 1)", code="bad_score")
        if not extra_ok(extra):
            raise BadRequestError("extra must be null or a string of at most 2048 bytes", code="bad_extra")
        outcome = await store.submit(board, platform, player_id, score, extra)
        return JSONResponse({"board": board, "improved": outcome.improved, "entry": outcome.entry.public()})

    async def read(request: Request) -> Response:
        platform, _ = await require_session(sessions, request)
        board = _board(request)
        count = _query_int(request, "count", 10, 1, MAX_COUNT)
        offset = _query_int(request, "offset", 0, 0, MAX_OFFSET)
        entries, total = await store.top(board, platform, count, offset)
        return JSONResponse({"board": board, "total": total, "entries": [e.public() for e in entries]})

    return [
        Route("/api/leaderboards/{board}/scores", submit, methods=["POST"]),
        Route("/api/leaderboards/{board}/scores", read, methods=["GET"]),
    ]
