"""Meta's contextual leaderboards (``getLeaderboardAsync``) for :class:`~.meta.MetaAdapter`.

Global boards were removed on 31 Dec 2025: only contextual boards (``"name.<contextID>"``) remain, so a
board Meta cannot find is reported as the capability being unsupported, with that reason. Every handle
taken here (board, entry, entry array, player) is released before returning, whatever happens.
"""

from __future__ import annotations

from gameport.adapters.base import ErrorMap, map_errors
from gameport.bridge import Bridge, Handle
from gameport.capabilities import FALLBACKS, Capability, PlatformName
from gameport.errors import PlatformError, UnsupportedCapabilityError
from gameport.models.results import LeaderboardEntry


class MetaLeaderboards:
    """Leaderboard calls on ``FBInstant`` 8.0.

    Args:
        bridge: the bridge to FBInstant.
        codes: how Meta's error codes map to gameport errors for every leaderboard call.
        not_found: Meta's code for a board that does not exist (mapped to UnsupportedCapabilityError).
        timeout: seconds each call may take.
    """

    def __init__(self, bridge: Bridge, codes: ErrorMap, *, not_found: str, timeout: float) -> None:
        self.bridge = bridge
        self.codes = codes
        self.not_found = not_found
        self.timeout = timeout

    async def submit_score(self, board: str, score: int, extra: str | None) -> LeaderboardEntry:
        """``setScoreAsync`` on ``board``; returns the player's best entry.

        Raises:
            UnsupportedCapabilityError: the board does not exist (global boards were removed in 2025).
            PlatformError: e.g. ``LEADERBOARD_WRONG_CONTEXT``, or an entry without a numeric score.
        """
        lb = await self._board(board)
        try:
            with map_errors(self.codes):
                entry = await self.bridge.create(
                    lb.member("setScoreAsync"), score, extra, timeout=self.timeout
                )
            try:
                return await self._entry(f"@{entry.id}")
            finally:
                self.bridge.release(entry)
        finally:
            self.bridge.release(lb)

    async def top_scores(self, board: str, count: int, offset: int) -> list[LeaderboardEntry]:
        """``getEntriesAsync(count, offset)`` on ``board``. Raises as :meth:`submit_score`."""
        lb = await self._board(board)
        try:
            with map_errors(self.codes):
                rows = await self.bridge.create(
                    lb.member("getEntriesAsync"), count, offset, timeout=self.timeout
                )
            try:
                length = self.bridge.get(rows.member("length"))
                n = int(length) if isinstance(length, int) else 0
                return [await self._entry(rows.member(str(i))) for i in range(n)]
            finally:
                self.bridge.release(rows)
        finally:
            self.bridge.release(lb)

    async def _board(self, board: str) -> Handle:
        def gone(exc: PlatformError) -> Exception:
            reason = (
                f"no board {board!r}: global leaderboards were removed on 31 Dec 2025; only contextual boards"
            )
            return UnsupportedCapabilityError(
                Capability.LEADERBOARDS.value,
                PlatformName.META.value,
                FALLBACKS[Capability.LEADERBOARDS],
                reason,
            )

        with map_errors({**self.codes, self.not_found: gone}):
            return await self.bridge.create("FBInstant.getLeaderboardAsync", board, timeout=self.timeout)

    async def _entry(self, path: str) -> LeaderboardEntry:
        player = await self.bridge.create(f"{path}.getPlayer", timeout=self.timeout)
        try:
            player_id = self.bridge.call_sync(player.member("getID"))
        finally:
            self.bridge.release(player)
        score, rank = self.bridge.call_sync(f"{path}.getScore"), self.bridge.call_sync(f"{path}.getRank")
        extra = self.bridge.call_sync(f"{path}.getExtraData")
        if not isinstance(score, int | float) or isinstance(score, bool):
            raise PlatformError(
                "a leaderboard entry has no numeric score", code=None, raw=score, path=path, platform="meta"
            )
        return LeaderboardEntry(
            player_id=str(player_id),
            score=int(score),
            rank=int(rank) if isinstance(rank, int | float) and not isinstance(rank, bool) else None,
            extra=extra if isinstance(extra, str) else None,
        )
