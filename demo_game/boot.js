// Page glue for the demo: boot gameport, give Python a few page functions to call through the bridge,
// then run the game's main.py.
import { bootGameport } from "./js_bridge/loader.js";

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
};

const STAGES = { runtime: 0.6, packages: 0.35, sdk: 0.05 };
let done = 0;

try {
  const { pyodide } = await bootGameport({
    onProgress(stage, fraction) {
      if (fraction === 1 && stage in STAGES) done += STAGES[stage];
      progress.value = Math.min(done, 1);
      status.textContent = `loading (${stage})`;
    },
  });
  const main = await (await fetch("./main.py")).text();
  status.textContent = "running";
  await pyodide.runPythonAsync(main);
  progress.value = 1;
  status.textContent = "ready";
} catch (error) {
  status.textContent = `failed: ${error.code ?? error.name}: ${error.message}`;
  throw error;
}
