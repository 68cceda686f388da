// Shared helpers for the mock tests (not a test file itself: node --test only picks *.test.mjs).
import http from "node:http";

export const sleep = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A tiny HTTP server on 127.0.0.1:0 standing in for the gameport mock platform server.
 * `routes` maps "POST /path" to (jsonBody) => [status, jsonResponse]. Every request is recorded.
 */
export async function startPlatformServer(routes) {
  const requests = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (c) => {
      raw += c;
    });
    req.on("end", () => {
      let body;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        body = { unparsable: raw };
      }
      requests.push({ method: req.method, url: req.url, contentType: req.headers["content-type"], body });
      const route = routes[`${req.method} ${req.url}`];
      const [status, payload] = route ? route(body) : [404, { error: "no route" }];
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(resolve);
      }),
  };
}

/** A URL on which nothing listens (connection refused). */
export async function deadUrl() {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/**
 * Call a TikTok option-object API and record the callback sequence.
 * Resolves after `complete` fired (plus `settleMs`) or after `timeoutMs` without it.
 */
export function ttCall(fn, options = {}, { settleMs = 5, timeoutMs = 300 } = {}) {
  return new Promise((resolve) => {
    const events = [];
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        resolve(events);
      }
    };
    const timer = setTimeout(finish, timeoutMs);
    fn({
      ...options,
      success: (r) => events.push(["success", r]),
      fail: (r) => events.push(["fail", r]),
      complete: (r) => {
        events.push(["complete", r]);
        clearTimeout(timer);
        setTimeout(finish, settleMs);
      },
    });
  });
}

/** Settle state of a promise after `ms`: {state: "pending"|"resolved"|"rejected", value}. */
export async function settleWithin(promise, ms = 30) {
  let out = { state: "pending" };
  promise.then(
    (value) => {
      out = { state: "resolved", value };
    },
    (value) => {
      out = { state: "rejected", value };
    },
  );
  await sleep(ms);
  return out;
}
