// The simulator end to end on a purpose-made package: canvas drawing, a wasm module in a subpackage through
// TTWebAssembly (.wasm and .wasm.br), files read through the file system manager (plain and brotli), a
// request to a local HTTP server, loading progress and the report hook.
/* global GameGlobal, TTWebAssembly, requestAnimationFrame */
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, test } from "node:test";
import {
  addWasm,
  bootAndReport,
  brotli,
  finish,
  importingWasm,
  removePackage,
  source,
  writePackage,
} from "./fixtures.mjs";
import { createRuntime } from "./runtime.mjs";

let server;
let port;
before(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ method: req.method, url: req.url, body, ct: req.headers["content-type"] }));
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  port = server.address().port;
});
after(() => server.close());

function gameMain() {
  const tt = GameGlobal.TTMinis.game;
  const sim = GameGlobal.__gameportSim;
  tt.setLoadingProgress({ progress: 10 });
  const canvas = tt.createCanvas();
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#000";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = "#f00";
  ctx.fillRect(10, 10, 50, 40);
  const fsm = tt.getFileSystemManager();
  const text = fsm.readFileSync("assets/hello.txt", "utf8");
  const packed = new Uint8Array(
    fsm.readCompressedFileSync({ filePath: "assets/data.bin.br", compressionAlgorithm: "br" }),
  );
  const port = JSON.parse(fsm.readFileSync("assets/port.json", "utf8")).port;
  tt.loadSubpackage({
    name: "engine",
    fail: (e) => sim.report({ stage: "subpackage failed", errMsg: e.errMsg }),
    success: async () => {
      tt.setLoadingProgress({ progress: 60 });
      const { instance } = await TTWebAssembly.instantiate("engine/add.wasm", {});
      const fromBr = await TTWebAssembly.instantiate("engine/importing.wasm.br", {
        env: { twice: (x) => x * 2 },
      });
      const module = await TTWebAssembly.compile("engine/add.wasm");
      const again = new TTWebAssembly.Instance(module, {});
      tt.request({
        url: `http://127.0.0.1:${port}/api/hello`,
        method: "POST",
        data: { n: 1 },
        success: (res) => {
          tt.setLoadingProgress({ progress: 100 });
          let frames = 0;
          const tick = () => {
            frames += 1;
            ctx.fillStyle = "#0f0";
            ctx.fillRect(100, 100, frames, 10);
            if (frames < 3) requestAnimationFrame(tick);
            else
              sim.report({
                stage: "ready",
                add: instance.exports.add(2, 3),
                run: fromBr.instance.exports.run(20),
                again: again.exports.add(40, 2),
                isModule: module instanceof TTWebAssembly.Module,
                text,
                packed: Array.from(packed),
                response: res.data,
                status: res.statusCode,
                subpackageRan: GameGlobal.engineLoaded === true,
                frames,
              });
          };
          requestAnimationFrame(tick);
        },
        fail: (e) => sim.report({ stage: "request failed", errMsg: e.errMsg }),
      });
    },
  });
}

test("a package boots, draws, loads wasm from a subpackage, reads files and requests", async () => {
  const dir = writePackage(
    {
      "game.js": source(gameMain),
      "assets/hello.txt": "hello native",
      "assets/data.bin.br": brotli([1, 2, 3, 250]),
      "assets/port.json": JSON.stringify({ port }),
      "engine/game.js": "GameGlobal.engineLoaded = true;",
      "engine/add.wasm": addWasm(),
      "engine/importing.wasm.br": brotli(importingWasm()),
    },
    { subpackages: [{ root: "engine/", name: "engine" }] },
  );
  const rt = createRuntime({ packageDir: dir, allowHttpLoopback: true });
  try {
    await rt.boot();
    const ready = await rt.waitForReport({ stage: "ready" });
    assert.equal(ready.add, 5);
    assert.equal(ready.run, 41);
    assert.equal(ready.again, 42);
    assert.equal(ready.isModule, true);
    assert.equal(ready.text, "hello native");
    assert.deepEqual(ready.packed, [1, 2, 3, 250]);
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.response, {
      method: "POST",
      url: "/api/hello",
      body: '{"n":1}',
      ct: "application/json",
    });
    assert.equal(ready.subpackageRan, true);
    assert.ok(rt.frames >= 3);
    const stats = rt.canvasStats();
    assert.equal(stats.blank, false);
    assert.equal(stats.width, 390);
    assert.deepEqual(rt.loadingProgress(), [10, 60, 100]);
    assert.deepEqual(
      rt.wasmCalls().map((e) => [e.op, e.path, e.ok]),
      [
        ["instantiate", "engine/add.wasm", true],
        ["instantiate", "engine/importing.wasm.br", true],
        ["compile", "engine/add.wasm", true],
      ],
    );
    assert.equal(rt.requests().length, 1);
    assert.equal(rt.requests()[0].statusCode, 200);
    assert.ok(rt.fsCalls().some((e) => e.op === "readCompressedFile" && e.ok && e.bytes === 4));
    const png = rt.png();
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
    assert.deepEqual(rt.errors, []);
  } finally {
    rt.dispose();
    removePackage(dir);
  }
});

test("subpackage tasks report progress; TTWebAssembly's Memory, Table and Global are the standard ones", async () => {
  const game = `const g = GameGlobal.TTMinis.game;
    const out = { pre: [], load: [] };
    const pre = g.preDownloadSubpackage({ name: "assets", success: (r) => { out.preOk = r.errMsg; } });
    pre.onProgressUpdate((p) => out.pre.push(p));
    const mem = new TTWebAssembly.Memory({ initial: 1, maximum: 2 });
    out.memBytes = mem.buffer.byteLength;
    out.memGrow = mem.grow(1);
    out.memIsCtxBuffer = mem.buffer instanceof ArrayBuffer;
    out.table = new TTWebAssembly.Table({ initial: 2, element: "anyfunc" }).length;
    out.global = new TTWebAssembly.Global({ value: "i32", mutable: true }, 7).value;
    setTimeout(() => {
      out.preThenRead = (() => { try { g.getFileSystemManager().readFileSync("assets/a.txt", "utf8"); return "read"; }
        catch (e) { return e.message; } })();
      const task = g.loadSubpackage({ name: "assets", complete: () => GameGlobal.__gameportSim.report(out) });
      task.onProgressUpdate((p) => out.load.push(p.progress));
    }, 10);`;
  const { rt, report, dir } = await bootAndReport(
    { "game.js": game, "assets/game.js": "", "assets/a.txt": "0123456789" },
    { subpackages: [{ name: "assets", root: "assets/" }] },
  );
  try {
    assert.equal(report.preOk, "preDownloadSubpackage:ok");
    assert.deepEqual(report.pre, [
      { progress: 50, totalBytesWritten: 5, totalBytesExpectedToWrite: 10 },
      { progress: 100, totalBytesWritten: 10, totalBytesExpectedToWrite: 10 },
    ]);
    assert.match(report.preThenRead, /no such file or directory/, "downloading is not loading");
    assert.deepEqual(report.load, [50, 100]);
    assert.deepEqual([report.memBytes, report.memGrow, report.memIsCtxBuffer], [65536, 1, true]);
    assert.deepEqual([report.table, report.global], [2, 7]);
  } finally {
    finish(rt, dir);
  }
});
