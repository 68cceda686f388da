// THE table of what gameport's native boot assumes about TikTok's native runtime. Each fact says whether a
// TikTok page documents it (confirmed) or not, where it comes from, and what the boot does without it.
// The package build copies the minimum client version into its report; the launch checklist lists every
// unconfirmed fact as "verify on a device". Change a fact here, nowhere else.
// Sources: ../shared/reference/tiktok-native-and-payments.md (section numbers below).

export const RUNTIME_FACTS = Object.freeze({
  ttWebAssembly: {
    confirmed: true,
    minClient: "43.4.0",
    source: "1.4: TTWebAssembly added in SDK 0.6.0 / TikTok 43.4.0",
    without: "boot fails with RUNTIME_UNSUPPORTED",
  },
  wasmBrotliPath: {
    confirmed: false,
    source: "1.4: .wasm.br is documented for Douyin and WeChat, inferred for TikTok (Godot prior art)",
    without: "none: the package ships only pyodide.asm.wasm.br",
  },
  ttWebAssemblyCompile: {
    confirmed: false,
    source: "1.4: TTWebAssembly.compile(path) is Douyin's contract; no TikTok page documents the API",
    without: "glue modules are compiled with instantiate(path, stub imports) instead",
  },
  ttWebAssemblyTag: {
    confirmed: false,
    source: "1.4: Douyin lists Module, Global, Table, Memory, Instance; Pyodide's wasm uses exception tags",
    without: "boot fails when the wasm imports a tag the runtime cannot create",
  },
  wasmInstantiateResult: {
    confirmed: false,
    source: "1.4: Douyin's instantiate answers {module, instance}; WeChat's typings an Instance",
    without: "an Instance alone: the Module comes from TTWebAssembly.compile(path), compiled twice",
  },
  readCompressedFile: {
    confirmed: true,
    minClient: "44.6.0",
    source: "1.5: FileSystemManager.readCompressedFile (brotli) in SDK 0.18.0 / TikTok 44.6.0",
    without: "boot fails with RUNTIME_UNSUPPORTED: the standard library ships brotli-compressed",
  },
  loadSubpackage: {
    confirmed: true,
    source: "1.6: TTMinis.game.loadSubpackage({name}) downloads and executes a subpackage",
    without: "boot fails with RUNTIME_UNSUPPORTED",
  },
  ttMinisOnGameGlobal: {
    confirmed: false,
    source: "1.1: TTMinis may live on GameGlobal rather than globalThis (Godot prior art)",
    without: "the boot copies GameGlobal.TTMinis to globalThis.TTMinis for the bridge",
  },
  textCodec: {
    confirmed: false,
    source: "0 / 1.3: TextDecoder / TextEncoder are undocumented; WeChat lacks them",
    without: "UTF-8 polyfills (polyfills.js)",
  },
  performanceNow: {
    confirmed: false,
    source: "1.3: performance.now is undocumented",
    without: "a Date.now() based clock (polyfills.js)",
  },
  cryptoRandom: {
    confirmed: false,
    source: "not documented on TikTok's pages",
    without: "Math.random() bytes: Python's hash seed and random module are not cryptographic there",
  },
  timers: {
    confirmed: false,
    source: "1.3: setTimeout undocumented; the Godot adapter uses it on TikTok Native",
    without: "boot fails: Pyodide's event loop needs setTimeout",
  },
});

/** The highest minClient of the confirmed facts the boot cannot do without: the package's minimum client. */
export function minimumClientVersion(facts = RUNTIME_FACTS) {
  const versions = Object.values(facts)
    .map((fact) => fact.minClient)
    .filter(Boolean);
  const key = (v) => v.split(".").map(Number);
  return versions.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < 3; i += 1) if (x[i] !== y[i]) return x[i] - y[i];
    return 0;
  })[versions.length - 1];
}
