// Boot gameport in TikTok's native runtime: no DOM, no fetch, no eval, WebAssembly only from package
// paths. The main package's game.js (a classic script bundled from the game's native entry) calls this;
// the three subpackages carry the runtime: "engine" (pyodide.asm.wasm.br and the glue modules),
// "runtime" (Pyodide's JavaScript, which registers its factory on GameGlobal) and "python" (the standard
// library, the gameport wheel and the game's sources, brotli files read with readCompressedFile).
// The manifest (written by native_package.py into game.js) names every file. Facts: runtime_facts.js.

import { createBridgeApi } from "../api.js";
import { installPolyfills } from "./polyfills.js";
import { startPython } from "./pyodide_start.js";
import { requestFetcher } from "./request_fetch.js";
import { compileGlue, createWasmFacade } from "./wasm_facade.js";

/** A boot step failed. `code`: RUNTIME_UNSUPPORTED, SUBPACKAGE_FAILED, FILE_FAILED, RUNTIME_LOAD_FAILED,
 * PACKAGE_INSTALL_FAILED. */
export class NativeBootError extends Error {
  constructor(code, message, cause) {
    super(message);
    this.name = "NativeBootError";
    this.code = code;
    this.cause = cause;
  }
}

/* global GameGlobal -- TikTok and WeChat runtimes only; read behind a typeof check */

/** The runtime's shared global object: GameGlobal where there is one (TikTok, WeChat), else globalThis. */
export function gameGlobal() {
  return typeof GameGlobal === "object" && GameGlobal !== null ? GameGlobal : globalThis;
}

/** TTMinis, wherever the runtime put it; also made visible on globalThis, where the bridge looks. */
export function findTTMinis() {
  const shared = gameGlobal();
  const tt = shared.TTMinis ?? globalThis.TTMinis;
  if (!tt || typeof tt.game !== "object")
    throw new NativeBootError("RUNTIME_UNSUPPORTED", "TTMinis.game is missing: not TikTok's native runtime");
  if (globalThis.TTMinis === undefined) globalThis.TTMinis = tt;
  return tt;
}

function callback(api, options) {
  return new Promise((resolve, reject) => {
    api({ ...options, success: resolve, fail: reject });
  });
}

function loadSubpackage(game, name) {
  return callback(game.loadSubpackage.bind(game), { name }).catch((error) => {
    throw new NativeBootError("SUBPACKAGE_FAILED", `subpackage ${name}: ${error?.errMsg ?? error}`, error);
  });
}

function readCompressed(fs, filePath) {
  return callback(fs.readCompressedFile.bind(fs), { filePath, compressionAlgorithm: "br" }).then(
    (res) => new Uint8Array(res.data),
    (error) => {
      throw new NativeBootError("FILE_FAILED", `${filePath}: ${error?.errMsg ?? error}`, error);
    },
  );
}

// Douyin's TTWebAssembly.instantiate answers {module, instance}; WeChat's typings say an Instance
// (runtime_facts.js: wasmInstantiateResult). Pyodide needs the Module too (its dylink section).
async function instantiateWasm(wasm, path, imports) {
  const result = await wasm.instantiate(path, imports);
  if (result && result.instance && result.module) return result;
  if (result && result.exports && typeof wasm.compile === "function")
    return { instance: result, module: await wasm.compile(path) };
  throw new NativeBootError("RUNTIME_LOAD_FAILED", `TTWebAssembly.instantiate(${path}) gave no module`);
}

// Each part's weight in the progress bar is its size on the wire (from the manifest).
function progressOf(manifest, onProgress) {
  const total = Object.values(manifest.weights).reduce((a, b) => a + b, 0) || 1;
  let done = 0;
  const report = (fraction) => {
    try {
      onProgress?.(Math.min(0.99, fraction));
    } catch (e) {
      console.warn("gameport: onProgress raised", e);
    }
  };
  report(0);
  return (part) => {
    done += manifest.weights[part] ?? 0;
    report(done / total);
  };
}

