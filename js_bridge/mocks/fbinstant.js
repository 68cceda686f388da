// gameport headless mock of Meta's Instant Games SDK 8.0 (`FBInstant`), per
// shared/reference/platform-apis.md sections B.2-B.12, D and E.
//
// Importing this module defines `globalThis.FBInstant` synchronously.
//
// Implemented members:
//   initializeAsync(), setLoadingProgress(0..100), startGameAsync(), getSDKVersion() -> "8.0",
//   getSupportedAPIs(), getLocale(), getPlatform(), getEntryPointData(), getEntryPointAsync(),
//   onPause(cb)                                   (there is no onResume in the real SDK)
//   player.getID(), player.getSignedPlayerInfoAsync(nonce) -> {getPlayerID(), getSignature()},
//   player.getDataAsync(keys), player.setDataAsync(obj), player.flushDataAsync()
//                                                 (NO getName/getPhoto: removed in 8.0)
//   context.getID()                               (null before startGameAsync resolved)
//   shareAsync(payload), inviteAsync(payload), canCreateShortcutAsync(), createShortcutAsync()
//   logEvent(name, valueToSum?, params?) -> APIError | null   (present iff "logEvent" is in supportedAPIs)
//   getLeaderboardAsync(name) -> Leaderboard {getName, getContextID, getEntryCountAsync,
//     setScoreAsync, getPlayerEntryAsync, getEntriesAsync}; LeaderboardEntry {getScore,
//     getFormattedScore, getTimestamp, getRank, getExtraData, getPlayer() -> {getID}}
//   getInterstitialAdAsync(id), getRewardedVideoAsync(id) -> AdInstance {getPlacementID, loadAsync, showAsync}
//   loadBannerAdAsync(id, position?), hideBannerAdAsync()
//   payments.onReady(cb), payments.getCatalogAsync(), payments.purchaseAsync({productID, developerPayload?}),
//   payments.getPurchasesAsync(), payments.consumePurchaseAsync(purchaseToken)
//
// Conventions: Promise-based; rejections are plain APIError objects {code, message} (B.2, B.11);
// sync getters are sync. Signed data is never produced here: with scenario.platformUrl it comes
// from POST <platformUrl>/mock/meta/sign, otherwise the call rejects NETWORK_FAILURE.
import { mock, internal } from "./scenario.js";
import EMULATION from "./emulation.json" with { type: "json" };

const FB = EMULATION.fbinstant;

/** Dotted names of every implemented API (the default getSupportedAPIs() answer). */
export const FB_IMPLEMENTED_APIS = Object.freeze([...FB.implementedApis]);

/**
 * Error-code choices this mock makes where Meta documents the code list but not which code a
 * given situation yields (emulation.json `fbinstant.codeChoices`, where each has a note and the
 * [unconfirmed] ones are marked). All codes are from B.11; the *mapping* is the mock's choice.
 */
export const FB_CODE_CHOICES = Object.freeze(
  Object.fromEntries(Object.entries(FB.codeChoices).map(([name, choice]) => [name, choice.code])),
);

/**
 * What a scripted outcome does, from the table's effect names: "resolve", "ok" and "never" as they are
 * (promiseApi knows them), anything else is an FB_CODE_CHOICES name, replaced by its code.
 */
const effects = (table) =>
  Object.fromEntries(
    Object.entries(table).map(([outcome, effect]) => [outcome, FB_CODE_CHOICES[effect] ?? effect]),
  );
const cancelOutcome = (api) => (api in FB.cancel ? effects({ cancel: FB.cancel[api] }) : {});
const AD_LOAD_EFFECTS = effects(FB.adLoadOutcomes);
const AD_SHOW_EFFECTS = effects(FB.adShowOutcomes);

const SDK = "fb";
const SDK_VERSION = "8.0";
const SIGNER_MISSING = "mock signer not configured (scenario.platformUrl)";
const NAME_RE = /^[A-Za-z0-9 _-]{2,40}$/;
const { clone, isPlainObject } = internal;
const utf8 = new TextEncoder();
const byteLength = (s) => utf8.encode(s).length;
const scenario = () => mock.scenario;

