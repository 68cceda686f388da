import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { TT_ERROR_CODES, TT_API_MIN_VERSION, compareVersions } from "../../js_bridge/mocks/ttminis.js";
import { sleep, ttCall, settleWithin, startPlatformServer, deadUrl } from "./helpers.mjs";

const M = globalThis.__gpMock;
const g = () => globalThis.TTMinis.game;

function initHtml() {
  g().init({ clientKey: "ck-test" });
}

beforeEach(() => {
  M.reset();
});

// ------------------------------------------------------------------ surface / init

test("import defines TTMinis.game synchronously with the documented members", () => {
  assert.equal(typeof globalThis.TTMinis, "object");
  for (const name of [
    "init",
    "canIUse",
    "login",
    "authorize",
    "getSystemInfoSync",
    "getLaunchOptionsSync",
    "getEnterOptionsSync",
    "onShow",
    "offShow",
    "onHide",
    "offHide",
    "setLoadingProgress",
    "setStorage",
    "getStorage",
    "removeStorage",
    "clearStorage",
    "setStorageSync",
    "getStorageSync",
    "removeStorageSync",
    "clearStorageSync",
    "addShortcut",
    "getShortcutMissionReward",
    "startEntranceMission",
    "getEntranceMissionReward",
    "shareAppMessage",
    "shareToStory",
    "reportEvent",
    "pay",
    "createRewardedVideoAd",
    "createInterstitialAd",
  ]) {
    assert.equal(typeof g()[name], "function", name);
  }
});

test("html runtime: every call before init fails with a clear error", async () => {
  const ev = await ttCall(g().login);
  assert.deepEqual(
    ev.map((e) => e[0]),
    ["fail", "complete"],
  );
  const err = ev[0][1];
  assert.equal(err.error.error_code, TT_ERROR_CODES.NOT_INITIALIZED.error_code);
  assert.match(err.error.error_msg, /before TTMinis\.game\.init/);
  assert.match(err.errMsg, /^login:fail /);
  assert.equal(err.errCode, err.error.error_code);
  assert.throws(() => g().getSystemInfoSync(), /before TTMinis\.game\.init/);
  assert.throws(() => g().canIUse("login"), /before TTMinis\.game\.init/);
  assert.throws(() => g().createRewardedVideoAd({ adUnitId: "u" }), /before TTMinis\.game\.init/);
  assert.throws(() => g().onShow(() => {}), /before TTMinis\.game\.init/);
  assert.throws(() => g().setStorageSync("k", 1), /before TTMinis\.game\.init/);
  assert.equal(M.stats().listeners.onShow, undefined);
  // init fixes it
  initHtml();
  const ok = await ttCall(g().login);
  assert.deepEqual(
    ok.map((e) => e[0]),
    ["success", "complete"],
  );
});

test("init validates clientKey and can be scripted to throw", () => {
  assert.throws(() => g().init(), TypeError);
  assert.throws(() => g().init({ clientKey: "" }), TypeError);
  assert.equal(M.stats().ttInitialized, false);
  M.script("init", { outcome: "throw", message: "boom" });
  assert.throws(() => g().init({ clientKey: "x" }), /boom/);
  assert.equal(M.stats().ttInitialized, false);
  g().init({ clientKey: "x" });
  assert.equal(M.stats().ttInitialized, true);
});

test("native runtime: init is absent and calls work without it", async () => {
  M.configure({ runtime: "native" });
  assert.equal("init" in g(), false);
  assert.equal(g().init, undefined);
  assert.equal(g().getSystemInfoSync().platform, "ios");
  const ev = await ttCall(g().login);
  assert.equal(ev[0][0], "success");
  M.configure({ runtime: "html" });
  assert.equal(typeof g().init, "function");
  assert.throws(() => g().getSystemInfoSync(), /init/);
});

// ------------------------------------------------------------------ generic callback outcomes

test("login: default success with a local mock code, complete last", async () => {
  initHtml();
  const a = await ttCall(g().login);
  const b = await ttCall(g().login);
  assert.deepEqual(a, [
    ["success", { code: "mock-code-1" }],
    ["complete", { code: "mock-code-1" }],
  ]);
  assert.equal(b[0][1].code, "mock-code-2");
});

