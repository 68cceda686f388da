// gameport headless mock of the TikTok Mini Games SDK (`TTMinis.game`), per
// shared/reference/platform-apis.md sections A.2-A.12, D and E.
//
// Importing this module defines `globalThis.TTMinis = { game }` synchronously.
//
// Implemented members of TTMinis.game (presence depends on scenario.runtime / scenario.clientVersion):
//   init({clientKey})                         html runtime only (absent when runtime === "native")
//   canIUse(schema)                           driven by TT_API_MIN_VERSION / TT_SCHEMA_MIN_VERSION
//   login({success, fail, complete})          -> {code}
//   authorize({scope, ...cbs})                -> {}
//   getSystemInfoSync()                       fixture (+ scenario.systemInfo overrides)
//   getLaunchOptionsSync(), getEnterOptionsSync()  -> {scene, query}
//   onShow(cb) / offShow(cb?) / onHide(cb) / offHide(cb?)
//   setLoadingProgress({progress, ...cbs})
//   setStorage({key, data}), getStorage({key}) -> {data}, removeStorage({key}), clearStorage()
//   setStorageSync(key, data), getStorageSync(key), removeStorageSync(key), clearStorageSync(),
//   getStorageInfoSync() -> {keys, currentSize, limitSize} (KB, as in the Douyin sibling API)
//   addShortcut, getShortcutMissionReward -> {canReceiveReward},            client >= 41.0.0
//   startEntranceMission, getEntranceMissionReward -> {canReceiveReward},   client >= 41.0.0
//   shareAppMessage({title?, imageUrl?, query?, ...}), shareToStory({...})
//   reportEvent({eventName, params?})                                       client >= 43.0.0
//   pay({trade_order_id}) -> {trade_order_id}
//   createRewardedVideoAd({adUnitId}), createInterstitialAd({adUnitId})     interstitial: client >= 42.9.0
//     ad instance: show(): Promise, onClose/offClose({isEnded}), onError/offError,
//                  load(): Promise, onLoad/offLoad                          client >= 46.1.0
//
// Conventions reproduced (A.3): one options object with success/fail/complete, `complete` always
// last; failures carry both shapes: {error: {error_code, error_msg, error_extra}, errMsg:
// "<api>:fail <msg>", errCode}. Callbacks are always delivered asynchronously.
import { mock, internal } from "./scenario.js";
import EMULATION from "./emulation.json" with { type: "json" };

const TT = EMULATION.tiktok;

/**
 * THE table of TikTok error codes used by this mock (emulation.json `tiktok.errorCodes`). `confirmed: false`
 * marks every code that no retrievable TikTok page documents ([unconfirmed] in the reference, A.14/F); those
 * values are mock choices (mostly in a 9xxxx "mock" range) that adapters must not depend on.
 */
export const TT_ERROR_CODES = Object.freeze(
  Object.fromEntries(
    Object.entries(TT.errorCodes).map(([name, entry]) => [name, Object.freeze({ ...entry })]),
  ),
);

/** Minimum TikTok client version per top-level member (A.8, A.12). Members below it are absent. */
export const TT_API_MIN_VERSION = Object.freeze({ ...TT.apiMinVersion });

/** Minimum versions for sub-schemas answered by canIUse (A.7, A.9, A.12). */
export const TT_SCHEMA_MIN_VERSION = Object.freeze({ ...TT.schemaMinVersion });

// Documented option / result fields that canIUse answers true for (beyond the version table).
const KNOWN_SUBSCHEMAS = TT.knownSubschemas;

// SDK base-library version reported by getSystemInfoSync for a client version (A.12), newest first.
// Below 42.8.0 the SDK version is not documented: the last entry ("0" -> "0.1.0") is a mock choice.
const SDK_FOR_CLIENT = TT.sdkVersionForClient;