const apiError = (code, message) => ({ code, message });
const isApiError = (e) => isPlainObject(e) && typeof e.code === "string" && typeof e.message === "string";

let state;
function freshState() {
  return {
    initialized: false,
    started: false,
    loadingProgress: null,
    playerData: {},
    flushPending: false,
    shortcutCalled: false,
    ads: new Map(), // "ad#N" -> {kind, placementID, loaded, loading, used}
    banner: null, // {placementID, position, visible}
    purchases: null, // lazily cloned from scenario.unconsumedPurchases
    boards: new Map(), // name -> {name, contextID, entries}
    paymentsReadyFired: false,
    purchaseSeq: 0, // n of <purchaseIdPrefix>-payment-<n> / -token-<n>
  };
}
state = freshState();

// scenario.persistStorage: what Meta keeps for the player across a page reload (player data, unconsumed
// purchases, and which payment ids it issued) survives one in the page's sessionStorage.
const PERSISTED_STATE = "fb.player";

function restorePlayer() {
  const saved = internal.loadPersisted(PERSISTED_STATE);
  if (!isPlainObject(saved)) return;
  if (isPlainObject(saved.playerData)) state.playerData = saved.playerData;
  if (Array.isArray(saved.purchases)) state.purchases = saved.purchases;
  if (Number.isInteger(saved.purchaseSeq)) state.purchaseSeq = saved.purchaseSeq;
}
const persistPlayer = () =>
  internal.savePersisted(PERSISTED_STATE, {
    playerData: state.playerData,
    purchases: state.purchases,
    purchaseSeq: state.purchaseSeq,
  });

function supported(api) {
  const list = scenario().supportedAPIs ?? FB_IMPLEMENTED_APIS;
  return Array.isArray(list) && list.includes(api);
}

function badOutcome(api, step) {
  return new Error(`[gameport mock] scripted outcome "${step.outcome}" is not supported by FBInstant.${api}`);
}

/**
 * A Promise API. Order: log, initialize check, supported check, precheck() (sync validation,
 * may return an APIError), scripted step, begin(step) (sync side effects), then after delayMs
 * run(step) (may be async; a thrown APIError rejects with it, anything else is NETWORK_FAILURE),
 * settle() after either result.
 */
function promiseApi(api, args, opts) {
  const { run, outcomes = {}, needsInit = true, gate = api, precheck, begin, settle, keys, target } = opts;
  const rec = internal.log(SDK, api, args);
  if (target !== undefined) rec.target = target;
  if (needsInit && !state.initialized) {
    return Promise.reject(
      apiError(FB_CODE_CHOICES.beforeInitialize, `FBInstant.${api} called before initializeAsync() resolved`),
    );
  }
  if (gate && !supported(gate)) {
    return Promise.reject(
      apiError(
        FB_CODE_CHOICES.unsupportedApi,
        `${gate} is not supported in this session (scenario.supportedAPIs)`,
      ),
    );
  }
  const pre = precheck?.();
  if (pre) return Promise.reject(pre);
  const step = internal.nextStep(keys ?? [api], rec);
  if (!FB.promiseOutcomes.includes(step.outcome) && !(step.outcome in outcomes)) throw badOutcome(api, step);
  if (step.outcome === "throw")
    throw apiError(step.code ?? "UNKNOWN", step.message ?? `scripted throw from ${api}`);
  begin?.(step);
  return new Promise((resolve, reject) => {
    if (step.outcome === "never" || outcomes[step.outcome] === "never") return;
    const epoch = internal.epoch;
    internal.later(
      step.delayMs ?? (step.outcome === "slow_load" ? EMULATION.timing.slowLoadMs : 0),
      async () => {
        const done = (fn, v) => {
          if (epoch !== internal.epoch) return; // reset() while pending: drop
          settle?.(step);
          fn(v);
        };
        if (step.outcome === "fail") {
          done(reject, apiError(step.code ?? "UNKNOWN", step.message ?? `scripted failure of ${api}`));
          return;
        }
        if (step.outcome !== "ok" && outcomes[step.outcome] !== "ok") {
          const mapped = outcomes[step.outcome];
          if (mapped === "resolve") done(resolve, undefined);
          else done(reject, apiError(step.code ?? mapped, step.message ?? `${api}: ${step.outcome}`));
          return;
        }
        try {
          const v = await run(step);
          done(resolve, step.value !== undefined ? clone(step.value) : v);
        } catch (e) {
          done(
            reject,
            isApiError(e) ? e : apiError("NETWORK_FAILURE", `network failure: ${e?.message ?? e}`),
          );
        }
      },
    );
  });
}

