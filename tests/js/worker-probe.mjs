// Loaded by scenario.test.mjs in a worker_threads Worker: a fresh realm with no DOM, standing in for a
// module Web Worker. Sets up load-time scenario sources, imports the mocks, reports what it sees.
import { parentPort, workerData } from "node:worker_threads";

const warnings = [];
console.warn = (...a) => warnings.push(a.map(String).join(" "));
if (workerData.preScenario !== undefined) globalThis.__GP_SCENARIO__ = workerData.preScenario;
if (workerData.search !== undefined) globalThis.location = { search: workerData.search };

await import("../../js_bridge/mocks/ttminis.js");
const ttDefined = typeof globalThis.TTMinis?.game?.login === "function";
await import("../../js_bridge/mocks/fbinstant.js");
const fbDefined = typeof globalThis.FBInstant?.initializeAsync === "function";

parentPort.postMessage({
  ttDefined,
  fbDefined,
  hasDocument: typeof globalThis.document !== "undefined",
  hasWindow: typeof globalThis.window !== "undefined",
  scenario: globalThis.__gpMock.scenario,
  initPresent: "init" in globalThis.TTMinis.game,
  interstitialPresent: "createInterstitialAd" in globalThis.TTMinis.game,
  warnings,
});
