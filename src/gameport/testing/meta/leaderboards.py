"""The leaderboards of the host Meta fake, like the leaderboard part of ``js_bridge/mocks/fbinstant.js``.

Boards come from the ``leaderboards`` knob (``{"name.ctx": {"entries": [...], "contextID": ...}}``); a name
not in it answers ``LEADERBOARD_NOT_FOUND`` (global boards were removed). A board belongs to the context
named by its ``contextID``, else by the part of its name after the last dot (no dot: any context);
``setScoreAsync`` outside that context fails ``LEADERBOARD_WRONG_CONTEXT``. Entries rank by score, higher
first, earlier first on a tie; a player keeps their best score. Step keys: ``leaderboard.setScoreAsync``,
``leaderboard.getEntriesAsync``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from gameport.errors import JsPathError
from gameport.testing.calls import SdkFailure
from gameport.testing.meta.core import Answer, MetaCore, fail
from gameport.values import Json, JsonObject

ENTRY_FIELDS: Final = {"getScore": "score", "getRank": "rank", "getExtraData": "extraData"}
"""LeaderboardEntry getters and the field of the entry object each one reads."""


def _count(value: Json) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _text(value: Json) -> str | None:
    return value if isinstance(value, str) else None


@dataclass
class _Row:
    player: str
    score: int
    extra: str | None
    t: int


def _show(board: list[_Row]) -> list[JsonObject]:
    ranked = sorted(board, key=lambda r: (-r.score, r.t))
    return [
        {
            "__fb": "LeaderboardEntry",
            "playerId": r.player,
            "score": r.score,
            "rank": i + 1,
            "extraData": r.extra,
        }
        for i, r in enumerate(ranked)
    ]


class FakeMetaLeaderboards:
    """The leaderboards of one :class:`~gameport.testing.meta.FakeMeta`, read from its scenario on first
    use."""

    def __init__(self, fake: MetaCore) -> None:
        self._fake = fake
        self._boards: dict[str, list[_Row]] = {}

    def board_object(self, name: Json) -> Json:
        """What ``getLeaderboardAsync(name)`` resolves to (the value its handle keeps).

        Raises:
            SdkFailure: ``LEADERBOARD_NOT_FOUND`` when the scenario has no such board.
        """
        if not isinstance(name, str) or self._board(name) is None:
            raise fail("LEADERBOARD_NOT_FOUND", f"leaderboard {name} not found (global boards were removed)")
        return {"__fb": "Leaderboard", "name": name}

    def member(self, path: str, obj: Json, name: str, args: tuple[Json, ...]) -> Answer:
        """``getPlayer`` of an entry ``obj``, or ``setScoreAsync`` / ``getEntriesAsync`` of a Leaderboard.

        Raises:
            JsPathError: ``obj`` has no such member (``path`` is the full member path, for the message).
        """
        if isinstance(obj, dict) and name == "getPlayer" and "playerId" in obj:
            return {"__fb": "Player", "id": obj["playerId"]}
        board_name = (
            str(obj.get("name")) if isinstance(obj, dict) and obj.get("__fb") == "Leaderboard" else ""
        )
        board = self._board(board_name)
        if board is None or name not in ("setScoreAsync", "getEntriesAsync"):
            raise JsPathError(f"{path} does not exist (or is not emulated)", path=path)
        first, second = (*args, None, None)[:2]
        api = f"leaderboard.{name}"
        if name == "getEntriesAsync":
            count, offset = _count(10 if first is None else first), _count(0 if second is None else second)

            def window() -> Json:
                return list[Json](_show(board)[offset or 0 :][: min(count or 0, 100)])

            bad_window = (count is None or offset is None) and "count"
            return self._fake.promise(api, window, gate=False, pre=bad_window)
        fake = self._fake
        ctx, here = self._context_of(board_name), fake.scenario["contextId"] if fake.started else None
        extra = _text(second)
        bad: SdkFailure | str | bool = (
            not isinstance(first, int) or isinstance(first, bool) or extra != second
        )
        if bad:
            bad = "score or extraData"
        elif ctx is not None and ctx != here:
            bad = fail("LEADERBOARD_WRONG_CONTEXT", f"leaderboard {board_name} belongs to context {ctx}")

        def submit() -> Json:
            me, value = str(fake.scenario["playerId"]), int(str(first))
            row = next((r for r in board if r.player == me), None)
            if row is None:
                board.append(_Row(me, value, extra, len(board)))
            elif value > row.score:
                row.score, row.extra = value, extra
            return next(e for e in _show(board) if e["playerId"] == me)

        return fake.promise(api, submit, gate=False, pre=bad)

    def _board(self, name: str) -> list[_Row] | None:
        config = self._fake.scenario["leaderboards"]
        if name not in self._boards and isinstance(config, dict | list) and name in config:
            one = config.get(name) if isinstance(config, dict) else None
            rows = one.get("entries") if isinstance(one, dict) else None
            self._boards[name] = [
                _Row(str(r["playerId"]), int(str(r["score"])), _text(r.get("extraData")), i)
                for i, r in enumerate(rows if isinstance(rows, list) else [])
                if isinstance(r, dict)
            ]
        return self._boards.get(name)

    def _context_of(self, name: str) -> Json:
        config, dot = self._fake.scenario["leaderboards"], name.rfind(".")
        one = config.get(name) if isinstance(config, dict) else None
        if isinstance(one, dict) and "contextID" in one:
            return one["contextID"]
        return name[dot + 1 :] if dot > 0 else None
