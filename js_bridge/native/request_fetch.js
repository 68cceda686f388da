// The bridge's HTTP (api.js fetchJson) over TTMinis.game.request, for the native runtime, which has no
// fetch. Same contract as fetch_json.js: resolves {status, body, text}; rejects FetchRefused,
// NetworkFailure or FetchTimeout. The platform lets only its registered HTTPS domains through.

import { FetchRefused, FetchTimeout, NetworkFailure } from "../fetch_json.js";

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);
const TEXT_KEPT = 500;

function headersFrom(headersJson) {
  let headers;
  try {
    headers = JSON.parse(headersJson || "{}");
  } catch (e) {
    throw new FetchRefused(`headers are not JSON: ${e.message}`);
  }
  if (headers === null || typeof headers !== "object" || Array.isArray(headers))
    throw new FetchRefused("headers must be an object of strings");
  for (const [name, value] of Object.entries(headers))
    if (typeof value !== "string") throw new FetchRefused(`header ${name} must be a string`);
  return headers;
}

function answer(status, data) {
  if (data === undefined || data === null || data === "") return { status, body: null, text: null };
  if (typeof data === "object" && !(data instanceof ArrayBuffer)) return { status, body: data, text: null };
  const text = typeof data === "string" ? data : String(data);
  try {
    return { status, body: JSON.parse(text), text: null };
  } catch {
    return { status, body: null, text: text.slice(0, TEXT_KEPT) };
  }
}

/** Build fetchJson(method, url, bodyText, headersJson, timeoutMs) on `game` (TTMinis.game). */
export function requestFetcher(game) {
  return function fetchJson(method, url, bodyText, headersJson, timeoutMs) {
    const verb = String(method).toUpperCase();
    if (!METHODS.has(verb))
      throw new FetchRefused(`method ${method} is not one of ${[...METHODS].join(", ")}`);
    if (typeof url !== "string" || url === "") throw new FetchRefused("the URL must be a non-empty string");
    if (!game || typeof game.request !== "function")
      throw new FetchRefused("this runtime has no TTMinis.game.request");
    const header = headersFrom(headersJson);
    const hasBody = typeof bodyText === "string" && bodyText !== "";
    if (hasBody && verb === "GET") throw new FetchRefused("a GET request cannot have a body");
    if (!Object.keys(header).some((k) => k.toLowerCase() === "content-type"))
      header["content-type"] = "application/json";
    return new Promise((resolve, reject) => {
      let done = false;
      let task = null;
      const finish = (fn, value) => {
        if (done) return;
        done = true;
        if (timer !== null) clearTimeout(timer);
        fn(value);
      };
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              finish(reject, new FetchTimeout(`${verb} ${url} did not answer in time`, timeoutMs));
              task?.abort?.();
            }, timeoutMs)
          : null;
      try {
        task = game.request({
          url,
          method: verb,
          header,
          data: hasBody ? bodyText : undefined,
          dataType: "text", // parsed here, so a body that is not JSON is reported, not dropped
          responseType: "text",
          timeout: timeoutMs > 0 ? timeoutMs : undefined,
          success: (res) => finish(resolve, answer(res.statusCode, res.data)),
          fail: (err) =>
            finish(
              reject,
              new NetworkFailure(`${verb} ${url} got no answer: ${err?.errMsg ?? "request:fail"}`, url),
            ),
        });
      } catch (e) {
        finish(reject, new NetworkFailure(`${verb} ${url} could not be sent: ${e?.message ?? e}`, url));
      }
    });
  };
}
