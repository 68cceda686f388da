// Boot gameport: start Pyodide from the site's own copy with everything it needs fetched at once, put the
// gameport wheel on sys.path (no micropip), register the bridge API as the Python module `_gameport_js`, and
// optionally load a platform SDK script, in parallel with the runtime.
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
// Where the wheel goes in Pyodide's file system; it is imported from there as a zip (zipimport).
const WHEEL_DIR = "/lib/gameport-wheels";

/** The built site's manifest (dist/build-info.json): versions, the wheel's file name, file sizes. */
export async function readBuildInfo(siteRoot = SITE_ROOT) {
  const response = await fetch(new URL("build-info.json", siteRoot));
  if (!response.ok)
    throw new GameportBootError("RUNTIME_LOAD_FAILED", `build-info.json: HTTP ${response.status}`);
  return response.json();
}

// Overall progress: each milestone weighs what it brings over the wire (brotli bytes from build-info.json),
// Python's own start and gameport's import count as one small step each.
const MILESTONES = {
  js: ["pyodide/pyodide.mjs", "pyodide/pyodide.asm.mjs"],
  wasm: ["pyodide/pyodide.asm.wasm"],
  python: ["pyodide/python_stdlib.zip"],
  wheel: [],
  import: [],
  sdk: [],
};
const STEP_BYTES = 50_000; // the weight of a milestone that downloads nothing large

function progressTracker(onProgress) {
  const done = new Set();
  let weights = null;
  let last = 0;
  const emit = (stage, fraction) => {
    let overall = 0;
    if (weights) {
      const total = Object.values(weights).reduce((a, b) => a + b, 0);
      for (const name of done) overall += weights[name] / total;
    }
    last = stage === "ready" ? 1 : Math.max(last, Math.min(overall, 0.99));
    if (typeof onProgress === "function") {
      try {
        onProgress(stage, fraction, last);
      } catch (e) {
        console.warn("gameport: onProgress raised", e);
      }
    }
  };
  return {
    setSizes(files, wheelPath, withSdk) {
      weights = {};
      for (const [name, paths] of Object.entries(MILESTONES)) {
        const list = name === "wheel" ? [wheelPath] : paths;
        weights[name] =
          STEP_BYTES + list.reduce((sum, p) => sum + (files[p]?.[".br"] ?? files[p]?.bytes ?? 0), 0);
      }
      if (!withSdk) delete weights.sdk;
    },
    milestone(name, stage, fraction) {
      done.add(name);
      // A User Timing mark per milestone (gameport:wasm, ...): where a boot's time goes, for the bench.
      if (typeof performance !== "undefined" && typeof performance.mark === "function") {
        performance.mark(`gameport:${name}`);
      }
      emit(stage, fraction);
    },
    stage: emit,
  };
}

/**
 * Boot Pyodide with gameport importable. Resolves to {pyodide, api, buildInfo}.
 *
 * Everything is requested at once: build-info.json, pyodide.mjs, pyodide.asm.mjs (Pyodide's
 * `createPyodideModule` option), the wasm and the stdlib (Pyodide fetches and compiles them as soon as
 * loadPyodide is called), the gameport wheel (written into the file system by the `fsInit` hook) and the
 * platform SDK. The lock file is not downloaded: build-info.json carries its "info" block, with no packages.
 *
 * options:
 *   siteRoot     URL of the built site (default: the folder above js_bridge/)
 *   sdk          {url, global, timeoutMs, module}: a platform SDK to load while Python starts (optional)
 *   onProgress   (stage, fraction 0..1, overall 0..1) => void; stages "runtime", "packages", "sdk", "ready".
 *                `overall` rises as runtime parts arrive, weighted by their download size.
 *   stdout, stderr  line callbacks for Python's output (default: console)
 * Rejects with GameportBootError.
 */
