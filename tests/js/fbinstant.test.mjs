import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { FB_IMPLEMENTED_APIS, FB_CODE_CHOICES } from "../../js_bridge/mocks/fbinstant.js";
import { sleep, settleWithin, startPlatformServer, deadUrl } from "./helpers.mjs";

const M = globalThis.__gpMock;
const F = () => globalThis.FBInstant;
const code = (c) => (e) => {
  assert.equal(Object.getPrototypeOf(e), Object.prototype, "APIError is a plain object");
  assert.equal(e.code, c);
  assert.equal(typeof e.message, "string");
  return true;
};

async function boot({ start = true } = {}) {
  await F().initializeAsync();
  if (start) await F().startGameAsync();
}

beforeEach(() => {
  M.reset();
});

// ------------------------------------------------------------------ surface and order

test("import defines FBInstant 8.0 synchronously; no getName/getPhoto/onResume", () => {
  assert.equal(typeof globalThis.FBInstant, "object");
  assert.equal(F().getSDKVersion(), "8.0");
  assert.equal("getName" in F().player, false);
  assert.equal("getPhoto" in F().player, false);
  assert.equal("onResume" in F(), false);
  for (const api of FB_IMPLEMENTED_APIS) {
    const owner = api.includes(".") ? F()[api.split(".")[0]] : F();
    assert.equal(typeof owner[api.split(".").pop()], "function", api);
  }
});

test("calls before initializeAsync resolved fail; getters are null", async () => {
  await assert.rejects(F().startGameAsync(), code("INVALID_OPERATION"));
  await assert.rejects(F().getEntryPointAsync(), code("INVALID_OPERATION"));
  await assert.rejects(F().player.getDataAsync(["a"]), code("INVALID_OPERATION"));
  await assert.rejects(F().getRewardedVideoAsync("p"), code("INVALID_OPERATION"));
  await assert.rejects(F().payments.getCatalogAsync(), code("INVALID_OPERATION"));
  assert.throws(() => F().setLoadingProgress(10), code("INVALID_OPERATION"));
  assert.deepEqual(F().logEvent("level_up"), {
    code: "INVALID_OPERATION",
    message: "FBInstant.logEvent called before initializeAsync() resolved",
  });
  assert.equal(F().getLocale(), null);
  assert.equal(F().getPlatform(), null);
  assert.equal(F().player.getID(), null);
  assert.equal(F().getEntryPointData(), null);
  // initializeAsync pending is not "resolved" yet
  M.script("initializeAsync", { delayMs: 40 });
  const init = F().initializeAsync();
  await assert.rejects(F().startGameAsync(), code("INVALID_OPERATION"));
  await init;
  assert.equal(F().getLocale(), "en_US");
  assert.equal(F().getPlatform(), "WEB");
  assert.equal(F().player.getID(), "mock-player-1");
  assert.equal(F().context.getID(), null, "null before startGameAsync");
  F().setLoadingProgress(55);
  assert.equal(M.stats().fbLoadingProgress, 55);
  assert.throws(() => F().setLoadingProgress(101), code("INVALID_PARAM"));
  M.configure({ contextId: "ctx-1" });
  await F().startGameAsync();
  assert.equal(F().context.getID(), "ctx-1");
});

test("scenario knobs for locale, platform, player id, entry point", async () => {
  M.configure({
    locale: "de_DE",
    platform: "ANDROID",
    playerId: "p-77",
    entryPoint: "feed",
    entryPointData: { room: 3 },
  });
  await boot();
  assert.equal(F().getLocale(), "de_DE");
  assert.equal(F().getPlatform(), "ANDROID");
  assert.equal(F().player.getID(), "p-77");
  assert.equal(await F().getEntryPointAsync(), "feed");
  const d = F().getEntryPointData();
  d.room = 4;
  assert.deepEqual(F().getEntryPointData(), { room: 3 });
});

