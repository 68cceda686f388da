// THE table of the native runtime's facts that no TikTok page confirms, each a knob of the simulator
// (createRuntime({facts: {...}})). Sources: shared/reference/tiktok-native-and-payments.md (sections 1.1,
// 1.3-1.6, 6) and platform-apis.md A.11-A.13. `status` is "unconfirmed" (nothing states it for TikTok) or
// "inferred" (read from the Douyin/WeChat siblings or from prior art); `verify` marks the ones a real device
// must settle before a release depends on them.

export const FACTS = Object.freeze({
  ttminisOnGlobalThis: {
    default: false,
    status: "unconfirmed",
    doc: "TTMinis is also a property of globalThis (it is always on GameGlobal, which is a separate object)",
    source:
      "1.1: Godot prior art puts TTMinis on GameGlobal; 'TikTok keeps GameGlobal separate from globalThis'",
  },
  timers: {
    default: true,
    status: "unconfirmed",
    doc: "global setTimeout/setInterval/clearTimeout/clearInterval (string arguments always refused)",
    source: "1.3: global setTimeout [UNCONFIRMED]; the Godot adapter binds them and works on TikTok Native",
  },
  textCodec: {
    default: false,
    status: "unconfirmed",
    doc: "global TextEncoder/TextDecoder (WeChat lacks them; ship a polyfill)",
    source: "0 and 1.3: TextDecoder/TextEncoder [UNCONFIRMED] for TikTok",
  },
  performance: {
    default: false,
    status: "unconfirmed",
    doc: "global performance.now() (the Godot adapter ships its own shim on Date.now())",
    source: "1.3: performance.now / getPerformance [UNCONFIRMED]",
  },
  url: {
    default: false,
    status: "unconfirmed",
    doc: "global URL/URLSearchParams",
    source: "not listed by any TikTok native page",
  },
  queueMicrotask: {
    default: false,
    status: "unconfirmed",
    doc: "global queueMicrotask (Promise microtasks exist in any case)",
    source: "not listed by any TikTok native page",
  },
  wasmExceptionHandling: {
    default: true,
    status: "unconfirmed",
    verify: true,
    doc: "TTWebAssembly.Tag and TTWebAssembly.Exception (wasm exception handling, which Pyodide uses); on: verify on device",
    source: "1.4/3: iOS WeChat rejected the wasm Tag section ('CompileError: OOM / magic Tag section')",
  },
  wasmErrorClasses: {
    default: true,
    status: "inferred",
    doc: "TTWebAssembly.CompileError/LinkError/RuntimeError (declared for WXWebAssembly by the WeChat typings)",
    source: "6: minigame-api-typings lib.wx.wasm.d.ts",
  },
  wasmInstantiateResult: {
    default: "pair",
    choices: ["pair", "instance"],
    status: "unconfirmed",
    verify: true,
    doc: 'what TTWebAssembly.instantiate(path) resolves to: "pair" = {module, instance} (Douyin page), "instance" = an Instance (WeChat typings)',
    source: "1.4 (Douyin contract) and 6 (WXWebAssembly typings): a boot path should accept both",
  },
  userDataPath: {
    default: "ttfile://user",
    status: "inferred",
    doc: "the value of TTMinis.game.env.USER_DATA_PATH (Douyin's; TikTok's samples only use the variable)",
    source: "1.5: Douyin 'ttfile://user is read/write'",
  },
  touchClientXY: {
    default: true,
    status: "unconfirmed",
    doc: "Touch objects carry clientX/clientY as well as the documented identifier/screenX/screenY",
    source: "1.3: 'TikTok Native documents screenX/screenY' (Godot adapter)",
  },
  fileScope: {
    default: "function",
    choices: ["function", "global"],
    status: "unconfirmed",
    doc: '"function": each game.js runs as a function body (WeChat/Douyin module wrapper), so top-level declarations stay private; "global": as a classic script',
    source: "WeChat/Douyin wrap each file as a module; TikTok's DevTool uses `with (sandboxGlobal)` (1.9)",
  },
  subpackageFilesBeforeLoad: {
    default: false,
    status: "inferred",
    doc: "files under a subpackage root can be read (fs, TTWebAssembly) before loadSubpackage({name}) succeeded",
    source: "1.4: 'The subpackage must be loaded before its wasm path resolves' (Godot)",
  },
  screenCanvasScale: {
    default: 1,
    status: "unconfirmed",
    doc: "size of the on-screen canvas from the first createCanvas(): window size (logical px) times this",
    source: "no TikTok page states the on-screen canvas size",
  },
});

/**
 * Minimum TikTok client version of the native members the simulator adds to TTMinis.game (and of
 * TTWebAssembly). Below it the member is absent, as the mock does for its own members (A.12).
 */
export const NATIVE_MIN_VERSION = Object.freeze({
  getWindowInfo: "42.8.0", // SDK 0.2.0
  TTWebAssembly: "43.4.0", // SDK 0.6.0
  setPreferredFramesPerSecond: "43.4.0", // SDK 0.6.0
  readCompressedFile: "44.6.0", // SDK 0.18.0 (fs manager, with readCompressedFileSync)
});

/** The facts in effect: defaults overridden by `overrides`; an unknown key or a bad choice throws. */
export function resolveFacts(overrides = {}) {
  const out = {};
  for (const key of Object.keys(overrides)) {
    if (!Object.hasOwn(FACTS, key)) {
      throw new TypeError(`unknown native runtime fact "${key}"; known: ${Object.keys(FACTS).join(", ")}`);
    }
  }
  for (const [key, fact] of Object.entries(FACTS)) {
    const value = Object.hasOwn(overrides, key) ? overrides[key] : fact.default;
    if (fact.choices && !fact.choices.includes(value)) {
      throw new TypeError(
        `fact ${key} must be one of ${fact.choices.join(", ")}, not ${JSON.stringify(value)}`,
      );
    }
    if (!fact.choices && typeof value !== typeof fact.default) {
      throw new TypeError(`fact ${key} must be a ${typeof fact.default}`);
    }
    out[key] = value;
  }
  return Object.freeze(out);
}

/** JSON-safe list of the facts in effect, for summaries: what a device must still confirm. */
export function describeFacts(facts) {
  return Object.entries(FACTS).map(([key, fact]) => ({
    key,
    value: facts[key],
    status: fact.status,
    ...(fact.verify && facts[key] ? { note: "unconfirmed: verify on device" } : {}),
  }));
}