test("fail outcome: login defaults to 102102 in both failure shapes; code/message override", async () => {
  initHtml();
  M.script("login", "fail", { outcome: "fail", code: 4242, message: "nope", extra: { why: 1 } });
  const a = await ttCall(g().login);
  assert.deepEqual(
    a.map((e) => e[0]),
    ["fail", "complete"],
  );
  assert.equal(a[0][1].error.error_code, 102102);
  assert.equal(a[0][1].errCode, 102102);
  assert.match(a[0][1].errMsg, /^login:fail /);
  assert.deepEqual(a[0][1].error.error_extra, {});
  const b = await ttCall(g().login);
  assert.deepEqual(b[0][1], {
    error: { error_code: 4242, error_msg: "nope", error_extra: { why: 1 } },
    errMsg: "login:fail nope",
    errCode: 4242,
  });
  assert.equal(b[1][1], b[0][1], "complete receives the same result");
});

test("never outcome: no callback at all", async () => {
  initHtml();
  M.script("login", "never");
  const ev = await ttCall(g().login, {}, { timeoutMs: 60 });
  assert.deepEqual(ev, []);
});

test("throw outcome: the call throws synchronously and no callback fires", async () => {
  initHtml();
  M.script("shareAppMessage", { outcome: "throw", message: "kaboom" });
  const seen = [];
  assert.throws(
    () => g().shareAppMessage({ success: () => seen.push(1), complete: () => seen.push(2) }),
    /kaboom/,
  );
  await sleep(20);
  assert.deepEqual(seen, []);
});

test("ok_twice: success twice then complete once (complete last)", async () => {
  initHtml();
  M.script("addShortcut", "ok_twice");
  const ev = await ttCall(g().addShortcut, {}, { settleMs: 30 });
  assert.deepEqual(
    ev.map((e) => e[0]),
    ["success", "success", "complete"],
  );
});

test("ok_then_late_complete: complete fires again after lateMs", async () => {
  initHtml();
  M.script("authorize", { outcome: "ok_then_late_complete", lateMs: 30 });
  const ev = await ttCall(g().authorize, { scope: "user.info.basic" }, { settleMs: 5 });
  assert.deepEqual(
    ev.map((e) => e[0]),
    ["success", "complete"],
  );
  await sleep(120);
  assert.deepEqual(
    ev.map((e) => e[0]),
    ["success", "complete", "complete"],
  );
});

test("delayMs delays the outcome; value overrides the success payload", async () => {
  initHtml();
  M.script("login", { delayMs: 60, value: { code: "fixed" } });
  const seen = [];
  g().login({ success: (r) => seen.push(r) });
  await sleep(25);
  assert.deepEqual(seen, []);
  await sleep(150);
  assert.deepEqual(seen, [{ code: "fixed" }]);
});

test("a throwing game callback does not stop complete from firing and is counted", async () => {
  initHtml();
  const orig = console.error;
  console.error = () => {};
  try {
    const seen = [];
    g().addShortcut({
      success: () => {
        throw new Error("game bug");
      },
      complete: () => seen.push("complete"),
    });
    await sleep(20);
    assert.deepEqual(seen, ["complete"]);
    assert.equal(M.stats().callbackErrors, 1);
  } finally {
    console.error = orig;
  }
});

test("an outcome an API does not support is reported, not silently ignored", () => {
  initHtml();
  M.script("login", "cancel");
  assert.throws(() => g().login({}), /not supported by TTMinis\.game\.login/);
});

// ------------------------------------------------------------------ canIUse / versions

const VERSION_CASES = [
  ["40.0.0", { shortcut: false, interstitial: false, reportEvent: false, adLoad: false }],
  ["41.0.0", { shortcut: true, interstitial: false, reportEvent: false, adLoad: false }],
  ["42.8.9", { shortcut: true, interstitial: false, reportEvent: false, adLoad: false }],
  ["42.9.0", { shortcut: true, interstitial: true, reportEvent: false, adLoad: false }],
  ["43.0.0", { shortcut: true, interstitial: true, reportEvent: true, adLoad: false }],
  ["46.0.9", { shortcut: true, interstitial: true, reportEvent: true, adLoad: false }],
  ["46.1.0", { shortcut: true, interstitial: true, reportEvent: true, adLoad: true }],
];