test("generic outcomes on a Promise API: fail, never, throw, delay, value", async () => {
  await boot();
  M.script(
    "getEntryPointAsync",
    { outcome: "fail", code: "NETWORK_FAILURE", message: "offline" },
    "never",
    { outcome: "throw", code: "INVALID_PARAM" },
    { delayMs: 50, value: "game_switch" },
  );
  await assert.rejects(
    F().getEntryPointAsync(),
    (e) => e.code === "NETWORK_FAILURE" && e.message === "offline",
  );
  assert.equal((await settleWithin(F().getEntryPointAsync(), 30)).state, "pending");
  assert.throws(() => F().getEntryPointAsync(), code("INVALID_PARAM"));
  const delayed = F().getEntryPointAsync();
  assert.equal((await settleWithin(delayed, 20)).state, "pending");
  assert.deepEqual(await settleWithin(delayed, 150), { state: "resolved", value: "game_switch" });
  assert.equal(await F().getEntryPointAsync(), "mock_entry", "queue drained -> default");
  M.script("initializeAsync", "fail");
  M.reset();
  assert.deepEqual(M.stats().scripted, {});
});

test("initializeAsync can be scripted to fail; the SDK then stays uninitialised", async () => {
  M.script("initializeAsync", { outcome: "fail", code: "NETWORK_FAILURE" });
  await assert.rejects(F().initializeAsync(), code("NETWORK_FAILURE"));
  assert.equal(M.stats().fbInitialized, false);
  await assert.rejects(F().startGameAsync(), code("INVALID_OPERATION"));
});

test("getSupportedAPIs: default lists everything; a configured list gates calls", async () => {
  assert.deepEqual(F().getSupportedAPIs(), [...FB_IMPLEMENTED_APIS]);
  M.configure({ supportedAPIs: ["initializeAsync", "startGameAsync", "getLeaderboardAsync"] });
  assert.deepEqual(F().getSupportedAPIs(), ["initializeAsync", "startGameAsync", "getLeaderboardAsync"]);
  assert.equal(F().logEvent, undefined, "logEvent absent when not supported (feature-detect)");
  await boot();
  await assert.rejects(
    F().payments.purchaseAsync({ productID: "coins_100" }),
    code("CLIENT_UNSUPPORTED_OPERATION"),
  );
  await assert.rejects(F().getRewardedVideoAsync("p"), code("CLIENT_UNSUPPORTED_OPERATION"));
  await assert.rejects(F().getLeaderboardAsync("nope"), code("LEADERBOARD_NOT_FOUND"));
  M.configure({ supportedAPIs: null });
  assert.equal(typeof F().logEvent, "function");
});

test("onPause registration, fire(), no unregister in the SDK", async () => {
  const seen = [];
  F().onPause(() => seen.push("paused"));
  assert.equal(M.stats().listeners.onPause, 1);
  assert.equal(M.fire("onPause"), 1);
  assert.deepEqual(seen, ["paused"]);
  M.reset();
  assert.equal(M.fire("onPause"), 0);
});

// ------------------------------------------------------------------ player data

test("player data: get/set merge with JSON clones", async () => {
  await boot();
  const obj = { level: 2, inv: ["sword"] };
  await F().player.setDataAsync(obj);
  obj.inv.push("mutated");
  await F().player.setDataAsync({ coins: 5 });
  assert.deepEqual(await F().player.getDataAsync(["level", "inv", "coins", "missing"]), {
    level: 2,
    inv: ["sword"],
    coins: 5,
  });
  await assert.rejects(F().player.getDataAsync("level"), code("INVALID_PARAM"));
  await assert.rejects(F().player.setDataAsync("x"), code("INVALID_PARAM"));
  await F().player.flushDataAsync();
});

test("player data: 1 MB limit rejects with the documented storage-limit code", async () => {
  await boot();
  await F().player.setDataAsync({ a: "x".repeat(1000) });
  await assert.rejects(
    F().player.setDataAsync({ big: "y".repeat(1024 * 1024) }),
    code(FB_CODE_CHOICES.playerDataTooLarge),
  );
  assert.equal(FB_CODE_CHOICES.playerDataTooLarge, "INVALID_OPERATION");
  assert.deepEqual(
    Object.keys(await F().player.getDataAsync(["a", "big"])),
    ["a"],
    "rejected write not applied",
  );
  M.configure({ playerDataLimitBytes: 20 });
  await assert.rejects(F().player.setDataAsync({ b: "1234567890" }), code("INVALID_OPERATION"));
});

