// What the runtime does not have or refuses, each planted in a package: DOM, fetch, eval, new Function,
// WebAssembly from bytes, TTWebAssembly given anything but a package path, a subpackage without game.js,
// and uncaught errors, which are recorded rather than crashing the host.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { test } from "node:test";
import {
  addWasm,
  bootAndReport,
  brotli,
  finish,
  importingWasm,
  removePackage,
  writePackage,
} from "./fixtures.mjs";
import { createRuntime } from "./runtime.mjs";

async function bootFails(gameJs, pattern) {
  const dir = writePackage({ "game.js": gameJs, "x.wasm": addWasm() });
  const rt = createRuntime({ packageDir: dir });
  try {
    await assert.rejects(rt.boot(), pattern);
    assert.equal(rt.state, "failed");
    assert.match(rt.errors[0].message, pattern);
  } finally {
    finish(rt, dir);
  }
}

test("planted browser-only code fails at boot with a clear error", async () => {
  await bootFails('document.createElement("canvas");', /document is not defined/);
  await bootFails('window.addEventListener("load", () => {});', /window is not defined/);
  await bootFails('fetch("https://example.test/a.wasm");', /fetch is not defined/);
  await bootFails("new XMLHttpRequest();", /XMLHttpRequest is not defined/);
  await bootFails('eval("1");', /EvalError|Code generation from strings disallowed/);
  await bootFails('new Function("return 1")();', /Code generation from strings disallowed/);
  await bootFails("WebAssembly.instantiate(new Uint8Array(8));", /WebAssembly is not defined/);
  await bootFails('setTimeout("tick()", 10);', /callback must be a function/);
  await bootFails('require("./other.js");', /require is not defined/);
  await bootFails('import x from "./other.js";', /Cannot use import statement/);
});

const WASM_REFUSALS = `
  const bytes = new Uint8Array(GameGlobal.TTMinis.game.getFileSystemManager().readFileSync("x.wasm"));
  const tries = {
    arrayBuffer: () => TTWebAssembly.instantiate(bytes.buffer, {}),
    typedArray: () => TTWebAssembly.instantiate(bytes, {}),
    compileBytes: () => TTWebAssembly.compile(bytes.buffer),
    response: () => TTWebAssembly.instantiate({ arrayBuffer() {} }, {}),
    absolute: () => TTWebAssembly.instantiate("/x.wasm", {}),
    dotdot: () => TTWebAssembly.instantiate("sub/../../x.wasm", {}),
    remote: () => TTWebAssembly.instantiate("https://cdn.test/x.wasm", {}),
    notWasm: () => TTWebAssembly.instantiate("game.js", {}),
    missing: () => TTWebAssembly.instantiate("nope.wasm", {}),
    unloaded: () => TTWebAssembly.instantiate("engine/y.wasm", {}),
    notBrotli: () => TTWebAssembly.instantiate("fake.wasm.br", {}),
    notWasmBytes: () => TTWebAssembly.compile("junk.wasm"),
    linkError: () => TTWebAssembly.instantiate("engine2/importing.wasm", {}),
  };
  const out = {};
  const sync = {};
  try { new TTWebAssembly.Module(bytes); sync.module = "ran"; } catch (e) { sync.module = e.name + ": " + e.message; }
  (async () => {
    const ok = await TTWebAssembly.compile("x.wasm");
    try { new ok.constructor(bytes); sync.ctor = "ran"; } catch (e) { sync.ctor = e.name + ": " + e.message; }
    for (const [k, fn] of Object.entries(tries)) {
      try { await fn(); out[k] = "resolved"; } catch (e) { out[k] = e.name + ": " + e.message; }
    }
    GameGlobal.__gameportSim.report({ out, sync });
  })();
`;

test("a dynamic import() is refused (no module loader): the promise rejects", async () => {
  const game = `import("./other.js").then(() => GameGlobal.__gameportSim.report({ r: "loaded" }),
    (e) => GameGlobal.__gameportSim.report({ r: "refused", message: String(e && e.message) }));`;
  const { rt, report, dir } = await bootAndReport({ "game.js": game, "other.js": "" });
  finish(rt, dir);
  assert.equal(report.r, "refused");
});

test("TTWebAssembly takes only package paths: bytes, responses, remote, absolute and .. paths reject", async () => {
  const { rt, report, dir } = await bootAndReport(
    {
      "game.js": WASM_REFUSALS,
      "x.wasm": addWasm(),
      "engine/game.js": "",
      "engine/y.wasm": addWasm(),
      "fake.wasm.br": addWasm(),
      "junk.wasm": "not wasm",
    },
    { subpackages: [{ name: "engine", root: "engine/" }] },
  );
  try {
    const { out, sync } = report;
    for (const k of ["arrayBuffer", "typedArray", "compileBytes", "response"]) {
      assert.match(out[k], /^TypeError: .*must be a package path string.*does not compile bytes/, k);
    }
    assert.match(out.arrayBuffer, /not ArrayBuffer/);
    assert.match(out.typedArray, /not Uint8Array/);
    for (const k of ["absolute", "dotdot", "remote"])
      assert.match(out[k], /permission denied.*not a relative path/, k);
    assert.match(out.notWasm, /is not a \.wasm or \.wasm\.br file/);
    assert.match(out.missing, /no such file or directory/);
    assert.match(out.unloaded, /subpackage "engine", which has not been loaded/);
    assert.match(out.notBrotli, /not brotli-compressed/);
    assert.match(out.notWasmBytes, /^CompileError: /);
    assert.match(sync.module, /^TypeError: TTWebAssembly\.Module\(bytes\) is not available/);
    assert.match(sync.ctor, /Wasm code generation disallowed by embedder/);
    assert.ok(rt.wasmCalls().filter((e) => !e.ok).length >= 12, "refusals are logged");
  } finally {
    finish(rt, dir);
  }
});

