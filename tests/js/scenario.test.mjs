import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { Worker } from "node:worker_threads";
import {
  mock,
  internal,
  jsonSafe,
  DEFAULT_SCENARIO,
  KNOWN_OUTCOMES,
} from "../../js_bridge/mocks/scenario.js";
import "../../js_bridge/mocks/ttminis.js";
import "../../js_bridge/mocks/fbinstant.js";
import { sleep, ttCall } from "./helpers.mjs";

const M = globalThis.__gpMock;
const MOCKS_DIR = new URL("../../js_bridge/mocks/", import.meta.url);

beforeEach(() => {
  M.reset();
});

function runProbe(workerData) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL("./worker-probe.mjs", import.meta.url), { workerData });
    w.once("message", (m) => {
      resolve(m);
      w.terminate();
    });
    w.once("error", reject);
  });
}

test("__gpMock is the exported singleton and exposes the contract", () => {
  assert.equal(mock, M);
  assert.ok(Array.isArray(M.calls));
  assert.equal(typeof M.scenario, "object");
  for (const fn of ["configure", "script", "fire", "reset", "stats", "callsTo"])
    assert.equal(typeof M[fn], "function", fn);
  assert.equal(Object.keys(M).includes("__internal"), false, "internals are not enumerable");
  const s = M.stats();
  for (const k of ["listeners", "liveAds", "unshownFbAds", "adListeners", "scripted"]) assert.ok(k in s, k);
});

test("a second copy of scenario.js (another URL) reuses the same __gpMock", async () => {
  const copy = await import(new URL("scenario.js?copy=2", MOCKS_DIR).href);
  assert.equal(copy.mock, M);
  assert.equal(copy.internal, internal);
});

test("call log: api, JSON-safe args (functions replaced), t in ms since load, sdk", async () => {
  globalThis.TTMinis.game.init({ clientKey: "ck" });
  const opts = { key: "k", data: { nested: [1, { deep: true }] }, success() {} };
  globalThis.TTMinis.game.setStorage(opts);
  opts.data.nested.push("mutated after the call");
  await globalThis.FBInstant.initializeAsync();
  globalThis.FBInstant.getSDKVersion();
  assert.deepEqual(
    M.calls.map((c) => [c.api, c.sdk]),
    [
      ["init", "tt"],
      ["setStorage", "tt"],
      ["initializeAsync", "fb"],
      ["getSDKVersion", "fb"],
    ],
  );
  assert.deepEqual(M.calls[1].args, [
    { key: "k", data: { nested: [1, { deep: true }] }, success: "[function]" },
  ]);
  const ts = M.calls.map((c) => c.t);
  for (const t of ts) assert.equal(typeof t, "number");
  assert.deepEqual(
    [...ts].sort((a, b) => a - b),
    ts,
    "non-decreasing",
  );
  assert.ok(ts[0] > 0);
  assert.doesNotThrow(() => JSON.stringify(M.calls));
  assert.deepEqual(M.callsTo("init").length, 1);
});

test("jsonSafe handles cycles, class instances, undefined, bigint and non-finite numbers", () => {
  const a = { x: 1, f: () => 1, u: undefined };
  a.self = a;
  assert.deepEqual(jsonSafe(a), { x: 1, f: "[function]", self: "[circular]" });
  assert.deepEqual(jsonSafe([undefined, 1n, NaN, Infinity, new Map(), new Uint8Array(2)]), [
    null,
    "1",
    "NaN",
    "Infinity",
    "[object Map]",
    "[object Uint8Array]",
  ]);
  const shared = { k: 1 };
  assert.deepEqual(
    jsonSafe({ p: shared, q: shared }),
    { p: { k: 1 }, q: { k: 1 } },
    "repeated, not circular",
  );
  assert.equal(jsonSafe(new Date(0)), "1970-01-01T00:00:00.000Z");
});

test("configure merges, validates and rejects unknown settings", () => {
  const s = M.configure({ clientVersion: "42.0.0", playerId: "p9" });
  assert.equal(s, M.scenario);
  assert.equal(M.scenario.clientVersion, "42.0.0");
  assert.equal(M.scenario.playerId, "p9");
  assert.equal(M.scenario.locale, DEFAULT_SCENARIO.locale, "other settings untouched");
  assert.throws(() => M.configure({ storageLimit: 5 }), /unknown setting "storageLimit"/);
  assert.throws(() => M.configure({ runtime: "webview" }), /runtime/);
  assert.throws(() => M.configure({ clientVersion: "new" }), /clientVersion/);
  assert.throws(() => M.configure("x"), TypeError);
  assert.throws(() => M.configure({ supportedAPIs: "payments.purchaseAsync" }), /supportedAPIs/);
  assert.equal(M.scenario.supportedAPIs, null, "rejected settings leave the old value");
  assert.throws(() => M.configure({ playerId: "half", runtime: "bad" }), /runtime/);
  assert.equal(M.scenario.playerId, "p9", "all-or-nothing: nothing applied when one key is bad");
  const lb = { a: { entries: [] } };
  M.configure({ leaderboards: lb });
  lb.b = {};
  assert.deepEqual(M.scenario.leaderboards, { a: { entries: [] } }, "stored as a copy");
});