test("player data: setDataAsync during a pending flush -> PENDING_REQUEST", async () => {
  await boot();
  M.script("player.flushDataAsync", { delayMs: 40 });
  const flush = F().player.flushDataAsync();
  assert.equal(M.stats().flushPending, true);
  await assert.rejects(F().player.setDataAsync({ a: 1 }), code("PENDING_REQUEST"));
  await assert.rejects(F().player.flushDataAsync(), code("PENDING_REQUEST"));
  await flush;
  assert.equal(M.stats().flushPending, false);
  await F().player.setDataAsync({ a: 1 });
  // a failed flush also ends the pending state
  M.script("player.flushDataAsync", { outcome: "fail", code: "NETWORK_FAILURE", delayMs: 10 });
  await assert.rejects(F().player.flushDataAsync(), code("NETWORK_FAILURE"));
  await F().player.setDataAsync({ a: 2 });
});

// ------------------------------------------------------------------ signed data via the platform server

test("signed player info without platformUrl rejects NETWORK_FAILURE (never fakes a signature)", async () => {
  await boot();
  await assert.rejects(
    F().player.getSignedPlayerInfoAsync("nonce"),
    (e) => e.code === "NETWORK_FAILURE" && e.message === "mock signer not configured (scenario.platformUrl)",
  );
  await assert.rejects(F().player.getSignedPlayerInfoAsync(42), code("INVALID_PARAM"));
});

test("signed player info with platformUrl: the mock asks the signer and returns its answer verbatim", async () => {
  const srv = await startPlatformServer({ "POST /mock/meta/sign": () => [200, { signed: "SIG.PAYLOAD" }] });
  try {
    M.configure({ platformUrl: srv.url, playerId: "p-1" });
    await boot();
    const info = await F().player.getSignedPlayerInfoAsync("n-123");
    assert.equal(info.getPlayerID(), "p-1");
    assert.equal(info.getSignature(), "SIG.PAYLOAD");
    assert.deepEqual(srv.requests, [
      {
        method: "POST",
        url: "/mock/meta/sign",
        contentType: "application/json",
        body: { payload: { player_id: "p-1", request_payload: "n-123" } },
      },
    ]);
  } finally {
    await srv.close();
  }
});

test("signer failures (HTTP error, bad answer, dead server) -> NETWORK_FAILURE", async () => {
  let answer = [500, { error: "x" }];
  const srv = await startPlatformServer({ "POST /mock/meta/sign": () => answer });
  try {
    M.configure({ platformUrl: srv.url });
    await boot();
    await assert.rejects(F().player.getSignedPlayerInfoAsync("n"), code("NETWORK_FAILURE"));
    answer = [200, { nope: true }];
    await assert.rejects(F().player.getSignedPlayerInfoAsync("n"), code("NETWORK_FAILURE"));
    M.configure({ platformUrl: await deadUrl() });
    await assert.rejects(F().player.getSignedPlayerInfoAsync("n"), code("NETWORK_FAILURE"));
  } finally {
    await srv.close();
  }
});

// ------------------------------------------------------------------ social

test("shareAsync always resolves, even when the user cancels; validates payload", async () => {
  await boot();
  const payload = { image: "data:image/png;base64,AAA", text: "play with me", data: { a: 1 } };
  assert.equal(await F().shareAsync(payload), undefined);
  M.script("shareAsync", "cancel");
  assert.equal(await F().shareAsync(payload), undefined);
  assert.equal(M.callsTo("shareAsync")[1].outcome, "cancel");
  await assert.rejects(F().shareAsync({ text: "no image" }), code("INVALID_PARAM"));
});

test("inviteAsync: resolves, or rejects USER_INPUT on cancel", async () => {
  await boot();
  const payload = { image: "data:image/png;base64,AAA", text: "join" };
  await F().inviteAsync(payload);
  M.script("inviteAsync", "cancel");
  await assert.rejects(F().inviteAsync(payload), code("USER_INPUT"));
  await assert.rejects(F().inviteAsync({ text: "x" }), code("INVALID_PARAM"));
});

