// Boot gameport: start Pyodide from the site's own copy, install micropip and the gameport wheel, register
// the bridge API as the Python module `_gameport_js`, and optionally load a platform SDK script.
// Works in a page and in a module Web Worker: nothing here touches the DOM (sdk_loader.js does, and only
// where `document` exists).

import { createBridgeApi } from "./api.js";

/** A boot step failed. `code` says which: RUNTIME_LOAD_FAILED, PACKAGE_INSTALL_FAILED, SDK_LOAD_FAILED. */
export class GameportBootError extends Error {
  constructor(code, message, cause) {
    super(message);
    this.name = "GameportBootError";
    this.code = code;
    this.cause = cause;
  }
}

const SITE_ROOT = new URL("../", import.meta.url);

/** The built site's manifest (dist/build-info.json): versions and the file names of the wheels. */
export async function readBuildInfo(siteRoot = SITE_ROOT) {
  const response = await fetch(new URL("build-info.json", siteRoot));
  if (!response.ok)
    throw new GameportBootError("RUNTIME_LOAD_FAILED", `build-info.json: HTTP ${response.status}`);
  return response.json();
}

function report(onProgress, stage, fraction) {
  if (typeof onProgress === "function") {
    try {
      onProgress(stage, fraction);
    } catch (e) {
      console.warn("gameport: onProgress raised", e);
    }
  }
}

/**
 * Boot Pyodide with gameport installed. Resolves to {pyodide, api, buildInfo}.
 *
 * options:
 *   siteRoot     URL of the built site (default: the folder above js_bridge/)
 *   sdk          {url, global, timeoutMs, module}: a platform SDK to load before Python starts (optional)
 *   onProgress   (stage, fraction 0..1) => void: "runtime", "packages", "sdk", "ready"
 *   stdout, stderr  line callbacks for Python's output (default: console)
 * Rejects with GameportBootError.
 */
export async function bootGameport(options = {}) {
  const siteRoot = new URL(options.siteRoot ?? SITE_ROOT, import.meta.url);
  const { onProgress } = options;
  const buildInfo = await readBuildInfo(siteRoot);
  report(onProgress, "runtime", 0);

  let pyodide;
  try {
    const indexURL = new URL("pyodide/", siteRoot).href;
    const { loadPyodide } = await import(new URL("pyodide.mjs", indexURL).href);
    pyodide = await loadPyodide({
      indexURL,
      stdout: options.stdout ?? ((line) => console.log(line)),
      stderr: options.stderr ?? ((line) => console.warn(line)),
    });
  } catch (e) {
    throw new GameportBootError("RUNTIME_LOAD_FAILED", `Pyodide failed to start: ${e && e.message}`, e);
  }
  report(onProgress, "runtime", 1);

  report(onProgress, "packages", 0);
  try {
    const wheels = new URL("wheels/", siteRoot);
    await pyodide.loadPackage(new URL(buildInfo.wheels.micropip, wheels).href);
    const gameportWheel = new URL(buildInfo.wheels.gameport, wheels).href;
    // JSON string literals are valid Python string literals for URLs.
    await pyodide.runPythonAsync(`import micropip\nawait micropip.install(${JSON.stringify(gameportWheel)})`);
  } catch (e) {
    throw new GameportBootError("PACKAGE_INSTALL_FAILED", `installing gameport failed: ${e && e.message}`, e);
  }
  report(onProgress, "packages", 1);

  const api = createBridgeApi();
  pyodide.registerJsModule("_gameport_js", api);

  if (options.sdk) {
    report(onProgress, "sdk", 0);
    const { url, global, timeoutMs = 10000, module = false } = options.sdk;
    const answer = JSON.parse(await api.loadScript(new URL(url, siteRoot).href, global, timeoutMs, module));
    if (!answer.ok) throw new GameportBootError("SDK_LOAD_FAILED", answer.error.message);
    report(onProgress, "sdk", 1);
  }
  report(onProgress, "ready", 1);
  return { pyodide, api, buildInfo };
}
