// Coin Catch's entry in TikTok's native runtime: bundled by native_package.py into the main package's
// game.js (a classic script), after the manifest it writes as `__GAMEPORT_NATIVE__`. Paints the loading
// screen at once, boots Python from the subpackages, then runs the same main.py as the page does.

import { createLoadingScreen, reportToPlatform } from "../../js_bridge/loading_screen.js";
import { bootNative, findTTMinis, gameGlobal } from "../../js_bridge/native/boot.js";
import { createCanvasScreen } from "./screen.js";

/* global __GAMEPORT_NATIVE__ -- written by native_package.py at the top of the bundle */
const manifest = __GAMEPORT_NATIVE__;
const shared = gameGlobal();
// What a test or tool reads: boot stage, errors, the screen (hook documented in the README).
const status = { stage: "loading", error: null, platform: null, screen: null, progress: 0 };
shared.__gameportNative = status;
// Milestones go to a test runtime's report hook where there is one (tests/native_sim); on a device there
// is none and this does nothing.
const report = (fields) => {
  Object.assign(status, fields);
  shared.__gameportSim?.report?.({ stage: status.stage, platform: status.platform, error: status.error });
};

async function start() {
  const { game } = findTTMinis();
  const canvas = game.createCanvas();
  const loading = createLoadingScreen(canvas, { title: "Coin Catch" });
  const booted = await bootNative({
    manifest,
    onProgress(fraction) {
      status.progress = fraction * 0.9;
      loading.progress(status.progress);
      reportToPlatform(status.progress);
    },
  });
  const screen = createCanvasScreen(canvas, game);
  status.screen = screen;
  globalThis.demoGame = {
    options: () => ({ backendUrl: manifest.options.backendUrl ?? null, platformUrl: null }),
    frame: (commands, buttons, state) => screen.frame(commands, buttons, state),
    ready(platformName) {
      status.progress = 1;
      reportToPlatform(1);
      report({ stage: "ready", platform: platformName });
    },
  };
  report({ stage: "python" });
  await booted.pyodide.runPythonAsync(manifest.main);
}

start().catch((error) => {
  report({ stage: "failed", error: `${error?.code ?? error?.name}: ${error?.message}` });
  console.error("gameport: the game failed to start", error);
});
