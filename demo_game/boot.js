// Page glue for the demo: boot gameport (the loading screen of loading.js shows real progress meanwhile),
// give Python a few page functions to call through the bridge, then run the game's main.py.
// ?mock=tiktok|meta loads that platform's SDK mock (js_bridge/mocks/) during boot, for development and the
// bench; without it the page is the plain web platform.
import { bootGameport } from "./js_bridge/loader.js";
import { reportToPlatform } from "./js_bridge/loading_screen.js";
import { loading } from "./loading.js";

const status = document.getElementById("status");
const progress = document.getElementById("progress");
const log = document.getElementById("log");

globalThis.demoUi = {
  show(text) {
    const item = document.createElement("li");
    item.textContent = text;
    log.appendChild(item);
    return log.children.length;
  },
  delayedEcho: (value, ms) => new Promise((resolve) => setTimeout(() => resolve(value), ms)),
  callbackStyle(options) {
    setTimeout(() => {
      options.success({ answer: options.value });
      options.complete();
    }, 50);
  },
  // Python calls this right after platform.ready(): the figure the bench reports as "ready".
  ready(platformName) {
    performance.mark("gameport:ready");
    loading.done();
    status.textContent = `ready on ${platformName}`;
  },
};

const MOCKS = {
  tiktok: { url: "./js_bridge/mocks/ttminis.js", global: "TTMinis.game", module: true },
  meta: { url: "./js_bridge/mocks/fbinstant.js", global: "FBInstant", module: true },
};
const mock = MOCKS[new URLSearchParams(location.search).get("mock")];

try {
  const main = fetch("./main.py").then((response) => response.text());
  const booted = await bootGameport({
    siteRoot: new URL("./", location.href),
    sdk: mock,
    onProgress(stage, fraction, overall) {
      // The Python part (platform.init and ready) is the last tenth.
      loading.progress(overall * 0.9);
      reportToPlatform(overall * 0.9);
      progress.value = overall * 0.9;
      status.textContent = `loading (${stage})`;
    },
  });
  globalThis.gameportDemo = booted; // for the bench and the browser tests
  status.textContent = "running";
  await booted.pyodide.runPythonAsync(await main);
  progress.value = 1;
  status.textContent = "ready";
} catch (error) {
  status.textContent = `failed: ${error.code ?? error.name}: ${error.message}`;
  throw error;
}
