// The bridge API's fetchJson (js_bridge/api.js + fetch_json.js) against real HTTP servers on 127.0.0.1:
// every outcome is an envelope, nothing throws or rejects, and the timeout aborts the request.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { createBridgeApi } from "../../js_bridge/api.js";
import { deadUrl, sleep, startPlatformServer } from "./helpers.mjs";

// `open` counts requests the server received whose connection is still up.
async function serve(handler) {
  const stats = { seen: 0, open: 0 };
  const server = http.createServer((req, res) => {
    stats.seen += 1;
    stats.open += 1;
    res.on("close", () => {
      stats.open -= 1;
    });
    handler(req, res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stats,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(resolve);
      }),
  };
}

const envelope = (text) => JSON.parse(text);

test("a JSON request gets the status and the parsed JSON body, with JSON headers sent", async () => {
  const server = await startPlatformServer({
    "POST /api/echo": (body) => [201, { got: body }],
    "POST /api/refuse": () => [401, { error: { code: "unauthorized", message: "no" } }],
  });
  try {
    const api = createBridgeApi();
    const sent = await api.fetchJson(
      "post",
      `${server.url}/api/echo`,
      '{"score":5}',
      '{"Authorization":"Bearer t"}',
      2000,
    );
    assert.deepEqual(envelope(sent), {
      ok: true,
      value: { status: 201, body: { got: { score: 5 } }, text: null },
    });
    assert.equal(server.requests[0].contentType, "application/json");
    const refused = await api.fetchJson("POST", `${server.url}/api/refuse`, "", "{}", 2000);
    assert.deepEqual(envelope(refused).value.status, 401);
    assert.deepEqual(envelope(refused).value.body, { error: { code: "unauthorized", message: "no" } });
    assert.equal(server.requests[1].body, null, "an empty body text sends no body");
    assert.equal(JSON.parse(api.stats()).pending, 0);
  } finally {
    await server.close();
  }
});

test("headers arrive as given, and a GET sends no body", async () => {
  let seen = null;
  const server = await serve((req, res) => {
    seen = {
      method: req.method,
      auth: req.headers.authorization,
      accept: req.headers.accept,
      type: req.headers["content-type"],
    };
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end("[1,2]");
  });
  try {
    const answer = envelope(
      await createBridgeApi().fetchJson(
        "GET",
        `${server.url}/x?a=1`,
        "",
        '{"Authorization":"Bearer s"}',
        2000,
      ),
    );
    assert.deepEqual(answer.value, { status: 200, body: [1, 2], text: null });
    assert.deepEqual(seen, { method: "GET", auth: "Bearer s", accept: "application/json", type: undefined });
  } finally {
    await server.close();
  }
});

test("a body that is not JSON keeps its status and the start of its text", async () => {
  const server = await serve((req, res) => {
    res.writeHead(502, { "Content-Type": "text/html" });
    res.end(`<html>${"x".repeat(1000)}</html>`);
  });
  try {
    const answer = envelope(await createBridgeApi().fetchJson("GET", server.url, "", "{}", 2000));
    assert.equal(answer.value.status, 502);
    assert.equal(answer.value.body, null);
    assert.equal(answer.value.text.length, 500);
    assert.ok(answer.value.text.startsWith("<html>xxx"));
  } finally {
    await server.close();
  }
});

test("no server answers a network envelope naming the URL", async () => {
  const url = `${await deadUrl()}/api/x`;
  const answer = envelope(await createBridgeApi().fetchJson("POST", url, "{}", "{}", 2000));
  assert.equal(answer.ok, false);
  assert.equal(answer.error.kind, "network");
  assert.equal(answer.error.url, url);
  assert.match(answer.error.message, /got no answer/);
});

test("a server that never answers ends in a timeout envelope and the request is aborted", async () => {
  const server = await serve(() => {}); // accepts, never responds
  try {
    const api = createBridgeApi();
    const started = Date.now();
    const answer = envelope(await api.fetchJson("GET", server.url, "", "{}", 150));
    assert.equal(answer.error.kind, "timeout");
    assert.equal(answer.error.timeoutMs, 150);
    assert.ok(Date.now() - started < 2000);
    for (let i = 0; i < 40 && server.stats.open > 0; i += 1) await sleep(50);
    assert.deepEqual(server.stats, { seen: 1, open: 0 }, "the request was aborted, not left hanging");
    assert.equal(JSON.parse(api.stats()).pending, 0);
  } finally {
    await server.close();
  }
});

test("requests that cannot be sent answer a bridge envelope, not an exception", async () => {
  const api = createBridgeApi();
  const cases = [
    ["TRACE", "http://127.0.0.1:9/", "", "{}", /method TRACE/],
    ["GET", "http://127.0.0.1:9/", "{}", "{}", /GET request cannot have a body/],
    ["GET", "", "", "{}", /non-empty string/],
    ["GET", "http://127.0.0.1:9/", "", "[1]", /object of strings/],
    ["GET", "http://127.0.0.1:9/", "", '{"a":1}', /header a must be a string/],
    ["GET", "http://127.0.0.1:9/", "", "{", /headers are not JSON/],
  ];
  for (const [method, url, body, headers, message] of cases) {
    const answer = envelope(await api.fetchJson(method, url, body, headers, 1000));
    assert.equal(answer.error.kind, "bridge", `${method} ${url}`);
    assert.match(answer.error.message, message);
  }
});
