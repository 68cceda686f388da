// Loaded by scenario.test.mjs in a worker_threads Worker: a page reload stood in for by a fresh realm whose
// `sessionStorage` (a Map-backed stand-in, seeded from workerData.session) outlives it. Imports the mocks
// (knobs from workerData.search), reports what they restored, optionally writes, and sends back the
// sessionStorage contents.
import { parentPort, workerData } from "node:worker_threads";

const items = new Map(Object.entries(workerData.session ?? {}));
if (workerData.withSessionStorage !== false) {
  globalThis.sessionStorage = {
    getItem: (k) => (items.has(k) ? items.get(k) : null),
    setItem: (k, v) => void items.set(k, String(v)),
    removeItem: (k) => void items.delete(k),
  };
}
if (workerData.search !== undefined) globalThis.location = { search: workerData.search };

await import("../../js_bridge/mocks/ttminis.js");
await import("../../js_bridge/mocks/fbinstant.js");
const M = globalThis.__gpMock;
const { game } = globalThis.TTMinis;
const FB = globalThis.FBInstant;
M.configure({ runtime: "native" });

await FB.initializeAsync();
const restored = {
  tt: game.getStorageSync("save"),
  fb: await FB.player.getDataAsync(["level"]),
  purchases: await FB.payments.getPurchasesAsync(),
};
if (workerData.write) {
  game.setStorageSync("save", { coins: 7 });
  await FB.player.setDataAsync({ level: 3 });
}
if (workerData.reset) M.reset();

parentPort.postMessage({ restored, session: Object.fromEntries(items) });