for (const [version, exp] of VERSION_CASES) {
  test(`client ${version}: canIUse and member presence follow the version table`, () => {
    M.configure({ clientVersion: version });
    initHtml();
    for (const api of [
      "addShortcut",
      "getShortcutMissionReward",
      "startEntranceMission",
      "getEntranceMissionReward",
    ]) {
      assert.equal(g().canIUse(api), exp.shortcut, api);
      assert.equal(typeof g()[api] === "function", exp.shortcut, `${api} present`);
    }
    assert.equal(g().canIUse("createInterstitialAd"), exp.interstitial);
    assert.equal(typeof g().createInterstitialAd === "function", exp.interstitial);
    assert.equal(g().canIUse("reportEvent"), exp.reportEvent);
    assert.equal(typeof g().reportEvent === "function", exp.reportEvent);
    assert.equal(g().canIUse("createRewardedVideoAd.return.load"), exp.adLoad);
    assert.equal(g().canIUse("createRewardedVideoAd.return.onLoad"), exp.adLoad);
    const ad = g().createRewardedVideoAd({ adUnitId: "u" });
    assert.equal(typeof ad.load === "function", exp.adLoad);
    assert.equal(typeof ad.onLoad === "function", exp.adLoad);
    assert.equal(typeof ad.offLoad === "function", exp.adLoad);
    assert.equal(typeof ad.show, "function");
    assert.equal(g().getSystemInfoSync().version, version);
  });
}

test("canIUse sub-schemas, unknown schemas and overrides", () => {
  initHtml();
  assert.equal(g().canIUse("login"), true);
  assert.equal(g().canIUse("login.success.code"), true);
  assert.equal(g().canIUse("getSystemInfoSync.return.safeArea.left"), true);
  assert.equal(g().canIUse("getSystemInfoSync.return.nonsense"), false);
  assert.equal(g().canIUse("pay.object.trade_order_id"), true);
  assert.equal(g().canIUse("shareAppMessage.object.query"), true);
  assert.equal(g().canIUse("showToast.object.image"), false, "not mocked -> false");
  assert.equal(g().canIUse("getUpdateManager"), false);
  assert.equal(g().canIUse(""), false);
  assert.equal(g().canIUse(42), false);
  M.configure({ clientVersion: "42.8.0" });
  assert.equal(g().canIUse("shareAppMessage.object.query"), false);
  M.configure({ canIUseOverrides: { login: false, "env.USER_DATA_PATH": true } });
  assert.equal(g().canIUse("login"), false);
  assert.equal(g().canIUse("env.USER_DATA_PATH"), true);
  assert.deepEqual(Object.keys(TT_API_MIN_VERSION).sort(), [
    "addShortcut",
    "createInterstitialAd",
    "getEntranceMissionReward",
    "getShortcutMissionReward",
    "reportEvent",
    "startEntranceMission",
  ]);
  assert.ok(compareVersions("46.1.0", "46.0.10") > 0);
  assert.ok(compareVersions("9.0.0", "10.0.0") < 0);
  assert.equal(compareVersions("43.0", "43.0.0"), 0);
});

test("getSystemInfoSync fixture reflects version, locale and overrides; SDKVersion per A.12", () => {
  M.configure({
    clientVersion: "43.0.0",
    locale: "fr_FR",
    systemInfo: { platform: "android", screenWidth: 400 },
  });
  initHtml();
  const info = g().getSystemInfoSync();
  assert.equal(info.version, "43.0.0");
  assert.equal(info.SDKVersion, "0.4.0");
  assert.equal(info.language, "fr-FR");
  assert.equal(info.platform, "android");
  assert.equal(info.screenWidth, 400);
  info.screenWidth = 1;
  assert.equal(g().getSystemInfoSync().screenWidth, 400, "a copy each call");
});

// ------------------------------------------------------------------ launch / lifecycle

