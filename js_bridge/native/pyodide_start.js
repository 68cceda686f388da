// Start Pyodide without its loader (pyodide.mjs), which needs fetch, import() or a file system of Node's:
// this follows the eight stages of loadPyodide() in Pyodide 314.0.7 (src/js/pyodide.ts) with every input
// handed over as bytes or objects: the factory from the runtime subpackage, the wasm through the
// runtime's path-only loader, the standard library already read. native_package.py refuses to build
// against another Pyodide version, as these stages are Pyodide's internals.

export const PYODIDE_VERSION = "314.0.7";

/** Python could not start: `stage` says where (factory, wasm, bootstrap). */
export class PythonStartError extends Error {
  constructor(stage, message, cause) {
    super(`${stage}: ${message}`);
    this.name = "PythonStartError";
    this.stage = stage;
    this.cause = cause;
  }
}

// Pyodide's own environment flags: none of the browser, Node or Deno; "shell" is the one whose code paths
// read nothing by themselves (every file is handed over here).
const RUNTIME_ENV = Object.freeze({
  IN_NODE: false,
  IN_NODE_COMMONJS: false,
  IN_NODE_ESM: false,
  IN_BUN: false,
  IN_DENO: false,
  IN_SAFARI: false,
  IN_SHELL: true,
  IN_WORKERD: false,
  IN_BROWSER: false,
  IN_BROWSER_MAIN_THREAD: false,
  IN_BROWSER_WEB_WORKER: false,
});

/**
 * options:
 *   factory        createPyodideModule from the runtime subpackage
 *   instantiate    (imports) => Promise<{instance, module}>: the wasm, from its package path
 *   stdlib         Uint8Array: python_stdlib.zip
 *   lockfile       the lock file's contents ({info, packages})
 *   env            environment variables for Python
 *   stdout, stderr line callbacks
 *   onWasm         called once the wasm is instantiated (progress)
 * Resolves to the Pyodide API object; rejects PythonStartError.
 */
export async function startPython(options) {
  const config = {
    indexURL: "./",
    packageBaseUrl: "./",
    cdnUrl: "./",
    packageCacheDir: "./",
    lockFileContents: options.lockfile,
    jsglobals: globalThis,
    args: [],
    env: { HOME: "/home/pyodide", PYTHONINSPECT: "1", ...options.env },
    packages: [],
    enableRunUntilComplete: true,
    checkAPIVersion: true,
    stdout: options.stdout,
    stderr: options.stderr,
  };
  const API = { config, runtimeEnv: RUNTIME_ENV, lockFilePromise: Promise.resolve(options.lockfile) };
  let wasmFailure = null;
  // Without the wasm instance the factory never settles, so a failed instantiation is raced against it.
  let failWasm;
  const wasmFailed = new Promise((_, reject) => (failWasm = reject));
  const settings = {
    noImageDecoding: true,
    noAudioDecoding: true,
    noWasmDecoding: false,
    preRun: [
      installStdlib(options.stdlib),
      homeDirectory(config.env.HOME),
      (M) => Object.assign(M.ENV, config.env),
    ],
    print: config.stdout,
    printErr: config.stderr,
    onExit(code) {
      settings.exitCode = code;
    },
    arguments: [],
    API,
    locateFile: (path) => path,
    instantiateWasm(imports, done) {
      const marker = Symbol("error marker");
      // Pyodide's own check compiles a tiny module from bytes; its documented fallback is this marker.
      imports.env.Jsv_GetError_import = () => marker;
      imports.env.JsvError_Check = (value) => value === marker;
      options.instantiate(imports).then(
        ({ instance, module }) => {
          options.onWasm?.();
          done(instance, module);
        },
        (error) => {
          wasmFailure = error;
          failWasm(new PythonStartError("wasm", error?.message ?? String(error), error));
        },
      );
      return {};
    },
  };
  let module;
  try {
    module = await Promise.race([createModule(options.factory, settings), wasmFailed]);
  } catch (error) {
    if (error instanceof PythonStartError) throw error;
    throw new PythonStartError("factory", error?.message ?? String(error), wasmFailure ?? error);
  }
  if (settings.exitCode !== undefined) throw new PythonStartError("factory", `exit ${settings.exitCode}`);
  try {
    if (module.API.version !== PYODIDE_VERSION)
      throw new Error(`the runtime is Pyodide ${module.API.version}, this boot follows ${PYODIDE_VERSION}`);
    module.locateFile = (path) => {
      throw new Error(`Pyodide asked for ${path}: nothing is loaded by URL in the native runtime`);
    };
    const pyodide = module.API.finalizeBootstrap(undefined, undefined);
    const api = pyodide._api;
    api.sys.path.insert(0, "");
    api._pyodide.set_excepthook();
    await api.packageIndexReady;
    api.initializeStreams(undefined, config.stdout, config.stderr);
    return pyodide;
  } catch (error) {
    throw new PythonStartError("bootstrap", error?.message ?? String(error), error);
  }
}

// Emscripten picks its environment when the factory starts. With no window, no worker scope and no Node
// it takes "shell", whose random bytes come from d8's os.system; as a worker it takes them from
// crypto.getRandomValues (polyfills.js). Nothing else of the worker path runs: every file is handed over.
function createModule(factory, settings) {
  const had = Object.prototype.hasOwnProperty.call(globalThis, "WorkerGlobalScope");
  const before = globalThis.WorkerGlobalScope;
  globalThis.WorkerGlobalScope = function WorkerGlobalScope() {};
  try {
    return factory(settings); // reads the environment synchronously, before its first await
  } finally {
    if (had) globalThis.WorkerGlobalScope = before;
    else delete globalThis.WorkerGlobalScope;
  }
}

function installStdlib(stdlib) {
  return (M) => {
    const version = M.HEAPU32[M._Py_Version >>> 2];
    const major = (version >>> 24) & 0xff;
    const minor = (version >>> 16) & 0xff;
    M.API.pyVersionTuple = [major, minor, (version >>> 8) & 0xff];
    M.FS.mkdirTree("/lib");
    M.API.sitePackages = `/lib/python${major}.${minor}/site-packages`;
    M.FS.mkdirTree(M.API.sitePackages);
    M.FS.mkdirTree(`/lib/python${major}.${minor}/lib-dynload`);
    M.FS.writeFile(`/lib/python${major}${minor}.zip`, stdlib);
  };
}

function homeDirectory(path) {
  return (M) => {
    M.FS.mkdirTree(path);
    M.FS.chdir(path);
  };
}
