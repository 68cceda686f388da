"""``platform.leaderboards``: submit and read scores."""

from __future__ import annotations

from ._session import SessionGetter
from .capabilities import Capability
from .errors import InvalidArgumentError
from .models import LeaderboardEntry


class Leaderboards:
    """Meta's contextual leaderboards; elsewhere a game backend (``leaderboard_url``) or unsupported."""

    def __init__(self, session: SessionGetter) -> None:
        self._session = session

    async def submit(self, board: str, score: int, extra: str | None = None) -> LeaderboardEntry | None:
        """Submit ``score`` to ``board``; returns the player's entry when the platform reports it.

        Raises:
            InvalidArgumentError: empty board name or a score that is not a whole number.
            NotInitializedError, UnsupportedCapabilityError (LEADERBOARDS), PlatformError.
        """
        adapter = self._session().require(Capability.LEADERBOARDS)
        if isinstance(score, bool) or not isinstance(score, int):
            raise InvalidArgumentError(f"a leaderboard score must be an int, got {score!r}")
        return await adapter.submit_score(_board(board), score, extra)

    async def top(self, board: str, count: int = 10, offset: int = 0) -> list[LeaderboardEntry]:
        """Read ``count`` entries of ``board`` starting at ``offset`` (0: the best).

        Raises:
            InvalidArgumentError: empty board name, ``count`` < 1 or ``offset`` < 0.
            NotInitializedError, UnsupportedCapabilityError (LEADERBOARDS), PlatformError.
        """
        adapter = self._session().require(Capability.LEADERBOARDS)
        if count < 1 or offset < 0:
            raise InvalidArgumentError(f"need count >= 1 and offset >= 0, got count={count}, offset={offset}")
        return await adapter.top_scores(_board(board), count, offset)


def _board(board: str) -> str:
    if not isinstance(board, str) or not board:
        raise InvalidArgumentError(f"a leaderboard name must be a non-empty string, got {board!r}")
    return board
