// The pieces of the native-runtime boot (js_bridge/native/) on their own: the UTF-8 polyfills against
// Node's TextDecoder/TextEncoder, the WebAssembly facade (shipped modules only), and the bridge's HTTP
// over a TTMinis.game.request stand-in that speaks to a real HTTP server. The whole boot, in the
// simulator: tests/native/.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { createBridgeApi } from "../../js_bridge/api.js";
import { decodeUtf8, encodeUtf8, installPolyfills } from "../../js_bridge/native/polyfills.js";
import { requestFetcher } from "../../js_bridge/native/request_fetch.js";
import { WasmFromBytesRefused, createWasmFacade, hexOf } from "../../js_bridge/native/wasm_facade.js";
import { RUNTIME_FACTS, minimumClientVersion } from "../../js_bridge/native/runtime_facts.js";

const SAMPLES = ["", "plain ascii", "é€😀 mixed", "\u0000nul", "𝄞".repeat(5000), "a\ud800b", "\udc00"];

test("the UTF-8 polyfills agree with Node's TextEncoder and TextDecoder", () => {
  for (const text of SAMPLES) {
    const expected = new TextEncoder().encode(text);
    assert.deepEqual(encodeUtf8(text), expected, JSON.stringify(text));
    assert.equal(decodeUtf8(expected), new TextDecoder().decode(expected));
  }
  const malformed = [
    new Uint8Array([0xff, 0x41]),
    new Uint8Array([0xe2, 0x82]),
    new Uint8Array([0xc0, 0x80]),
  ];
  for (const bytes of malformed) assert.equal(decodeUtf8(bytes), new TextDecoder().decode(bytes));
  const view = new Uint16Array(encodeUtf8("héllo").buffer.slice(0, 4)); // a view of another type
  assert.equal(decodeUtf8(view), "hél");
});

test("installPolyfills fills only what is missing", () => {
  const scope = { TextDecoder: class Mine {} };
  const installed = installPolyfills(scope);
  assert.deepEqual(installed, ["TextEncoder", "performance", "crypto"]);
  assert.equal(scope.TextDecoder.name, "Mine");
  const out = { written: 0 };
  Object.assign(out, new scope.TextEncoder().encodeInto("é€", new Uint8Array(4)));
  assert.deepEqual(out, { read: 1, written: 2 }); // never half a character
  const random = scope.crypto.getRandomValues(new Uint32Array(8));
  assert.ok(random.some((v) => v !== 0));
  assert.ok(scope.performance.now() >= 0);
});

// (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
const ADD = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100, 100, 0, 0,
  10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11,
]);

function pathOnlyWasm() {
  // What the runtime documents: Module and friends, instantiate(path) only.
  const Module = function Module() {
    throw new TypeError("TTWebAssembly.Module: a package path is needed");
  };
  Module.prototype = WebAssembly.Module.prototype;
  Module.customSections = WebAssembly.Module.customSections;
  const { Instance, Memory, Table, Global } = WebAssembly;
  return { Module, Instance, Memory, Table, Global, instantiate: async () => assert.fail("not used here") };
}

test("the facade answers the shipped module for its bytes and refuses any other bytes", async () => {
  const shipped = new WebAssembly.Module(ADD);
  const wasm = createWasmFacade(pathOnlyWasm(), new Map([[hexOf(ADD), shipped]]));
  const module = new wasm.Module(ADD.slice()); // a copy: looked up by content
  assert.equal(module, shipped);
  assert.ok(module instanceof wasm.Module);
  assert.equal(new wasm.Instance(module, {}).exports.add(2, 3), 5);
  assert.equal((await wasm.instantiate(ADD, {})).instance.exports.add(1, 1), 2);
  assert.ok(wasm.validate(ADD));
  const other = ADD.slice();
  other[other.length - 2] = 107; // i32.sub
  assert.throws(() => new wasm.Module(other), WasmFromBytesRefused);
  await assert.rejects(wasm.instantiate(other.buffer, {}), WasmFromBytesRefused);
  await assert.rejects(wasm.compile(other), /only from package files/);
  await assert.rejects(wasm.instantiateStreaming(null, {}), WasmFromBytesRefused);
  assert.equal(wasm.validate(other), false);
  assert.equal(typeof wasm.Exception, "function"); // instanceof checks need a class
});

async function serve(handler) {
  const server = http.createServer(handler);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  };
}

// TTMinis.game.request as the platform documents it: options with success/fail, a task with abort().
function requestOver(fetchImpl) {
  return {
    request(options) {
      const controller = new AbortController();
      fetchImpl(options.url, {
        method: options.method,
        headers: options.header,
        body: options.data,
        signal: controller.signal,
      })
        .then(async (res) => options.success({ statusCode: res.status, data: await res.text(), header: {} }))
        .catch((e) => options.fail({ errMsg: `request:fail ${e.message}` }));
      return { abort: () => controller.abort() };
    },
  };
}

test("the bridge's fetchJson over TTMinis.game.request keeps fetch_json's contract", async () => {
  const server = await serve((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      if (req.url === "/slow") return setTimeout(() => res.end("{}"), 500);
      if (req.url === "/text") return res.end("not json");
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ method: req.method, body, type: req.headers["content-type"] }));
    });
  });
  const api = createBridgeApi({ fetchJson: requestFetcher(requestOver(fetch)) });
  try {
    const posted = JSON.parse(await api.fetchJson("post", `${server.url}/echo`, '{"a":1}', "{}", 0));
    assert.deepEqual(posted, {
      ok: true,
      value: { status: 200, body: { method: "POST", body: '{"a":1}', type: "application/json" }, text: null },
    });
    const text = JSON.parse(await api.fetchJson("GET", `${server.url}/text`, "", "{}", 0));
    assert.deepEqual(text.value, { status: 200, body: null, text: "not json" });
    const slow = JSON.parse(await api.fetchJson("GET", `${server.url}/slow`, "", "{}", 100));
    assert.equal(slow.error.kind, "timeout");
    const refused = JSON.parse(await api.fetchJson("GET", `${server.url}/x`, "body", "{}", 0));
    assert.equal(refused.error.kind, "bridge");
    const down = JSON.parse(await api.fetchJson("GET", "http://127.0.0.1:9/", "", "{}", 0));
    assert.equal(down.error.kind, "network");
    const none = createBridgeApi({ fetchJson: requestFetcher({}) });
    assert.match(
      JSON.parse(await none.fetchJson("GET", server.url, "", "{}", 0)).error.message,
      /no TTMinis/,
    );
  } finally {
    await server.close();
  }
});

test("the runtime facts table names its sources and the minimum client follows from it", () => {
  for (const [name, fact] of Object.entries(RUNTIME_FACTS)) {
    assert.equal(typeof fact.confirmed, "boolean", name);
    assert.ok(fact.source && fact.without, name);
  }
  assert.equal(minimumClientVersion(), "44.6.0");
  assert.equal(minimumClientVersion({ a: { minClient: "9.10.0" }, b: { minClient: "9.9.1" } }), "9.10.0");
});