/** Synchronous member with scripting: "ok" (value overrides) or "throw"/"fail" (throws an APIError). */
function syncApi(api, args, run) {
  const rec = internal.log(SDK, api, args);
  const step = internal.nextStep([api], rec);
  if (step.outcome === "throw" || step.outcome === "fail") {
    throw apiError(step.code ?? "UNKNOWN", step.message ?? `scripted throw from ${api}`);
  }
  if (step.outcome !== "ok") throw badOutcome(api, step);
  const v = run();
  return step.value !== undefined ? clone(step.value) : v;
}

async function sign(payload) {
  if (!scenario().platformUrl) throw apiError(FB_CODE_CHOICES.signerMissing, SIGNER_MISSING);
  const res = await internal.postJson("/mock/meta/sign", { payload });
  if (!res || typeof res.signed !== "string" || !res.signed.includes(".")) {
    throw apiError("NETWORK_FAILURE", 'mock signer answered without {signed: "<sig>.<payload>"}');
  }
  return res.signed;
}

const paymentsReadyCheck = () =>
  scenario().paymentsReady
    ? null
    : apiError(FB_CODE_CHOICES.paymentsNotReady, "payments are not available in this session");

function purchases() {
  if (state.purchases === null) state.purchases = clone(scenario().unconsumedPurchases ?? []);
  return state.purchases;
}

// ---------------------------------------------------------------- payments.onReady

function firePaymentsReady() {
  const n = internal.emit("payments.onReady");
  internal.off("payments.onReady");
  if (n) state.paymentsReadyFired = true;
  return n;
}
function schedulePaymentsReady() {
  if (!state.initialized || !scenario().paymentsReady || !internal.count("payments.onReady")) return;
  internal.later(0, () => {
    if (state.initialized && scenario().paymentsReady) firePaymentsReady();
  });
}

// ---------------------------------------------------------------- leaderboards

function boardConfig(name) {
  const cfg = scenario().leaderboards;
  if (Array.isArray(cfg)) return cfg.includes(name) ? {} : null;
  if (isPlainObject(cfg) && Object.prototype.hasOwnProperty.call(cfg, name)) {
    return isPlainObject(cfg[name]) ? cfg[name] : {};
  }
  return null;
}

function boardState(name) {
  if (state.boards.has(name)) return state.boards.get(name);
  const cfg = boardConfig(name);
  if (!cfg) return null;
  const dot = name.lastIndexOf(".");
  const board = {
    name,
    contextID: cfg.contextID !== undefined ? cfg.contextID : dot > 0 ? name.slice(dot + 1) : null,
    entries: (cfg.entries ?? []).map((e) => ({
      playerId: String(e.playerId),
      score: Number(e.score),
      extraData: e.extraData ?? null,
      timestamp: e.timestamp ?? 1700000000,
    })),
  };
  state.boards.set(name, board);
  return board;
}

const sortedEntries = (board) =>
  board.entries.slice().sort((a, b) => b.score - a.score || a.timestamp - b.timestamp);

function entryObject(board, e) {
  const rank = sortedEntries(board).indexOf(e) + 1;
  const snapshot = { ...e };
  return {
    getScore: () => snapshot.score,
    getFormattedScore: () => String(snapshot.score),
    getTimestamp: () => snapshot.timestamp,
    getRank: () => rank,
    getExtraData: () => snapshot.extraData,
    getPlayer: () => ({ getID: () => snapshot.playerId }), // 8.0: no getName/getPhoto
  };
}

