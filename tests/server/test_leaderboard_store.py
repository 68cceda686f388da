"""Property test of the leaderboard stores (SQLite and PostgreSQL) against a plain-Python model of their rules
(best kept, ranking)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gameport.server.leaderboard_store import LeaderboardStore, RankedScore, SqliteLeaderboardStore
from gameport.server.stores import open_stores

_boards = itertools.count()

submissions = st.lists(
    st.tuples(
        st.sampled_from(["web", "tiktok"]),
        st.sampled_from(["a", "b", "c", "d"]),
        st.integers(-5, 5),  # a narrow range, so ties and repeats are common
        st.none() | st.text(max_size=3),
        st.integers(0, 3),  # the clock: equal times happen too
    ),
    max_size=25,
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[asyncio.Runner, LeaderboardStore]]:
    if request.param == "sqlite":
        db = str(tmp_path_factory.mktemp("boards") / "ledger.sqlite3")
    else:
        db = request.getfixturevalue("pg").new_database()
    with asyncio.Runner() as runner:
        opened = open_stores(db).leaderboards
        yield runner, opened
        runner.run(opened.close())


def _model_order(rows: dict[str, tuple[int, str | None, float]]) -> list[RankedScore]:
    ordered = sorted(rows.items(), key=lambda kv: (-kv[1][0], kv[1][2], kv[0]))
    return [RankedScore(i + 1, player, score, extra) for i, (player, (score, extra, _)) in enumerate(ordered)]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=submissions, count=st.integers(1, 6), offset=st.integers(0, 5))
def test_store_follows_the_documented_rules(
    store: tuple[asyncio.Runner, LeaderboardStore],
    plan: list[tuple[str, str, int, str | None, int]],
    count: int,
    offset: int,
) -> None:
    runner, boards = store
    board = f"b{next(_boards)}"  # a fresh board per example, in one shared file
    model: dict[str, dict[str, tuple[int, str | None, float]]] = {"web": {}, "tiktok": {}}
    for platform, player, score, extra, clock in plan:
        rows = model[platform]
        improved = player not in rows or score > rows[player][0]
        if improved:
            rows[player] = (score, extra, float(clock))
        outcome = runner.run(boards.submit(board, platform, player, score, extra, now=float(clock)))
        expected = next(e for e in _model_order(rows) if e.player_id == player)
        assert (outcome.entry, outcome.improved) == (expected, improved)
    for platform, rows in model.items():
        entries, total = runner.run(boards.top(board, platform, count, offset))
        assert total == len(rows)
        assert entries == _model_order(rows)[offset : offset + count]


def test_a_second_store_on_the_same_file_sees_the_same_board(tmp_path: Path) -> None:
    async def scenario() -> tuple[list[RankedScore], int]:
        first, second = SqliteLeaderboardStore(tmp_path / "l.db"), SqliteLeaderboardStore(tmp_path / "l.db")
        try:
            await first.submit("m", "web", "x", 3, None)
            await second.submit("m", "web", "y", 4, "e")
            return await first.top("m", "web", 10, 0)
        finally:
            await first.close()
            await second.close()

    assert asyncio.run(scenario()) == ([RankedScore(1, "y", 4, "e"), RankedScore(2, "x", 3, None)], 2)
