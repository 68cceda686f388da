// The context's globals are only the documented ones: what is absent, what is refused, what the knobs of
// the [unconfirmed] table add, and that no host (Node) Function constructor leaks to game code.
import assert from "node:assert/strict";
import { test } from "node:test";
import vm from "node:vm";
import { bootAndReport, finish } from "./fixtures.mjs";
import { createRuntime } from "./runtime.mjs";
import { FACTS } from "./facts.mjs";

const DOCUMENTED = [
  "GameGlobal",
  "TTWebAssembly",
  "console",
  "setTimeout",
  "setInterval",
  "clearTimeout",
  "clearInterval",
  "requestAnimationFrame",
  "cancelAnimationFrame",
];
const ABSENT = [
  "WebAssembly",
  "fetch",
  "XMLHttpRequest",
  "document",
  "window",
  "self",
  "process",
  "require",
  "module",
  "exports",
  "Buffer",
  "TextDecoder",
  "TextEncoder",
  "performance",
  "URL",
  "URLSearchParams",
  "queueMicrotask",
  "TTMinis",
  "navigator",
  "location",
  "localStorage",
  "Worker",
  "structuredClone",
  "setImmediate",
  "crypto",
  "atob",
  "btoa",
  "Blob",
  "AbortController",
  "EventTarget",
  "MessageChannel",
];

const REPORT_GLOBALS = `
  const names = Object.getOwnPropertyNames(globalThis);
  const types = {};
  for (const n of ${JSON.stringify(ABSENT)}) types[n] = typeof globalThis[n];
  const refused = {};
  const attempt = (label, fn) => {
    try { fn(); refused[label] = "ran"; } catch (e) { refused[label] = e.name + ": " + e.message; }
  };
  attempt("eval", () => eval("1"));
  attempt("indirect eval", () => (0, eval)("1"));
  attempt("new Function", () => new Function(""));
  attempt("Function", () => Function("return this"));
  attempt("setTimeout string", () => setTimeout("x"));
  attempt("setInterval string", () => setInterval("x", 5));
  attempt("rAF string", () => requestAnimationFrame("x"));
  const F = Function;
  const leaks = {
    setTimeout: setTimeout.constructor === F,
    console: console.log.constructor === F,
    createCanvas: GameGlobal.TTMinis.game.createCanvas.constructor === F,
    login: GameGlobal.TTMinis.game.login.constructor === F,
    gameObject: GameGlobal.TTMinis.game.constructor.constructor === F,
    instantiate: TTWebAssembly.instantiate.constructor === F,
    fsRead: GameGlobal.TTMinis.game.getFileSystemManager().readFileSync.constructor === F,
    report: GameGlobal.__gameportSim.report.constructor === F,
  };
  GameGlobal.__gameportSim.report({
    names, types, refused, leaks,
    separate: GameGlobal !== globalThis,
    onGameGlobal: typeof GameGlobal.TTMinis.game,
    hasInit: "init" in GameGlobal.TTMinis.game,
    members: ["login", "pay", "createCanvas", "loadSubpackage", "request", "getFileSystemManager"].map(
      (m) => typeof GameGlobal.TTMinis.game[m]),
    canIUse: ["createCanvas", "login", "loadSubpackage", "noSuchThing", "createCanvas.x"].map(
      (m) => GameGlobal.TTMinis.game.canIUse(m)),
  });
`;

test("the context's globals are the V8 built-ins, less WebAssembly, plus only the documented ones", async () => {
  const { rt, report, dir } = await bootAndReport({ "game.js": REPORT_GLOBALS });
  try {
    const builtins = vm.runInContext("Object.getOwnPropertyNames(globalThis)", vm.createContext({}));
    const expected = new Set([...builtins.filter((n) => n !== "WebAssembly"), ...DOCUMENTED]);
    assert.deepEqual(new Set(report.names), expected);
    for (const name of ABSENT) assert.equal(report.types[name], "undefined", `${name} must be absent`);
    assert.equal(report.separate, true, "GameGlobal is not globalThis");
    assert.equal(report.onGameGlobal, "object");
    assert.equal(report.hasInit, false, "the native runtime needs no init");
    assert.deepEqual(report.members, Array(6).fill("function"));
    assert.deepEqual(report.canIUse, [true, true, true, false, false]);
  } finally {
    finish(rt, dir);
  }
});

