"""Leaderboards of the reference backend: every player's best score per board, in the backend's SQLite file.

The rules, which the routes (:mod:`.leaderboard_routes`) and the client document too:

* **Per platform.** A row is keyed by ``(board, platform, player_id)`` and reads return the caller's
  platform only: player ids of different platforms are different people (a TikTok ``open_id``, a Meta player
  id, a web dev id), and the unsigned web dev logins must never rank against real players.
* **Best score kept; higher is better.** A submitted score higher than the player's best replaces it, with
  its ``extra`` and the time it was reached. An equal or lower score changes nothing (the stored ``extra``
  stays). Boards where lower is better (times) submit the negated value.
* **Ranking.** Score descending, then whoever reached that score first, then player id; ``rank`` is the
  1-based position in that order, so no two entries share a rank.

Writes are one ``INSERT .. ON CONFLICT DO UPDATE .. WHERE excluded.score > score`` (SQLite: under ``BEGIN
IMMEDIATE``; PostgreSQL: the conflict takes the row lock), so concurrent submissions (threads or processes)
keep exactly the best.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..values import JsonObject
from .ledger.sqlite_db import SqliteDb

SCHEMA = """
CREATE TABLE IF NOT EXISTS leaderboard_scores (
    board TEXT NOT NULL,
    platform TEXT NOT NULL,
    player_id TEXT NOT NULL,
    score INTEGER NOT NULL,
    extra TEXT,
    achieved_at REAL NOT NULL,
    PRIMARY KEY (board, platform, player_id)
);
CREATE INDEX IF NOT EXISTS leaderboard_order
    ON leaderboard_scores (board, platform, score DESC, achieved_at, player_id);
"""

_AHEAD = (
    "SELECT COUNT(*) FROM leaderboard_scores WHERE board = ? AND platform = ? AND (score > ?"
    " OR (score = ? AND (achieved_at < ? OR (achieved_at = ? AND player_id < ?))))"
)


@dataclass(frozen=True, slots=True)
class RankedScore:
    """One row of a board, with its rank (1 = best)."""

    rank: int
    player_id: str
    score: int
    extra: str | None

    def public(self) -> JsonObject:
        """The JSON the routes answer: ``{rank, player_id, score, extra}``."""
        return {"rank": self.rank, "player_id": self.player_id, "score": self.score, "extra": self.extra}


@dataclass(frozen=True, slots=True)
class SubmitOutcome:
    """After a submission: the player's best entry on the board, and whether this score became it."""

    entry: RankedScore
    improved: bool


class LeaderboardStore(Protocol):
    """What the routes need (SQLite: :class:`SqliteLeaderboardStore`; PostgreSQL:
    :class:`~.pg_leaderboard_store.PgLeaderboardStore`). Both follow the rules of the module docstring."""

    async def submit(
        self,
        board: str,
        platform: str,
        player: str,
        score: int,
        extra: str | None,
        *,
        now: float | None = None,
    ) -> SubmitOutcome: ...

    async def top(
        self, board: str, platform: str, count: int, offset: int
    ) -> tuple[list[RankedScore], int]: ...

    async def close(self) -> None: ...


class SqliteLeaderboardStore:
    """Leaderboard rows in a SQLite file (the backend's ledger file; its own table).

    The caller validates board names, scores and extras (:mod:`gameport.backend.leaderboard_limits`); the
    store only stores and ranks.
    """

    def __init__(self, path: str | Path) -> None:
        self.db = SqliteDb(path)
        self.db.conn().executescript(SCHEMA)

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

        def run() -> SubmitOutcome:
            at = time.time() if now is None else now
            with self.db.write() as conn:
                changed = conn.execute(
                    "INSERT INTO leaderboard_scores (board, platform, player_id, score, extra, achieved_at)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (board, platform, player_id) DO UPDATE SET"
                    " score = excluded.score, extra = excluded.extra, achieved_at = excluded.achieved_at"
                    " WHERE excluded.score > leaderboard_scores.score",
                    (board, platform, player, score, extra, at),
                ).rowcount
                best, best_extra, best_at = conn.execute(
                    "SELECT score, extra, achieved_at FROM leaderboard_scores"
                    " WHERE board = ? AND platform = ? AND player_id = ?",
                    (board, platform, player),
                ).fetchone()
                ahead = conn.execute(_AHEAD, (board, platform, best, best, best_at, best_at, player))
                rank = int(ahead.fetchone()[0]) + 1
            return SubmitOutcome(RankedScore(rank, player, int(best), best_extra), improved=changed == 1)

        return await asyncio.to_thread(run)

    async def top(self, board: str, platform: str, count: int, offset: int) -> tuple[list[RankedScore], int]:
        """``count`` entries from position ``offset`` (0 = the best), and how many entries the board has.

        Both come from one read snapshot, so ranks and the total agree.
        """

        def run() -> tuple[list[RankedScore], int]:
            conn = self.db.conn()
            conn.execute("BEGIN")
            try:
                rows = conn.execute(
                    "SELECT player_id, score, extra FROM leaderboard_scores WHERE board = ? AND platform = ?"
                    " ORDER BY score DESC, achieved_at ASC, player_id ASC LIMIT ? OFFSET ?",
                    (board, platform, count, offset),
                ).fetchall()
                total = conn.execute(
                    "SELECT COUNT(*) FROM leaderboard_scores WHERE board = ? AND platform = ?",
                    (board, platform),
                ).fetchone()[0]
            finally:
                conn.execute("COMMIT")
            entries = [RankedScore(offset + i + 1, p, int(s), e) for i, (p, s, e) in enumerate(rows)]
            return entries, int(total)

        return await asyncio.to_thread(run)

    async def close(self) -> None:
        """Close every connection."""
        self.db.close()
