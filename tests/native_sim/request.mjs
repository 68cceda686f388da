// TTMinis.game.request (reference 1.7, platform-apis.md A.11) on the host's http/https: HTTPS only, to the
// trusted domains given to the simulator (exact host names, no wildcards or paths), plus plain http to
// 127.0.0.1 when allowHttpLoopback is set (tests). Referer cannot be set; content-type defaults to
// application/json; a non-2xx status is still a success (statusCode tells); a URL outside the list fails
// with TikTok's documented code 21100 ("URL not in domain list").
import http from "node:http";
import https from "node:https";
import { types } from "node:util";

const DEFAULT_TIMEOUT_MS = 60000; // WeChat's networkTimeout default; TikTok's is not documented
const METHODS = new Set(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"]);

/** Why `url` may not be requested, or null. `domains`: host names (or https:// origins). */
export function refusal(url, { domains, allowHttpLoopback }) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return `invalid url ${url}`;
  }
  if (u.protocol === "http:" && allowHttpLoopback && u.hostname === "127.0.0.1") return null;
  if (u.protocol !== "https:") return `url not in domain list (only https is allowed): ${url}`;
  const hosts = domains.map((d) => d.replace(/^https:\/\//, "").replace(/\/+$/, ""));
  if (!hosts.includes(u.host) && !hosts.includes(u.hostname)) return `url not in domain list: ${u.host}`;
  return null;
}

function bodyOf(method, data, header) {
  if (data === undefined || data === null || method === "GET" || method === "HEAD") return null;
  if (typeof data === "string") return Buffer.from(data);
  if (types.isArrayBuffer(data)) return Buffer.from(new Uint8Array(data));
  const type = String(header["content-type"] ?? "");
  if (type.includes("application/x-www-form-urlencoded"))
    return Buffer.from(new URLSearchParams(data).toString());
  return Buffer.from(JSON.stringify(data));
}

function withQuery(url, method, data) {
  if ((method !== "GET" && method !== "HEAD") || data === undefined || data === null) return url;
  if (typeof data === "string") return data ? `${url}${url.includes("?") ? "&" : "?"}${data}` : url;
  const u = new URL(url);
  for (const [k, v] of Object.entries(data))
    u.searchParams.append(k, typeof v === "string" ? v : JSON.stringify(v));
  return u.toString();
}

/**
 * The request member. `record(entry)` logs {url, method, ok, statusCode?, bytes?, errMsg?, errCode?}.
 * `track(req)`/`untrack(req)` let dispose() abort what is in flight.
 */
export function requestApi({ realm, kit, domains, allowHttpLoopback, record, inflight }) {
  return function request(options) {
    const o = options ?? {};
    const method = String(o.method ?? "GET").toUpperCase();
    const entry = { url: o.url, method, ok: false }; // recorded once the request settled
    let req = null;
    let settled = false;
    let aborted = false;
    const finish = (ok, fieldsOrReason, failFields) => {
      if (settled) return;
      settled = true;
      if (req) inflight.delete(req);
      entry.ok = ok;
      if (!ok) Object.assign(entry, { errMsg: `request:fail ${fieldsOrReason}`, ...failFields });
      record(entry);
      kit.deliverNow("request", o, ok, fieldsOrReason, failFields);
    };
    const task = realm.object({
      abort() {
        aborted = true;
        if (req) req.destroy();
        kit.later(() => finish(false, "abort"));
      },
    });
    const bad =
      typeof o.url !== "string"
        ? "url must be a string"
        : !METHODS.has(method)
          ? `invalid method ${method}`
          : refusal(o.url, { domains, allowHttpLoopback });
    if (bad) {
      const fields = bad.startsWith("url not in domain list") ? { errCode: 21100 } : {};
      kit.later(() => finish(false, bad, fields));
      return task;
    }
    const header = {};
    for (const [k, v] of Object.entries(o.header ?? {})) {
      if (k.toLowerCase() === "referer") continue; // the platform sets it; games cannot
      header[k.toLowerCase()] = String(v);
    }
    header["content-type"] ??= "application/json";
    const url = withQuery(o.url, method, o.data);
    const body = bodyOf(method, o.data, header);
    if (body) header["content-length"] = String(body.length);
    const lib = url.startsWith("https:") ? https : http;
    kit.later(() => {
      if (settled) return;
      req = lib.request(url, { method, headers: header, timeout: Number(o.timeout ?? DEFAULT_TIMEOUT_MS) });
      inflight.add(req);
      req.on("timeout", () => {
        req.destroy();
        finish(false, "timeout");
      });
      req.on("error", (e) => finish(false, aborted ? "abort" : e.message));
      req.on("response", (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("error", (e) => finish(false, e.message));
        res.on("end", () => {
          const raw = Buffer.concat(chunks);
          entry.statusCode = res.statusCode;
          entry.bytes = raw.length;
          let data;
          if (o.responseType === "arraybuffer") data = realm.bytesToCtx(raw);
          else {
            data = raw.toString("utf8");
            if ((o.dataType ?? "json") === "json") {
              try {
                data = realm.global.JSON.parse(data); // the game's realm: its own Object/Array
              } catch {
                // WeChat's behaviour: a body that is not JSON is handed over as the string
              }
            }
          }
          finish(true, { data, statusCode: res.statusCode, header: realm.toCtx(res.headers) });
        });
      });
      if (body) req.write(body);
      req.end();
    });
    return task;
  };
}
