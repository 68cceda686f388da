// The file system manager and request, driven from game code: what reaches the package, what reaches
// USER_DATA_PATH, the errMsg shapes, the domain rule and the callback order.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, test } from "node:test";
import { addWasm, bootAndReport, brotli, finish } from "./fixtures.mjs";
import { refusal } from "./request.mjs";

const FS_GAME = `
  const g = GameGlobal.TTMinis.game;
  const fsm = g.getFileSystemManager();
  const U = g.env.USER_DATA_PATH;
  const out = { U };
  const sync = (label, fn) => { try { out[label] = fn(); } catch (e) { out[label] = "threw " + e.message; } };
  const call = (api, opts) => new Promise((done) => {
    const order = [];
    fsm[api]({ ...opts, success: (r) => order.push("success"), fail: (r) => order.push("fail:" + r.errMsg),
      complete: () => { order.push("complete"); done(order); } });
  });
  sync("mkdir", () => fsm.mkdirSync(U + "/saves/slot", true));
  sync("writeText", () => fsm.writeFileSync(U + "/saves/slot/a.txt", "héllo", "utf8"));
  sync("writeBytes", () => fsm.writeFileSync(U + "/saves/b.bin", new Uint8Array([7, 8, 9]).buffer));
  sync("readText", () => fsm.readFileSync(U + "/saves/slot/a.txt", "utf8"));
  sync("readBytesIsCtxBuffer", () => fsm.readFileSync(U + "/saves/b.bin") instanceof ArrayBuffer);
  sync("readBytes", () => Array.from(new Uint8Array(fsm.readFileSync(U + "/saves/b.bin"))));
  sync("slice", () => fsm.readFileSync("assets/abc.txt", "utf8", 1, 1));
  sync("base64", () => fsm.readFileSync("assets/abc.txt", "base64"));
  sync("access", () => fsm.accessSync("assets/abc.txt"));
  sync("unlink", () => fsm.unlinkSync(U + "/saves/b.bin"));
  sync("accessGone", () => fsm.accessSync(U + "/saves/b.bin"));
  sync("writePackage", () => fsm.writeFileSync("assets/abc.txt", "x"));
  sync("readOutside", () => fsm.readFileSync("../outside.txt", "utf8"));
  sync("readAbsolute", () => fsm.readFileSync("/etc/hostname", "utf8"));
  sync("leaveUser", () => fsm.readFileSync(U + "/../../etc/hostname", "utf8"));
  sync("missing", () => fsm.readFileSync("assets/none.txt"));
  sync("badEncoding", () => fsm.readFileSync("assets/abc.txt", "utf-32"));
  sync("unloaded", () => fsm.readFileSync("pack/data.txt", "utf8"));
  sync("br", () => Array.from(new Uint8Array(fsm.readCompressedFileSync({ filePath: "assets/x.br", compressionAlgorithm: "br" }))));
  sync("notBr", () => fsm.readCompressedFileSync({ filePath: "assets/abc.txt", compressionAlgorithm: "br" }));
  sync("gzip", () => fsm.readCompressedFileSync({ filePath: "assets/x.br", compressionAlgorithm: "gzip" }));
  sync("mkdirTwice", () => fsm.mkdirSync(U + "/saves"));
  (async () => {
    out.asyncRead = await call("readFile", { filePath: "assets/abc.txt", encoding: "utf8" });
    out.asyncWriteDenied = await call("writeFile", { filePath: "game.js", data: "x" });
    out.asyncCompressed = await call("readCompressedFile", { filePath: "assets/x.br", compressionAlgorithm: "br" });
    out.asyncAccess = await call("access", { path: "nope" });
    g.loadSubpackage({ name: "pack", success() {
      sync("loaded", () => fsm.readFileSync("pack/data.txt", "utf8"));
      GameGlobal.__gameportSim.report(out);
    } });
  })();
`;

test("the file system manager: user data read/write, read-only package, errMsg shapes, brotli", async () => {
  const {
    rt,
    report: r,
    dir,
  } = await bootAndReport(
    {
      "game.js": FS_GAME,
      "assets/abc.txt": "abc",
      "assets/x.br": brotli([5, 6]),
      "pack/game.js": "",
      "pack/data.txt": "in pack",
      "pack/m.wasm": addWasm(),
    },
    { subpackages: [{ name: "pack", root: "pack" }] },
  );
  try {
    assert.equal(r.U, "ttfile://user");
    assert.equal(r.readText, "héllo");
    assert.equal(r.readBytesIsCtxBuffer, true, "an ArrayBuffer of the game's realm");
    assert.deepEqual(r.readBytes, [7, 8, 9]);
    assert.equal(r.slice, "b");
    assert.equal(r.base64, "YWJj");
    assert.equal(r.accessGone, "threw accessSync:fail no such file or directory ttfile://user/saves/b.bin");
    assert.equal(r.writePackage, "threw writeFileSync:fail permission denied, open assets/abc.txt");
    assert.equal(r.readOutside, "threw readFileSync:fail permission denied, open ../outside.txt");
    assert.equal(r.readAbsolute, "threw readFileSync:fail permission denied, open /etc/hostname");
    assert.match(r.leaveUser, /^threw readFileSync:fail permission denied/);
    assert.equal(r.missing, "threw readFileSync:fail no such file or directory, open assets/none.txt");
    assert.equal(r.badEncoding, "threw readFileSync:fail invalid encoding utf-32");
    assert.equal(r.unloaded, "threw readFileSync:fail no such file or directory, open pack/data.txt");
    assert.equal(r.loaded, "in pack");
    assert.deepEqual(r.br, [5, 6]);
    assert.equal(r.notBr, "threw readCompressedFileSync:fail brotli decompress fail");
    assert.equal(r.gzip, "threw readCompressedFileSync:fail invalid compressionAlgorithm gzip");
    assert.equal(r.mkdirTwice, "threw mkdirSync:fail file already exists ttfile://user/saves");
    assert.deepEqual(r.asyncRead, ["success", "complete"]);
    assert.deepEqual(r.asyncWriteDenied, ["fail:writeFile:fail permission denied, open game.js", "complete"]);
    assert.deepEqual(r.asyncCompressed, ["success", "complete"]);
    assert.deepEqual(r.asyncAccess, ["fail:access:fail no such file or directory nope", "complete"]);
    const unloaded = rt.fsCalls().find((e) => e.path === "pack/data.txt" && !e.ok);
    assert.match(unloaded.hint, /has not been loaded/);
  } finally {
    finish(rt, dir);
  }
});