function leaderboardObject(board) {
  const m = (method, args, opts) =>
    promiseApi(`leaderboard.${method}`, args, {
      gate: null,
      target: board.name,
      keys: [`leaderboard.${method}`],
      ...opts,
    });
  const playerEntry = () => board.entries.find((e) => e.playerId === String(scenario().playerId));
  return {
    getName: () => board.name,
    getContextID: () => board.contextID,
    getEntryCountAsync: (...args) => m("getEntryCountAsync", args, { run: () => board.entries.length }),
    setScoreAsync: (...args) => {
      const [score, extraData] = args;
      return m("setScoreAsync", args, {
        precheck() {
          if (!Number.isSafeInteger(score)) return apiError("INVALID_PARAM", "score must be an integer");
          if (extraData != null && (typeof extraData !== "string" || byteLength(extraData) > 2048)) {
            return apiError("INVALID_PARAM", "extraData must be a string of at most 2 KB");
          }
          const ctx = state.started ? scenario().contextId : null;
          if (board.contextID !== null && board.contextID !== ctx) {
            return apiError(
              "LEADERBOARD_WRONG_CONTEXT",
              `leaderboard ${board.name} belongs to context ${board.contextID}`,
            );
          }
          return null;
        },
        run() {
          let e = playerEntry();
          if (!e) {
            e = {
              playerId: String(scenario().playerId),
              score,
              extraData: extraData ?? null,
              timestamp: Math.floor(Date.now() / 1000),
            };
            board.entries.push(e);
          } else if (score > e.score) {
            // only replaces if better (B.9)
            Object.assign(e, {
              score,
              extraData: extraData ?? null,
              timestamp: Math.floor(Date.now() / 1000),
            });
          }
          return entryObject(board, e);
        },
      });
    },
    getPlayerEntryAsync: (...args) =>
      m("getPlayerEntryAsync", args, {
        run: () => {
          const e = playerEntry();
          return e ? entryObject(board, e) : null;
        },
      }),
    getEntriesAsync: (...args) => {
      const [count = 10, offset = 0] = args;
      return m("getEntriesAsync", args, {
        precheck: () =>
          Number.isInteger(count) && count >= 0 && Number.isInteger(offset) && offset >= 0
            ? null
            : apiError("INVALID_PARAM", "count and offset must be non-negative integers"),
        run: () =>
          sortedEntries(board)
            .slice(offset, offset + Math.min(count, 100))
            .map((e) => entryObject(board, e)),
      });
    },
  };
}

// ---------------------------------------------------------------- ads

const unshownLoaded = () => [...state.ads.values()].filter((a) => a.loaded && !a.used).length;
const tooManyAds = () =>
  unshownLoaded() >= Number(scenario().maxUnshownAds)
    ? apiError(
        "ADS_TOO_MANY_INSTANCES",
        `too many loaded but unshown ad instances (limit ${scenario().maxUnshownAds})`,
      )
    : null;

function makeAdInstance(kind, placementID) {
  const id = `ad#${internal.nextId("ad")}`;
  const ad = { kind, placementID, loaded: false, loading: false, used: false };
  state.ads.set(id, ad);
  const used = () =>
    ad.used ? apiError(FB_CODE_CHOICES.adUsedAfterShow, "ad instance already shown; get a new one") : null;
  return {
    getPlacementID: (...args) => {
      internal.log(SDK, `${id}.getPlacementID`, args);
      return placementID;
    },
    loadAsync: (...args) =>
      promiseApi(`${id}.loadAsync`, args, {
        gate: null,
        keys: [`${id}.loadAsync`, `${kind}.loadAsync`, "ad.loadAsync"],
        outcomes: AD_LOAD_EFFECTS,
        precheck: () =>
          used() ??
          (ad.loading ? apiError("PENDING_REQUEST", "ad is already loading") : null) ??
          (ad.loaded ? null : tooManyAds()),
        begin: () => {
          ad.loading = true;
        },
        settle: () => {
          ad.loading = false;
        },
        run: () => {
          ad.loaded = true;
        },
      }),
    showAsync: (...args) =>
      promiseApi(`${id}.showAsync`, args, {
        gate: null,
        keys: [`${id}.showAsync`, `${kind}.showAsync`, "ad.showAsync"],
        outcomes: AD_SHOW_EFFECTS, // slow_load: displays after delayMs (default slowLoadMs), then resolves as watched
        precheck: () =>
          used() ??
          (ad.loaded ? null : apiError("ADS_NOT_LOADED", "showAsync called before a successful loadAsync")),
        begin: () => {
          ad.used = true;
        }, // single use from here on, whatever the outcome
        run: () => undefined,
      }),
  };
}

