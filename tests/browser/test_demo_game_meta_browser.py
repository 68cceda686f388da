"""The demo game (Coin Catch) on the FBInstant mock through real clicks and keys, with the reference backend
and the mock platform server as real processes (the plugin's ``gameport_game``): Meta's signed login, a
rewarded ad for a lost life, a purchase granted once (also when the page reloads after the pay sheet
succeeded and the backend granted, before the game heard of it), share, pause, and what the game does with
Meta's contextual-only leaderboards.
"""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Route
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from gameport.testing.game_harness import GameUnderTest

from .demo_player import TITLE, Player

STEPS = 600  # at most this many short looks while waiting on the backend's database


def grants_of(game: GameUnderTest, player: str) -> list[tuple[str, dict[str, Any]]]:
    rows = game.rows("SELECT product_id, items FROM grants WHERE platform = 'meta' AND user_id = ?", player)
    return [(product, json.loads(items)) for product, items in rows]


def test_coin_catch_on_meta_login_revive_shop_share_pause_and_the_contextual_leaderboard(
    gameport_game: GameUnderTest,
) -> None:
    me = "meta-coin-catcher"
    page = gameport_game.open("meta", scenario={"playerId": me, "purchaseIdPrefix": "play"}, ready=TITLE)
    player = Player(gameport_game, page)
    s = player.state()
    # the silent login: Meta's signed player info, checked by the backend (nonce + signature)
    assert s["platform"] == "meta" and s["player"] == me
    assert page.evaluate("() => __gpMock.callsTo('player.getSignedPlayerInfoAsync').length") >= 1
    # Meta has a shortcut but no revisit mission: that button is hidden, not broken
    assert {"play", "shop", "shortcut"} <= player.buttons() and "revisit" not in player.buttons()
    player.shot("title")

    # the shop: purchaseAsync in the mock (signed by the mock server), verified and granted by the backend,
    # consumed only after the grant
    coins, s = player.buy_100_coins()
    assert grants_of(gameport_game, me) == [("coins_100", {"coins": 100})]
    assert page.evaluate("() => __gpMock.callsTo('payments.consumePurchaseAsync').length") == 1
    assert player.saved_progress()["coins"] == coins + 100

    # a round; a bomb costs a life; Meta's rewarded video gives it back
    player.start_round()
    player.chase("coin", lambda s: s["score"] >= 1)
    player.shot("playing")
    lives, s = player.lose_a_life()
    assert s["lives"] == lives - 1 and "revive" in player.buttons()
    s = player.revive(ad="rewarded.showAsync")
    assert s["lives"] == lives and s["message"] == f"+1 life! {lives} lives"
    assert page.evaluate("() => __gpMock.callsTo('getRewardedVideoAsync').length") == 1

    # back in the round with the keyboard: Space presses "Continue", the arrow keys steer
    page.keyboard.press("Space")
    player.steer("ArrowRight")

    # Meta's onPause (the game went to the background): frozen until the page shows again (Meta has no
    # onResume; gameport resumes on the page's visibilitychange)
    assert page.evaluate("() => __gpMock.fire('onPause')") >= 1
    paused = player.stays_paused()
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    player.resumed(paused)

    # the round ends; Meta's leaderboards are contextual only and this solo session has none: the game asks
    # Meta for its board, gets no board, shows no top 5 and keeps going; nothing goes to the game backend
    s = player.lose_every_life(until="s.coins > 0 && s.best === s.score")
    player.wait(f"s.coins === {coins + 100 + s['score']}")
    page.wait_for_function("() => __gpMock.callsTo('getLeaderboardAsync').length > 0")
    player.next_frames(10)
    assert player.state()["top"] == []
    console = gameport_game.console(page)
    warned = [m for m in console if "leaderboard: leaderboards is not supported on meta" in m]
    assert warned and "only contextual boards" in warned[-1], console
    assert gameport_game.rows("SELECT * FROM leaderboard_scores WHERE platform = 'meta'") == []
    events = page.evaluate("() => __gpMock.callsTo('logEvent').map((c) => c.args[0])")
    assert {"round_start", "life_lost", "revive", "round_end"} <= set(events), events

    # share: Meta cannot say whether the player cancelled, so the game never rewards it
    assert "share" in player.buttons()
    player.click("share")
    s = player.wait("s.busy === null && !s.message.startsWith('Round over')")
    assert s["message"] == "Shared", gameport_game.console(page)
    assert page.evaluate("() => __gpMock.callsTo('shareAsync').length") == 1
    player.shot("over")

    assert grants_of(gameport_game, me) == [("coins_100", {"coins": 100})]  # still exactly one
    assert gameport_game.errors(page) == []


def test_a_reload_after_the_backend_granted_but_before_the_game_heard_grants_exactly_once(
    gameport_game: GameUnderTest,
) -> None:
    me = "meta-reloader"
    # persistStorage: what Meta keeps across a reload (player data, the purchase not consumed yet)
    scenario = {"playerId": me, "purchaseIdPrefix": "reload", "persistStorage": True}
    page = gameport_game.open("meta", scenario=scenario, ready=TITLE)
    player = Player(gameport_game, page)
    player.click("shop")  # a first purchase, so that the balance is not zero when the reload comes
    coins = player.wait("s.busy === null && s.message === 'Thanks! +100 coins'")["coins"]
    assert grants_of(gameport_game, me) == [("coins_100", {"coins": 100})]

    # the worst moment: the pay sheet succeeded and the backend verified and granted the purchase, but its
    # answer never reaches the game (held here), nor has anything been consumed
    held: list[Route] = []

    def hold(route: Route) -> None:
        route.fetch()  # the backend receives the signed purchase and grants it
        held.append(route)  # ... and the game never hears back

    page.route("**/api/meta/purchases", hold)
    player.click("shop")
    for _ in range(STEPS):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the purchase never reached the backend"
    assert len(grants_of(gameport_game, me)) == 2
    s = player.state()
    assert s["coins"] == coins and s["busy"] == "shop"  # the game has not seen the grant

    page.unroute("**/api/meta/purchases")
    player.reload()
    # after the reload the open purchase is finished (getPurchasesAsync -> backend -> grant -> consume) and
    # the grant is delivered to the game once
    player.settles_at(coins + 100)
    assert page.evaluate("() => __gpMock.callsTo('payments.purchaseAsync').length") == 0  # no second sheet
    consumed = "() => __gpMock.callsTo('payments.consumePurchaseAsync').length === 1"
    try:
        page.wait_for_function(consumed)
    except PlaywrightTimeoutError:
        calls = page.evaluate("() => __gpMock.calls.filter((c) => c.api.startsWith('payments'))")
        raise AssertionError(f"never consumed: {calls} {gameport_game.console(page)}") from None
    assert len(grants_of(gameport_game, me)) == 2  # one grant per purchase in the backend's SQLite file
    player.shot("after-reload")
    assert gameport_game.errors(page) == []
