// The `WebAssembly` object Pyodide's JavaScript expects, built on TikTok's `TTWebAssembly`, which loads
// modules only from package paths. Pyodide makes a few tiny modules from bytes at start (one wrapper per
// signature of a JavaScript function it puts in the wasm function table, and its call trampoline): the
// package ships each of them as a file (build: native_package.py), compiled here before Python starts,
// and `new WebAssembly.Module(bytes)` answers the precompiled module whose bytes match. Any other bytes
// are refused with WasmFromBytesRefused: on the device they could never load.

export class WasmFromBytesRefused extends Error {
  constructor(bytes) {
    super(
      `WebAssembly from bytes (${describe(bytes)}) is not possible in TikTok's native runtime: ` +
        "modules load only from package files (TTWebAssembly.instantiate(path))",
    );
    this.name = "WasmFromBytesRefused";
  }
}

function describe(bytes) {
  try {
    const view = asBytes(bytes);
    return `${view.length} bytes, ${hexOf(view.subarray(0, 12))}...`;
  } catch {
    return typeof bytes;
  }
}

function asBytes(source) {
  if (source instanceof Uint8Array) return source;
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  if (source && typeof source.byteLength === "number") return new Uint8Array(source);
  throw new TypeError("not a buffer");
}

/** Lower-case hex of `bytes`: the key of a precompiled module (build: native_package.glue_modules). */
export function hexOf(bytes) {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

/**
 * Compile the glue modules the package ships: `entries` is [{hex, path, stub}]. Answers Map(hex -> Module).
 * TTWebAssembly.compile(path) where the runtime has it (runtime_facts.js: ttWebAssemblyCompile), else
 * instantiate(path, {e: {f}}) for the one-import signature wrappers; a module that cannot load is left
 * out (Pyodide then takes its slower path, or says which bytes it missed).
 */
export async function compileGlue(tt, entries) {
  const modules = new Map();
  await Promise.all(
    entries.map(async ({ hex, path, stub }) => {
      try {
        if (typeof tt.compile === "function") modules.set(hex, await tt.compile(path));
        else if (stub === "func") modules.set(hex, (await tt.instantiate(path, { e: { f() {} } })).module);
      } catch (error) {
        console.warn(`gameport: glue module ${path} did not load`, error);
      }
    }),
  );
  return modules;
}

class MissingWasmClass extends Error {}

/** The facade: `tt` is TTWebAssembly, `glue` the Map from compileGlue. */
export function createWasmFacade(tt, glue) {
  const lookup = (source) => {
    let bytes;
    try {
      bytes = asBytes(source);
    } catch {
      throw new WasmFromBytesRefused(source);
    }
    const module = glue.get(hexOf(bytes));
    if (module === undefined) throw new WasmFromBytesRefused(bytes);
    return module;
  };
  function Module(bytes) {
    return lookup(bytes);
  }
  Module.prototype = tt.Module.prototype;
  for (const name of ["customSections", "exports", "imports"]) {
    if (typeof tt.Module[name] === "function") Module[name] = (...args) => tt.Module[name](...args);
  }
  const isModule = (value) => value instanceof tt.Module;
  return {
    Module,
    Instance: tt.Instance,
    Memory: tt.Memory,
    Table: tt.Table,
    Global: tt.Global,
    // Pyodide checks `instanceof WebAssembly.Exception`; a runtime without one can never throw one.
    Tag: tt.Tag,
    Exception: tt.Exception ?? class Exception extends MissingWasmClass {},
    CompileError: tt.CompileError ?? class CompileError extends MissingWasmClass {},
    LinkError: tt.LinkError ?? class LinkError extends MissingWasmClass {},
    RuntimeError: tt.RuntimeError ?? class RuntimeError extends MissingWasmClass {},
    validate: (bytes) => {
      try {
        return Boolean(lookup(bytes));
      } catch {
        return false;
      }
    },
    compile: async (bytes) => lookup(bytes),
    async instantiate(source, imports) {
      if (isModule(source)) return new tt.Instance(source, imports);
      const module = lookup(source);
      return { module, instance: new tt.Instance(module, imports) };
    },
    instantiateStreaming: async () => {
      throw new WasmFromBytesRefused("a streamed response");
    },
    compileStreaming: async () => {
      throw new WasmFromBytesRefused("a streamed response");
    },
  };
}