export async function bootGameport(options = {}) {
  const siteRoot = new URL(options.siteRoot ?? SITE_ROOT, import.meta.url);
  const indexURL = new URL("pyodide/", siteRoot).href;
  const progress = progressTracker(options.onProgress);
  progress.stage("runtime", 0);

  const buildInfo = readBuildInfo(siteRoot);
  const runtimeJs = Promise.all([
    import(new URL("pyodide.mjs", indexURL).href),
    import(new URL("pyodide.asm.mjs", indexURL).href),
  ]);
  const wheel = buildInfo.then(async (info) => {
    progress.setSizes(info.files, `wheels/${info.wheels.gameport}`, Boolean(options.sdk));
    const url = new URL(`wheels/${info.wheels.gameport}`, siteRoot);
    const response = await fetch(url);
    if (!response.ok)
      throw new GameportBootError("PACKAGE_INSTALL_FAILED", `${url}: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    progress.milestone("wheel", "packages", 0.5);
    return { name: info.wheels.gameport, bytes };
  });
  const api = createBridgeApi();
  const sdk = options.sdk ? loadSdk(api, options.sdk, siteRoot, progress) : null;
  // Settle early failures here too, so a rejection nobody awaited yet is never reported as unhandled.
  for (const p of [buildInfo, runtimeJs, wheel, sdk]) p?.catch(() => {});

  let pyodide;
  try {
    const [{ loadPyodide }] = await runtimeJs;
    progress.milestone("js", "runtime", 0.1);
    pyodide = await loadPyodide({
      indexURL,
      lockFileContents: buildInfo.then((info) => info.lockfile),
      createPyodideModule: (settings) => createModule(settings, runtimeJs, progress),
      fsInit: async (FS) => {
        const { name, bytes } = await wheel;
        FS.mkdirTree(WHEEL_DIR);
        FS.writeFile(`${WHEEL_DIR}/${name}`, bytes);
      },
      stdout: options.stdout ?? ((line) => console.log(line)),
      stderr: options.stderr ?? ((line) => console.warn(line)),
    });
  } catch (e) {
    if (e instanceof GameportBootError) throw e;
    const failedWheel = await wheel.then(
      () => null,
      (err) => err,
    );
    if (failedWheel)
      throw failedWheel instanceof GameportBootError
        ? failedWheel
        : new GameportBootError(
            "PACKAGE_INSTALL_FAILED",
            `fetching the gameport wheel failed: ${failedWheel.message}`,
            failedWheel,
          );
    throw new GameportBootError("RUNTIME_LOAD_FAILED", `Pyodide failed to start: ${e && e.message}`, e);
  }
  progress.milestone("python", "runtime", 1);

  progress.stage("packages", 0.5);
  const info = await buildInfo;
  try {
    const wheelPath = `${WHEEL_DIR}/${info.wheels.gameport}`;
    // The finder module is part of the trimmed stdlib zip (build.py); JSON strings are Python literals.
    pyodide.runPython(
      `import sys\nsys.path.append(${JSON.stringify(wheelPath)})\n` +
        `import ${info.stdlib.finder}\n${info.stdlib.finder}.install()\nimport gameport`,
    );
  } catch (e) {
    throw new GameportBootError("PACKAGE_INSTALL_FAILED", `importing gameport failed: ${e && e.message}`, e);
  }
  pyodide.registerJsModule("_gameport_js", api);
  progress.milestone("import", "packages", 1);

  if (sdk) await sdk;
  progress.stage("ready", 1);
  return { pyodide, api, buildInfo: info };
}

// Pyodide's `createPyodideModule` hook: the factory from pyodide.asm.mjs (imported in parallel above), with
// its wasm instantiation reported as progress. Pyodide has already started fetching the wasm by now.
async function createModule(settings, runtimeJs, progress) {
  const [, asm] = await runtimeJs;
  const instantiate = settings.instantiateWasm;
  if (typeof instantiate === "function") {
    settings.instantiateWasm = (imports, done) =>
      instantiate(imports, (instance, module) => {
        progress.milestone("wasm", "runtime", 0.7);
        done(instance, module);
      });
  }
  return asm.default(settings);
}

async function loadSdk(api, sdkOptions, siteRoot, progress) {
  progress.stage("sdk", 0);
  const { url, global, timeoutMs = 10000, module = false } = sdkOptions;
  const answer = JSON.parse(await api.loadScript(new URL(url, siteRoot).href, global, timeoutMs, module));
  if (!answer.ok) throw new GameportBootError("SDK_LOAD_FAILED", answer.error.message);
  progress.milestone("sdk", "sdk", 1);
}