test("launch and enter options; onShow/onHide listeners; fire() and bookkeeping", () => {
  M.configure({ launchOptions: { scene: "share", query: { room: "7" } } });
  initHtml();
  assert.deepEqual(g().getLaunchOptionsSync(), { scene: "share", query: { room: "7" } });
  assert.deepEqual(g().getEnterOptionsSync(), { scene: "share", query: { room: "7" } });
  const shows = [];
  const hides = [];
  const onShow = (r) => shows.push(r);
  const onHide = (r) => hides.push(r);
  g().onShow(onShow);
  g().onHide(onHide);
  assert.equal(M.stats().listeners.onShow, 1);
  assert.equal(M.stats().listeners.onHide, 1);
  assert.equal(M.fire("onHide"), 1);
  assert.equal(M.fire("onShow", { scene: "shortcut", query: { a: "1" } }), 1);
  assert.deepEqual(hides, [{}]);
  assert.deepEqual(shows, [{ scene: "shortcut", query: { a: "1" } }]);
  assert.deepEqual(
    g().getEnterOptionsSync(),
    { scene: "shortcut", query: { a: "1" } },
    "hot start updates enter options",
  );
  assert.deepEqual(
    g().getLaunchOptionsSync(),
    { scene: "share", query: { room: "7" } },
    "launch options stay",
  );
  M.fire("onShow");
  assert.deepEqual(shows[1], { scene: "shortcut", query: { a: "1" } });
  g().offShow(onShow);
  g().offHide(onHide);
  assert.deepEqual(M.stats().listeners, {});
  assert.equal(M.fire("onShow"), 0);
  assert.equal(shows.length, 2);
  // off without a callback removes every listener of that event
  g().onHide(() => {});
  g().onHide(() => {});
  assert.equal(M.stats().listeners.onHide, 2);
  g().offHide();
  assert.equal(M.stats().listeners.onHide, undefined);
  assert.throws(() => g().onShow("not a function"), TypeError);
});

test("setLoadingProgress records valid progress and rejects out-of-range values", async () => {
  initHtml();
  const ok = await ttCall(g().setLoadingProgress, { progress: 40 });
  assert.equal(ok[0][0], "success");
  assert.equal(M.stats().ttLoadingProgress, 40);
  const bad = await ttCall(g().setLoadingProgress, { progress: 101 });
  assert.equal(bad[0][0], "fail");
  assert.equal(bad[0][1].error.error_code, TT_ERROR_CODES.INVALID_PARAM.error_code);
  assert.equal(M.stats().ttLoadingProgress, 40);
});

// ------------------------------------------------------------------ storage

test("storage: async round trip with JSON clones; missing key fails", async () => {
  initHtml();
  const value = { level: 3, items: ["a"] };
  const set = await ttCall(g().setStorage, { key: "save", data: value });
  assert.equal(set[0][0], "success");
  value.items.push("mutated");
  const got = await ttCall(g().getStorage, { key: "save" });
  assert.deepEqual(got[0], ["success", { data: { level: 3, items: ["a"] } }]);
  const missing = await ttCall(g().getStorage, { key: "nope" });
  assert.equal(missing[0][0], "fail");
  assert.equal(missing[0][1].error.error_code, TT_ERROR_CODES.DATA_NOT_FOUND.error_code);
  const rm = await ttCall(g().removeStorage, { key: "save" });
  assert.equal(rm[0][0], "success");
  assert.equal(g().getStorageSync("save"), "");
  const bad = await ttCall(g().setStorage, { key: "f", data: () => 1 });
  assert.equal(bad[0][0], "fail");
  assert.equal(bad[0][1].error.error_code, TT_ERROR_CODES.INVALID_PARAM.error_code);
});

test("storage: Sync variants, clear, info", async () => {
  initHtml();
  g().setStorageSync("a", { x: 1 });
  g().setStorageSync("b", "two");
  const a = g().getStorageSync("a");
  a.x = 99;
  assert.deepEqual(g().getStorageSync("a"), { x: 1 });
  assert.equal(g().getStorageSync("b"), "two");
  const info = g().getStorageInfoSync();
  assert.deepEqual(info.keys.sort(), ["a", "b"]);
  assert.equal(info.limitSize, 10240);
  assert.equal(M.stats().storageKeys, 2);
  g().removeStorageSync("a");
  assert.equal(g().getStorageSync("a"), "");
  g().clearStorageSync();
  assert.equal(M.stats().storageKeys, 0);
  g().setStorageSync("c", 1);
  const cl = await ttCall(g().clearStorage);
  assert.equal(cl[0][0], "success");
  assert.equal(M.stats().storageKeys, 0);
});

test("storage: the configured size limit fails writes (async and sync) and keeps old data", async () => {
  M.configure({ storageLimitBytes: 50 });
  initHtml();
  g().setStorageSync("k", "x".repeat(10));
  const big = "y".repeat(60);
  const ev = await ttCall(g().setStorage, { key: "k2", data: big });
  assert.equal(ev[0][0], "fail");
  assert.equal(ev[0][1].error.error_code, TT_ERROR_CODES.STORAGE_LIMIT.error_code);
  assert.throws(
    () => g().setStorageSync("k", big),
    (e) => e.errCode === TT_ERROR_CODES.STORAGE_LIMIT.error_code && /setStorageSync:fail/.test(e.errMsg),
  );
  assert.equal(g().getStorageSync("k"), "x".repeat(10));
  assert.equal(g().getStorageSync("k2"), "");
  // overwriting a key counts its old size only once
  g().setStorageSync("k", "z".repeat(40));
  assert.equal(M.stats().storageBytes, 1 + 42);
});

