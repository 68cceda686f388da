// HTTP for the Python bridge (api.js fetchJson): the global fetch, which pages and Web Workers both have.
// The request body arrives as JSON text and is sent as it is; the answer is {status, body, text}: the body
// parsed as JSON (null when empty or not JSON) and, for a body that is not JSON, its first characters.
// Failures are thrown as the classes below, which api.js turns into envelopes.

export class FetchRefused extends Error {} // the request cannot be sent: a bug on the Python side
export class NetworkFailure extends Error {
  // no answer: offline, DNS, refused, CORS, CSP connect-src
  constructor(message, url) {
    super(message);
    this.url = url;
  }
}
export class FetchTimeout extends Error {
  // aborted by our own timer
  constructor(message, timeoutMs) {
    super(message);
    this.timeoutMs = timeoutMs;
  }
}

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);
const TEXT_KEPT = 500;

function parseHeaders(headersJson) {
  let headers;
  try {
    headers = JSON.parse(headersJson || "{}");
  } catch (e) {
    throw new FetchRefused(`headers are not JSON: ${e.message}`);
  }
  if (headers === null || typeof headers !== "object" || Array.isArray(headers)) {
    throw new FetchRefused("headers must be an object of strings");
  }
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== "string") throw new FetchRefused(`header ${name} must be a string`);
  }
  return headers;
}

function hasHeader(headers, name) {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/**
 * Send one request. `bodyText` is JSON text, or "" for no body; `timeoutMs` > 0 aborts the request then.
 * Resolves {status, body, text}; rejects FetchRefused, NetworkFailure or FetchTimeout.
 */
export async function fetchJson(method, url, bodyText, headersJson, timeoutMs) {
  const verb = String(method).toUpperCase();
  if (!METHODS.has(verb)) throw new FetchRefused(`method ${method} is not one of ${[...METHODS].join(", ")}`);
  if (typeof url !== "string" || url === "") throw new FetchRefused("the URL must be a non-empty string");
  if (typeof fetch !== "function") throw new FetchRefused("this JavaScript environment has no fetch");
  const headers = parseHeaders(headersJson);
  const hasBody = typeof bodyText === "string" && bodyText !== "";
  if (hasBody && verb === "GET") throw new FetchRefused("a GET request cannot have a body");
  if (!hasHeader(headers, "accept")) headers.Accept = "application/json";
  if (hasBody && !hasHeader(headers, "content-type")) headers["Content-Type"] = "application/json";

  const controller = new AbortController();
  let timedOut = false;
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeoutMs)
      : null;
  const init = { method: verb, headers, credentials: "omit", cache: "no-store", signal: controller.signal };
  if (hasBody) init.body = bodyText;
  try {
    let text;
    let status;
    try {
      const response = await fetch(url, init);
      status = response.status;
      text = await response.text();
    } catch (e) {
      if (timedOut) throw new FetchTimeout(`${verb} ${url} did not answer in time`, timeoutMs);
      throw new NetworkFailure(`${verb} ${url} got no answer: ${e && e.message ? e.message : e}`, url);
    }
    if (text === "") return { status, body: null, text: null };
    try {
      return { status, body: JSON.parse(text), text: null };
    } catch {
      return { status, body: null, text: text.slice(0, TEXT_KEPT) };
    }
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}