test("shortcut: canCreate true once; false after the first createShortcutAsync", async () => {
  await boot();
  assert.equal(await F().canCreateShortcutAsync(), true);
  assert.equal(await F().canCreateShortcutAsync(), true, "asking does not consume it");
  await F().createShortcutAsync();
  assert.equal(await F().canCreateShortcutAsync(), false);
  await assert.rejects(F().createShortcutAsync(), code("INVALID_OPERATION"));
  M.reset();
  await boot();
  M.script("createShortcutAsync", "cancel");
  await assert.rejects(F().createShortcutAsync(), code("USER_INPUT"));
  assert.equal(await F().canCreateShortcutAsync(), false, "declined also uses the once-per-session prompt");
  M.reset();
  M.configure({ shortcutEligible: false });
  await boot();
  assert.equal(await F().canCreateShortcutAsync(), false);
});

// ------------------------------------------------------------------ logEvent

test("logEvent validates B.10 limits and returns null or an APIError", async () => {
  await boot();
  assert.equal(F().logEvent("level_up"), null);
  assert.equal(F().logEvent("level up-2", 3.5, { mode: "hard", stars: 3 }), null);
  const bad = (r) => assert.equal(r?.code, "INVALID_PARAM");
  bad(F().logEvent("x"));
  bad(F().logEvent("y".repeat(41)));
  bad(F().logEvent("bad!name"));
  bad(F().logEvent("ok_name", "5"));
  bad(F().logEvent("ok_name", null, []));
  bad(F().logEvent("ok_name", null, { k: "v" }));
  bad(F().logEvent("ok_name", null, { key: "v".repeat(100) }));
  assert.equal(F().logEvent("ok_name", null, { key: "v".repeat(99) }), null);
  const many = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`p${i}x`, "v"]));
  bad(F().logEvent("ok_name", null, many));
  delete many.p0x;
  assert.equal(F().logEvent("ok_name", null, many), null);
  bad(F().logEvent("ok_name", null, { nested: { a: 1 } }));
  M.script("logEvent", "fail", { outcome: "throw", code: "UNKNOWN" });
  assert.equal(F().logEvent("level_up").code, "ANALYTICS_POST_EXCEPTION");
  assert.throws(() => F().logEvent("level_up"), code("UNKNOWN"));
});

// ------------------------------------------------------------------ leaderboards

test("leaderboards: unconfigured (global) names reject LEADERBOARD_NOT_FOUND", async () => {
  await boot();
  await assert.rejects(F().getLeaderboardAsync("global_high"), code("LEADERBOARD_NOT_FOUND"));
  await assert.rejects(F().getLeaderboardAsync(""), code("INVALID_PARAM"));
});

test("leaderboards: configured contextual board supports scores, entries, ranks", async () => {
  M.configure({
    contextId: "ctx9",
    playerId: "me",
    leaderboards: {
      "weekly.ctx9": {
        entries: [
          { playerId: "a", score: 50, timestamp: 100 },
          { playerId: "b", score: 10, extraData: "x", timestamp: 101 },
        ],
      },
      "weekly.other": {},
    },
  });
  await boot();
  const lb = await F().getLeaderboardAsync("weekly.ctx9");
  assert.equal(lb.getName(), "weekly.ctx9");
  assert.equal(lb.getContextID(), "ctx9");
  assert.equal(await lb.getEntryCountAsync(), 2);
  assert.equal(await lb.getPlayerEntryAsync(), null);
  const mine = await lb.setScoreAsync(30, '{"lvl":2}');
  assert.equal(mine.getScore(), 30);
  assert.equal(mine.getRank(), 2);
  assert.equal(mine.getExtraData(), '{"lvl":2}');
  assert.equal(mine.getPlayer().getID(), "me");
  assert.equal("getName" in mine.getPlayer(), false);
  assert.equal(typeof mine.getTimestamp(), "number");
  const worse = await lb.setScoreAsync(5);
  assert.equal(worse.getScore(), 30, "only replaces if better");
  const better = await lb.setScoreAsync(70);
  assert.equal(better.getRank(), 1);
  const entries = await lb.getEntriesAsync(10, 0);
  assert.deepEqual(
    entries.map((e) => [e.getPlayer().getID(), e.getScore(), e.getRank()]),
    [
      ["me", 70, 1],
      ["a", 50, 2],
      ["b", 10, 3],
    ],
  );
  assert.deepEqual(
    (await lb.getEntriesAsync(1, 1)).map((e) => e.getPlayer().getID()),
    ["a"],
  );
  assert.equal(entries[2].getExtraData(), "x");
  assert.equal((await lb.getPlayerEntryAsync()).getScore(), 70);
  await assert.rejects(lb.setScoreAsync(1.5), code("INVALID_PARAM"));
  await assert.rejects(lb.setScoreAsync(1, "z".repeat(2049)), code("INVALID_PARAM"));
  await assert.rejects(lb.getEntriesAsync(-1), code("INVALID_PARAM"));
  const other = await F().getLeaderboardAsync("weekly.other");
  await assert.rejects(other.setScoreAsync(10), code("LEADERBOARD_WRONG_CONTEXT"));
  const rec = M.callsTo("leaderboard.setScoreAsync")[0];
  assert.deepEqual(rec.args, [30, '{"lvl":2}']);
  assert.equal(rec.target, "weekly.ctx9");
  M.script("leaderboard.getEntryCountAsync", { outcome: "fail", code: "RATE_LIMITED" });
  await assert.rejects(lb.getEntryCountAsync(), code("RATE_LIMITED"));
});