// ------------------------------------------------------------------ shortcut / missions / share / events

test("shortcut and entrance missions: success, cancel, one-time reward flags", async () => {
  initHtml();
  assert.equal((await ttCall(g().addShortcut))[0][0], "success");
  assert.equal((await ttCall(g().startEntranceMission))[0][0], "success");
  assert.deepEqual((await ttCall(g().getShortcutMissionReward))[0], ["success", { canReceiveReward: false }]);
  M.configure({ shortcutRewardAvailable: true, entranceRewardAvailable: true });
  assert.deepEqual((await ttCall(g().getShortcutMissionReward))[0], ["success", { canReceiveReward: true }]);
  assert.deepEqual((await ttCall(g().getShortcutMissionReward))[0], ["success", { canReceiveReward: false }]);
  assert.deepEqual((await ttCall(g().getEntranceMissionReward))[0], ["success", { canReceiveReward: true }]);
  assert.deepEqual((await ttCall(g().getEntranceMissionReward))[0], ["success", { canReceiveReward: false }]);
  M.script("addShortcut", "cancel");
  M.script("startEntranceMission", { outcome: "fail", code: 7, message: "denied" });
  const c = await ttCall(g().addShortcut);
  assert.equal(c[0][0], "fail");
  assert.equal(c[0][1].error.error_code, TT_ERROR_CODES.USER_CANCEL.error_code);
  assert.equal(c[0][1].errMsg, "addShortcut:fail cancel");
  const f = await ttCall(g().startEntranceMission);
  assert.equal(f[0][1].errMsg, "startEntranceMission:fail denied");
});

test("shareAppMessage / shareToStory outcomes", async () => {
  initHtml();
  assert.equal((await ttCall(g().shareAppMessage, { query: "a=1" }))[0][0], "success");
  M.script("shareToStory", "cancel");
  const c = await ttCall(g().shareToStory, { title: "t" });
  assert.equal(c[0][1].errCode, TT_ERROR_CODES.USER_CANCEL.error_code);
  M.script("shareAppMessage", { outcome: "fail", code: 5 });
  const f = await ttCall(g().shareAppMessage);
  assert.equal(f[0][1].error.error_code, 5);
});

test("reportEvent validates eventName and params", async () => {
  initHtml();
  assert.equal(
    (await ttCall(g().reportEvent, { eventName: "level_up", params: { level: 2 } }))[0][0],
    "success",
  );
  const bad = await ttCall(g().reportEvent, { params: {} });
  assert.equal(bad[0][0], "fail");
  assert.equal(bad[0][1].error.error_code, TT_ERROR_CODES.INVALID_PARAM.error_code);
  const bad2 = await ttCall(g().reportEvent, { eventName: "x", params: "nope" });
  assert.equal(bad2[0][0], "fail");
  const logged = M.callsTo("reportEvent")[0];
  assert.deepEqual(logged.args, [
    {
      eventName: "level_up",
      params: { level: 2 },
      success: "[function]",
      fail: "[function]",
      complete: "[function]",
    },
  ]);
});

test("authorize requires a scope", async () => {
  initHtml();
  assert.equal((await ttCall(g().authorize, { scope: "user.info.basic" }))[0][0], "success");
  const bad = await ttCall(g().authorize, {});
  assert.equal(bad[0][0], "fail");
  assert.match(bad[0][1].errMsg, /^authorize:fail scope/);
});

// ------------------------------------------------------------------ pay / login via platformUrl

test("pay without platformUrl: success echoes the order; validation; cancel", async () => {
  initHtml();
  assert.deepEqual((await ttCall(g().pay, { trade_order_id: "T1" }))[0], [
    "success",
    { trade_order_id: "T1" },
  ]);
  const bad = await ttCall(g().pay, {});
  assert.equal(bad[0][1].error.error_code, TT_ERROR_CODES.INVALID_PARAM.error_code);
  M.script("pay", "cancel");
  const c = await ttCall(g().pay, { trade_order_id: "T2" });
  assert.deepEqual(
    c.map((e) => e[0]),
    ["fail", "complete"],
  );
  assert.equal(c[0][1].errMsg, "pay:fail cancel");
});