/** Compare dotted numeric versions: negative, 0, positive. */
export function compareVersions(a, b) {
  const pa = String(a)
    .split(".")
    .map((x) => parseInt(x, 10) || 0);
  const pb = String(b)
    .split(".")
    .map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

const SDK = "tt";
const { slowLoadMs: SLOW_LOAD_MS, lateCompleteMs: LATE_COMPLETE_MS } = EMULATION.timing;
const { clone, isPlainObject } = internal;
const utf8 = new TextEncoder();
const byteLength = (s) => utf8.encode(s).length;

let state;
function freshState() {
  return {
    initialized: false,
    clientKey: null,
    lastEnter: null,
    storage: new Map(), // key -> JSON string
    loadingProgress: null,
    ads: new Map(), // "ad#N" -> {kind, adUnitId, state: "new" | "showing" | "used"}
  };
}
state = freshState();

const scenario = () => mock.scenario;
const versionAtLeast = (v) => compareVersions(scenario().clientVersion, v) >= 0;
const needsInit = () => scenario().runtime === "html" && !state.initialized;

function errorPayload(api, entry, step = {}) {
  const code = step.code ?? entry.error_code;
  const msg = step.message ?? entry.error_msg;
  return {
    error: { error_code: code, error_msg: msg, error_extra: clone(step.extra) ?? {} },
    errMsg: `${api}:fail ${msg}`,
    errCode: code,
  };
}

/** Error thrown by synchronous members; carries the same fields as a fail payload. */
function ttThrowable(api, entry, step = {}) {
  const p = errorPayload(api, entry, step);
  const e = new Error(p.errMsg);
  e.errMsg = p.errMsg;
  e.errCode = p.errCode;
  e.error = p.error;
  return e;
}

function badOutcome(api, step) {
  return new Error(
    `[gameport mock] scripted outcome "${step.outcome}" is not supported by TTMinis.game.${api}`,
  );
}

function requireInitSync(api) {
  if (needsInit()) {
    throw ttThrowable(api, TT_ERROR_CODES.NOT_INITIALIZED, {
      message: `TTMinis.game.${api} called before TTMinis.game.init({clientKey}) (HTML runtime)`,
    });
  }
}

/** Deliver a callback result: success/fail first, `complete` always last. */
function deliver(api, opts, result, step) {
  const call = (name, payload) => {
    if (typeof opts[name] === "function") internal.safeCall(`${api}.${name}`, opts[name], payload);
  };
  if (result.fail) {
    call("fail", result.fail);
    call("complete", result.fail);
    return;
  }
  call("success", result.ok);
  if (step.outcome === "ok_twice") call("success", result.ok);
  call("complete", result.ok);
  if (step.outcome === "ok_then_late_complete") {
    internal.later(step.lateMs ?? LATE_COMPLETE_MS, () => call("complete", result.ok));
  }
}

/**
 * An option-object API. `run(opts, step)` (may be async) returns {ok: payload} or {fail: payload};
 * a throw inside run (e.g. a failed fetch) becomes the platform network failure.
 */
function callbackApi(api, args, { run }) {
  const rec = internal.log(SDK, api, args);
  const options = args[0];
  const opts = isPlainObject(options) ? options : {};
  if (needsInit()) {
    const fail = errorPayload(api, TT_ERROR_CODES.NOT_INITIALIZED, {
      message: `TTMinis.game.${api} called before TTMinis.game.init({clientKey}) (HTML runtime)`,
    });
    internal.later(0, () => deliver(api, opts, { fail }, {}));
    return;
  }
  const step = internal.nextStep([api], rec);
  const cancellable = TT.cancellable.includes(api);
  if (!TT.callbackOutcomes.includes(step.outcome) && !(cancellable && step.outcome === "cancel"))
    throw badOutcome(api, step);
  if (step.outcome === "throw") throw ttThrowable(api, TT_ERROR_CODES.SCRIPTED_FAIL, step);
  if (step.outcome === "never") return;
  const epoch = internal.epoch;
  internal.later(step.delayMs ?? 0, async () => {
    let result;
    if (step.outcome === "fail") {
      result = { fail: errorPayload(api, TT_ERROR_CODES[TT.failCode[api] ?? TT.failCode.default], step) };
    } else if (step.outcome === "cancel") {
      result = { fail: errorPayload(api, TT_ERROR_CODES.USER_CANCEL, step) };
    } else {
      try {
        result = await run(opts, step);
      } catch (e) {
        result = {
          fail: errorPayload(api, TT_ERROR_CODES.NETWORK, { message: `network failure: ${e?.message ?? e}` }),
        };
      }
      if (result.ok !== undefined && step.value !== undefined) result = { ok: clone(step.value) };
    }
    if (epoch !== internal.epoch) return; // reset() happened while a fetch was pending
    deliver(api, opts, result, step);
  });
}

/** A synchronous member: "ok" (value overrides), "throw"/"fail" throw. */
function syncApi(api, args, run) {
  const rec = internal.log(SDK, api, args);
  requireInitSync(api);
  const step = internal.nextStep([api], rec);
  if (!TT.syncOutcomes.includes(step.outcome)) throw badOutcome(api, step);
  if (step.outcome === "throw" || step.outcome === "fail")
    throw ttThrowable(api, TT_ERROR_CODES.SCRIPTED_FAIL, step);
  const v = run();
  return step.value !== undefined ? clone(step.value) : v;
}

const invalid = (api, message) => ({ fail: errorPayload(api, TT_ERROR_CODES.INVALID_PARAM, { message }) });

// ---------------------------------------------------------------- system / launch

function systemInfo() {
  const s = scenario();
  const sdkVersion = SDK_FOR_CLIENT.find(([client]) => versionAtLeast(client))[1];
  return {
    ...clone(TT.systemInfo),
    language: String(s.locale ?? "en_US").replace("_", "-"),
    SDKVersion: sdkVersion,
    version: String(s.clientVersion),
    ...clone(s.systemInfo ?? {}),
  };
}

const currentEnterOptions = () =>
  clone(scenario().enterOptions ?? state.lastEnter ?? scenario().launchOptions);

function canIUseImpl(schema) {
  const s = scenario();
  if (typeof schema !== "string" || !schema) return false;
  if (s.canIUseOverrides && Object.prototype.hasOwnProperty.call(s.canIUseOverrides, schema)) {
    return Boolean(s.canIUseOverrides[schema]);
  }
  const parts = schema.split(".");
  const api = parts[0];
  if (typeof game[api] !== "function") return false;
  if (parts.length === 1) return true;
  if (TT_SCHEMA_MIN_VERSION[schema]) return versionAtLeast(TT_SCHEMA_MIN_VERSION[schema]);
  const [, method, param] = parts;
  if (api === "getSystemInfoSync" && method === "return") {
    let node = systemInfo();
    for (const p of parts.slice(2)) {
      if (!isPlainObject(node) || !(p in node)) return false;
      node = node[p];
    }
    return true;
  }
  if (parts.length > 3) return false;
  const known = KNOWN_SUBSCHEMAS[api]?.[method];
  if (!known) return false;
  return param === undefined ? true : known.includes(param);
}

// ---------------------------------------------------------------- storage

const PERSISTED_STORAGE = "tt.storage";

/** scenario.persistStorage: storage survives a page reload, as on a real TikTok client. */
function restoreStorage() {
  const saved = internal.loadPersisted(PERSISTED_STORAGE);
  if (Array.isArray(saved)) state.storage = new Map(saved.filter((e) => Array.isArray(e) && e.length === 2));
}
const persistStorage = () => internal.savePersisted(PERSISTED_STORAGE, [...state.storage]);

function storageBytes() {
  let n = 0;
  for (const [k, v] of state.storage) n += byteLength(k) + byteLength(v);
  return n;
}

/** Returns null on success or [entry, message] on failure. */
function storageWrite(key, data) {
  if (typeof key !== "string" || !key)
    return [TT_ERROR_CODES.INVALID_PARAM, "key must be a non-empty string"];
  let json;
  try {
    json = JSON.stringify(data);
  } catch (e) {
    return [TT_ERROR_CODES.INVALID_PARAM, `data is not JSON-serialisable: ${e?.message ?? e}`];
  }
  if (json === undefined) return [TT_ERROR_CODES.INVALID_PARAM, "data is not JSON-serialisable"];
  const old = state.storage.has(key) ? byteLength(key) + byteLength(state.storage.get(key)) : 0;
  const next = storageBytes() - old + byteLength(key) + byteLength(json);
  const limit = Number(scenario().storageLimitBytes);
  if (Number.isFinite(limit) && next > limit) {
    return [TT_ERROR_CODES.STORAGE_LIMIT, `storage limit exceeded (${next} > ${limit} bytes)`];
  }
  state.storage.set(key, json);
  persistStorage();
  return null;
}

// ---------------------------------------------------------------- rewards / shortcut helpers

function takeOneTimeReward(knob) {
  const s = scenario();
  const can = Boolean(s[knob]);
  if (can) s[knob] = false; // one-time: TikTok's server tracks the claim
  return { canReceiveReward: can };
}

// ---------------------------------------------------------------- ads

function adError(label, entry, step = {}) {
  const code = step.code ?? entry.error_code;
  const msg = step.message ?? entry.error_msg;
  // Minis docs: {error_code, error_msg}; Douyin/wx sibling: {errMsg, errCode} (A.7): both given.
  return { error_code: code, error_msg: msg, errCode: code, errMsg: `${label}:fail ${msg}` };
}

function makeAd(kind, adUnitId) {
  const id = `ad#${internal.nextId("ad")}`;
  const className = kind === "rewarded" ? "RewardedVideoAd" : "InterstitialAd";
  const ad = { kind, adUnitId, state: "new" };
  state.ads.set(id, ad);
  const withPreload = versionAtLeast(TT.adPreloadVersion);
  const log = (m, args) => internal.log(SDK, `${id}.${m}`, args);
  const listen = (m, ev) =>
    function (cb) {
      log(m, [cb]);
      internal.on(`${id}.${ev}`, cb);
    };
  const unlisten = (m, ev) =>
    function (cb) {
      log(m, cb === undefined ? [] : [cb]);
      internal.off(`${id}.${ev}`, cb);
    };
  const emit = (ev, payload) => internal.emit(`${id}.${ev}`, payload);

  const obj = {
    show() {
      const rec = log("show", []);
      const label = `${className}.show`;
      if (ad.state === "used") return Promise.reject(adError(label, TT_ERROR_CODES.AD_ALREADY_SHOWN));
      if (ad.state === "showing") return Promise.reject(adError(label, TT_ERROR_CODES.AD_SHOW_PENDING));
      const step = internal.nextStep([`${id}.show`, `${kind}.show`, "ad.show"], rec);
      if (!TT.adShowOutcomes.includes(step.outcome)) throw badOutcome(`${id}.show`, step);
      if (step.outcome === "throw") throw ttThrowable(label, TT_ERROR_CODES.SCRIPTED_FAIL, step);
      ad.state = "showing";
      return new Promise((resolve, reject) => {
        if (step.outcome === "never") return;
        const delay = step.delayMs ?? (step.outcome === "slow_load" ? SLOW_LOAD_MS : 0);
        internal.later(delay, () => {
          if (step.outcome === "no_fill") {
            ad.state = "new";
            const err = adError(label, TT_ERROR_CODES.AD_NO_FILL, step);
            emit("onError", err);
            reject(err);
            return;
          }
          if (step.outcome === "fail") {
            ad.state = "new";
            reject(adError(label, TT_ERROR_CODES.SCRIPTED_FAIL, step));
            return;
          }
          // displayed: the instance is released (single use, A.7)
          ad.state = "used";
          resolve();
          if (step.outcome === "never_closes") return;
          internal.later(step.closeAfterMs ?? 0, () => {
            if (step.outcome === "error_after_display") {
              emit("onError", adError(label, TT_ERROR_CODES.AD_PLAYBACK_ERROR, step));
              emit("onClose", { isEnded: false });
            } else {
              emit("onClose", { isEnded: step.outcome !== "closed_early" });
            }
          });
        });
      });
    },
    onClose: listen("onClose", "onClose"),
    offClose: unlisten("offClose", "onClose"),
    onError: listen("onError", "onError"),
    offError: unlisten("offError", "onError"),
  };
  if (withPreload) {
    obj.load = function () {
      const rec = log("load", []);
      const label = `${className}.load`;
      if (ad.state === "used") return Promise.reject(adError(label, TT_ERROR_CODES.AD_ALREADY_SHOWN));
      const step = internal.nextStep([`${id}.load`, `${kind}.load`, "ad.load"], rec);
      if (!TT.adLoadOutcomes.includes(step.outcome)) throw badOutcome(`${id}.load`, step);
      if (step.outcome === "throw") throw ttThrowable(label, TT_ERROR_CODES.SCRIPTED_FAIL, step);
      return new Promise((resolve, reject) => {
        if (step.outcome === "never") return;
        internal.later(step.delayMs ?? (step.outcome === "slow_load" ? SLOW_LOAD_MS : 0), () => {
          if (step.outcome === "ok" || step.outcome === "slow_load") {
            resolve();
            emit("onLoad", {});
            return;
          }
          const err = adError(
            label,
            step.outcome === "no_fill" ? TT_ERROR_CODES.AD_NO_FILL : TT_ERROR_CODES.SCRIPTED_FAIL,
            step,
          );
          emit("onError", err);
          reject(err);
        });
      });
    };
    obj.onLoad = listen("onLoad", "onLoad");
    obj.offLoad = unlisten("offLoad", "onLoad");
  }
  return obj;
}

function createAd(kind, api, args) {
  const rec = internal.log(SDK, api, args);
  requireInitSync(api);
  const step = internal.nextStep([api], rec);
  if (step.outcome === "throw" || step.outcome === "fail")
    throw ttThrowable(api, TT_ERROR_CODES.SCRIPTED_FAIL, step);
  if (step.outcome !== "ok") throw badOutcome(api, step);
  const options = args[0];
  if (!isPlainObject(options) || typeof options.adUnitId !== "string" || !options.adUnitId) {
    throw ttThrowable(api, TT_ERROR_CODES.INVALID_PARAM, { message: "adUnitId is required" });
  }
  return makeAd(kind, options.adUnitId);
}

// ---------------------------------------------------------------- lifecycle listeners

function listenerApi(api, event, args) {
  internal.log(SDK, api, args);
  requireInitSync(api);
  internal.on(event, args[0]);
}
function unlistenerApi(api, event, args) {
  internal.log(SDK, api, args);
  requireInitSync(api);
  internal.off(event, args[0]);
}

// ---------------------------------------------------------------- the surface

const ALL = {
  init(...args) {
    const rec = internal.log(SDK, "init", args);
    const step = internal.nextStep(["init"], rec);
    if (step.outcome === "throw" || step.outcome === "fail")
      throw ttThrowable("init", TT_ERROR_CODES.SCRIPTED_FAIL, step);
    if (step.outcome !== "ok") throw badOutcome("init", step);
    const o = args[0];
    if (!isPlainObject(o) || typeof o.clientKey !== "string" || !o.clientKey) {
      throw new TypeError("TTMinis.game.init({clientKey}): clientKey must be a non-empty string");
    }
    state.initialized = true;
    state.clientKey = o.clientKey;
  },
  canIUse(...args) {
    return syncApi("canIUse", args, () => canIUseImpl(args[0]));
  },
  login(...args) {
    callbackApi("login", args, {
      async run() {
        const s = scenario();
        if (s.platformUrl) {
          const body = s.openId ? { open_id: s.openId } : {};
          const res = await internal.postJson("/mock/tiktok/login_code", body);
          if (!res || typeof res.code !== "string" || !res.code)
            throw new Error("login_code answered without {code}");
          return { ok: { code: res.code } };
        }
        return { ok: { code: `mock-code-${internal.nextId("tt-login")}` } };
      },
    });
  },
  authorize(...args) {
    callbackApi("authorize", args, {
      run(o) {
        if (typeof o.scope !== "string" || !o.scope.trim())
          return invalid("authorize", "scope must be a comma-separated string");
        return { ok: {} };
      },
    });
  },
  getSystemInfoSync(...args) {
    return syncApi("getSystemInfoSync", args, systemInfo);
  },
  getLaunchOptionsSync(...args) {
    return syncApi("getLaunchOptionsSync", args, () => clone(scenario().launchOptions));
  },
  getEnterOptionsSync(...args) {
    return syncApi("getEnterOptionsSync", args, currentEnterOptions);
  },
  onShow(...args) {
    listenerApi("onShow", "onShow", args);
  },
  offShow(...args) {
    unlistenerApi("offShow", "onShow", args);
  },
  onHide(...args) {
    listenerApi("onHide", "onHide", args);
  },
  offHide(...args) {
    unlistenerApi("offHide", "onHide", args);
  },
  setLoadingProgress(...args) {
    callbackApi("setLoadingProgress", args, {
      run(o) {
        const p = o.progress;
        // Range 0-1 vs 0-100 is [unconfirmed] (A.2): accept any finite number in [0, 100].
        if (typeof p !== "number" || !Number.isFinite(p) || p < 0 || p > 100) {
          return invalid("setLoadingProgress", "progress must be a number in [0, 100]");
        }
        state.loadingProgress = p;
        return { ok: {} };
      },
    });
  },
  setStorage(...args) {
    callbackApi("setStorage", args, {
      run(o) {
        const err = storageWrite(o.key, o.data);
        return err ? { fail: errorPayload("setStorage", err[0], { message: err[1] }) } : { ok: {} };
      },
    });
  },
  getStorage(...args) {
    callbackApi("getStorage", args, {
      run(o) {
        if (typeof o.key !== "string" || !state.storage.has(o.key)) {
          return { fail: errorPayload("getStorage", TT_ERROR_CODES.DATA_NOT_FOUND) };
        }
        return { ok: { data: JSON.parse(state.storage.get(o.key)) } };
      },
    });
  },
  removeStorage(...args) {
    callbackApi("removeStorage", args, {
      run(o) {
        if (typeof o.key !== "string") return invalid("removeStorage", "key must be a string");
        state.storage.delete(o.key);
        persistStorage();
        return { ok: {} };
      },
    });
  },
  clearStorage(...args) {
    callbackApi("clearStorage", args, {
      run() {
        state.storage.clear();
        persistStorage();
        return { ok: {} };
      },
    });
  },
  setStorageSync(...args) {
    return syncApi("setStorageSync", args, () => {
      const err = storageWrite(args[0], args[1]);
      if (err) throw ttThrowable("setStorageSync", err[0], { message: err[1] });
    });
  },
  getStorageSync(...args) {
    // Missing key -> "" (wx convention; TikTok behaviour [unconfirmed]).
    return syncApi("getStorageSync", args, () =>
      state.storage.has(args[0]) ? JSON.parse(state.storage.get(args[0])) : "",
    );
  },
  removeStorageSync(...args) {
    return syncApi("removeStorageSync", args, () => {
      state.storage.delete(args[0]);
      persistStorage();
    });
  },
  clearStorageSync(...args) {
    return syncApi("clearStorageSync", args, () => {
      state.storage.clear();
      persistStorage();
    });
  },
  getStorageInfoSync(...args) {
    return syncApi("getStorageInfoSync", args, () => ({
      keys: [...state.storage.keys()],
      currentSize: Math.ceil(storageBytes() / 1024),
      limitSize: Math.floor(Number(scenario().storageLimitBytes) / 1024),
    }));
  },
  addShortcut(...args) {
    callbackApi("addShortcut", args, { run: () => ({ ok: {} }) });
  },
  getShortcutMissionReward(...args) {
    callbackApi("getShortcutMissionReward", args, {
      run: () => ({ ok: takeOneTimeReward("shortcutRewardAvailable") }),
    });
  },
  startEntranceMission(...args) {
    callbackApi("startEntranceMission", args, { run: () => ({ ok: {} }) });
  },
  getEntranceMissionReward(...args) {
    callbackApi("getEntranceMissionReward", args, {
      run: () => ({ ok: takeOneTimeReward("entranceRewardAvailable") }),
    });
  },
  shareAppMessage(...args) {
    callbackApi("shareAppMessage", args, { run: () => ({ ok: {} }) });
  },
  shareToStory(...args) {
    callbackApi("shareToStory", args, { run: () => ({ ok: {} }) });
  },
  reportEvent(...args) {
    callbackApi("reportEvent", args, {
      run(o) {
        if (typeof o.eventName !== "string" || !o.eventName)
          return invalid("reportEvent", "eventName must be a non-empty string");
        if (o.params !== undefined && !isPlainObject(o.params))
          return invalid("reportEvent", "params must be an object");
        return { ok: {} };
      },
    });
  },
  pay(...args) {
    callbackApi("pay", args, {
      async run(o) {
        if (typeof o.trade_order_id !== "string" || !o.trade_order_id)
          return invalid("pay", "trade_order_id is required");
        if (scenario().platformUrl) {
          // the mock platform server then sends the signed minis.trade_order.redeem.success webhook
          await internal.postJson("/mock/tiktok/pay", {
            trade_order_id: o.trade_order_id,
            outcome: "success",
          });
        }
        return { ok: { trade_order_id: o.trade_order_id } };
      },
    });
  },
  createRewardedVideoAd(...args) {
    return createAd("rewarded", "createRewardedVideoAd", args);
  },
  createInterstitialAd(...args) {
    return createAd("interstitial", "createInterstitialAd", args);
  },
};

/** Members of TTMinis.game present for the current runtime / client version. */
function memberPresent(name) {
  if (name === "init") return scenario().runtime === "html";
  const min = TT_API_MIN_VERSION[name];
  return min ? versionAtLeast(min) : true;
}

const game = {};
function syncSurface() {
  for (const [name, fn] of Object.entries(ALL)) {
    if (memberPresent(name)) game[name] = fn;
    else delete game[name];
  }
}
syncSurface();

internal.registerSdk("ttminis", {
  reset() {
    state = freshState();
    internal.forgetPersisted(PERSISTED_STORAGE);
  },
  onConfigure() {
    syncSurface();
    persistStorage(); // persistStorage switched on: mirror what is there now
  },
  fire(event, payload) {
    if (event === "onShow") {
      if (payload !== undefined) state.lastEnter = clone(payload);
      return internal.emit("onShow", payload !== undefined ? payload : currentEnterOptions());
    }
    if (event === "onHide") return internal.emit("onHide", payload !== undefined ? payload : {});
    return undefined;
  },
  stats() {
    let live = 0;
    const ttAds = {};
    for (const [id, ad] of state.ads) {
      ttAds[id] = ad.state;
      if (ad.state !== "used") live += 1;
    }
    return {
      liveAds: live,
      ttAds,
      ttInitialized: state.initialized,
      ttLoadingProgress: state.loadingProgress,
      storageBytes: storageBytes(),
      storageKeys: state.storage.size,
    };
  },
});

restoreStorage();

globalThis.TTMinis = { game };
Object.defineProperty(globalThis.TTMinis, "__gameportMock", { value: true });

export { game };
