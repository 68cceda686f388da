"""The demo game's rules (demo_game/game/world.py, pure Python) on CPython, and the URL `build.py demo`
prints."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..build_script import load_build_script
from .demo_modules import load_demo_module


def _world_module() -> Any:
    return load_demo_module("world")


def test_coins_score_bombs_cost_a_life_and_the_round_ends_without_lives() -> None:
    w = _world_module()
    world = w.World(seed=1)
    world.items = [w.Item("coin", world.basket_x, w.GROUND - 20, 200.0)]
    assert world.step(0.05) == ["coin"] and world.score == 1 and world.items == []
    for lives_left in (2, 1, 0):
        world.items = [w.Item("bomb", world.basket_x, w.GROUND - 20, 200.0)]
        assert world.step(0.05) == ["hit"] and world.lives == lives_left
    assert world.over and world.step(0.05) == [] and world.elapsed < 1
    world.extra_life()
    assert not world.over and world.lives == 1


def test_items_missed_fall_away_and_time_ends_the_round() -> None:
    w = _world_module()
    world = w.World(seed=2)
    world.basket_x = 40
    world.items = [w.Item("bomb", 300.0, w.HEIGHT - 5, 400.0)]
    world.step(0.05)
    assert all(item.y < w.HEIGHT for item in world.items) and world.lives == w.START_LIVES
    world.elapsed = w.ROUND_SECONDS - 0.01
    world.items = []
    world.step(0.05)
    assert world.over and world.time_left == 0 and world.lives == w.START_LIVES


def test_steering_follows_the_pointer_or_the_keys_within_the_screen() -> None:
    w = _world_module()
    world = w.World()
    world.steer(100.0, 0, 0.016)
    assert world.basket_x == 100.0
    world.steer(100.0, 1, 0.1)  # a held key wins over the pointer
    assert world.basket_x == 100.0 + w.BASKET_SPEED * 0.1
    world.steer(-500.0, 0, 0.016)
    assert world.basket_x == w.BASKET_W / 2
    kinds = {command[0] for command in world.draw()}
    assert kinds <= {"r", "c", "t"} and world.snapshot()["lives"] == w.START_LIVES


def test_demo_url_names_the_mock_backend_and_platform_server() -> None:
    build = load_build_script()
    url = build.demo_url("http://127.0.0.1:8000", "tiktok", "http://127.0.0.1:1", "http://127.0.0.1:2")
    parts = urlsplit(url)
    assert parts.path == "/index.html"
    assert parse_qs(parts.query) == {
        "mock": ["tiktok"], "backend": ["http://127.0.0.1:1"], "platform_url": ["http://127.0.0.1:2"],
    }  # fmt: skip
    assert "mock" not in parse_qs(urlsplit(build.demo_url("http://h", "web", "b", "m")).query)