function getAd(kind, api, args) {
  const [placementID] = args;
  return promiseApi(api, args, {
    precheck: () =>
      typeof placementID === "string" && placementID
        ? tooManyAds()
        : apiError("INVALID_PARAM", "placementID must be a non-empty string"),
    run: () => makeAdInstance(kind, placementID),
  });
}

// ---------------------------------------------------------------- logEvent

function validateLogEvent(name, valueToSum, params) {
  if (typeof name !== "string" || !NAME_RE.test(name)) {
    return apiError("INVALID_PARAM", "eventName must be 2-40 characters of [A-Za-z0-9 _-]");
  }
  if (valueToSum != null && (typeof valueToSum !== "number" || !Number.isFinite(valueToSum))) {
    return apiError("INVALID_PARAM", "valueToSum must be a number");
  }
  if (params != null) {
    if (!isPlainObject(params)) return apiError("INVALID_PARAM", "parameters must be an object");
    const keys = Object.keys(params);
    if (keys.length > 25) return apiError("INVALID_PARAM", "at most 25 parameters");
    for (const k of keys) {
      if (!NAME_RE.test(k))
        return apiError("INVALID_PARAM", `parameter name "${k}" must be 2-40 characters of [A-Za-z0-9 _-]`);
      const v = params[k];
      if (!["string", "number", "boolean"].includes(typeof v))
        return apiError("INVALID_PARAM", `parameter "${k}" must be a string`);
      if (String(v).length >= 100)
        return apiError("INVALID_PARAM", `parameter "${k}" must be shorter than 100 characters`);
    }
  }
  return null;
}

function logEvent(...args) {
  const rec = internal.log(SDK, "logEvent", args);
  const step = internal.nextStep(["logEvent"], rec);
  if (step.outcome === "throw")
    throw apiError(step.code ?? "UNKNOWN", step.message ?? "scripted throw from logEvent");
  if (step.outcome === "fail")
    return apiError(step.code ?? "ANALYTICS_POST_EXCEPTION", step.message ?? "scripted analytics failure");
  if (step.outcome !== "ok") throw badOutcome("logEvent", step);
  if (!state.initialized)
    return apiError(
      FB_CODE_CHOICES.beforeInitialize,
      "FBInstant.logEvent called before initializeAsync() resolved",
    );
  if (step.value !== undefined) return clone(step.value);
  return validateLogEvent(...args);
}

// ---------------------------------------------------------------- the SDK object

