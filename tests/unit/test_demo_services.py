"""The demo game's services (demo_game/game/services.py) on CPython: a purchase restored at start, granted
while the saved progress is still being read, is added to the saved balance, not lost to the load."""

from __future__ import annotations

import asyncio
from typing import Any

from gameport import Grant, LoginResult

from .demo_modules import load_demo_module


class _Storage:
    """Platform storage whose reads wait until ``release`` is set (the slow read at start)."""

    def __init__(self, saved: dict[str, Any]) -> None:
        self.saved = saved
        self.release = asyncio.Event()
        self.reading = asyncio.Event()

    async def get(self, key: str) -> Any:
        self.reading.set()
        await self.release.wait()
        return self.saved.get(key)

    async def set(self, key: str, value: Any) -> None:
        self.saved[key] = value


class _Payments:
    def __init__(self) -> None:
        self.handlers: list[Any] = []

    def on_granted(self, handler: Any) -> None:
        self.handlers.append(handler)


class _Platform:
    """What Services asks of ``gameport.platform`` at start: login, storage, payments, supports."""

    def __init__(self, storage: _Storage) -> None:
        self.storage, self.payments = storage, _Payments()

    async def login(self) -> LoginResult:
        return LoginResult("tiktok", None, "code-1", "tiktok_code")

    def supports(self, capability: Any) -> bool:
        return True


def test_a_grant_restored_while_the_progress_is_read_adds_to_the_saved_balance(monkeypatch: Any) -> None:
    services = load_demo_module("services")
    key = services.PROGRESS_KEY

    async def scenario() -> tuple[int, Any]:
        storage = _Storage({key: {"best": 7, "coins": 100, "claimed": []}})
        fake = _Platform(storage)
        monkeypatch.setattr(services, "platform", fake)
        game = services.Services(on_change=lambda: None)
        game.register()
        starting = asyncio.ensure_future(game.start())
        await storage.reading.wait()  # the load is reading the saved progress ...
        grant = Grant("order-1", services.COINS_PRODUCT, {"coins": 100}, "tiktok", "sandbox")
        granting = asyncio.ensure_future(fake.payments.handlers[0](grant))  # ... when the restore delivers
        await asyncio.sleep(0)
        storage.release.set()
        await asyncio.gather(starting, granting)
        return game.coins, storage.saved[key]

    coins, saved = asyncio.run(scenario())
    assert coins == 200
    assert saved == {"best": 7, "coins": 200, "claimed": []}


def test_a_grant_still_counts_when_the_progress_cannot_be_loaded(monkeypatch: Any) -> None:
    services = load_demo_module("services")

    async def scenario() -> int:
        storage = _Storage({})
        storage.release.set()
        fake = _Platform(storage)
        monkeypatch.setattr(services, "platform", fake)
        game = services.Services(on_change=lambda: None)
        game.register()
        grant = Grant("order-2", services.COINS_PRODUCT, {"coins": 100}, "tiktok", "sandbox")
        granting = asyncio.ensure_future(fake.payments.handlers[0](grant))
        await game.start()
        await granting
        return int(game.coins)

    assert asyncio.run(scenario()) == 100