// A real HTTP round trip: on a loaded 2-core machine it can take longer than ttCall's default wait.
const SERVER_WAIT = { timeoutMs: 10000 };

test("platformUrl: login code and pay go through the mock platform server", async () => {
  const srv = await startPlatformServer({
    "POST /mock/tiktok/login_code": () => [200, { code: "srv-code-1" }],
    "POST /mock/tiktok/pay": () => [200, { ok: true }],
  });
  try {
    M.configure({ platformUrl: srv.url + "/", openId: "open-9" });
    initHtml();
    assert.deepEqual((await ttCall(g().login, {}, SERVER_WAIT))[0], ["success", { code: "srv-code-1" }]);
    assert.deepEqual((await ttCall(g().pay, { trade_order_id: "T9" }, SERVER_WAIT))[0], [
      "success",
      { trade_order_id: "T9" },
    ]);
    M.script("pay", "cancel");
    await ttCall(g().pay, { trade_order_id: "T10" }, SERVER_WAIT);
    assert.deepEqual(
      srv.requests,
      [
        {
          method: "POST",
          url: "/mock/tiktok/login_code",
          contentType: "application/json",
          body: { open_id: "open-9" },
        },
        {
          method: "POST",
          url: "/mock/tiktok/pay",
          contentType: "application/json",
          body: { trade_order_id: "T9", outcome: "success" },
        },
      ],
      "a cancelled pay does not notify the server",
    );
  } finally {
    await srv.close();
  }
});

test("platformUrl: a failing fetch becomes the platform network failure", async () => {
  const srv = await startPlatformServer({ "POST /mock/tiktok/pay": () => [500, { error: "down" }] });
  try {
    M.configure({ platformUrl: srv.url });
    initHtml();
    const p = await ttCall(g().pay, { trade_order_id: "T1" });
    assert.equal(p[0][0], "fail");
    assert.equal(p[0][1].error.error_code, TT_ERROR_CODES.NETWORK.error_code);
    M.configure({ platformUrl: await deadUrl() });
    const l = await ttCall(g().login, {}, { timeoutMs: 2000 });
    assert.equal(l[0][0], "fail");
    assert.equal(l[0][1].errCode, TT_ERROR_CODES.NETWORK.error_code);
  } finally {
    await srv.close();
  }
});

test("the error table marks every unconfirmed code", () => {
  for (const [name, entry] of Object.entries(TT_ERROR_CODES)) {
    assert.equal(typeof entry.error_code, "number", name);
    assert.equal(typeof entry.confirmed, "boolean", name);
    assert.equal(typeof entry.note, "string", name);
  }
  assert.equal(TT_ERROR_CODES.LOGIN_NOT_CONFIGURED.error_code, 102102);
  assert.equal(TT_ERROR_CODES.LOGIN_NOT_CONFIGURED.confirmed, true);
  assert.equal(TT_ERROR_CODES.USER_CANCEL.confirmed, false);
  assert.equal(TT_ERROR_CODES.AD_NO_FILL.confirmed, false);
  assert.ok(Object.isFrozen(TT_ERROR_CODES));
});

// ------------------------------------------------------------------ ads

function adProbe(ad) {
  const events = [];
  const onClose = (r) => events.push(["close", r]);
  const onError = (e) => events.push(["error", e]);
  ad.onClose(onClose);
  ad.onError(onError);
  return {
    events,
    detach: () => {
      ad.offClose(onClose);
      ad.offError(onError);
    },
  };
}

test("ads: fresh object per call, adUnitId required", () => {
  initHtml();
  const a = g().createRewardedVideoAd({ adUnitId: "u1" });
  const b = g().createRewardedVideoAd({ adUnitId: "u1" });
  assert.notEqual(a, b);
  assert.throws(() => g().createRewardedVideoAd({}), /adUnitId/);
  assert.equal(M.stats().liveAds, 2);
  assert.deepEqual(M.callsTo("createRewardedVideoAd").length, 3);
});

