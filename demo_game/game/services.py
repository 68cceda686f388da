"""Everything Coin Catch asks of gameport, each call guarded so that a platform without the capability
(or a failing one) costs a hidden button or a message, never a crash."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

from gameport import (
    Capability,
    GameConfig,
    GameportError,
    Grant,
    PurchaseStatus,
    ShareContent,
    platform,
)

log = logging.getLogger("coin_catch")

PROGRESS_KEY = "coin_catch.progress"
BOARD = "coin_catch"
COINS_PRODUCT = "coins_100"
SHORTCUT_REWARD = REVISIT_REWARD = 50
PLACEMENTS = {"revive": "demo-revive-unit", "round_end": "demo-round-end-unit"}
ADS = {"interstitial_start_delay": 30, "interstitial_gap": 60}
TIMEOUTS = {"purchase_poll": 0.3, "purchase_confirm": 20}


def make_config(backend_url: str | None) -> GameConfig:
    """The game's configuration: ad placements and pacing everywhere, the backend when there is one."""
    block: dict[str, Any] = {"placements": PLACEMENTS, "ads": ADS, "timeouts": TIMEOUTS}
    if backend_url:
        block["backend_url"] = backend_url
    leaderboard = {"leaderboard_url": backend_url} if backend_url else {}
    platforms = {
        "tiktok": {"sandbox": {**block, **leaderboard, "client_key": "ck-demo-public"}},
        "meta": {"sandbox": block},
        "web": {"sandbox": {**block, **leaderboard}},
    }
    return GameConfig.from_json(json.dumps({"environment": "sandbox", "platforms": platforms}))


class Services:
    """The player's progress (best score, coins; kept in ``platform.storage``) and the platform features."""

    def __init__(self, on_change: Callable[[], None]) -> None:
        self.best = 0
        self.coins = 0
        self.claimed: list[str] = []  # one-time rewards already given ("shortcut", "revisit")
        self.player_id: str | None = None
        self.top: list[tuple[int, str, int]] = []  # (rank, player, score)
        self._on_change = on_change
        # platform.init() starts restoring purchases at once: a grant may arrive before the saved progress
        # is read, and adding it to the unread balance would be overwritten by the load (a lost purchase)
        self._loaded = asyncio.Event()

    # -- start ----------------------------------------------------------------------------------------

    def register(self) -> None:
        """Before ``platform.init()``: purchases restored at start are delivered too."""
        platform.payments.on_granted(self._granted)

    async def start(self) -> None:
        try:
            login = await platform.login()  # silent: the platform's own account, no dialog
            self.player_id = login.player_id
        except GameportError as exc:
            log.warning("playing as a guest: %s", exc)
        try:
            await self.load()
        finally:
            self._loaded.set()  # also when nothing could be loaded: the grant still counts this session

    def has(self, capability: Capability) -> bool:
        return platform.supports(capability)

    # -- progress -------------------------------------------------------------------------------------

    async def load(self) -> None:
        if not self.has(Capability.STORAGE):
            return
        try:
            saved = await platform.storage.get(PROGRESS_KEY)
        except GameportError as exc:
            log.warning("progress not loaded: %s", exc)
            return
        if isinstance(saved, dict):
            self.best = int(saved.get("best", 0))
            self.coins = int(saved.get("coins", 0))
            self.claimed = [str(x) for x in saved.get("claimed", [])]
        self._on_change()

    async def save(self) -> None:
        if not self.has(Capability.STORAGE):
            return
        progress = {"best": self.best, "coins": self.coins, "claimed": self.claimed}
        try:
            await platform.storage.set(PROGRESS_KEY, progress)
        except GameportError as exc:
            log.warning("progress not saved: %s", exc)

    async def add_coins(self, amount: int) -> None:
        self.coins += amount
        self._on_change()
        await self.save()

    async def _granted(self, grant: Grant) -> None:
        await self._loaded.wait()
        await self.add_coins(int(grant.items.get("coins", 0)))

    # -- ads ------------------------------------------------------------------------------------------

    async def rewarded_life(self) -> str | None:
        """Show the rewarded ad; None when it was watched to the end, else why not."""
        result = await platform.ads.show_rewarded("revive")
        if result.rewarded:
            return None
        return result.reason.value if result.reason else "not rewarded"

    async def interstitial(self) -> None:
        if self.has(Capability.INTERSTITIAL_AD):
            await platform.ads.show_interstitial("round_end")  # paced by the config (ADS)

    # -- shop -----------------------------------------------------------------------------------------

    async def buy_coins(self) -> str:
        try:
            result = await platform.payments.purchase(COINS_PRODUCT)
        except GameportError as exc:
            return f"Shop unavailable: {exc.code}"
        if result.status is PurchaseStatus.SUCCEEDED:
            return "Thanks! +100 coins"
        if result.status in (PurchaseStatus.PROCESSING, PurchaseStatus.TIMED_OUT):
            return "Payment is being confirmed"
        return f"Purchase {result.status.value}"

    # -- leaderboard, share, retention, analytics ----------------------------------------------------

    async def end_round(self, score: int, revives: int) -> None:
        if score > self.best:
            self.best = score
        self.coins += score
        self._on_change()
        await self.save()
        await self.event("round_end", {"score": score, "revives": revives})
        if self.has(Capability.LEADERBOARDS):
            try:
                mine = await platform.leaderboards.submit(BOARD, score)
                if mine is not None:
                    self.player_id = mine.player_id  # the backend's id of this player (top 5: "you")
                await self.refresh_top()
            except GameportError as exc:
                log.warning("leaderboard: %s", exc)

    async def refresh_top(self) -> None:
        if not self.has(Capability.LEADERBOARDS):
            return
        try:
            entries = await platform.leaderboards.top(BOARD, 5)
        except GameportError as exc:  # e.g. Meta: contextual boards only, none made for this game
            log.warning("leaderboard: %s", exc)
            return
        self.top = [(e.rank or i + 1, e.player_id, e.score) for i, e in enumerate(entries)]
        self._on_change()

    async def share(self, score: int, image: str | None = None) -> str:
        """Share the score; ``image`` (a base64 data: URL of the screen) is what Meta requires."""
        text = f"I caught {score} coins in Coin Catch! Beat that."
        content = ShareContent(text=text, title="Coin Catch", image=image)
        try:
            await platform.social.share(content)  # never rewarded: Meta cannot tell a cancel
        except GameportError as exc:
            return f"Not shared: {exc.code}"
        return "Shared"

    async def add_shortcut(self) -> str:
        try:
            added = (await platform.shortcut.add()).added
            if added and "shortcut" not in self.claimed and self.has(Capability.SHORTCUT_REWARD):
                if await platform.shortcut.reward_available():
                    self.claimed.append("shortcut")
                    await self.add_coins(SHORTCUT_REWARD)
                    return f"Shortcut added: +{SHORTCUT_REWARD} coins"
        except GameportError as exc:
            return f"No shortcut: {exc.code}"
        return "Shortcut added" if added else "No shortcut"

    async def revisit(self) -> str:
        try:
            await platform.revisit.start()
            if "revisit" not in self.claimed and await platform.revisit.reward_available():
                self.claimed.append("revisit")
                await self.add_coins(REVISIT_REWARD)
                return f"Revisit reward: +{REVISIT_REWARD} coins"
        except GameportError as exc:
            return f"No revisit: {exc.code}"
        return "Open the game from your profile next time for a reward"

    async def event(self, name: str, params: dict[str, Any]) -> None:
        if self.has(Capability.ANALYTICS):
            try:
                await platform.analytics.log(name, params)
            except GameportError as exc:
                log.warning("analytics: %s", exc)