test("script: FIFO per api, string steps, validation, stats().scripted, outcome noted on the call", async () => {
  globalThis.TTMinis.game.init({ clientKey: "ck" });
  assert.equal(M.script("login", "fail", { outcome: "ok", value: { code: "second" } }), 2);
  M.script("addShortcut", "cancel");
  assert.deepEqual(M.stats().scripted, { login: 2, addShortcut: 1 });
  const first = await ttCall(globalThis.TTMinis.game.login);
  const second = await ttCall(globalThis.TTMinis.game.login);
  const third = await ttCall(globalThis.TTMinis.game.login);
  assert.equal(first[0][0], "fail");
  assert.deepEqual(second[0], ["success", { code: "second" }]);
  // "value" replaces the payload but the call's own work still ran (code 1 was drawn and discarded)
  assert.deepEqual(third[0], ["success", { code: "mock-code-2" }], "queue drained -> default success");
  assert.deepEqual(M.stats().scripted, { addShortcut: 1 });
  assert.deepEqual(
    M.callsTo("login").map((c) => c.outcome),
    ["fail", "ok", undefined],
  );
  assert.throws(() => M.script("login", "explode"), /unknown outcome "explode"/);
  assert.throws(() => M.script("login"), /at least one step/);
  assert.throws(() => M.script("", "ok"), TypeError);
  assert.throws(() => M.script("login", { delayMs: -1 }), /delayMs/);
  assert.throws(() => M.script("login", 5), TypeError);
  assert.ok(KNOWN_OUTCOMES.includes("error_after_display"));
});

test("fire: generic events reach listeners; unknown events reach nobody", () => {
  assert.equal(M.fire("nothing.here"), 0);
  const seen = [];
  internal.on("custom.event", (p) => seen.push(p));
  assert.equal(M.fire("custom.event", { a: 1 }), 1);
  assert.deepEqual(seen, [{ a: 1 }]);
  assert.throws(() => M.fire(""), TypeError);
});

test("both SDK mocks share one log and one ad numbering", async () => {
  globalThis.TTMinis.game.init({ clientKey: "ck" });
  globalThis.TTMinis.game.createRewardedVideoAd({ adUnitId: "u" }).onClose(() => {});
  await globalThis.FBInstant.initializeAsync();
  const fbAd = await globalThis.FBInstant.getRewardedVideoAsync("p");
  await fbAd.loadAsync();
  assert.deepEqual(
    M.calls.map((c) => c.api),
    [
      "init",
      "createRewardedVideoAd",
      "ad#1.onClose",
      "initializeAsync",
      "getRewardedVideoAsync",
      "ad#2.loadAsync",
    ],
  );
  const s = M.stats();
  assert.equal(s.liveAds, 2, "one TikTok + one FB instance");
  assert.equal(s.unshownFbAds, 1);
  assert.equal(s.adListeners, 1);
});

test("reset: calls, queues, listeners, counters, settings and pending timers", async () => {
  M.configure({ clientVersion: "40.0.0", runtime: "native", shortcutRewardAvailable: true });
  assert.equal("addShortcut" in globalThis.TTMinis.game, false);
  M.script("login", { delayMs: 20 }, "fail");
  const late = [];
  globalThis.TTMinis.game.login({ success: () => late.push("x") });
  internal.on("custom", () => {});
  M.reset();
  await sleep(40);
  assert.deepEqual(late, []);
  assert.deepEqual(M.calls, []);
  assert.deepEqual(M.scenario, JSON.parse(JSON.stringify(DEFAULT_SCENARIO)));
  assert.deepEqual(M.stats().scripted, {});
  assert.deepEqual(M.stats().listeners, {});
  assert.equal(
    typeof globalThis.TTMinis.game.addShortcut,
    "function",
    "surface follows the restored defaults",
  );
  assert.equal(typeof globalThis.TTMinis.game.init, "function");
});

