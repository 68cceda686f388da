"""Leaderboards through the game backend, for platforms without their own (TikTok, web).

How the two URLs relate: ``leaderboard_url`` is the base URL of a service answering gameport's leaderboard
routes (the reference backend's, see ``gameport.server.leaderboard_routes``); the session comes from
``backend_url`` (:mod:`gameport.backend.session`) and is sent to ``leaderboard_url`` as a bearer token. With
the reference backend both are the same URL. So:

* ``leaderboard_url`` unset: LEADERBOARDS stays unsupported on these platforms (the typed error).
* ``leaderboard_url`` set without ``backend_url``: ``platform.init()`` raises ``ConfigError``.
* Meta always uses its own contextual leaderboards; ``leaderboard_url`` is ignored there.
* ``features = { leaderboards = false }`` or a session without LOGIN: unsupported as well.

The backend's rules: each player's best score per board is kept (higher is better; an equal or lower score
changes nothing, its ``extra`` included), boards are per platform, and ``rank`` is the 1-based position
(ties go to whoever reached the score first).
"""

from __future__ import annotations

from typing import Final
from urllib.parse import quote, urlencode

from gameport.adapters.base import Adapter
from gameport.backend.leaderboard_limits import (
    MAX_COUNT,
    MAX_EXTRA_BYTES,
    MAX_OFFSET,
    board_name_ok,
    extra_ok,
    score_ok,
)
from gameport.backend.session import BackendSession
from gameport.capabilities import Capability, CapabilityGate
from gameport.config.settings import PlatformSettings
from gameport.errors import BackendError, ConfigError, InvalidArgumentError
from gameport.models.results import LeaderboardEntry
from gameport.values import Json, JsonObject

BACKEND_CAPABILITIES: Final = frozenset({Capability.LEADERBOARDS})
"""What a session can gain from the game backend when the platform lacks it (the README table says so)."""


class BackendLeaderboards:
    """``submit_score`` / ``top_scores`` over the leaderboard routes at ``leaderboard_url``.

    Args:
        backend: the logged-in (or lazily logging-in) backend session.
        leaderboard_url: the base URL of the leaderboard routes.
    """

    def __init__(self, backend: BackendSession, leaderboard_url: str) -> None:
        self._backend = backend
        self._base = leaderboard_url.rstrip("/")

    def _url(self, board: str) -> str:
        if not board_name_ok(board):
            raise InvalidArgumentError(
                "a backend leaderboard name is 1-64 characters of A-Z a-z 0-9 _ . : - starting with a "
                f"letter or digit, got {board!r}"
            )
        return f"{self._base}/api/leaderboards/{quote(board, safe=':')}/scores"

    async def submit_score(self, board: str, score: int, extra: str | None = None) -> LeaderboardEntry:
        """Submit ``score``; returns the player's best entry on ``board`` afterwards, with its rank.

        Raises:
            InvalidArgumentError: a bad board name, a score beyond ±(2**53 - 1), or ``extra`` longer than
                2048 bytes of UTF-8.
            BackendError, NetworkError, BridgeTimeoutError: the backend refused or did not answer.
            And what the login raises (:meth:`BackendSession.login`).
        """
        url = self._url(board)
        if not score_ok(score):
            raise InvalidArgumentError(
                f"a leaderboard score must be an int within ±(2**53 - 1), got {score!r}"
            )
        if not extra_ok(extra):
            raise InvalidArgumentError(f"extra must be None or a string of at most {MAX_EXTRA_BYTES} bytes")
        body: JsonObject = {"score": score} if extra is None else {"score": score, "extra": extra}
        answer = await self._backend.request("POST", url, body)
        return _entry(answer.get("entry"), url)

    async def top_scores(self, board: str, count: int = 10, offset: int = 0) -> list[LeaderboardEntry]:
        """``count`` entries of ``board`` from position ``offset`` (0: the best), best first.

        Raises:
            InvalidArgumentError: a bad board name, ``count`` above 100 or ``offset`` above 100000.
            BackendError, NetworkError, BridgeTimeoutError: as :meth:`submit_score`.
        """
        url = self._url(board)
        if count > MAX_COUNT or offset > MAX_OFFSET:
            raise InvalidArgumentError(
                f"backend leaderboards read at most {MAX_COUNT} entries up to offset {MAX_OFFSET}"
            )
        answer = await self._backend.request("GET", f"{url}?{urlencode({'count': count, 'offset': offset})}")
        rows = answer.get("entries")
        if not isinstance(rows, list):
            raise _malformed(url, "no 'entries' list")
        return [_entry(row, url) for row in rows]


def _entry(row: Json, url: str) -> LeaderboardEntry:
    if not isinstance(row, dict):
        raise _malformed(url, "an entry that is not an object")
    rank, player, score, extra = row.get("rank"), row.get("player_id"), row.get("score"), row.get("extra")
    if (
        not isinstance(rank, int)
        or isinstance(rank, bool)
        or not isinstance(player, str)
        or not score_ok(score)
    ):
        raise _malformed(url, f"an entry without rank, player_id and score: {row!r}")
    return LeaderboardEntry(
        player_id=player, score=score, rank=rank, extra=extra if isinstance(extra, str) else None
    )


def _malformed(url: str, what: str) -> BackendError:
    return BackendError(f"{url} answered {what}", status=200, code="malformed_response", url=url)


def backend_leaderboards_for(
    adapter: Adapter,
    settings: PlatformSettings,
    gate: CapabilityGate,
    backend: BackendSession | None,
) -> BackendLeaderboards | None:
    """The backend leaderboards this session offers, or None (see the module docstring for when).

    Raises:
        ConfigError: ``leaderboard_url`` is set, the platform has no leaderboards of its own, and
            ``backend_url`` is not set (there would be no session to submit scores with).
    """
    if not settings.leaderboard_url or Capability.LEADERBOARDS in adapter.CAPABILITIES:
        return None
    if backend is None:
        raise ConfigError(
            f"{adapter.name.value}: leaderboard_url is set but backend_url is not; leaderboards need a "
            "backend session: set backend_url (usually the same URL as leaderboard_url)"
        )
    if not gate.allows(Capability.LOGIN):
        return None
    return BackendLeaderboards(backend, settings.leaderboard_url)