const player = {
  getID: (...args) =>
    syncApi("player.getID", args, () => (state.initialized ? String(scenario().playerId) : null)),
  getSignedPlayerInfoAsync: (...args) => {
    const [nonce] = args;
    return promiseApi("player.getSignedPlayerInfoAsync", args, {
      precheck: () =>
        nonce === undefined || nonce === null || typeof nonce === "string"
          ? null
          : apiError("INVALID_PARAM", "requestPayload must be a string"),
      async run() {
        const playerId = String(scenario().playerId);
        const signed = await sign({ player_id: playerId, request_payload: nonce ?? null });
        return { getPlayerID: () => playerId, getSignature: () => signed };
      },
    });
  },
  getDataAsync: (...args) => {
    const [keys] = args;
    return promiseApi("player.getDataAsync", args, {
      precheck: () =>
        Array.isArray(keys) && keys.every((k) => typeof k === "string")
          ? null
          : apiError("INVALID_PARAM", "keys must be an array of strings"),
      run() {
        const out = {};
        for (const k of keys)
          if (Object.prototype.hasOwnProperty.call(state.playerData, k)) out[k] = clone(state.playerData[k]);
        return out;
      },
    });
  },
  setDataAsync: (...args) => {
    const [data] = args;
    let merged;
    return promiseApi("player.setDataAsync", args, {
      precheck() {
        if (state.flushPending)
          return apiError(
            FB_CODE_CHOICES.setDataDuringFlush,
            "setDataAsync called while flushDataAsync is pending",
          );
        if (!isPlainObject(data)) return apiError("INVALID_PARAM", "data must be an object");
        let json;
        try {
          json = JSON.stringify({ ...state.playerData, ...data });
        } catch (e) {
          return apiError("INVALID_PARAM", `data must be JSON-serialisable: ${e?.message ?? e}`);
        }
        const limit = Number(scenario().playerDataLimitBytes);
        if (byteLength(json) > limit) {
          return apiError(FB_CODE_CHOICES.playerDataTooLarge, `player data would exceed ${limit} bytes`);
        }
        merged = JSON.parse(json);
        return null;
      },
      run() {
        state.playerData = merged;
        persistPlayer();
      }, // resolves = validated and scheduled (B.4)
    });
  },
  flushDataAsync: (...args) =>
    promiseApi("player.flushDataAsync", args, {
      precheck: () => (state.flushPending ? apiError("PENDING_REQUEST", "a flush is already pending") : null),
      begin: () => {
        state.flushPending = true;
      },
      settle: () => {
        state.flushPending = false;
      },
      run: () => undefined,
    }),
};

const context = {
  getID: (...args) =>
    syncApi("context.getID", args, () => (state.started ? (scenario().contextId ?? null) : null)),
};

const payments = {
  onReady(...args) {
    internal.log(SDK, "payments.onReady", args);
    internal.on("payments.onReady", args[0]);
    schedulePaymentsReady();
  },
  getCatalogAsync: (...args) =>
    promiseApi("payments.getCatalogAsync", args, {
      precheck: paymentsReadyCheck,
      run: () => clone(scenario().catalog ?? []),
    }),
  purchaseAsync: (...args) => {
    const [cfg] = args;
    return promiseApi("payments.purchaseAsync", args, {
      outcomes: cancelOutcome("payments.purchaseAsync"),
      precheck() {
        if (!state.started) {
          return apiError(
            FB_CODE_CHOICES.purchaseBeforeStart,
            "purchaseAsync called before startGameAsync() resolved",
          );
        }
        const notReady = paymentsReadyCheck();
        if (notReady) return notReady;
        if (!isPlainObject(cfg) || typeof cfg.productID !== "string")
          return apiError("INVALID_PARAM", "purchaseAsync({productID, developerPayload?})");
        if (cfg.developerPayload != null && typeof cfg.developerPayload !== "string") {
          return apiError("INVALID_PARAM", "developerPayload must be a string");
        }
        if (!(scenario().catalog ?? []).some((p) => p.productID === cfg.productID)) {
          return apiError("INVALID_PARAM", `unknown productID ${cfg.productID}`);
        }
        return null;
      },
      async run() {
        if (!scenario().platformUrl) throw apiError(FB_CODE_CHOICES.signerMissing, SIGNER_MISSING);
        state.purchaseSeq += 1;
        const n = state.purchaseSeq;
        const prefix = String(scenario().purchaseIdPrefix);
        const purchaseTime = Math.floor(Date.now() / 1000);
        const p = {
          developerPayload: cfg.developerPayload ?? null,
          paymentID: `${prefix}-payment-${n}`,
          productID: cfg.productID,
          purchaseTime: String(purchaseTime),
          purchaseToken: `${prefix}-token-${n}`,
        };
        p.signedRequest = await sign({
          app_id: scenario().appId,
          is_consumed: false,
          payment_id: p.paymentID,
          product_id: p.productID,
          purchase_time: purchaseTime,
          purchase_token: p.purchaseToken,
          developer_payload: p.developerPayload,
        });
        purchases().push(p);
        persistPlayer();
        return clone(p);
      },
    });
  },
  getPurchasesAsync: (...args) =>
    promiseApi("payments.getPurchasesAsync", args, {
      precheck: paymentsReadyCheck,
      run: () => clone(purchases()),
    }),
  consumePurchaseAsync: (...args) => {
    const [token] = args;
    return promiseApi("payments.consumePurchaseAsync", args, {
      precheck: () =>
        paymentsReadyCheck() ??
        (typeof token === "string" && token
          ? null
          : apiError("INVALID_PARAM", "purchaseToken must be a non-empty string")),
      run() {
        const list = purchases();
        const i = list.findIndex((p) => p.purchaseToken === token);
        if (i < 0) throw apiError("INVALID_PARAM", `no unconsumed purchase with token ${token}`);
        list.splice(i, 1);
        persistPlayer();
      },
    });
  },
};

