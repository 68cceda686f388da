"""``platform.leaderboards``: submit and read scores."""

from __future__ import annotations

from gameport._session import SessionGetter
from gameport.adapters.base import Adapter
from gameport.backend.leaderboards import BackendLeaderboards
from gameport.capabilities import Capability
from gameport.errors import InvalidArgumentError
from gameport.models.results import LeaderboardEntry


class Leaderboards:
    """Meta's contextual leaderboards; elsewhere a game backend (``leaderboard_url``) or unsupported.

    On TikTok and the web, configure ``leaderboard_url`` and ``backend_url``: scores then go to your
    backend's leaderboard routes with the player's backend session (see :mod:`gameport.backend.leaderboards`
    for the rules: best score kept, higher is better, boards per platform).
    """

    def __init__(self, session: SessionGetter) -> None:
        self._session = session

    def _source(self) -> Adapter | BackendLeaderboards:
        session = self._session()
        adapter = session.require(Capability.LEADERBOARDS)
        return session.backend_leaderboards or adapter

    async def submit(self, board: str, score: int, extra: str | None = None) -> LeaderboardEntry | None:
        """Submit ``score`` to ``board``; returns the player's entry when the platform reports it.

        Raises:
            InvalidArgumentError: empty board name or a score that is not a whole number; through the
                backend also a board name, score or extra beyond its limits.
            NotInitializedError, UnsupportedCapabilityError (LEADERBOARDS), PlatformError.
            Through the backend: BackendError, NetworkError, BridgeTimeoutError, and the login's errors.
        """
        source = self._source()
        if isinstance(score, bool) or not isinstance(score, int):
            raise InvalidArgumentError(f"a leaderboard score must be an int, got {score!r}")
        return await source.submit_score(_board(board), score, extra)

    async def top(self, board: str, count: int = 10, offset: int = 0) -> list[LeaderboardEntry]:
        """Read ``count`` entries of ``board`` starting at ``offset`` (0: the best).

        Raises:
            InvalidArgumentError: empty board name, ``count`` / ``offset`` not ints, ``count`` < 1 or
                ``offset`` < 0; through the backend
                also a bad board name, ``count`` > 100 or ``offset`` > 100000.
            NotInitializedError, UnsupportedCapabilityError (LEADERBOARDS), PlatformError.
            Through the backend: BackendError, NetworkError, BridgeTimeoutError, and the login's errors.
        """
        source = self._source()
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in (count, offset)):
            raise InvalidArgumentError(
                f"count and offset must be ints, got count={count!r}, offset={offset!r}"
            )
        if count < 1 or offset < 0:
            raise InvalidArgumentError(f"need count >= 1 and offset >= 0, got count={count}, offset={offset}")
        return await source.top_scores(_board(board), count, offset)


def _board(board: str) -> str:
    if not isinstance(board, str) or not board:
        raise InvalidArgumentError(f"a leaderboard name must be a non-empty string, got {board!r}")
    return board
