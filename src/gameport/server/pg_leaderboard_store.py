"""Leaderboards in PostgreSQL, shared by every backend process (rules: :mod:`.leaderboard_store`)."""

from __future__ import annotations

import time

from .leaderboard_store import RankedScore, SubmitOutcome
from .ledger.pg_db import PgDatabase

_AHEAD = (
    "SELECT COUNT(*) FROM leaderboard_scores WHERE board = %(b)s AND platform = %(p)s AND (score > %(s)s"
    " OR (score = %(s)s AND (achieved_at < %(a)s OR (achieved_at = %(a)s AND player_id < %(id)s))))"
)


def _encoded(extra: str | None) -> bytes | None:
    return None if extra is None else extra.encode("utf-8")


def _decoded(stored: object) -> str | None:
    return None if stored is None else bytes(stored).decode("utf-8")  # type: ignore[call-overload]


class PgLeaderboardStore:
    """Leaderboard rows in the backend's PostgreSQL database. Validation is the caller's, as for SQLite."""

    def __init__(self, db: PgDatabase) -> None:
        self.db = db

    async def submit(
        self,
        board: str,
        platform: str,
        player: str,
        score: int,
        extra: str | None,
        *,
        now: float | None = None,
    ) -> SubmitOutcome:
        """Keep ``score`` if it beats the player's best; return the player's best entry and its rank."""
        at = time.time() if now is None else now
        async with self.db.write() as conn:
            cur = await conn.execute(
                "INSERT INTO leaderboard_scores (board, platform, player_id, score, extra, achieved_at)"
                " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (board, platform, player_id) DO UPDATE SET"
                " score = excluded.score, extra = excluded.extra, achieved_at = excluded.achieved_at"
                " WHERE excluded.score > leaderboard_scores.score",
                (board, platform, player, score, _encoded(extra), at),
            )
            changed = cur.rowcount
            cur = await conn.execute(
                "SELECT score, extra, achieved_at FROM leaderboard_scores"
                " WHERE board = %s AND platform = %s AND player_id = %s",
                (board, platform, player),
            )
            row = await cur.fetchone()
            assert row is not None  # written or kept just above, in this transaction
            best, best_extra, best_at = int(row[0]), row[1], row[2]  # type: ignore[call-overload]
            cur = await conn.execute(
                _AHEAD, {"b": board, "p": platform, "s": best, "a": best_at, "id": player}
            )
            ahead = await cur.fetchone()
        rank = int(ahead[0]) + 1 if ahead is not None else 1  # type: ignore[call-overload]
        entry = RankedScore(rank, player, best, _decoded(best_extra))
        return SubmitOutcome(entry, improved=changed == 1)

    async def top(self, board: str, platform: str, count: int, offset: int) -> tuple[list[RankedScore], int]:
        """``count`` entries from position ``offset`` (0 = the best) and the board's size (one snapshot)."""
        async with self.db.write() as conn:
            await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cur = await conn.execute(
                "SELECT player_id, score, extra FROM leaderboard_scores WHERE board = %s AND platform = %s"
                " ORDER BY score DESC, achieved_at ASC, player_id ASC LIMIT %s OFFSET %s",
                (board, platform, count, offset),
            )
            rows = await cur.fetchall()
            cur = await conn.execute(
                "SELECT COUNT(*) FROM leaderboard_scores WHERE board = %s AND platform = %s",
                (board, platform),
            )
            total = await cur.fetchone()
        entries = [
            RankedScore(offset + i + 1, str(p), int(s), _decoded(e))  # type: ignore[call-overload]
            for i, (p, s, e) in enumerate(rows)
        ]
        return entries, int(total[0]) if total is not None else 0  # type: ignore[call-overload]

    async def close(self) -> None:
        await self.db.close()