const validShare = (p) =>
  isPlainObject(p) && typeof p.image === "string" && p.image && typeof p.text === "string"
    ? null
    : apiError("INVALID_PARAM", "payload needs image (base64 data URL) and text");
const validInvite = (p) =>
  isPlainObject(p) &&
  typeof p.image === "string" &&
  p.image &&
  (typeof p.text === "string" || isPlainObject(p.text))
    ? null
    : apiError("INVALID_PARAM", "payload needs image (base64 data URL) and text");

const FBInstant = {
  initializeAsync: (...args) =>
    promiseApi("initializeAsync", args, {
      needsInit: false,
      gate: null,
      run() {
        state.initialized = true;
        schedulePaymentsReady();
      },
    }),
  setLoadingProgress(...args) {
    const rec = internal.log(SDK, "setLoadingProgress", args);
    const step = internal.nextStep(["setLoadingProgress"], rec);
    if (step.outcome === "throw" || step.outcome === "fail")
      throw apiError(step.code ?? "UNKNOWN", step.message ?? "scripted throw");
    if (!state.initialized)
      throw apiError(
        FB_CODE_CHOICES.beforeInitialize,
        "FBInstant.setLoadingProgress called before initializeAsync() resolved",
      );
    const [p] = args;
    if (typeof p !== "number" || !Number.isFinite(p) || p < 0 || p > 100) {
      throw apiError("INVALID_PARAM", "percentage must be a number in [0, 100]");
    }
    state.loadingProgress = p;
  },
  startGameAsync: (...args) =>
    promiseApi("startGameAsync", args, {
      gate: null,
      run() {
        state.started = true;
      },
    }),
  getSDKVersion: (...args) => {
    internal.log(SDK, "getSDKVersion", args);
    return SDK_VERSION;
  },
  getSupportedAPIs: (...args) =>
    syncApi("getSupportedAPIs", args, () => [...(scenario().supportedAPIs ?? FB_IMPLEMENTED_APIS)]),
  getLocale: (...args) => syncApi("getLocale", args, () => (state.initialized ? scenario().locale : null)),
  getPlatform: (...args) =>
    syncApi("getPlatform", args, () => (state.initialized ? scenario().platform : null)),
  getEntryPointData: (...args) =>
    syncApi("getEntryPointData", args, () =>
      state.initialized ? (clone(scenario().entryPointData) ?? null) : null,
    ),
  getEntryPointAsync: (...args) =>
    promiseApi("getEntryPointAsync", args, { run: () => scenario().entryPoint }),
  onPause(...args) {
    internal.log(SDK, "onPause", args);
    internal.on("onPause", args[0]);
  },
  player,
  context,
  shareAsync: (...args) =>
    promiseApi("shareAsync", args, {
      outcomes: cancelOutcome("shareAsync"), // "resolve": cancel is not observable (B.8)
      precheck: () => validShare(args[0]),
      run: () => undefined,
    }),
  inviteAsync: (...args) =>
    promiseApi("inviteAsync", args, {
      outcomes: cancelOutcome("inviteAsync"),
      precheck: () => validInvite(args[0]),
      run: () => undefined,
    }),
  canCreateShortcutAsync: (...args) =>
    promiseApi("canCreateShortcutAsync", args, {
      run: () => Boolean(scenario().shortcutEligible) && !state.shortcutCalled,
    }),
  createShortcutAsync: (...args) =>
    promiseApi("createShortcutAsync", args, {
      outcomes: cancelOutcome("createShortcutAsync"),
      precheck: () =>
        state.shortcutCalled
          ? apiError(FB_CODE_CHOICES.shortcutSecondCall, "createShortcutAsync may be called once per session")
          : null,
      begin: () => {
        state.shortcutCalled = true;
      },
      run: () => undefined,
    }),
  logEvent,
  getLeaderboardAsync: (...args) => {
    const [name] = args;
    return promiseApi("getLeaderboardAsync", args, {
      precheck: () =>
        typeof name === "string" && name
          ? null
          : apiError("INVALID_PARAM", "leaderboard name must be a non-empty string"),
      run() {
        const board = boardState(name);
        if (!board)
          throw apiError(
            "LEADERBOARD_NOT_FOUND",
            `leaderboard ${name} not found (global leaderboards were removed; configure scenario.leaderboards)`,
          );
        return leaderboardObject(board);
      },
    });
  },
  getInterstitialAdAsync: (...args) => getAd("interstitial", "getInterstitialAdAsync", args),
  getRewardedVideoAsync: (...args) => getAd("rewarded", "getRewardedVideoAsync", args),
  loadBannerAdAsync: (...args) => {
    const [placementID, position = "bottom"] = args;
    return promiseApi("loadBannerAdAsync", args, {
      precheck() {
        if (!scenario().bannerSupported)
          return apiError("CLIENT_UNSUPPORTED_OPERATION", "banner ads are not supported on this client");
        if (typeof placementID !== "string" || !placementID)
          return apiError("INVALID_PARAM", "placementID must be a non-empty string");
        if (position !== "top" && position !== "bottom")
          return apiError("INVALID_PARAM", "position must be 'top' or 'bottom'");
        return null;
      },
      run() {
        state.banner = { placementID, position, visible: true };
      },
    });
  },
  hideBannerAdAsync: (...args) =>
    promiseApi("hideBannerAdAsync", args, {
      precheck: () =>
        scenario().bannerSupported
          ? null
          : apiError("CLIENT_UNSUPPORTED_OPERATION", "banner ads are not supported on this client"),
      run() {
        if (state.banner) state.banner.visible = false;
      },
    }),
  payments,
};

