// gameport headless mocks: shared scripting, settings and call log.
//
// Defines (synchronously, at module evaluation) `globalThis.__gpMock`, the contract used by the
// Python/browser tests and by the two SDK mocks (ttminis.js, fbinstant.js):
//
//   __gpMock.calls                   every SDK call: {api, args, t, sdk, outcome?}
//   __gpMock.scenario                current settings (see DEFAULT_SCENARIO below)
//   __gpMock.configure(partial)      shallow-merge settings (unknown keys throw)
//   __gpMock.script(api, ...steps)   queue outcomes for the next calls of `api`
//   __gpMock.fire(event, payload)    fire a platform event ("onShow", "onHide", "onPause", ...)
//   __gpMock.reset()                 clear calls, queues, listeners, storage, state; default settings
//   __gpMock.stats()                 listener counts, live ads, storage size, pending steps, ...
//   __gpMock.callsTo(api)            convenience: calls whose api === `api`
//
// The tables (outcomes, knobs and their defaults) come from emulation.json, the file the Python host
// fakes read too (src/gameport/testing/emulation.json; the copy here is a symlink to it).
// Dependency-free ES module; touches neither `document` nor `window` (works in module workers).
// If a copy of this module is evaluated twice (e.g. imported under two URLs) the first
// `globalThis.__gpMock` is reused, so both SDK mocks always share one log and one scenario.

import EMULATION from "./emulation.json" with { type: "json" };

const MOCK_VERSION = 1;

/** Every step outcome understood by at least one mocked API (validated by script()); see emulation.json. */
export const KNOWN_OUTCOMES = Object.freeze(Object.keys(EMULATION.outcomes));

/**
 * Default settings: the `default` of every knob in emulation.json's `scenario` table, where each knob's
 * `doc` says what it does and `sdk` whether it is TikTok's ("tt"), FBInstant's ("fb") or shared ("both").
 * `configure()` shallow-merges into a copy of these; objects are replaced whole.
 */
export const DEFAULT_SCENARIO = Object.freeze(
  Object.fromEntries(
    Object.entries(EMULATION.scenario).map(([name, knob]) => [
      name,
      JSON.parse(JSON.stringify(knob.default)),
    ]),
  ),
);

const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
const isPlainObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** JSON-safe deep copy for the call log: functions -> "[function]", cycles -> "[circular]". */
export function jsonSafe(value, seen = new WeakSet(), depth = 0) {
  if (typeof value === "function") return "[function]";
  if (value === undefined) return null;
  if (typeof value === "bigint") return String(value);
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "symbol") return String(value);
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[circular]";
  if (depth > 20) return "[too deep]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => jsonSafe(v, seen, depth + 1));
    if (Object.prototype.toString.call(value) === "[object Date]") return value.toISOString();
    // A plain object may come from another realm (a vm context such as tests/native_sim, an iframe): its
    // prototype is that realm's Object.prototype, recognised as the one whose own prototype is null.
    const proto = Object.getPrototypeOf(value);
    const plain =
      proto === null || (Object.getPrototypeOf(proto) === null && Object.hasOwn(proto, "hasOwnProperty"));
    if (!plain) {
      // class instances (Map, ArrayBuffer, PyProxy, ...) are named, not copied
      return `[object ${value.constructor?.name ?? "Object"}]`;
    }
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out[k] = jsonSafe(v, seen, depth + 1);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

function normalizeStep(step) {
  if (typeof step === "string") step = { outcome: step };
  if (!isPlainObject(step))
    throw new TypeError(`__gpMock.script: a step must be an object or an outcome string, got ${typeof step}`);
  const s = { ...step };
  if (s.outcome === undefined) s.outcome = "ok";
  if (!KNOWN_OUTCOMES.includes(s.outcome)) {
    throw new TypeError(
      `__gpMock.script: unknown outcome "${s.outcome}" (known: ${KNOWN_OUTCOMES.join(", ")})`,
    );
  }
  if (s.delayMs !== undefined && !(typeof s.delayMs === "number" && s.delayMs >= 0)) {
    throw new TypeError("__gpMock.script: delayMs must be a non-negative number");
  }
  return s;
}

function readLoadTimeScenario() {
  const out = {};
  const pre = globalThis.__GP_SCENARIO__;
  if (isPlainObject(pre)) Object.assign(out, pre);
  const search = globalThis.location?.search;
  if (typeof search === "string" && search.includes("gp_scenario=")) {
    try {
      const raw = new URLSearchParams(search).get("gp_scenario");
      const parsed = raw == null ? null : JSON.parse(raw);
      if (isPlainObject(parsed)) Object.assign(out, parsed);
      else console.warn("[gameport mock] ?gp_scenario= is not a JSON object; ignored");
    } catch (e) {
      console.warn(`[gameport mock] ?gp_scenario= could not be parsed: ${e?.message ?? e}`);
    }
  }
  return out;
}

const PERSIST_PREFIX = "gameport-mock:";