test("ad completed: show resolves, then onClose({isEnded:true}); second show rejects", async () => {
  initHtml();
  const ad = g().createRewardedVideoAd({ adUnitId: "u" });
  const p = adProbe(ad);
  const order = [];
  await ad.show().then(() => order.push("shown"));
  assert.deepEqual(p.events, [], "close comes after show resolved");
  await sleep(10);
  assert.deepEqual(p.events, [["close", { isEnded: true }]]);
  assert.deepEqual(order, ["shown"]);
  await assert.rejects(
    ad.show(),
    (e) => e.error_code === TT_ERROR_CODES.AD_ALREADY_SHOWN.error_code && /:fail /.test(e.errMsg),
  );
  assert.equal(M.stats().liveAds, 0);
  assert.equal(M.stats().adListeners, 2);
  p.detach();
  assert.equal(M.stats().adListeners, 0);
  assert.deepEqual(
    M.calls.map((c) => c.api),
    [
      "init",
      "createRewardedVideoAd",
      "ad#1.onClose",
      "ad#1.onError",
      "ad#1.show",
      "ad#1.show",
      "ad#1.offClose",
      "ad#1.offError",
    ],
  );
});

test("ad closed_early: onClose({isEnded:false})", async () => {
  initHtml();
  M.script("rewarded.show", "closed_early");
  const ad = g().createRewardedVideoAd({ adUnitId: "u" });
  const p = adProbe(ad);
  await ad.show();
  await sleep(10);
  assert.deepEqual(p.events, [["close", { isEnded: false }]]);
});

test("ad no_fill: onError and show() rejects; the instance may retry", async () => {
  initHtml();
  M.script("ad.show", "no_fill");
  const ad = g().createRewardedVideoAd({ adUnitId: "u" });
  const p = adProbe(ad);
  await assert.rejects(
    ad.show(),
    (e) => e.error_code === TT_ERROR_CODES.AD_NO_FILL.error_code && e.errCode === e.error_code,
  );
  assert.equal(p.events.length, 1);
  assert.equal(p.events[0][0], "error");
  assert.equal(M.stats().liveAds, 1, "not displayed -> still live");
  await ad.show();
  await sleep(10);
  assert.deepEqual(p.events.slice(1), [["close", { isEnded: true }]]);
});

test("ad error_after_display: show resolves, onError, then auto onClose({isEnded:false})", async () => {
  initHtml();
  M.script("ad.show", "error_after_display");
  const ad = g().createRewardedVideoAd({ adUnitId: "u" });
  const p = adProbe(ad);
  await ad.show();
  await sleep(10);
  assert.deepEqual(
    p.events.map((e) => e[0]),
    ["error", "close"],
  );
  assert.equal(p.events[0][1].error_code, TT_ERROR_CODES.AD_PLAYBACK_ERROR.error_code);
  assert.deepEqual(p.events[1][1], { isEnded: false });
});

test("ad slow_load delays show; a second concurrent show rejects", async () => {
  initHtml();
  M.script("ad.show", { outcome: "slow_load", delayMs: 60 });
  const ad = g().createRewardedVideoAd({ adUnitId: "u" });
  const p = adProbe(ad);
  const shown = ad.show();
  await assert.rejects(ad.show(), (e) => e.error_code === TT_ERROR_CODES.AD_SHOW_PENDING.error_code);
  assert.equal((await settleWithin(shown, 25)).state, "pending");
  assert.equal((await settleWithin(shown, 150)).state, "resolved");
  await sleep(10);
  assert.deepEqual(p.events, [["close", { isEnded: true }]]);
});

test("ad load slow_load resolves after its delay and fires onLoad", async () => {
  initHtml();
  M.script("ad.load", { outcome: "slow_load", delayMs: 50 });
  const ad = g().createRewardedVideoAd({ adUnitId: "u" });
  let loads = 0;
  ad.onLoad(() => {
    loads += 1;
  });
  const loading = ad.load();
  assert.equal((await settleWithin(loading, 20)).state, "pending");
  assert.equal((await settleWithin(loading, 150)).state, "resolved");
  assert.equal(loads, 1);
});

test("ad never_closes: show resolves and nothing else ever happens", async () => {
  initHtml();
  M.script("ad.show", "never_closes");
  const ad = g().createRewardedVideoAd({ adUnitId: "u" });
  const p = adProbe(ad);
  await ad.show();
  await sleep(40);
  assert.deepEqual(p.events, []);
});

