// TTMinis.game's platform calls (the TikTok mock) made from inside the vm context: login and pay reach the
// mock platform server's endpoints (a local stand-in recording what arrives), a rewarded ad closes with
// isEnded, scripted outcomes (mockScript) reach the game, and the call log keeps the game's arguments.
// Also: the pinned Pyodide's own wasm compiles through TTWebAssembly from a subpackage.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { bootAndReport, finish } from "./fixtures.mjs";

let server;
let platformUrl;
const received = [];
before(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ path: req.url, body: JSON.parse(body || "{}") });
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify(req.url === "/mock/tiktok/login_code" ? { code: "server-code-1" } : { ok: true }),
      );
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  platformUrl = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

const GAME = `
  const g = GameGlobal.TTMinis.game;
  const out = {};
  const cb = (api, opts) => new Promise((done) => g[api]({ ...opts,
    success: (r) => { out[api] = { ok: r }; }, fail: (r) => { out[api] = { fail: r.errMsg }; }, complete: done }));
  (async () => {
    await cb("login", {});
    await cb("pay", { trade_order_id: "order-42" });
    await cb("pay", { trade_order_id: "order-43" }).then(() => { out.secondPay = out.pay; });
    const ad = g.createRewardedVideoAd({ adUnitId: "unit-1" });
    ad.onClose((r) => {
      out.adClosed = r.isEnded;
      out.progress = g.setLoadingProgress({ progress: 100 });
      GameGlobal.__gameportSim.report(out);
    });
    await ad.show();
  })();
`;

test("login, pay and a rewarded ad from the vm reach the mock platform server and come back", async () => {
  received.length = 0;
  const { rt, report, dir } = await bootAndReport(
    { "game.js": GAME },
    { scenario: { platformUrl }, mockScript: [{ api: "pay", steps: ["ok", "cancel"] }] },
  );
  try {
    assert.deepEqual(report.login, { ok: { code: "server-code-1" } });
    assert.equal(report.secondPay.fail.startsWith("pay:fail"), true, "the scripted cancel reached the game");
    assert.equal(report.adClosed, true);
    assert.deepEqual(received, [
      { path: "/mock/tiktok/login_code", body: {} },
      { path: "/mock/tiktok/pay", body: { trade_order_id: "order-42", outcome: "success" } },
    ]);
    const pay = rt.mock.callsTo("pay")[0];
    assert.deepEqual(pay.args, [
      { trade_order_id: "order-42", success: "[function]", fail: "[function]", complete: "[function]" },
    ]);
    await rt.waitFor(() => rt.loadingProgress().length === 1, 2000, "progress");
    assert.deepEqual(rt.loadingProgress(), [100]);
  } finally {
    finish(rt, dir);
  }
});

const PYODIDE_WASM = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../node_modules/pyodide/pyodide.asm.wasm",
);

test("the pinned Pyodide's wasm compiles through TTWebAssembly from a subpackage", async (t) => {
  if (!existsSync(PYODIDE_WASM)) return t.skip("run python3 build.py setup first (npm pyodide)");
  const game = `GameGlobal.TTMinis.game.loadSubpackage({ name: "py", success() {
    TTWebAssembly.compile("py/pyodide.asm.wasm").then((m) => GameGlobal.__gameportSim.report({
      isModule: m instanceof TTWebAssembly.Module,
      imports: TTWebAssembly.Module.imports(m).length,
      dylink: TTWebAssembly.Module.customSections(m, "dylink.0").length,
    }), (e) => GameGlobal.__gameportSim.report({ error: e.name + ": " + e.message }));
  } });`;
  const { rt, report, dir } = await bootAndReport(
    { "game.js": game, "py/game.js": "", "py/pyodide.asm.wasm": readFileSync(PYODIDE_WASM) },
    { subpackages: [{ name: "py", root: "py/" }], timeoutMs: 60000 },
  );
  try {
    assert.equal(report.isModule, true, report.error);
    assert.ok(report.imports > 100, "Emscripten's imports");
    assert.equal(report.dylink, 1, "upstream Pyodide is a MAIN_MODULE (dynamic linking): a device risk");
  } finally {
    finish(rt, dir);
  }
});
