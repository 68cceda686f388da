// TTWebAssembly (reference 1.4, Douyin's contract): instantiate(path, imports) and compile(path) take ONLY
// a string path to a .wasm or .wasm.br file inside the package (its subpackage loaded); bytes, Responses,
// absolute, ".." and remote paths are refused. The module is compiled by the HOST's WebAssembly (the
// context may not compile wasm: codeGeneration.wasm is false) and instantiated with the CONTEXT's
// WebAssembly.Instance, so exports, memories and errors belong to the game's realm. The context's own
// Module constructor is kept as TTWebAssembly.Module's prototype owner: constructing it from bytes throws.
import { readFileSync } from "node:fs";
import { brotliDecompressSync } from "node:zlib";
import { resolvePackagePath } from "./package_dir.mjs";

const describe = (x) => {
  if (x === null) return "null";
  if (typeof x !== "object") return typeof x;
  return Object.prototype.toString.call(x).slice(8, -1); // ArrayBuffer, Uint8Array, Response... (any realm)
};

/**
 * The TTWebAssembly object for `realm`. `record(entry)` logs {op, path, ok, bytes?, error?}.
 */
export function createTTWebAssembly({ realm, pkg, facts, record }) {
  const WA = realm.wasm; // the context's WebAssembly namespace (deleted from its global by createRealm)

  /** Host bytes of a package wasm path, or throws a context TypeError saying why not. */
  function wasmBytes(op, p) {
    if (typeof p !== "string") {
      throw realm.error(
        "TypeError",
        `TTWebAssembly.${op}: the first argument must be a package path string ending in .wasm or .wasm.br, not ${describe(p)} (the runtime does not compile bytes)`,
      );
    }
    if (!p.endsWith(".wasm") && !p.endsWith(".wasm.br")) {
      throw realm.error("TypeError", `TTWebAssembly.${op}: "${p}" is not a .wasm or .wasm.br file`);
    }
    const r = resolvePackagePath(pkg, p, { allowUnloaded: facts.subpackageFilesBeforeLoad });
    if (r.error) throw realm.error("TypeError", `TTWebAssembly.${op}: ${r.error}: ${r.hint}`);
    const raw = readFileSync(r.abs);
    if (!p.endsWith(".br")) return raw;
    try {
      return brotliDecompressSync(raw);
    } catch {
      throw realm.error("TypeError", `TTWebAssembly.${op}: "${p}" is not brotli-compressed wasm`);
    }
  }

  /** {module, entry}: the log entry is recorded here on failure, by the caller once the call succeeded. */
  async function compileModule(op, p) {
    const entry = { op, path: typeof p === "string" ? p : describe(p), ok: false };
    try {
      const bytes = wasmBytes(op, p);
      entry.bytes = bytes.length;
      let module;
      try {
        module = await WebAssembly.compile(bytes);
      } catch (e) {
        throw new WA.CompileError(`TTWebAssembly.${op}("${p}"): ${e.message}`);
      }
      // The game sees a Module of its own realm: `m instanceof TTWebAssembly.Module` holds, and
      // m.constructor is the context's Module, whose construction from bytes the context refuses.
      Object.setPrototypeOf(module, WA.Module.prototype);
      return { module, entry };
    } catch (e) {
      entry.error = String(e?.message ?? e);
      record(entry);
      throw e;
    }
  }

  const TT = realm.object({
    instantiate(p, imports) {
      return realm.promise(
        (async () => {
          const { module, entry } = await compileModule("instantiate", p);
          let instance;
          try {
            instance = new WA.Instance(module, imports);
          } catch (e) {
            record({ ...entry, error: `link: ${e.message}` });
            throw e;
          }
          record({ ...entry, ok: true });
          return facts.wasmInstantiateResult === "instance" ? instance : realm.object({ module, instance });
        })(),
      );
    },
    compile(p) {
      return realm.promise(
        compileModule("compile", p).then(({ module, entry }) => {
          record({ ...entry, ok: true });
          return module;
        }),
      );
    },
  });
  // Module: refuses bytes with a clear message; `instanceof` and the statics are the context's.
  const Module = realm.expose(function Module() {
    throw realm.error(
      "TypeError",
      "TTWebAssembly.Module(bytes) is not available: the runtime compiles only package paths (TTWebAssembly.compile(path))",
    );
  });
  Object.defineProperty(Module, "prototype", { value: WA.Module.prototype });
  Object.defineProperty(Module, Symbol.hasInstance, { value: realm.expose((x) => x instanceof WA.Module) });
  for (const name of ["exports", "imports", "customSections"]) Module[name] = WA.Module[name];
  TT.Module = Module;
  for (const name of ["Instance", "Memory", "Table", "Global"]) TT[name] = WA[name];
  if (facts.wasmErrorClasses)
    for (const name of ["CompileError", "LinkError", "RuntimeError"]) TT[name] = WA[name];
  if (facts.wasmExceptionHandling) for (const name of ["Tag", "Exception"]) TT[name] = WA[name];
  return TT;
}
