"""An in-memory stand-in for the game backend's login and leaderboard routes, as a FakeBridge http handler.

It follows the reference backend's route shapes (``gameport.server``) closely enough for client logic
(single-flight login, 401 re-login, error mapping); the real backend is exercised over real HTTP in
``tests/server/test_client_leaderboards.py``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from gameport.bridge import HttpReply, HttpRequest
from gameport.values import Json, JsonObject

BASE = "https://api.game.example"


def refusal(status: int, code: str, message: str = "refused") -> HttpReply:
    return HttpReply(status, {"error": {"code": code, "message": message}})


@dataclass
class FakeBackend:
    """Routes: POST /api/{tiktok,meta,web}/login, POST /api/meta/nonce, POST|GET /api/leaderboards/B/scores.

    Attributes:
        requests: every request, in order. sessions: live token -> player. login_delay: seconds each login
        takes (to overlap concurrent callers). script: replies to use first, by ``"METHOD /path"``.
    """

    requests: list[HttpRequest] = field(default_factory=list)
    sessions: dict[str, str] = field(default_factory=dict)
    nonces: list[str] = field(default_factory=list)
    boards: dict[str, dict[str, tuple[int, str | None]]] = field(default_factory=dict)
    script: dict[str, list[HttpReply]] = field(default_factory=dict)
    login_delay: float = 0.0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def logins(self) -> list[HttpRequest]:
        return [r for r in self.requests if r.url.split("?")[0].endswith("/login")]

    async def __call__(self, request: HttpRequest) -> HttpReply:
        self.requests.append(request)
        parts = urlsplit(request.url)
        key = f"{request.method} {parts.path}"
        if self.script.get(key):
            return self.script[key].pop(0)
        body = request.body if isinstance(request.body, dict) else {}
        if parts.path == "/api/meta/nonce":
            self.nonces.append(f"n{next(self._ids)}")
            return HttpReply(200, {"nonce": self.nonces[-1], "expires_in": 300})
        if parts.path.endswith("/login"):
            await asyncio.sleep(self.login_delay)
            return self._login(parts.path, body)
        player = self.sessions.get(request.headers.get("Authorization", "")[7:])
        if player is None:
            return refusal(401, "unauthorized", "a valid session is required")
        board = self.boards.setdefault(parts.path.split("/")[3], {})
        if request.method == "POST":
            return self._submit(board, player, body)
        query = parse_qs(parts.query)
        count, offset = int(query["count"][0]), int(query["offset"][0])
        entries = self._ranked(board)
        return HttpReply(
            200, {"board": "b", "total": len(entries), "entries": entries[offset : offset + count]}
        )

    def _login(self, path: str, body: JsonObject) -> HttpReply:
        credential = next(iter(body.values()), None)
        if not isinstance(credential, str) or credential.startswith("bad"):
            return refusal(401, "invalid_login_code")
        if path == "/api/meta/login":
            player, nonce = json.loads(credential.split(".", 1)[1]).values()
            if nonce not in self.nonces:
                return refusal(401, "replayed_signature_error")
            self.nonces.remove(nonce)
        else:
            player = credential.rsplit(".", 1)[-1] if path == "/api/web/login" else f"open-{credential}"
        token = f"gps_{next(self._ids)}"
        self.sessions[token] = str(player)
        id_field = "open_id" if path == "/api/tiktok/login" else "player_id"
        return HttpReply(200, {"session": token, id_field: player})

    def _submit(self, board: dict[str, tuple[int, str | None]], player: str, body: JsonObject) -> HttpReply:
        score, extra = body["score"], body.get("extra")
        assert isinstance(score, int) and (extra is None or isinstance(extra, str))
        improved = player not in board or score > board[player][0]
        if improved:
            board[player] = (score, extra)
        entry = next(e for e in self._ranked(board) if e["player_id"] == player)
        return HttpReply(200, {"board": "b", "improved": improved, "entry": entry})

    def _ranked(self, board: dict[str, tuple[int, str | None]]) -> list[Json]:
        ordered = sorted(board.items(), key=lambda kv: (-kv[1][0], kv[0]))
        return [
            {"rank": i + 1, "player_id": p, "score": s, "extra": e} for i, (p, (s, e)) in enumerate(ordered)
        ]