test("leaderboards: list form and non-contextual board", async () => {
  M.configure({ leaderboards: ["simple"] });
  await boot();
  const lb = await F().getLeaderboardAsync("simple");
  assert.equal(lb.getContextID(), null);
  assert.equal((await lb.setScoreAsync(3)).getRank(), 1);
});

// ------------------------------------------------------------------ ads

test("ads: at most 3 loaded-but-unshown instances, else ADS_TOO_MANY_INSTANCES", async () => {
  await boot();
  const ads = [];
  for (let i = 0; i < 3; i++) {
    const ad = await F().getRewardedVideoAsync(`p${i}`);
    await ad.loadAsync();
    ads.push(ad);
  }
  assert.equal(M.stats().unshownFbAds, 3);
  await assert.rejects(F().getInterstitialAdAsync("p3"), code("ADS_TOO_MANY_INSTANCES"));
  await ads[0].showAsync();
  assert.equal(M.stats().unshownFbAds, 2);
  const fourth = await F().getInterstitialAdAsync("p3");
  assert.equal(fourth.getPlacementID(), "p3");
  const fifth = await F().getInterstitialAdAsync("p4"); // fetched, not loaded: allowed
  await fourth.loadAsync();
  await assert.rejects(fifth.loadAsync(), code("ADS_TOO_MANY_INSTANCES"));
  await assert.rejects(F().getRewardedVideoAsync(""), code("INVALID_PARAM"));
});

test("ads: showAsync before load -> ADS_NOT_LOADED; unusable after show", async () => {
  await boot();
  const ad = await F().getRewardedVideoAsync("p");
  await assert.rejects(ad.showAsync(), code("ADS_NOT_LOADED"));
  await ad.loadAsync();
  await ad.showAsync();
  await assert.rejects(ad.showAsync(), code("INVALID_OPERATION"));
  await assert.rejects(ad.loadAsync(), code("INVALID_OPERATION"));
  assert.deepEqual(
    M.calls.filter((c) => c.api.startsWith("ad#")).map((c) => c.api),
    ["ad#1.showAsync", "ad#1.loadAsync", "ad#1.showAsync", "ad#1.showAsync", "ad#1.loadAsync"],
  );
});

test("ads: scripted load failures ADS_NO_FILL, ADS_FREQUENT_LOAD, NETWORK_FAILURE; retry after", async () => {
  await boot();
  M.script("rewarded.loadAsync", "no_fill", "frequent_load", "network_failure");
  const ad = await F().getRewardedVideoAsync("p");
  await assert.rejects(ad.loadAsync(), code("ADS_NO_FILL"));
  await assert.rejects(ad.loadAsync(), code("ADS_FREQUENT_LOAD"));
  await assert.rejects(ad.loadAsync(), code("NETWORK_FAILURE"));
  assert.equal(M.stats().unshownFbAds, 0);
  await ad.loadAsync();
  assert.equal(M.stats().unshownFbAds, 1);
  M.script("ad.loadAsync", { delayMs: 30 });
  const ad2 = await F().getInterstitialAdAsync("q");
  const loading = ad2.loadAsync();
  await assert.rejects(ad2.loadAsync(), code("PENDING_REQUEST"));
  await loading;
});