test("code from strings is refused: eval, Function, string timers", async () => {
  const { rt, report, dir } = await bootAndReport({ "game.js": REPORT_GLOBALS });
  try {
    for (const label of ["eval", "indirect eval", "new Function", "Function"]) {
      assert.match(report.refused[label], /^EvalError: Code generation from strings disallowed/, label);
    }
    for (const label of ["setTimeout string", "setInterval string", "rAF string"]) {
      assert.match(report.refused[label], /^TypeError: .*callback must be a function/, label);
    }
  } finally {
    finish(rt, dir);
  }
});

test("no function handed to the game exposes the host's Function constructor", async () => {
  const { rt, report, dir } = await bootAndReport({ "game.js": REPORT_GLOBALS });
  try {
    for (const [name, sameRealm] of Object.entries(report.leaks)) assert.equal(sameRealm, true, name);
  } finally {
    finish(rt, dir);
  }
});

test("the unconfirmed knobs add exactly their globals", async () => {
  const facts = {
    ttminisOnGlobalThis: true,
    textCodec: true,
    performance: true,
    url: true,
    queueMicrotask: true,
  };
  const game = `GameGlobal.__gameportSim.report({
    ttminis: typeof TTMinis !== "undefined" && TTMinis === GameGlobal.TTMinis,
    codec: new TextDecoder().decode(new TextEncoder().encode("é")),
    now: typeof performance.now(),
    url: new URL("https://a.test/x?y=1").searchParams.get("y"),
    micro: typeof queueMicrotask,
  });`;
  const { rt, report, dir } = await bootAndReport({ "game.js": game }, { facts });
  try {
    assert.deepEqual(report, { ttminis: true, codec: "é", now: "number", url: "1", micro: "function" });
  } finally {
    finish(rt, dir);
  }
});

test("timers off removes them; an unknown fact or a bad choice is refused", async () => {
  const { rt, report, dir } = await bootAndReport(
    {
      "game.js":
        "GameGlobal.__gameportSim.report({ t: typeof setTimeout, raf: typeof requestAnimationFrame });",
    },
    { facts: { timers: false } },
  );
  finish(rt, dir);
  assert.deepEqual(report, { t: "undefined", raf: "function" });
  assert.throws(
    () => createRuntime({ packageDir: "x", facts: { noSuchFact: 1 } }),
    /unknown native runtime fact/,
  );
  assert.throws(() => createRuntime({ packageDir: "x", facts: { fileScope: "module" } }), /must be one of/);
  assert.throws(() => createRuntime({ packageDir: "x", facts: { textCodec: "yes" } }), /must be a boolean/);
  for (const fact of Object.values(FACTS)) assert.ok(fact.doc && fact.source && fact.status, fact.doc);
});

test("client versions gate the native members (A.12)", async () => {
  const game = `const g = GameGlobal.TTMinis.game;
    GameGlobal.__gameportSim.report({
      wasm: typeof TTWebAssembly, fps: typeof g.setPreferredFramesPerSecond, win: typeof g.getWindowInfo,
      compressed: typeof g.getFileSystemManager().readCompressedFile,
    });`;
  const old = await bootAndReport({ "game.js": game }, { scenario: { clientVersion: "43.0.0" } });
  finish(old.rt, old.dir);
  assert.deepEqual(old.report, {
    wasm: "undefined",
    fps: "undefined",
    win: "function",
    compressed: "undefined",
  });
  const mid = await bootAndReport({ "game.js": game }, { scenario: { clientVersion: "43.4.0" } });
  finish(mid.rt, mid.dir);
  assert.deepEqual(mid.report, { wasm: "object", fps: "function", win: "function", compressed: "undefined" });
});

test("each package file runs as a function body by default, as a classic script with fileScope global", async () => {
  const files = {
    "game.js": `const secret = 1;
      GameGlobal.TTMinis.game.loadSubpackage({ name: "sub", success() {
        GameGlobal.__gameportSim.report({ seen: GameGlobal.seen });
      } });`,
    "sub/game.js": "GameGlobal.seen = typeof secret;",
  };
  const subpackages = [{ name: "sub", root: "sub" }];
  const fn = await bootAndReport(files, { subpackages });
  finish(fn.rt, fn.dir);
  assert.equal(fn.report.seen, "undefined");
  const script = await bootAndReport(files, { subpackages, facts: { fileScope: "global" } });
  finish(script.rt, script.dir);
  assert.equal(script.report.seen, "number");
});
