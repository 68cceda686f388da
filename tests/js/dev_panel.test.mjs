// The demo's developer panel (demo_game/dev_panel.js): what a page's query chooses, the URL a change
// reloads, and that every scenario reaches the real mocks and web simulators under the keys they read
// (a step queued under a key no mock reads would pass silently: each check makes the SDK call and reads
// which queued step answered it).
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import "../../js_bridge/mocks/ttminis.js";
import "../../js_bridge/mocks/fbinstant.js";
import { installSimulatedAds } from "../../js_bridge/web_ads_sim.js";
import { installSimulatedPay } from "../../js_bridge/web_pay_sim.js";
import { SCENARIOS, applyScenarios, readChoice, urlFor } from "../../demo_game/dev_panel.js";
import { settleWithin, ttCall } from "./helpers.mjs";

const M = globalThis.__gpMock;
const tt = () => globalThis.TTMinis.game;
const fb = () => globalThis.FBInstant;
const choose = (platform, ...scenarios) => ({ platform, scenarios });
const lastCall = (suffix) => M.calls.filter((c) => c.api.endsWith(suffix)).at(-1);

beforeEach(() => {
  M.reset();
});

test("the query chooses the platform and the scenarios it offers; unknown names are dropped", () => {
  const q = (search) => readChoice(new URLSearchParams(search));
  assert.deepEqual(
    q("mock=meta&dev=pay_cancel,bogus,old_client"),
    choose("meta", "pay_cancel", "old_client"),
  );
  assert.deepEqual(q("dev=old_client,no_fill"), choose("web", "no_fill"), "the web has no old client");
  assert.deepEqual(q("mock=nope"), choose("web"));
  assert.deepEqual(q(""), choose("web"));
});

test("a change keeps the page's other parameters and drops empty ones", () => {
  const href = "http://127.0.0.1:9/index.html?mock=tiktok&backend=http%3A%2F%2Fb&platform_url=http%3A%2F%2Fp";
  const meta = new URL(urlFor(href, choose("meta", "no_fill", "slow_network")));
  assert.equal(meta.searchParams.get("mock"), "meta");
  assert.equal(meta.searchParams.get("dev"), "no_fill,slow_network");
  assert.equal(meta.searchParams.get("backend"), "http://b");
  assert.equal(meta.searchParams.get("platform_url"), "http://p");
  const web = new URL(urlFor(meta.href, choose("web")));
  assert.equal(web.searchParams.has("mock"), false);
  assert.equal(web.searchParams.has("dev"), false);
  assert.equal(web.searchParams.get("backend"), "http://b");
});

test("TikTok: no fill, ads closed early, a cancelled or hanging pay sheet, an old client", async () => {
  tt().init({ clientKey: "ck-test" });
  applyScenarios(choose("tiktok", "no_fill"), {});
  const ad = tt().createRewardedVideoAd({ adUnitId: "u" });
  await assert.rejects(ad.load());
  await assert.rejects(ad.show());
  assert.equal(lastCall(".load").outcome, "no_fill");
  assert.equal(lastCall(".show").outcome, "no_fill");
  assert.equal(M.stats().scripted["ad.show"], 199, "queued for the whole session");

  M.reset();
  tt().init({ clientKey: "ck-test" });
  applyScenarios(choose("tiktok", "ad_closed_early", "pay_cancel"), {});
  await tt().createRewardedVideoAd({ adUnitId: "u" }).show();
  assert.equal(lastCall(".show").outcome, "closed_early");
  const cancelled = await ttCall(tt().pay, { trade_order_id: "o1" });
  assert.equal(cancelled.find(([kind]) => kind === "fail")?.[1].errMsg, "pay:fail cancel");

  M.reset();
  tt().init({ clientKey: "ck-test" });
  applyScenarios(choose("tiktok", "pay_hangs", "old_client"), {});
  assert.deepEqual(await ttCall(tt().pay, { trade_order_id: "o2" }), [], "no callback at all");
  assert.equal(lastCall("pay").outcome, "never");
  assert.equal(M.scenario.clientVersion, "40.0.0");
});

test("Meta: no fill, ads closed early, a cancelled or hanging purchase, an old client", async () => {
  await fb().initializeAsync();
  await fb().startGameAsync();
  const everything = fb().getSupportedAPIs();
  applyScenarios(choose("meta", "no_fill"), {});
  const unfilled = await fb().getRewardedVideoAsync("p");
  await assert.rejects(unfilled.loadAsync(), (e) => e.code === "ADS_NO_FILL");

  M.reset();
  await fb().initializeAsync();
  await fb().startGameAsync();
  applyScenarios(choose("meta", "ad_closed_early", "pay_cancel"), {});
  const ad = await fb().getRewardedVideoAsync("p");
  await ad.loadAsync();
  await assert.rejects(ad.showAsync());
  assert.equal(lastCall(".showAsync").outcome, "closed_early");
  await assert.rejects(
    fb().payments.purchaseAsync({ productID: "coins_100" }),
    (e) => e.code === "USER_INPUT",
  );
  assert.equal(lastCall("purchaseAsync").outcome, "cancel");

  M.reset();
  await fb().initializeAsync();
  await fb().startGameAsync();
  applyScenarios(choose("meta", "pay_hangs"), {});
  assert.equal(
    (await settleWithin(fb().payments.purchaseAsync({ productID: "coins_100" }), 100)).state,
    "pending",
  );
  assert.equal(lastCall("purchaseAsync").outcome, "never");

  M.reset();
  await fb().initializeAsync();
  await fb().startGameAsync();
  applyScenarios(choose("meta", "old_client"), {});
  const old = fb().getSupportedAPIs();
  assert.ok(everything.includes("payments.purchaseAsync") && everything.includes("createShortcutAsync"));
  assert.equal(old.includes("payments.purchaseAsync") || old.includes("createShortcutAsync"), false);
  assert.ok(old.includes("getRewardedVideoAsync") && old.length < everything.length);
  await assert.rejects(
    fb().payments.purchaseAsync({ productID: "coins_100" }),
    (e) => e.code === "CLIENT_UNSUPPORTED_OPERATION",
  );
});

test("web: the simulated ad provider and pay sheet take the scenarios", async () => {
  const web = {
    ads: installSimulatedAds(),
    pay: installSimulatedPay({ fetchImpl: async () => ({ ok: true }) }),
  };
  applyScenarios(choose("web", "no_fill", "pay_cancel"), web);
  await assert.rejects(web.ads.show("rewarded", "revive"), (e) => e.code === "no_fill");
  const order = { order_id: "o1", pay_url: "http://checkout.test/pay", product_id: "coins_100" };
  assert.equal((await web.pay.open(order)).outcome, "cancelled");

  const later = {
    ads: installSimulatedAds(),
    pay: installSimulatedPay({ fetchImpl: async () => ({ ok: true }) }),
  };
  applyScenarios(choose("web", "ad_closed_early", "pay_hangs"), later);
  assert.deepEqual(await later.ads.show("rewarded", "revive"), { completed: false });
  assert.equal((await settleWithin(later.pay.open(order), 100)).state, "pending");
});

test("every scenario is offered on TikTok and Meta, and all but the old client on the web", () => {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    assert.equal(typeof scenario.label, "string", name);
    assert.equal(typeof scenario.tiktok, "function", name);
    assert.equal(typeof scenario.meta, "function", name);
    assert.equal(typeof scenario.web, name === "old_client" ? "undefined" : "function", name);
  }
});