test("ads: rewarded closed early -> USER_INPUT; completed resolves", async () => {
  await boot();
  M.script("ad.showAsync", "closed_early", "completed");
  const a = await F().getRewardedVideoAsync("p");
  await a.loadAsync();
  await assert.rejects(a.showAsync(), code("USER_INPUT"));
  assert.equal(M.stats().fbAds["ad#1"], "used", "unusable even after an early close");
  const b = await F().getRewardedVideoAsync("p");
  await b.loadAsync();
  assert.equal(await b.showAsync(), undefined);
  assert.equal(M.stats().liveAds, 0);
});

test("ads: error_after_display rejects with the chosen code; slow_load resolves late; never_closes never settles", async () => {
  await boot();
  M.script("ad.showAsync", "error_after_display", { outcome: "slow_load", delayMs: 40 }, "never_closes");
  M.script("ad.loadAsync", "ok", { outcome: "slow_load", delayMs: 40 }, "ok");
  const a = await F().getRewardedVideoAsync("p");
  await a.loadAsync();
  await assert.rejects(a.showAsync(), code(FB_CODE_CHOICES.adErrorAfterDisplay));
  const b = await F().getRewardedVideoAsync("p");
  const started = Date.now();
  await b.loadAsync();
  assert.equal(M.stats().fbAds["ad#2"], "loaded", "a slow load still loads");
  const shown = b.showAsync();
  assert.equal(await shown, undefined);
  assert.ok(Date.now() - started >= 70, "both slow steps waited for their delay");
  const c = await F().getRewardedVideoAsync("p");
  await c.loadAsync();
  let settled = false;
  c.showAsync().then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(settled, false, "never_closes: showAsync stays pending");
  assert.equal(M.stats().fbAds["ad#3"], "used");
});

test("banner: load/hide, position validation, CLIENT_UNSUPPORTED_OPERATION toggle", async () => {
  await boot();
  await F().loadBannerAdAsync("b1", "top");
  assert.deepEqual(M.stats().banner, { placementID: "b1", position: "top", visible: true });
  await F().hideBannerAdAsync();
  assert.equal(M.stats().banner.visible, false);
  await assert.rejects(F().loadBannerAdAsync("b1", "middle"), code("INVALID_PARAM"));
  M.configure({ bannerSupported: false });
  await assert.rejects(F().loadBannerAdAsync("b1"), code("CLIENT_UNSUPPORTED_OPERATION"));
  await assert.rejects(F().hideBannerAdAsync(), code("CLIENT_UNSUPPORTED_OPERATION"));
});

// ------------------------------------------------------------------ payments

test("payments.onReady fires after initializeAsync when payments are ready", async () => {
  const seen = [];
  F().payments.onReady(() => seen.push("ready"));
  await sleep(10);
  assert.deepEqual(seen, [], "not before initializeAsync");
  await F().initializeAsync();
  await sleep(10);
  assert.deepEqual(seen, ["ready"]);
  F().payments.onReady(() => seen.push("late"));
  await sleep(10);
  assert.deepEqual(seen, ["ready", "late"], "registering after ready still fires");
  assert.equal(M.stats().listeners["payments.onReady"], undefined, "one-shot");
});

test("payments.onReady never fires when not ready; payment calls reject PAYMENTS_NOT_INITIALIZED", async () => {
  M.configure({ paymentsReady: false });
  const seen = [];
  F().payments.onReady(() => seen.push("ready"));
  await boot();
  await sleep(30);
  assert.deepEqual(seen, []);
  await assert.rejects(F().payments.getCatalogAsync(), code("PAYMENTS_NOT_INITIALIZED"));
  await assert.rejects(
    F().payments.purchaseAsync({ productID: "coins_100" }),
    code("PAYMENTS_NOT_INITIALIZED"),
  );
  await assert.rejects(F().payments.getPurchasesAsync(), code("PAYMENTS_NOT_INITIALIZED"));
  assert.equal(M.fire("payments.onReady"), 1, "a test may make payments ready later");
  assert.deepEqual(seen, ["ready"]);
  assert.equal((await F().payments.getCatalogAsync()).length, 1);
});

