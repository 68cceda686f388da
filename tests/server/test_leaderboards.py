"""Leaderboards and the web dev login on the reference backend, over real HTTP to the backend process."""

from __future__ import annotations

import json
import random
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from server_stack import ServerProcess, Stack

from gameport.backend.leaderboard_limits import MAX_SCORE


def _web_login(stack: Stack, player_id: str) -> str:
    answer = stack.post(f"{stack.backend.url}/api/web/login", {"token": f"web-dev.{player_id}"})
    assert answer["player_id"] == player_id and answer["session"].startswith("gps_")
    session: str = answer["session"]
    return session


def _scores(stack: Stack, board: str) -> str:
    return f"{stack.backend.url}/api/leaderboards/{board}/scores"


def _submit(stack: Stack, session: str, board: str, score: int, extra: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"score": score} if extra is None else {"score": score, "extra": extra}
    result: dict[str, Any] = stack.post(_scores(stack, board), body, session)
    return result


def _refusal(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_best_score_is_kept_and_ranked(stack: Stack) -> None:
    ann, bob, cat = (_web_login(stack, name) for name in ("ann", "bob", "cat"))
    first = _submit(stack, ann, "weekly", 50, "hat")
    assert first == {
        "board": "weekly", "improved": True,
        "entry": {"rank": 1, "player_id": "ann", "score": 50, "extra": "hat"},
    }  # fmt: skip
    assert _submit(stack, bob, "weekly", 70)["entry"]["rank"] == 1
    lower = _submit(stack, ann, "weekly", 20, "cap")
    assert lower["improved"] is False
    assert lower["entry"] == {"rank": 2, "player_id": "ann", "score": 50, "extra": "hat"}
    equal = _submit(stack, ann, "weekly", 50, "cap")
    assert (equal["improved"], equal["entry"]["extra"]) == (False, "hat")
    # cat ties with ann but reached 50 later, so ann stays ahead
    assert _submit(stack, cat, "weekly", 50)["entry"]["rank"] == 3
    board = stack.get(_scores(stack, "weekly"), cat)
    assert board == {
        "board": "weekly", "total": 3,
        "entries": [
            {"rank": 1, "player_id": "bob", "score": 70, "extra": None},
            {"rank": 2, "player_id": "ann", "score": 50, "extra": "hat"},
            {"rank": 3, "player_id": "cat", "score": 50, "extra": None},
        ],
    }  # fmt: skip
    better = _submit(stack, cat, "weekly", 90, "crown")
    assert better["improved"] is True and better["entry"]["rank"] == 1
    page = stack.get(_scores(stack, "weekly") + "?count=2&offset=1", ann)
    assert [(e["rank"], e["player_id"]) for e in page["entries"]] == [(2, "bob"), (3, "ann")]
    assert page["total"] == 3
    assert stack.get(_scores(stack, "weekly") + "?offset=3", ann)["entries"] == []
    assert stack.get(_scores(stack, "other"), ann) == {"board": "other", "total": 0, "entries": []}


def test_boards_are_per_platform(stack: Stack) -> None:
    web = _web_login(stack, "same-id")
    tiktok, open_id = stack.tiktok_login("same-id")
    assert open_id == "same-id"
    _submit(stack, web, "main", 10)
    _submit(stack, tiktok, "main", 5)
    assert [e["score"] for e in stack.get(_scores(stack, "main"), web)["entries"]] == [10]
    assert [e["score"] for e in stack.get(_scores(stack, "main"), tiktok)["entries"]] == [5]


def test_extreme_scores_round_trip_exactly(stack: Stack) -> None:
    session = _web_login(stack, "edge")
    assert _submit(stack, session, "neg", -MAX_SCORE)["entry"]["score"] == -MAX_SCORE
    assert _submit(stack, session, "neg", MAX_SCORE)["entry"]["score"] == MAX_SCORE
    assert _submit(stack, session, "neg", 0)["improved"] is False
    extra = "é" * 1024  # 2048 bytes of UTF-8: the largest accepted
    assert _submit(stack, session, "x", 1, extra)["entry"]["extra"] == extra


@pytest.mark.parametrize(
    ("board", "body", "refusal"),
    [
        ("main", {"score": 1.5}, "bad_score"),
        ("main", {"score": True}, "bad_score"),
        ("main", {"score": "10"}, "bad_score"),
        ("main", {}, "bad_score"),
        ("main", {"score": MAX_SCORE + 1}, "bad_score"),
        ("main", {"score": -MAX_SCORE - 1}, "bad_score"),
        ("main", {"score": 1, "extra": 5}, "bad_extra"),
        ("main", {"score": 1, "extra": "é" * 1025}, "bad_extra"),
        ("-starts-with-dash", {"score": 1}, "bad_board"),
        ("b" * 65, {"score": 1}, "bad_board"),
        ("sp%20ace", {"score": 1}, "bad_board"),
        ("caf%C3%A9", {"score": 1}, "bad_board"),
    ],
)
def test_bad_submissions_are_refused_with_a_typed_400(
    stack: Stack, board: str, body: dict[str, Any], refusal: str
) -> None:
    session = _web_login(stack, "checker")
    response = stack.http.post(
        _scores(stack, board), json=body, headers={"Authorization": f"Bearer {session}"}
    )
    assert _refusal(response) == (400, refusal)
    assert stack.get(_scores(stack, "main"), session)["total"] == 0


@pytest.mark.parametrize(
    ("query", "refusal"),
    [("count=0", "bad_count"), ("count=101", "bad_count"), ("count=x", "bad_count"),
     ("count=-1", "bad_count"), ("offset=-1", "bad_offset"), ("offset=100001", "bad_offset"),
     ("offset=1.5", "bad_offset"), ("count=%D9%A3", "bad_count")],
)  # fmt: skip
def test_bad_reads_are_refused_with_a_typed_400(stack: Stack, query: str, refusal: str) -> None:
    session = _web_login(stack, "reader")
    response = stack.http.get(
        f"{_scores(stack, 'main')}?{query}", headers={"Authorization": f"Bearer {session}"}
    )
    assert _refusal(response) == (400, refusal)


def test_leaderboards_need_a_session(stack: Stack) -> None:
    for headers in ({}, {"Authorization": "Bearer gps_forged"}, {"Authorization": "Basic x"}):
        assert _refusal(stack.http.get(_scores(stack, "main"), headers=headers)) == (401, "unauthorized")
        posted = stack.http.post(_scores(stack, "main"), json={"score": 1}, headers=headers)
        assert _refusal(posted) == (401, "unauthorized")
    bad_json = stack.http.post(
        _scores(stack, "main"), content=b"{", headers={"Authorization": f"Bearer {_web_login(stack, 'j')}"}
    )
    assert _refusal(bad_json) == (400, "bad_json")


@pytest.mark.parametrize(
    "token", ["web-dev.", "web-dev.a/b", "web.dev.x", "dev.x", "web-dev." + "a" * 65, ""]
)
def test_web_login_refuses_malformed_tokens(stack: Stack, token: str) -> None:
    response = stack.http.post(f"{stack.backend.url}/api/web/login", json={"token": token})
    assert response.status_code == 400
    assert response.json()["error"]["code"] in {"bad_token", "bad_field"}


def test_web_login_is_refused_in_production(stack: Stack) -> None:
    production = stack.tmp / "production.json"
    production.write_text(json.dumps({**stack.config, "environment": "production"}))
    backend = ServerProcess(
        ["backend", "--port", "0", "--db", str(stack.tmp / "prod.sqlite3"), "--config", str(production)]
    ).start()
    try:
        response = stack.http.post(f"{backend.url}/api/web/login", json={"token": "web-dev.someone"})
        assert _refusal(response) == (403, "dev_login_disabled")
        assert stack.http.get(f"{backend.url}/api/health").json()["environment"] == "production"
    finally:
        assert backend.stop() == 0


def test_concurrent_submissions_keep_exactly_each_players_best(stack: Stack) -> None:
    players = [f"p{i}" for i in range(8)]
    sessions = {p: _web_login(stack, p) for p in players}
    rng = random.Random(7)
    plan = [(p, rng.randint(-1000, 1000)) for p in players for _ in range(25)]
    rng.shuffle(plan)

    def send(item: tuple[str, int]) -> dict[str, Any]:
        player, score = item
        with httpx.Client(timeout=60) as client:
            response = client.post(
                _scores(stack, "race"), json={"score": score, "extra": str(score)},
                headers={"Authorization": f"Bearer {sessions[player]}"},
            )  # fmt: skip
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(send, plan))
    best = {p: max(s for q, s in plan if q == p) for p in players}
    for (player, score), answer in zip(plan, answers, strict=True):
        assert answer["entry"]["score"] >= score and answer["entry"]["player_id"] == player
    assert {a["entry"]["player_id"] for a in answers if a["improved"]} == set(players)
    board = stack.get(_scores(stack, "race") + "?count=100", sessions["p0"])
    entries = board["entries"]
    assert board["total"] == len(players)
    assert {e["player_id"]: e["score"] for e in entries} == best
    assert all(e["extra"] == str(e["score"]) for e in entries)
    assert [e["score"] for e in entries] == sorted(best.values(), reverse=True)
    assert [e["rank"] for e in entries] == list(range(1, len(players) + 1))
