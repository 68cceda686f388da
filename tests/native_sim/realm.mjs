// The vm context the game runs in, and the helpers that move values across the realm boundary.
//
// Cross-realm pitfalls, and why the helpers exist: the game's realm has its own Object, Function,
// ArrayBuffer, Promise and Error. A host (Node) ArrayBuffer fails `x instanceof ArrayBuffer` in the game, a
// host Error fails `instanceof TypeError`, and a host function's `.constructor` is the HOST Function
// constructor, which is not subject to the context's `codeGeneration: {strings: false}`: handing game code a
// bare host function would let `fn.constructor("...")` run code from a string. So every function the
// simulator exposes goes through `expose()` (a wrapper compiled in the context), plain data through
// `toCtx()` (parsed by the context's JSON), bytes through `bytesToCtx()` and promises through `promise()`.
// Objects returned by the TikTok mock (js_bridge/mocks/ttminis.js, a host module) stay host objects except
// for the functions of TTMinis.game itself, which are exposed: see README "What it cannot tell".
import vm from "node:vm";

// Of the globals V8 puts in every context, those the native runtime lacks (its no-op `console` is replaced).
const DELETED_HOST_GLOBALS = ["WebAssembly"];

/** A fresh context with code generation from strings and wasm compilation switched off. */
export function createRealm() {
  const context = vm.createContext(
    {},
    { name: "tiktok-native-sim", codeGeneration: { strings: false, wasm: false } },
  );
  const run = (source, filename = "sim-internal.js") =>
    new vm.Script(source, { filename }).runInContext(context);
  const global = run("globalThis");
  // Captured before it is deleted: its Memory/Table/Global/Instance/Tag/Exception are this realm's, and its
  // Module constructor refuses bytes because the context may not compile wasm.
  const wasm = global.WebAssembly;
  for (const name of DELETED_HOST_GLOBALS) delete global[name];

  const wrap = run("(function (f) { return function () { return f.apply(this, arguments); }; })");
  const exposed = new WeakMap();
  const promiseFrom = run("(function (p) { return new Promise(function (ok, no) { p.then(ok, no); }); })");
  const { JSON: ctxJSON, ArrayBuffer: CtxArrayBuffer, Object: CtxObject } = global;

  const realm = {
    context,
    global,
    wasm,
    run,
    /** A function of the context's realm that calls `fn` (same `this` and arguments). */
    expose(fn) {
      if (typeof fn !== "function") throw new TypeError("expose() needs a function");
      let w = exposed.get(fn);
      if (!w) {
        w = wrap(fn);
        Object.defineProperty(w, "name", { value: fn.name });
        exposed.set(fn, w);
      }
      return w;
    },
    /** A context object holding `members`; functions among them are exposed. */
    object(members = {}) {
      const o = new CtxObject();
      for (const [k, v] of Object.entries(members)) o[k] = typeof v === "function" ? realm.expose(v) : v;
      return o;
    },
    /** JSON-safe data as context objects (undefined stays undefined). */
    toCtx(value) {
      return value === undefined ? undefined : ctxJSON.parse(JSON.stringify(value));
    },
    /** A context ArrayBuffer with a copy of `bytes` (Uint8Array/Buffer). */
    bytesToCtx(bytes) {
      const out = new CtxArrayBuffer(bytes.byteLength);
      new Uint8Array(out).set(bytes);
      return out;
    },
    /** A context Promise that settles like the host promise `p`. */
    promise(p) {
      return promiseFrom(p);
    },
    /** A context error: `kind` is "TypeError", "Error", "RangeError"... with extra fields. */
    error(kind, message, fields = {}) {
      const e = new global[kind](message);
      Object.assign(e, fields);
      return e;
    },
    isCtxPromise(p) {
      return p instanceof global.Promise;
    },
  };
  return realm;
}

/**
 * Compile one package file for the context: as a function body ("function": top-level declarations stay
 * private, like WeChat/Douyin's module wrapper) or as a classic script ("global").
 */
export function compileFile(realm, source, filename, scope) {
  if (scope === "global") {
    const script = new vm.Script(source, { filename });
    return () => script.runInContext(realm.context);
  }
  const fn = vm.compileFunction(source, [], { parsingContext: realm.context, filename });
  return () => fn.call(undefined);
}
