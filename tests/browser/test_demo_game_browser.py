"""The demo game (Coin Catch) played in Chromium through real mouse moves, key presses and button clicks, on
the TikTok SDK mock and on the web, through the pytest plugin's ``gameport_game`` fixture: the built game
with the reference backend and the mock platform server as real processes (which proves the plugin).
Meta: test_demo_game_meta_browser.py. How the player plays: demo_player.py.
"""

from __future__ import annotations

import json

from gameport.testing.game_harness import GameUnderTest

from .demo_player import TITLE, Player

PLAYER = "coin-catch-player"


def test_coin_catch_on_tiktok_login_play_revive_pause_shop_leaderboard(gameport_game: GameUnderTest) -> None:
    page = gameport_game.open("tiktok", scenario={"openId": PLAYER}, ready=TITLE)
    player = Player(gameport_game, page)
    # booted, logged in silently (the backend's session comes from TikTok's login code)
    s = player.state()
    assert s["platform"] == "tiktok"
    # the game's silent login, and gameport's own for the backend session (a TikTok code is single use)
    assert page.evaluate("() => __gpMock.callsTo('login').length") >= 1
    assert {"play", "shop", "shortcut", "revisit"} <= player.buttons()  # all supported on this client
    assert page.locator("#loading").is_hidden()
    player.shot("title")

    # the shop: a real TikTok order, paid in the mock, granted by the backend on the signed webhook
    coins, s = player.buy_100_coins()
    grants = gameport_game.rows("SELECT product_id, items FROM grants WHERE user_id = ?", PLAYER)
    assert [(p, json.loads(i)) for p, i in grants] == [("coins_100", {"coins": 100})]
    assert player.saved_progress()["coins"] == coins + 100

    # a round: catch a coin with the mouse
    player.start_round()
    s = player.chase("coin", lambda s: s["score"] >= 1)
    player.shot("playing")

    # a bomb costs a life; the rewarded ad gives it back
    lives, s = player.lose_a_life()
    assert s["lives"] == lives - 1 and "revive" in player.buttons()
    player.shot("hit")
    s = player.revive(ad="rewarded.show")
    assert s["lives"] == lives and s["message"] == f"+1 life! {lives} lives"
    assert page.evaluate("() => __gpMock.callsTo('createRewardedVideoAd').length") == 1

    # back to the round (the hit cleared the bombs: none can fall for a while); steer with the keys
    player.click("continue")
    player.steer("ArrowLeft")

    # the platform hides the game: it pauses, and nothing moves until it shows again
    page.evaluate("() => __gpMock.fire('onHide')")
    paused = player.stays_paused()
    page.evaluate("() => __gpMock.fire('onShow')")
    player.resumed(paused)

    # lose every life: the round ends, the best score goes to the backend's leaderboard
    s = player.lose_every_life(until="s.top.length > 0")
    score = s["score"]
    assert s["best"] == score and s["top"][0][2] == score
    rows = gameport_game.rows(
        "SELECT platform, player_id, score FROM leaderboard_scores WHERE board = 'coin_catch'"
    )
    assert rows == [("tiktok", rows[0][1], score)] and rows[0][1] == s["top"][0][1]
    assert s["coins"] == coins + 100 + score  # caught coins go to the balance too
    ends = page.evaluate("() => __gpMock.callsTo('reportEvent').map((c) => c.args)")
    assert any("round_end" in json.dumps(args) for args in ends), ends
    player.shot("over")

    # the balance rose exactly once: still one grant, however long the game keeps running
    assert len(gameport_game.rows("SELECT order_id FROM grants WHERE user_id = ?", PLAYER)) == 1
    assert gameport_game.errors(page) == []


def test_coin_catch_on_the_web_pays_through_the_sandbox_checkout_and_shows_the_simulated_ad(
    gameport_game: GameUnderTest,
) -> None:
    page = gameport_game.open("web", ready=TITLE)
    player = Player(gameport_game, page)
    s = player.state()
    assert s["platform"] == "web" and "shop" in player.buttons()
    assert not {"shortcut", "revisit"} & player.buttons()  # not on the web: hidden

    # the page's pay sheet (web_pay_sim.js) pays at the backend's pay_url: the mock server's checkout
    player.buy_100_coins()
    grants = gameport_game.rows("SELECT product_id, items FROM grants WHERE platform = 'web'")
    assert [(p, json.loads(i)) for p, i in grants] == [("coins_100", {"coins": 100})]
    assert page.evaluate("() => gameportWebPay.calls.length") == 1

    # the page's ad provider (web_ads_sim.js) plays the rewarded ad to its end: a life back
    player.start_round()
    lives, s = player.lose_a_life()
    assert s["lives"] == lives - 1
    s = player.revive()
    assert s["lives"] == lives
    shows = page.evaluate("() => gameportWebAds.calls.filter((c) => c.api === 'show')")
    assert shows == [{"api": "show", "kind": "rewarded", "placement": "demo-revive-unit"}]
    assert gameport_game.errors(page) == []


def test_coin_catch_on_tiktok_reloaded_after_the_webhook_granted_but_before_the_game_heard(
    gameport_game: GameUnderTest,
) -> None:
    me = "coin-catch-reloader"
    # persistStorage: TikTok keeps the game's storage (progress, gameport's purchase journal) across a reload
    page = gameport_game.open("tiktok", scenario={"openId": me, "persistStorage": True}, ready=TITLE)
    player = Player(gameport_game, page)
    player.click("shop")  # a first purchase, so that the balance is not zero when the reload comes
    coins = player.wait("s.busy === null && s.message === 'Thanks! +100 coins'")["coins"]

    # the worst moment: the pay sheet succeeded and TikTok's signed webhook made the backend grant, but the
    # game's polling of the order never gets an answer
    page.route("**/api/orders/*", lambda route: None)  # held: never answered
    player.click("shop")
    for _ in range(600):
        if len(gameport_game.rows("SELECT order_id FROM grants WHERE user_id = ?", me)) == 2:
            break
        page.wait_for_timeout(50)
    assert len(gameport_game.rows("SELECT order_id FROM grants WHERE user_id = ?", me)) == 2
    s = player.state()
    assert s["coins"] == coins and s["busy"] == "shop"  # the game has not seen the grant

    page.unroute("**/api/orders/*")
    player.reload()
    player.settles_at(coins + 100)  # restore() at start: the journal's order, then the grant
    assert page.evaluate("() => __gpMock.callsTo('pay').length") == 0  # no second pay sheet
    assert len(gameport_game.rows("SELECT order_id FROM grants WHERE user_id = ?", me)) == 2
    assert gameport_game.errors(page) == []