function syncSurface() {
  // logEvent's presence in 8.0 is unconfirmed (B.10): feature-detectable via supportedAPIs.
  if (supported("logEvent")) FBInstant.logEvent = logEvent;
  else delete FBInstant.logEvent;
  schedulePaymentsReady();
}
syncSurface();

internal.registerSdk("fbinstant", {
  reset() {
    state = freshState();
    internal.forgetPersisted(PERSISTED_STATE);
  },
  onConfigure() {
    syncSurface();
    persistPlayer(); // persistStorage switched on: mirror what is there now
  },
  fire(event) {
    if (event === "payments.onReady") {
      mock.scenario.paymentsReady = true;
      return firePaymentsReady();
    }
    return undefined;
  },
  stats() {
    const fbAds = {};
    let live = 0;
    for (const [id, a] of state.ads) {
      fbAds[id] = a.used ? "used" : a.loaded ? "loaded" : a.loading ? "loading" : "new";
      if (!a.used) live += 1;
    }
    return {
      liveAds: live,
      unshownFbAds: unshownLoaded(),
      fbAds,
      fbInitialized: state.initialized,
      fbStarted: state.started,
      fbLoadingProgress: state.loadingProgress,
      banner: state.banner ? { ...state.banner } : null,
      playerDataBytes: byteLength(JSON.stringify(state.playerData)),
      flushPending: state.flushPending,
      unconsumedPurchases: (state.purchases ?? scenario().unconsumedPurchases ?? []).length,
      paymentsReadyFired: state.paymentsReadyFired,
    };
  },
});

restorePlayer();

globalThis.FBInstant = FBInstant;
Object.defineProperty(FBInstant, "__gameportMock", { value: true });

export { FBInstant };