test("purchaseAsync rejects before startGameAsync, on unknown product, and without a signer", async () => {
  await boot({ start: false });
  await assert.rejects(F().payments.purchaseAsync({ productID: "coins_100" }), code("INVALID_OPERATION"));
  await F().startGameAsync();
  await assert.rejects(F().payments.purchaseAsync({ productID: "nope" }), code("INVALID_PARAM"));
  await assert.rejects(
    F().payments.purchaseAsync({ productID: "coins_100" }),
    (e) => e.code === "NETWORK_FAILURE" && e.message === "mock signer not configured (scenario.platformUrl)",
  );
  assert.deepEqual(await F().payments.getPurchasesAsync(), [], "nothing recorded without a signature");
});

test("purchase flow through the signer: Purchase shape, getPurchases, consume, cancel", async () => {
  const srv = await startPlatformServer({
    "POST /mock/meta/sign": (body) => [200, { signed: `sig-${body.payload.purchase_token ?? "x"}.payload` }],
  });
  try {
    M.configure({
      platformUrl: srv.url,
      appId: "app-42",
      catalog: [{ productID: "gems", title: "Gems", price: "$1.99", priceCurrencyCode: "USD" }],
    });
    await boot();
    assert.deepEqual(await F().payments.getCatalogAsync(), [
      { productID: "gems", title: "Gems", price: "$1.99", priceCurrencyCode: "USD" },
    ]);
    const p = await F().payments.purchaseAsync({ productID: "gems", developerPayload: "dp-1" });
    assert.deepEqual(Object.keys(p).sort(), [
      "developerPayload",
      "paymentID",
      "productID",
      "purchaseTime",
      "purchaseToken",
      "signedRequest",
    ]);
    assert.equal(p.productID, "gems");
    assert.equal(p.developerPayload, "dp-1");
    assert.equal(p.signedRequest, `sig-${p.purchaseToken}.payload`);
    assert.match(p.purchaseTime, /^\d+$/);
    assert.equal(srv.requests.length, 1);
    assert.equal(srv.requests[0].url, "/mock/meta/sign");
    assert.deepEqual(srv.requests[0].body, {
      payload: {
        app_id: "app-42",
        is_consumed: false,
        payment_id: p.paymentID,
        product_id: "gems",
        purchase_time: Number(p.purchaseTime),
        purchase_token: p.purchaseToken,
        developer_payload: "dp-1",
      },
    });
    assert.deepEqual(await F().payments.getPurchasesAsync(), [p]);
    M.script("payments.purchaseAsync", "cancel");
    await assert.rejects(F().payments.purchaseAsync({ productID: "gems" }), code("USER_INPUT"));
    assert.equal(srv.requests.length, 1, "a cancelled purchase is never signed");
    assert.equal((await F().payments.getPurchasesAsync()).length, 1);
    await assert.rejects(F().payments.consumePurchaseAsync("unknown"), code("INVALID_PARAM"));
    await F().payments.consumePurchaseAsync(p.purchaseToken);
    assert.deepEqual(await F().payments.getPurchasesAsync(), []);
    assert.equal(M.stats().unconsumedPurchases, 0);
  } finally {
    await srv.close();
  }
});

test("unconsumed purchases from the scenario are returned at session start", async () => {
  const old = {
    developerPayload: null,
    paymentID: "pay-0",
    productID: "coins_100",
    purchaseTime: "1700000000",
    purchaseToken: "tok-0",
    signedRequest: "s.p",
  };
  M.configure({ unconsumedPurchases: [old] });
  await boot();
  assert.deepEqual(await F().payments.getPurchasesAsync(), [old]);
  await F().payments.consumePurchaseAsync("tok-0");
  assert.deepEqual(await F().payments.getPurchasesAsync(), []);
  assert.equal(M.scenario.unconsumedPurchases.length, 1, "scenario itself is not mutated");
});

test("reset(): FB state back to a fresh session", async () => {
  await boot();
  await F().player.setDataAsync({ a: 1 });
  const ad = await F().getRewardedVideoAsync("p");
  await ad.loadAsync();
  await F().createShortcutAsync();
  M.reset();
  const s = M.stats();
  assert.equal(s.fbInitialized, false);
  assert.equal(s.fbStarted, false);
  assert.equal(s.unshownFbAds, 0);
  assert.deepEqual(s.fbAds, {});
  await boot();
  assert.deepEqual(await F().player.getDataAsync(["a"]), {});
  assert.equal(await F().canCreateShortcutAsync(), true);
});
