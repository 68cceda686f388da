"""The rules of Coin Catch: catch the falling coins, dodge the bombs, 3 lives, rounds of 40 seconds.

Pure Python with no I/O: :class:`World` advances by ``step(dt, ...)`` and describes itself as draw commands
(see screen.js for their format), so it runs and is tested on CPython as well as in Pyodide.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

WIDTH, HEIGHT = 360, 540
GROUND = HEIGHT - 40
BASKET_W, BASKET_H = 70, 16
ROUND_SECONDS = 40.0
START_LIVES = 3
BASKET_SPEED = 420.0  # px/s with the arrow keys
# colour indexes of screen.js
BG, GOLD, RED, BLUE, WHITE, GREY, PANEL, GREEN = range(8)


@dataclass
class Item:
    kind: str  # "coin" | "bomb"
    x: float
    y: float
    speed: float

    @property
    def radius(self) -> float:
        return 11.0 if self.kind == "coin" else 14.0


@dataclass
class World:
    """One round. ``events`` collects what happened in the last step ("coin", "hit"); ``over`` says when
    the round is over (no life left, or no time)."""

    seed: int | None = None
    basket_x: float = WIDTH / 2
    score: int = 0
    lives: int = START_LIVES
    elapsed: float = 0.0
    items: list[Item] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    _spawn_in: float = 0.4
    _rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    @property
    def time_left(self) -> float:
        return max(0.0, ROUND_SECONDS - self.elapsed)

    @property
    def over(self) -> bool:
        return self.lives <= 0 or self.time_left <= 0

    def steer(self, pointer_x: float | None, direction: int, dt: float) -> None:
        """Follow the pointer (mouse, touch) or move by the keys' ``direction`` (-1, 0, 1)."""
        if direction:
            self.basket_x += direction * BASKET_SPEED * dt
        elif pointer_x is not None:
            self.basket_x = pointer_x
        half = BASKET_W / 2
        self.basket_x = min(WIDTH - half, max(half, self.basket_x))

    def step(self, dt: float) -> list[str]:
        """Advance by ``dt`` seconds (clamped, so a stalled tab does not teleport anything)."""
        self.events = []
        if self.over:
            return self.events
        dt = min(dt, 0.05)
        self.elapsed += dt
        self._spawn_in -= dt
        if self._spawn_in <= 0:
            self._spawn()
        kept = []
        for item in self.items:
            item.y += item.speed * dt
            if self._caught(item):
                if item.kind == "coin":
                    self.score += 1
                    self.events.append("coin")
                else:
                    self.lives -= 1
                    self.events.append("hit")
            elif item.y - item.radius < HEIGHT:
                kept.append(item)
        self.items = kept
        return self.events

    def extra_life(self) -> None:
        self.lives += 1

    def clear_bombs(self) -> None:
        """After a hit: a fair restart, no bomb already on its way down."""
        self.items = [item for item in self.items if item.kind == "coin"]

    def _spawn(self) -> None:
        progress = self.elapsed / ROUND_SECONDS
        bomb = self._rng.random() < 0.3 + 0.2 * progress
        speed = self._rng.uniform(150, 220) * (1 + progress)
        x = self._rng.uniform(20, WIDTH - 20)
        self.items.append(Item("bomb" if bomb else "coin", x, -20.0, speed))
        self._spawn_in = self._rng.uniform(0.35, 0.7) * (1 - 0.4 * progress)

    def _caught(self, item: Item) -> bool:
        top = GROUND - BASKET_H / 2
        return (
            top - item.radius <= item.y <= GROUND + BASKET_H / 2
            and abs(item.x - self.basket_x) <= BASKET_W / 2 + item.radius * 0.5
        )

    def draw(self) -> list[list[object]]:
        out: list[list[object]] = [["r", 0, 0, WIDTH, HEIGHT, BG], ["r", 0, GROUND + 12, WIDTH, 28, PANEL]]
        for item in self.items:
            x, y = round(item.x), round(item.y)
            if item.kind == "coin":
                out += [["c", x, y, 11, GOLD], ["t", x, y + 1, "$", BG, 13, "center"]]
            else:
                out += [["c", x, y, 14, RED], ["r", x - 2, y - 20, 4, 7, WHITE]]
        left = round(self.basket_x - BASKET_W / 2)
        out.append(["r", left, GROUND - BASKET_H // 2, BASKET_W, BASKET_H, BLUE])
        out.append(["t", 12, 20, f"Score {self.score}", WHITE, 18, "left"])
        out.append(["t", WIDTH / 2, 20, f"{self.time_left:0.0f}s", GREY, 16, "center"])
        out.append(["t", WIDTH - 12, 20, "♥" * max(self.lives, 0), RED, 18, "right"])
        return out

    def snapshot(self) -> dict[str, object]:
        return {
            "score": self.score,
            "lives": self.lives,
            "elapsed": round(self.elapsed, 3),
            "basket_x": round(self.basket_x, 1),
            "items": [[item.kind, round(item.x, 1), round(item.y, 1)] for item in self.items],
        }