/**
 * Boot Python with gameport importable and the bridge registered. Resolves {pyodide, api, polyfilled};
 * rejects NativeBootError.
 *   manifest     written by the package build (files, weights, glue modules, lock file info)
 *   onProgress   (fraction 0..1) => void while parts arrive
 */
export async function bootNative({ manifest, onProgress, stdout, stderr }) {
  const shared = gameGlobal();
  const tt = findTTMinis();
  const game = tt.game;
  const wasm = shared.TTWebAssembly ?? globalThis.TTWebAssembly;
  if (!wasm || typeof wasm.instantiate !== "function")
    throw new NativeBootError("RUNTIME_UNSUPPORTED", "TTWebAssembly is missing (TikTok 43.4.0 or later)");
  if (typeof game.loadSubpackage !== "function")
    throw new NativeBootError("RUNTIME_UNSUPPORTED", "TTMinis.game.loadSubpackage is missing");
  const fs = game.getFileSystemManager?.();
  if (!fs || typeof fs.readCompressedFile !== "function")
    throw new NativeBootError(
      "RUNTIME_UNSUPPORTED",
      "readCompressedFile is missing (TikTok 44.6.0 or later)",
    );
  const polyfilled = installPolyfills(globalThis);
  if (shared !== globalThis) installPolyfills(shared);
  const step = progressOf(manifest, onProgress);

  const { files } = manifest;
  const engine = loadSubpackage(game, "engine").then(async () => {
    step("engine");
    const glue = await compileGlue(wasm, manifest.glue);
    const facade = createWasmFacade(wasm, glue);
    // Pyodide's JavaScript names the global `WebAssembly`; the runtime has none of its own.
    globalThis.WebAssembly = facade;
    if (shared !== globalThis) shared.WebAssembly = facade;
    return facade;
  });
  const runtime = loadSubpackage(game, "runtime").then(() => {
    step("runtime");
    const factory = shared.__gameportPyodideFactory;
    if (typeof factory !== "function")
      throw new NativeBootError("RUNTIME_LOAD_FAILED", "runtime/game.js did not register Pyodide's factory");
    return factory;
  });
  const python = loadSubpackage(game, "python").then(async () => {
    const [stdlib, wheel, sources] = await Promise.all(
      [files.stdlib, files.wheel, files.game].map((path) => readCompressed(fs, path)),
    );
    step("python");
    return { stdlib, wheel, sources };
  });
  // Settle early failures here too, so none is reported as unhandled while another part is awaited.
  for (const part of [engine, runtime, python]) part.catch(() => {});

  let pyodide;
  try {
    const [, factory, { stdlib }] = await Promise.all([engine, runtime, python]);
    pyodide = await startPython({
      factory,
      stdlib,
      lockfile: manifest.lockfile,
      instantiate: (imports) => instantiateWasm(wasm, files.wasm, imports),
      onWasm: () => step("wasm"),
      stdout: stdout ?? ((line) => console.log(line)),
      stderr: stderr ?? ((line) => console.warn(line)),
    });
  } catch (error) {
    if (error instanceof NativeBootError) throw error;
    throw new NativeBootError("RUNTIME_LOAD_FAILED", `Python did not start: ${error?.message}`, error);
  }
  const { wheel, sources } = await python;
  try {
    pyodide.FS.mkdirTree("/lib/gameport");
    pyodide.FS.writeFile(`/lib/gameport/${manifest.wheelName}`, wheel);
    pyodide.FS.writeFile("/lib/gameport/game.zip", sources);
    pyodide.runPython(
      `import sys\nsys.path.append(${JSON.stringify(`/lib/gameport/${manifest.wheelName}`)})\n` +
        `sys.path.insert(0, "/lib/gameport/game.zip")\n` +
        `import ${manifest.finder}\n${manifest.finder}.install()\nimport gameport`,
    );
  } catch (error) {
    throw new NativeBootError(
      "PACKAGE_INSTALL_FAILED",
      `importing gameport failed: ${error?.message}`,
      error,
    );
  }
  const api = createBridgeApi({ fetchJson: requestFetcher(game) });
  pyodide.registerJsModule("_gameport_js", api);
  step("import");
  return { pyodide, api, polyfilled };
}