let server;
let base;
before(async () => {
  server = http.createServer((req, res) => {
    if (req.url.startsWith("/slow")) return; // never answers: timeout and abort
    if (req.url.startsWith("/missing")) {
      res.statusCode = 404;
      return res.end("gone");
    }
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({ url: req.url, referer: req.headers.referer ?? null, auth: req.headers.authorization }),
    );
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

const REQUEST_GAME = (base) => `
  const g = GameGlobal.TTMinis.game;
  const out = {};
  const req = (label, opts, then) => new Promise((done) => {
    const order = [];
    const task = g.request({ ...opts,
      success: (r) => { order.push("success"); out[label] = { status: r.statusCode, data: r.data, errMsg: r.errMsg }; },
      fail: (r) => { order.push("fail"); out[label] = { errMsg: r.errMsg, errCode: r.errCode }; },
      complete: () => { order.push("complete"); out[label].order = order; done(); } });
    if (then) then(task);
  });
  (async () => {
    await req("get", { url: "${base}/a", data: { x: 1, y: "z" }, header: { Referer: "https://evil.test", Authorization: "Bearer t" } });
    await req("text", { url: "${base}/a", dataType: "text" });
    await req("bytes", { url: "${base}/a", responseType: "arraybuffer" });
    out.bytesIsCtxBuffer = out.bytes.data instanceof ArrayBuffer;
    out.bytes.data = out.bytes.data.byteLength > 0;
    await req("notFound", { url: "${base}/missing" });
    await req("timeout", { url: "${base}/slow", timeout: 50 });
    await req("abort", { url: "${base}/slow" }, (task) => setTimeout(() => task.abort(), 20));
    await req("domain", { url: "https://not-allowed.test/x" });
    await req("plainHttp", { url: "http://api.game.test/x" });
    await req("localhostName", { url: "${base.replace("127.0.0.1", "localhost")}/a" });
    await req("badMethod", { url: "${base}/a", method: "BREW" });
    GameGlobal.__gameportSim.report(out);
  })();
`;

test("request: loopback http for tests, JSON/text/arraybuffer, non-2xx, timeout, abort, the domain rule", async () => {
  const {
    rt,
    report: r,
    dir,
  } = await bootAndReport(
    { "game.js": REQUEST_GAME(base) },
    { allowHttpLoopback: true, allowedDomains: ["api.game.test"] },
  );
  try {
    assert.deepEqual(r.get.data, { url: "/a?x=1&y=z", referer: null, auth: "Bearer t" });
    assert.deepEqual([r.get.status, r.get.errMsg, r.get.order], [200, "request:ok", ["success", "complete"]]);
    assert.equal(typeof r.text.data, "string");
    assert.equal(r.bytesIsCtxBuffer, true);
    assert.equal(r.bytes.data, true);
    assert.deepEqual([r.notFound.status, r.notFound.data], [404, "gone"]);
    assert.deepEqual(r.timeout, { errMsg: "request:fail timeout", order: ["fail", "complete"] });
    assert.deepEqual(r.abort, { errMsg: "request:fail abort", order: ["fail", "complete"] });
    assert.equal(r.domain.errCode, 21100);
    assert.equal(r.domain.errMsg, "request:fail url not in domain list: not-allowed.test");
    assert.match(r.plainHttp.errMsg, /only https is allowed/);
    assert.match(r.localhostName.errMsg, /only https is allowed/);
    assert.equal(r.badMethod.errMsg, "request:fail invalid method BREW");
    assert.equal(rt.requests().length, 10);
  } finally {
    finish(rt, dir);
  }
});

test("the domain rule: https to a listed host only; loopback http only when allowed", () => {
  const opts = { domains: ["api.game.test", "https://cdn.game.test"], allowHttpLoopback: false };
  assert.equal(refusal("https://api.game.test/v1/x", opts), null);
  assert.equal(refusal("https://cdn.game.test/a.png", opts), null);
  assert.match(refusal("https://evil.game.test/", opts), /not in domain list/);
  assert.match(refusal("http://127.0.0.1:8000/", opts), /only https/);
  assert.equal(refusal("http://127.0.0.1:8000/", { ...opts, allowHttpLoopback: true }), null);
  assert.match(refusal("not a url", opts), /invalid url/);
});
