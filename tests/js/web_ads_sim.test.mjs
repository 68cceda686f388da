import { test } from "node:test";
import assert from "node:assert/strict";
import { installSimulatedAds } from "../../js_bridge/web_ads_sim.js";
import { settleWithin } from "./helpers.mjs";

test("installs globalThis.gameportWebAds; an unscripted show completes", async () => {
  const ads = installSimulatedAds();
  assert.equal(globalThis.gameportWebAds, ads);
  assert.deepEqual(await ads.show("rewarded", "revive"), { completed: true });
  assert.deepEqual(ads.calls, [{ api: "show", kind: "rewarded", placement: "revive" }]);
});

test("scripted outcomes answer in order with the provider contract's shapes", async () => {
  const ads = installSimulatedAds();
  ads.script("closed_early", "no_fill", "rate_limited", "error_after_display");
  assert.deepEqual(await ads.show("rewarded", "p"), { completed: false });
  await assert.rejects(ads.show("rewarded", "p"), { code: "no_fill", shown: false });
  await assert.rejects(ads.show("interstitial", "p"), { code: "rate_limited", shown: false });
  await assert.rejects(ads.show("rewarded", "p"), { code: "network", shown: true });
  assert.deepEqual(await ads.show("rewarded", "p"), { completed: true }, "the queue is empty again");
});

test("slow_load waits its delay; never_closes never settles; unknown outcomes are refused", async () => {
  const ads = installSimulatedAds();
  ads.script({ outcome: "slow_load", delayMs: 40 }, "never_closes");
  const slow = ads.show("rewarded", "p");
  assert.equal((await settleWithin(slow, 10)).state, "pending");
  assert.equal((await settleWithin(slow, 200)).state, "resolved");
  const never = ads.show("rewarded", "p");
  assert.equal((await settleWithin(never, 60)).state, "pending");
  assert.throws(() => ads.script("explodes"), /unknown outcome/);
  assert.equal(ads.pending, 0, "no timer left behind by the settled shows");
});

test("load resolves and is logged", async () => {
  const ads = installSimulatedAds();
  await ads.load("interstitial", "break");
  assert.deepEqual(ads.calls, [{ api: "load", kind: "interstitial", placement: "break" }]);
});