test("load-time settings in a fresh worker realm: __GP_SCENARIO__ then ?gp_scenario= (URL wins)", async () => {
  const r = await runProbe({
    preScenario: { runtime: "native", playerId: "from-global", clientVersion: "42.0.0" },
    search:
      "?x=1&gp_scenario=" + encodeURIComponent(JSON.stringify({ playerId: "from-url", locale: "ja_JP" })),
  });
  assert.equal(r.ttDefined, true);
  assert.equal(r.fbDefined, true);
  assert.equal(r.hasDocument, false);
  assert.equal(r.hasWindow, false);
  assert.equal(r.scenario.runtime, "native");
  assert.equal(r.scenario.playerId, "from-url");
  assert.equal(r.scenario.locale, "ja_JP");
  assert.equal(r.initPresent, false, "native runtime from load-time settings");
  assert.equal(r.interstitialPresent, false, "client 42.0.0 from load-time settings");
  assert.deepEqual(r.warnings, []);
});

test("load-time settings: bad JSON and unknown keys are ignored with a warning, never thrown", async () => {
  const bad = await runProbe({ search: "?gp_scenario=%7Bnot-json" });
  assert.equal(bad.ttDefined, true);
  assert.equal(bad.scenario.runtime, "html");
  assert.equal(bad.warnings.length, 1);
  assert.match(bad.warnings[0], /gp_scenario/);
  const unknown = await runProbe({ preScenario: { bogus: 1, locale: "it_IT" } });
  assert.equal(unknown.scenario.locale, "it_IT");
  assert.equal("bogus" in unknown.scenario, false);
  assert.match(unknown.warnings.join("\n"), /unknown setting "bogus"/);
  const none = await runProbe({});
  assert.deepEqual(none.scenario, JSON.parse(JSON.stringify(DEFAULT_SCENARIO)));
});

test("mock sources obey the hard rules: no eval, Function constructor, string timers, DOM globals", () => {
  const files = readdirSync(MOCKS_DIR).filter((f) => f.endsWith(".js"));
  assert.deepEqual(files.sort(), ["fbinstant.js", "scenario.js", "ttminis.js"]);
  for (const f of files) {
    const src = readFileSync(new URL(f, MOCKS_DIR), "utf8");
    const code = src.replace(/\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "");
    assert.doesNotMatch(code, /\beval\s*\(/, `${f}: eval`);
    assert.doesNotMatch(code, /\bFunction\s*\(/, `${f}: Function constructor`);
    assert.doesNotMatch(code, /set(Timeout|Interval)\s*\(\s*["'`]/, `${f}: string timer`);
    assert.doesNotMatch(code, /\b(document|window)\b/, `${f}: DOM global`);
    const imports = [...code.matchAll(/^\s*import\s[^;]*?from\s+["']([^"']+)["']([^;]*);/gm)];
    const allowed = ["./scenario.js", "./emulation.json"];
    assert.ok(
      imports.every((m) => allowed.includes(m[1])),
      `${f}: imports only ${allowed} (${imports.map((m) => m[1])})`,
    );
    for (const m of imports.filter((i) => i[1].endsWith(".json"))) {
      assert.match(
        m[2],
        /^\s*with\s*\{\s*type:\s*"json"\s*\}\s*$/,
        `${f}: JSON module import needs with { type: "json" }`,
      );
    }
    assert.match(src.slice(0, 400), /^\/\/ gameport/, `${f}: header comment`);
  }
});

function runPersistProbe(workerData) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL("./persist-probe.mjs", import.meta.url), { workerData });
    w.once("message", (m) => {
      resolve(m);
      w.terminate();
    });
    w.once("error", reject);
  });
}

const PERSIST = "?gp_scenario=" + encodeURIComponent(JSON.stringify({ persistStorage: true }));

test("persistStorage: TikTok storage and Meta player data survive a reload through sessionStorage", async () => {
  const first = await runPersistProbe({ search: PERSIST, write: true });
  assert.deepEqual(first.restored, { tt: "", fb: {}, purchases: [] });
  assert.deepEqual(Object.keys(first.session).sort(), [
    "gameport-mock:fb.player",
    "gameport-mock:tt.storage",
  ]);
  const reloaded = await runPersistProbe({ search: PERSIST, session: first.session });
  assert.deepEqual(reloaded.restored, { tt: { coins: 7 }, fb: { level: 3 }, purchases: [] });
  const reset = await runPersistProbe({ search: PERSIST, session: first.session, reset: true });
  assert.deepEqual(reset.session, {}, "reset() drops the copies");
});

test("persistStorage off, or no sessionStorage: nothing is kept", async () => {
  const off = await runPersistProbe({ write: true });
  assert.deepEqual(off.session, {});
  const seeded = await runPersistProbe({ session: { "gameport-mock:tt.storage": '[["save", "1"]]' } });
  assert.equal(seeded.restored.tt, "", "not restored without the knob");
  const none = await runPersistProbe({ search: PERSIST, write: true, withSessionStorage: false });
  assert.deepEqual(none.restored, { tt: "", fb: {}, purchases: [] });
});
