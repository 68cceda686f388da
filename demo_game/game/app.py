"""Coin Catch's loop: one bridge call per frame (``demoGame.frame``: draw this, give me the next input),
a small state machine (title, play, hit, over) and the buttons of each state."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from gameport import Capability, LifecycleEvent, platform
from gameport.bridge import default_bridge

from .services import Services, make_config
from .world import BG, GOLD, GREY, HEIGHT, PANEL, RED, WHITE, WIDTH, World

log = logging.getLogger("coin_catch")
LEFT_KEYS, RIGHT_KEYS = {"ArrowLeft", "a", "A"}, {"ArrowRight", "d", "D"}


class Game:
    def __init__(self) -> None:
        self.bridge = default_bridge()
        self.services = Services(on_change=self._changed)
        self.world = World()
        self.mode = "title"  # title | play | hit | over
        self.paused = False  # the platform hid or paused the game (lifecycle)
        self.muted = False
        self.revives = 0
        self.rounds = 0
        self.message = ""
        self.busy: str | None = None  # the button whose action is running
        self._tasks: set[asyncio.Task[None]] = set()
        self._buttons: list[list[str]] | None = None
        self._dirty = True
        self._last: float | None = None

    # -- start ----------------------------------------------------------------------------------------

    async def start(self) -> None:
        options = self.bridge.call_sync("demoGame.options")
        backend = options.get("backendUrl") if isinstance(options, dict) else None
        self.services.register()
        await platform.init(config=make_config(backend if isinstance(backend, str) else None))
        if platform.supports(Capability.LOADING_PROGRESS):
            await platform.set_loading_progress(1.0)
        await platform.ready()
        self.bridge.call_sync("demoGame.ready", platform.name.value)
        platform.lifecycle.on(LifecycleEvent.PAUSE, lambda _: self._set_paused(True))
        platform.lifecycle.on(LifecycleEvent.RESUME, lambda _: self._set_paused(False))
        platform.lifecycle.on(LifecycleEvent.MUTE, lambda _: self._set_muted(True))
        platform.lifecycle.on(LifecycleEvent.UNMUTE, lambda _: self._set_muted(False))
        await self.services.start()
        self.spawn(self.services.refresh_top())

    def _set_paused(self, paused: bool) -> None:
        self.paused = paused
        self._last = None  # no catch-up jump after a pause
        self._dirty = True

    def _set_muted(self, muted: bool) -> None:
        self.muted = muted

    def _changed(self) -> None:
        self._dirty = True

    def spawn(self, work: Coroutine[Any, Any, None], button: str | None = None) -> None:
        """Run a platform call without stopping the frames; one button action at a time."""

        async def run() -> None:
            try:
                await work
            except Exception:
                log.exception("action %s failed", button)
                self.message = "Something went wrong"
            finally:
                if button is not None:
                    self.busy = None
                self._dirty = True

        if button is not None:
            self.busy = button
        task = asyncio.ensure_future(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- the loop -------------------------------------------------------------------------------------

    async def run(self) -> None:
        await self.start()
        frame: Any = {"now": 0.0, "pointerX": None, "pressed": [], "held": [], "clicks": []}
        while True:
            self.update(frame)
            buttons = self.buttons()
            changed = buttons if buttons != self._buttons else None
            self._buttons = buttons
            # one bridge call per frame: draw this, then the input of the next animation frame
            frame = await self.bridge.call(
                "demoGame.frame", self.draw(), changed, self.snapshot(), timeout=None
            )

    def update(self, frame: dict[str, Any]) -> None:
        now = float(frame["now"]) / 1000
        dt = 0.0 if self._last is None else now - self._last
        self._last = now
        for key in frame["pressed"]:
            if key in ("p", "P", "Escape") and self.mode == "play":
                self.mode, self.message = "hit", "Paused"  # a manual pause: the hit screen, no ad
            elif key in (" ", "Enter"):
                self.press(self.default_button())
        for button in frame["clicks"]:
            self.press(button)
        if self.mode != "play" or self.paused:
            return
        held = set(frame["held"])
        direction = (1 if held & RIGHT_KEYS else 0) - (1 if held & LEFT_KEYS else 0)
        pointer = frame["pointerX"]
        self.world.steer(pointer if isinstance(pointer, int | float) else None, direction, dt)
        events = self.world.step(dt)
        if "coin" in events and not self.muted:
            self._sound = 880
        if "hit" in events:  # the last life too: the ad can still give one back
            self.world.clear_bombs()
            self.mode = "hit"
            lives = self.world.lives
            self.message = f"Boom! {lives} {'life' if lives == 1 else 'lives'} left"
            self.spawn(self.services.event("life_lost", {"lives": self.world.lives}))
        elif self.world.over:  # the time is up
            self._end_round()

    # -- buttons --------------------------------------------------------------------------------------

    def buttons(self) -> list[list[str]]:
        has = self.services.has
        out: list[list[str]] = []
        if self.mode == "title" or self.mode == "over":
            out.append(["play", "Play" if self.mode == "title" else "Play again"])
            if has(Capability.PURCHASES):
                out.append(["shop", "Buy 100 coins"])
            if self.mode == "over" and has(Capability.SHARE):
                out.append(["share", "Share score"])
            if has(Capability.SHORTCUT):
                out.append(["shortcut", "Add shortcut"])
            if has(Capability.REVISIT):
                out.append(["revisit", "Revisit reward"])
        elif self.mode == "hit":
            if has(Capability.REWARDED_AD) and self.message != "Paused":
                out.append(["revive", "Watch ad: +1 life"])
            out.append(["continue", "End round" if self.world.over else "Continue"])
        elif self.mode == "play":
            out.append(["pause", "Pause"])
        if self.busy is not None:
            out = [[id_, "…" if id_ == self.busy else label] for id_, label in out]
        return out

    def default_button(self) -> str:
        return {"title": "play", "over": "play", "hit": "continue", "play": ""}[self.mode]

    def press(self, button: str) -> None:
        if self.busy is not None or self.paused or button not in {b[0] for b in self.buttons()}:
            return
        self.message = ""
        if button == "play":
            self.spawn(self.new_round(), button)
        elif button == "pause":
            self.mode, self.message = "hit", "Paused"
        elif button == "continue":
            self._resume_round()
        elif button == "revive":
            self.spawn(self.revive(), button)
        elif button == "shop":
            self.spawn(self.shop(), button)
        elif button == "share":
            picture = self.bridge.call_sync("demoGame.picture")  # the round-over screen, for Meta
            image = picture if isinstance(picture, str) else None
            self.spawn(self.say(self.services.share(self.world.score, image)), button)
        elif button == "shortcut":
            self.spawn(self.say(self.services.add_shortcut()), button)
        elif button == "revisit":
            self.spawn(self.say(self.services.revisit()), button)

    def _resume_round(self) -> None:
        if self.world.over:
            self._end_round()
        else:
            self.mode, self._last = "play", None

    def _end_round(self) -> None:
        self.mode = "over"
        self.message = f"Round over: {self.world.score} coins"
        self.spawn(self.services.end_round(self.world.score, self.revives))

    async def new_round(self) -> None:
        if self.rounds > 0:
            await self.services.interstitial()  # between rounds only; pacing from the config
        self.rounds += 1
        self.world = World()
        self.revives = 0
        self.mode, self._last = "play", None
        await self.services.event("round_start", {"round": self.rounds})

    async def revive(self) -> None:
        why_not = await self.services.rewarded_life()
        if why_not is None:
            self.world.extra_life()
            self.revives += 1
            self.message = f"+1 life! {self.world.lives} lives"
            await self.services.event("revive", {"lives": self.world.lives})
        else:
            self.message = f"No reward ({why_not})"

    async def shop(self) -> None:
        self.message = await self.services.buy_coins()

    async def say(self, work: Coroutine[Any, Any, str]) -> None:
        self.message = await work

    # -- drawing --------------------------------------------------------------------------------------

    _sound: int | None = None

    def draw(self) -> list[list[object]]:
        out = self.world.draw() if self.mode in ("play", "hit", "over") else [["r", 0, 0, WIDTH, HEIGHT, BG]]
        s = self.services
        out.append(["t", 12, HEIGHT - 14, f"Coins {s.coins}   Best {s.best}", GOLD, 15, "left"])
        if self._sound is not None:
            out.append(["s", self._sound])
            self._sound = None
        if self.mode == "title":
            out.append(["t", WIDTH / 2, 110, "COIN CATCH", GOLD, 40, "center"])
            out.append(["t", WIDTH / 2, 160, "Catch coins, dodge bombs", WHITE, 18, "center"])
            out.append(["t", WIDTH / 2, 188, "mouse / touch / ← →", GREY, 15, "center"])
        if self.mode in ("title", "over") and s.top:
            out.append(["r", 40, 250, WIDTH - 80, 30 + 26 * len(s.top), PANEL])
            out.append(["t", WIDTH / 2, 266, "Top 5", WHITE, 16, "center"])
            for i, (rank, player, score) in enumerate(s.top):
                me = "  (you)" if player == s.player_id else ""
                out.append(["t", 56, 292 + 26 * i, f"{rank}. {player[:14]}{me}", WHITE, 14, "left"])
                out.append(["t", WIDTH - 56, 292 + 26 * i, str(score), GOLD, 14, "right"])
        if self.mode == "over":
            out.append(["t", WIDTH / 2, 200, "ROUND OVER", WHITE, 30, "center"])
        if self.paused:
            out.append(["r", 0, HEIGHT / 2 - 30, WIDTH, 60, PANEL])
            out.append(["t", WIDTH / 2, HEIGHT / 2, "Paused", WHITE, 26, "center"])
        elif self.message:
            colour = RED if "Boom" in self.message else WHITE
            out.append(["t", WIDTH / 2, HEIGHT / 2 + 60, self.message, colour, 17, "center"])
        return out

    def snapshot(self) -> dict[str, Any]:
        s = self.services
        return {
            "mode": self.mode,
            "paused": self.paused,
            "muted": self.muted,
            "message": self.message,
            "busy": self.busy,
            "rounds": self.rounds,
            "revives": self.revives,
            "coins": s.coins,
            "best": s.best,
            "player": s.player_id,
            "top": [list(t) for t in s.top],
            "platform": platform.name.value,
            **self.world.snapshot(),
        }


async def main() -> None:
    await Game().run()