test("ad generic outcomes: never (pending forever), fail (rejects, no onError), throw", async () => {
  initHtml();
  M.script("ad.show", "never", { outcome: "fail", code: 77 }, { outcome: "throw", message: "sync boom" });
  const a = g().createRewardedVideoAd({ adUnitId: "u" });
  assert.equal((await settleWithin(a.show(), 30)).state, "pending");
  const b = g().createRewardedVideoAd({ adUnitId: "u" });
  const pb = adProbe(b);
  await assert.rejects(b.show(), (e) => e.error_code === 77);
  assert.deepEqual(pb.events, []);
  const c = g().createRewardedVideoAd({ adUnitId: "u" });
  assert.throws(() => c.show(), /sync boom/);
});

test("ad scripting precedence: instance key beats kind key beats ad.show", async () => {
  initHtml();
  M.script("ad.show", "closed_early");
  M.script("interstitial.show", "never_closes");
  M.script("ad#2.show", "no_fill");
  const one = g().createInterstitialAd({ adUnitId: "i" });
  const two = g().createInterstitialAd({ adUnitId: "i" });
  await assert.rejects(two.show());
  const p1 = adProbe(one);
  await one.show();
  await sleep(10);
  assert.deepEqual(p1.events, [], "interstitial.show (never_closes) used before ad.show");
  const three = g().createRewardedVideoAd({ adUnitId: "r" });
  const p3 = adProbe(three);
  await three.show();
  await sleep(10);
  assert.deepEqual(p3.events, [["close", { isEnded: false }]]);
  assert.deepEqual(M.stats().scripted, {});
  const rec = M.callsTo("ad#2.show")[0];
  assert.equal(rec.outcome, "no_fill");
  assert.equal(rec.scriptedBy, "ad#2.show");
});

test("ad load() (>= 46.1.0): resolves and fires onLoad; no_fill rejects with onError", async () => {
  initHtml();
  const ad = g().createRewardedVideoAd({ adUnitId: "u" });
  const loads = [];
  const onLoad = () => loads.push("load");
  ad.onLoad(onLoad);
  await ad.load();
  await sleep(5);
  assert.deepEqual(loads, ["load"]);
  M.script("ad.load", "no_fill");
  const p = adProbe(ad);
  await assert.rejects(ad.load(), (e) => e.error_code === TT_ERROR_CODES.AD_NO_FILL.error_code);
  assert.equal(p.events[0][0], "error");
  assert.equal(M.stats().adListeners, 3);
  ad.offLoad(onLoad);
  p.detach();
  assert.equal(M.stats().adListeners, 0);
});

test("ad listeners: offClose() without a callback removes all; counts per instance", () => {
  initHtml();
  const a = g().createRewardedVideoAd({ adUnitId: "u" });
  const b = g().createInterstitialAd({ adUnitId: "u" });
  a.onClose(() => {});
  a.onClose(() => {});
  b.onError(() => {});
  assert.deepEqual(M.stats().listeners, { "ad#1.onClose": 2, "ad#2.onError": 1 });
  assert.equal(M.stats().adListeners, 3);
  a.offClose();
  assert.equal(M.stats().adListeners, 1);
  const f = () => {};
  b.offError(f);
  assert.equal(M.stats().adListeners, 1, "removing an unknown callback changes nothing");
  b.offError();
  assert.equal(M.stats().adListeners, 0);
});

test("reset(): init required again, storage/listeners/ads cleared, pending callbacks dropped", async () => {
  initHtml();
  g().setStorageSync("k", 1);
  g().onShow(() => {});
  g().createRewardedVideoAd({ adUnitId: "u" });
  M.script("login", { delayMs: 30 });
  const seen = [];
  g().login({ complete: () => seen.push("late") });
  M.reset();
  await sleep(50);
  assert.deepEqual(seen, [], "callbacks scheduled before reset never fire");
  const s = M.stats();
  assert.equal(s.ttInitialized, false);
  assert.equal(s.storageKeys, 0);
  assert.deepEqual(s.listeners, {});
  assert.equal(s.liveAds, 0);
  assert.throws(() => g().getStorageSync("k"), /init/);
  initHtml();
  assert.equal(g().getStorageSync("k"), "");
  assert.equal(g().createRewardedVideoAd({ adUnitId: "u" }) && M.calls.at(-1).api, "createRewardedVideoAd");
  g()
    .createRewardedVideoAd({ adUnitId: "u" })
    .onClose(() => {});
  assert.deepEqual(Object.keys(M.stats().listeners), ["ad#2.onClose"], "ad numbering restarts");
});