/** The page's sessionStorage, or null (workers, Node, or a realm that refuses access). */
function sessionStore() {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

function createMock() {
  const now = () => globalThis.performance?.now?.() ?? Date.now();
  const loadedAt = now();
  const queues = new Map(); // api -> [step]
  const listeners = new Map(); // event -> [cb]
  const timers = new Set();
  const sdks = new Map(); // name -> hooks {reset, stats, onConfigure, fire}
  let epoch = 0;
  const counters = new Map();

  const internal = {
    version: MOCK_VERSION,
    callbackErrors: [],
    get epoch() {
      return epoch;
    },

    /** Record a call; returns the record so a consumed step can be noted on it. */
    log(sdk, api, args) {
      const rec = {
        api,
        args: jsonSafe(Array.from(args)),
        t: Math.round((now() - loadedAt) * 1000) / 1000,
        sdk,
      };
      mock.calls.push(rec);
      return rec;
    },

    /** Pop the next scripted step from the first non-empty queue among `keys`; default {outcome:"ok"}. */
    nextStep(keys, rec) {
      for (const key of keys) {
        const q = queues.get(key);
        if (q && q.length) {
          const step = q.shift();
          if (!q.length) queues.delete(key);
          if (rec) {
            rec.outcome = step.outcome;
            rec.scriptedBy = key;
          }
          return step;
        }
      }
      return { outcome: "ok", default: true };
    },

    /** Monotonic 1-based id per namespace, shared by both SDKs ("ad" -> ad#3). Reset by reset(). */
    nextId(ns = "id") {
      const n = (counters.get(ns) ?? 0) + 1;
      counters.set(ns, n);
      return n;
    },

    on(event, cb) {
      if (typeof cb !== "function") throw new TypeError(`${event}: callback must be a function`);
      if (!listeners.has(event)) listeners.set(event, []);
      listeners.get(event).push(cb);
    },
    /** Remove `cb` (every registration of it) or, when cb is undefined, all listeners of `event`. */
    off(event, cb) {
      const list = listeners.get(event);
      if (!list) return 0;
      const before = list.length;
      const kept = cb === undefined ? [] : list.filter((f) => f !== cb);
      if (kept.length) listeners.set(event, kept);
      else listeners.delete(event);
      return before - kept.length;
    },
    count(event) {
      return listeners.get(event)?.length ?? 0;
    },
    emit(event, payload) {
      const list = (listeners.get(event) ?? []).slice();
      for (const cb of list) internal.safeCall(event, cb, payload);
      return list.length;
    },
    listenerCounts() {
      const out = {};
      for (const [k, v] of listeners) if (v.length) out[k] = v.length;
      return out;
    },

    /** Call game code; an exception is recorded (and printed) but never breaks the mock's sequencing. */
    safeCall(label, cb, ...args) {
      try {
        cb(...args);
      } catch (e) {
        internal.callbackErrors.push({ label, message: String(e?.message ?? e) });
        console.error(`[gameport mock] callback for ${label} threw:`, e);
      }
    },

    /** setTimeout(fn, ms) that is cancelled by reset(); ms 0 still defers to a later task. */
    later(ms, fn) {
      const myEpoch = epoch;
      const h = setTimeout(
        () => {
          timers.delete(h);
          if (myEpoch === epoch) fn();
        },
        Math.max(0, ms || 0),
      );
      timers.add(h);
      return h;
    },
    sleep(ms) {
      return new Promise((resolve) => internal.later(ms, resolve));
    },

    /** POST JSON to scenario.platformUrl + path; resolves parsed JSON, rejects on network/HTTP/JSON error. */
    async postJson(path, body) {
      const base = String(mock.scenario.platformUrl ?? "").replace(/\/+$/, "");
      if (!base) throw new Error("scenario.platformUrl not configured");
      if (typeof globalThis.fetch !== "function") throw new Error("fetch is not available");
      const res = await globalThis.fetch(base + path, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path} answered HTTP ${res.status}`);
      return await res.json();
    },

    /**
     * scenario.persistStorage: what a real client keeps across a page reload (TikTok storage, Meta's
     * player data and unconsumed purchases) mirrored in `sessionStorage`, when the page has one (feature
     * detected; a worker or Node has none and keeps it in memory only). `loadPersisted(name)` is the saved
     * value or undefined; `savePersisted` writes only while the knob is on; `forgetPersisted` drops it.
     */
    loadPersisted(name) {
      if (!mock.scenario.persistStorage) return undefined;
      try {
        const raw = sessionStore()?.getItem(PERSIST_PREFIX + name);
        return raw == null ? undefined : JSON.parse(raw);
      } catch (e) {
        console.warn(`[gameport mock] persisted ${name} could not be read: ${e?.message ?? e}`);
        return undefined;
      }
    },
    savePersisted(name, value) {
      if (!mock.scenario.persistStorage) return;
      try {
        sessionStore()?.setItem(PERSIST_PREFIX + name, JSON.stringify(value));
      } catch (e) {
        console.warn(`[gameport mock] ${name} could not be persisted: ${e?.message ?? e}`);
      }
    },
    forgetPersisted(name) {
      try {
        sessionStore()?.removeItem(PERSIST_PREFIX + name);
      } catch {
        // no sessionStorage in this realm (opaque origin): nothing was persisted
      }
    },

    registerSdk(name, hooks) {
      sdks.set(name, hooks);
    },
    clone,
    isPlainObject,
    scriptedCounts() {
      const out = {};
      for (const [k, q] of queues) if (q.length) out[k] = q.length;
      return out;
    },

    _resetCore() {
      epoch += 1;
      for (const h of timers) clearTimeout(h);
      timers.clear();
      queues.clear();
      listeners.clear();
      counters.clear();
      internal.callbackErrors.length = 0;
      mock.calls.length = 0;
    },
    _queues: queues,
    _sdks: sdks,
  };

  const applySettings = (partial, { strict }) => {
    if (!isPlainObject(partial)) throw new TypeError("__gpMock.configure expects a plain object");
    const accepted = [];
    for (const [k, v] of Object.entries(partial)) {
      if (!(k in DEFAULT_SCENARIO)) {
        const msg = `__gpMock.configure: unknown setting "${k}" (known: ${Object.keys(DEFAULT_SCENARIO).join(", ")})`;
        if (strict) throw new TypeError(msg);
        console.warn(`[gameport mock] ${msg}; ignored`);
        continue;
      }
      let problem = null;
      if (k === "runtime" && v !== "html" && v !== "native") problem = 'runtime must be "html" or "native"';
      if (k === "clientVersion" && !/^\d+(\.\d+){0,3}$/.test(String(v)))
        problem = 'clientVersion must look like "46.1.0"';
      if (
        k === "supportedAPIs" &&
        v !== null &&
        !(Array.isArray(v) && v.every((x) => typeof x === "string"))
      ) {
        problem = "supportedAPIs must be null or an array of strings";
      }
      if (problem) {
        if (strict) throw new TypeError(`__gpMock.configure: ${problem}`);
        console.warn(`[gameport mock] ${problem}; ignored`);
        continue;
      }
      accepted.push([k, clone(v)]);
    }
    // strict mode threw above before anything was applied: configure() is all-or-nothing
    for (const [k, v] of accepted) mock.scenario[k] = v;
    for (const hooks of sdks.values()) hooks.onConfigure?.();
  };

  const mock = {
    calls: [],
    scenario: clone(DEFAULT_SCENARIO),
    configure(partial) {
      applySettings(partial, { strict: true });
      return mock.scenario;
    },
    script(api, ...steps) {
      if (typeof api !== "string" || !api)
        throw new TypeError("__gpMock.script(api, ...steps): api must be a non-empty string");
      if (!steps.length) throw new TypeError("__gpMock.script: give at least one step");
      const normalized = steps.map(normalizeStep);
      if (!queues.has(api)) queues.set(api, []);
      queues.get(api).push(...normalized);
      return queues.get(api).length;
    },
    fire(event, payload) {
      if (typeof event !== "string" || !event)
        throw new TypeError("__gpMock.fire: event must be a non-empty string");
      for (const hooks of sdks.values()) {
        const handled = hooks.fire?.(event, payload);
        if (handled !== undefined) return handled;
      }
      return internal.emit(event, payload);
    },
    reset() {
      internal._resetCore();
      for (const k of Object.keys(mock.scenario)) delete mock.scenario[k];
      Object.assign(mock.scenario, clone(DEFAULT_SCENARIO));
      for (const hooks of sdks.values()) hooks.reset?.();
      for (const hooks of sdks.values()) hooks.onConfigure?.();
    },
    stats() {
      const listenersNow = internal.listenerCounts();
      let adListeners = 0;
      for (const [k, n] of Object.entries(listenersNow)) if (k.startsWith("ad#")) adListeners += n;
      const out = {
        listeners: listenersNow,
        adListeners,
        liveAds: 0,
        unshownFbAds: 0,
        scripted: internal.scriptedCounts(),
        callbackErrors: internal.callbackErrors.length,
        calls: mock.calls.length,
      };
      for (const hooks of sdks.values()) {
        const part = { ...(hooks.stats?.() ?? {}) };
        if (typeof part.liveAds === "number") {
          out.liveAds += part.liveAds;
          delete part.liveAds;
        }
        if (typeof part.unshownFbAds === "number") {
          out.unshownFbAds += part.unshownFbAds;
          delete part.unshownFbAds;
        }
        Object.assign(out, part);
      }
      return out;
    },
    callsTo(api) {
      return mock.calls.filter((c) => c.api === api);
    },
  };
  Object.defineProperty(mock, "__internal", { value: internal, enumerable: false });

  applySettings(readLoadTimeScenario(), { strict: false });
  return mock;
}

function obtainMock() {
  const existing = globalThis.__gpMock;
  if (existing && existing.__internal && existing.__internal.version === MOCK_VERSION) return existing;
  const created = createMock();
  globalThis.__gpMock = created;
  return created;
}

/** The shared mock object (also `globalThis.__gpMock`). */
export const mock = obtainMock();
/** Helpers for the SDK mocks (not part of the test-facing contract). */
export const internal = mock.__internal;