test("a wasm import of the wrong kind fails with the game realm's LinkError at instantiate", async () => {
  const game = `TTWebAssembly.instantiate("m.wasm.br", { env: { twice: 2 } }).then(
    () => GameGlobal.__gameportSim.report({ r: "resolved" }),
    (e) => GameGlobal.__gameportSim.report({ r: e.name, isLink: e instanceof TTWebAssembly.LinkError }));`;
  const { rt, report, dir } = await bootAndReport({ "game.js": game, "m.wasm.br": brotli(importingWasm()) });
  finish(rt, dir);
  assert.deepEqual(report, { r: "LinkError", isLink: true });
});

test("wasm exception handling and the instantiate result shape follow their knobs", async () => {
  const game = `TTWebAssembly.instantiate("x.wasm", {}).then((r) => GameGlobal.__gameportSim.report({
    tag: typeof TTWebAssembly.Tag, exc: typeof TTWebAssembly.Exception,
    isInstance: r instanceof TTWebAssembly.Instance, hasPair: "instance" in r }));`;
  const on = await bootAndReport({ "game.js": game, "x.wasm": addWasm() });
  finish(on.rt, on.dir);
  assert.deepEqual(on.report, { tag: "function", exc: "function", isInstance: false, hasPair: true });
  assert.ok(
    on.rt
      .summary()
      .facts.find((f) => f.key === "wasmExceptionHandling")
      .note.includes("verify on device"),
  );
  const off = await bootAndReport(
    { "game.js": game, "x.wasm": addWasm() },
    { facts: { wasmExceptionHandling: false, wasmInstantiateResult: "instance" } },
  );
  finish(off.rt, off.dir);
  assert.deepEqual(off.report, { tag: "undefined", exc: "undefined", isInstance: true, hasPair: false });
});

test("loadSubpackage: an unknown name or a root without game.js fails; a throwing game.js fails too", async () => {
  const game = `const g = GameGlobal.TTMinis.game; const out = {};
    const load = (name) => new Promise((done) => g.loadSubpackage({ name,
      success: (r) => { out[name] = r.errMsg; }, fail: (r) => { out[name] = r.errMsg; }, complete: done }));
    (async () => { for (const n of ["nope", "empty", "broken", "ok"]) await load(n);
      GameGlobal.__gameportSim.report(out); })();`;
  const { rt, report, dir } = await bootAndReport(
    {
      "game.js": game,
      "empty/data.txt": "x",
      "broken/game.js": "throw new Error('boom');",
      "ok/game.js": "",
    },
    {
      subpackages: [
        { name: "empty", root: "empty/" },
        { name: "broken", root: "broken/" },
        { name: "ok", root: "ok/" },
      ],
      failOnError: false,
    },
  );
  try {
    assert.equal(report.nope, 'loadSubpackage:fail subpackage "nope" not found in game.json subpackages');
    assert.equal(report.empty, 'loadSubpackage:fail subpackage "empty" has no empty/game.js to execute');
    assert.equal(report.broken, "loadSubpackage:fail broken/game.js threw: boom");
    assert.equal(report.ok, "loadSubpackage:ok");
    assert.deepEqual(
      rt.errors.map((e) => e.message),
      ["boom"],
    );
  } finally {
    finish(rt, dir);
  }
});

test("a bad package does not boot: missing game.js, game.json, project.config.json or a bad subpackage", async () => {
  const cases = [
    [{ "game.js": null }, /game\.js is missing/],
    [{ "game.json": null }, /game\.json is missing/],
    [{ "project.config.json": null }, /project\.config\.json is missing/],
    [{ "game.json": "{" }, /game\.json is not valid JSON/],
    [{ "game.json": '{"subpackages": [{"name": "a"}]}' }, /needs a name and a root/],
    [{ "game.json": '{"subpackages": [{"name": "a", "root": "../up"}]}' }, /not a path inside the package/],
  ];
  for (const [files, pattern] of cases) {
    const dir = writePackage({
      "game.js": "",
      ...Object.fromEntries(Object.entries(files).filter(([, v]) => v)),
    });
    for (const [name, v] of Object.entries(files)) if (v === null) rmSync(`${dir}/${name}`);
    const rt = createRuntime({ packageDir: dir });
    await assert.rejects(rt.boot(), pattern);
    rt.dispose();
    removePackage(dir);
  }
});

test("an uncaught error in a timer is recorded, and waitFor stops on it", async () => {
  // (Unhandled promise rejections of game code are recorded the same way, through the process's
  // unhandledRejection event; node:test also fails the running test for them, so run.mjs's test covers it.)
  const dir = writePackage({ "game.js": 'setTimeout(() => { throw new Error("timer boom"); }, 0);' });
  const rt = createRuntime({ packageDir: dir });
  try {
    await rt.boot();
    await assert.rejects(
      rt.waitFor(() => false, 5000, "never"),
      /the game failed first: setTimeout: timer boom/,
    );
    assert.deepEqual(
      rt.errors.map((e) => e.message),
      ["timer boom"],
    );
    assert.equal(rt.state, "running", "an uncaught error does not stop the game loop");
  } finally {
    finish(rt, dir);
  }
});
