// createRuntime(): TikTok's native mini-game runtime simulated in a Node vm context, for tests. See
// README.md for what it is faithful to and what it cannot tell. One runtime is live per process at a time:
// the TikTok mock (js_bridge/mocks/ttminis.js) it builds TTMinis.game on is a process-wide singleton.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { compareVersions } from "../../js_bridge/mocks/ttminis.js";
import EMULATION from "../../js_bridge/mocks/emulation.json" with { type: "json" };
import { buildGame } from "./game_api.mjs";
import { describeFacts, NATIVE_MIN_VERSION, resolveFacts } from "./facts.mjs";
import { installGlobals } from "./globals.mjs";
import { openPackage } from "./package_dir.mjs";
import { compileFile, createRealm } from "./realm.mjs";
import { createTTWebAssembly } from "./wasm.mjs";
import { canvasStats, matches, waitFor } from "./observe.mjs";

const mock = globalThis.__gpMock;
const SUMMARY_CAP = 200;

/** The last SUMMARY_CAP entries, with how many were left out. */
const capped = (list) =>
  list.length <= SUMMARY_CAP ? list : { omitted: list.length - SUMMARY_CAP, last: list.slice(-SUMMARY_CAP) };
let live = null;

/**
 * Options: packageDir (required: holds game.js, game.json, project.config.json); scenario (TikTok mock
 * knobs, see js_bridge/mocks/README.md; `runtime` is forced to "native"); allowedDomains (trusted request
 * domains, host names); allowHttpLoopback (also allow http://127.0.0.1:*); facts (overrides of the
 * [unconfirmed] table in facts.mjs); screen ({width, height, pixelRatio} of the window, default the mock's
 * fixture 390x844@3); mockScript ([{api, steps}] queued with __gpMock.script after the mock is reset, before
 * game.js runs); onLog(entry) (every log entry as it happens).
 * Throws TypeError for a bad option and Error if another runtime is still live (dispose() it first).
 */
export function createRuntime(options = {}) {
  const { packageDir, scenario = {}, allowedDomains = [], allowHttpLoopback = false, screen = {} } = options;
  if (typeof packageDir !== "string" || !packageDir)
    throw new TypeError("createRuntime: packageDir is required");
  if (!Array.isArray(allowedDomains)) throw new TypeError("createRuntime: allowedDomains must be a list");
  if (scenario.runtime !== undefined && scenario.runtime !== "native") {
    throw new TypeError(
      'createRuntime: the simulator is the native runtime (scenario.runtime must be "native")',
    );
  }
  const facts = resolveFacts(options.facts);
  if (live)
    throw new Error("createRuntime: another simulated runtime is still live in this process; dispose() it");
  const onLog = typeof options.onLog === "function" ? options.onLog : () => {};

  const log = [];
  const errors = [];
  const reports = [];
  const inflight = new Set();
  let t0 = performance.now();
  let state = "created"; // created | booting | running | failed | disposed
  let userDir = null;
  let realm = null;
  let loop = null;
  let screenApi = null;
  let callsAtDispose = null; // the mock's call log as it was (dispose() resets the mock)
  const mockCalls = () => callsAtDispose ?? (live === runtime ? mock.calls : []);
  const now = () => Math.round((performance.now() - t0) * 10) / 10;
  const record = (kind, entry) => {
    const e = { t: now(), kind, ...entry };
    log.push(e);
    try {
      onLog(e);
    } catch {
      // a broken observer must not change what the game sees
    }
    return e;
  };
  const onError = (where, err) => {
    const e = { where, message: String(err?.message ?? err), stack: String(err?.stack ?? "") };
    errors.push(e);
    record("error", { where, message: e.message });
  };
  const onRejection = (reason, promise) => {
    if (realm && realm.isCtxPromise(promise)) onError("unhandled promise rejection", reason);
    else
      process.nextTick(() => {
        throw reason;
      });
  };

  const windowInfo = (() => {
    const base = { ...EMULATION.tiktok.systemInfo, ...(scenario.systemInfo ?? {}) };
    const w = screen.width ?? base.windowWidth;
    const h = screen.height ?? base.windowHeight;
    const ratio = screen.pixelRatio ?? base.pixelRatio;
    return {
      ...base,
      screenWidth: w,
      screenHeight: h,
      windowWidth: w,
      windowHeight: h,
      pixelRatio: ratio,
      devicePixelRatio: ratio,
    };
  })();
  const clientVersion = scenario.clientVersion ?? EMULATION.scenario.clientVersion.default;
  const has = (member) => compareVersions(clientVersion, NATIVE_MIN_VERSION[member]) >= 0;

  const runtime = {
    facts,
    log,
    errors,
    reports,
    windowInfo,
    get state() {
      return state;
    },
    get frames() {
      return loop ? loop.frames : 0;
    },
    get fps() {
      return loop ? loop.fps : 60;
    },
    /** The vm context's global (tests may inspect it; the game cannot see the host). */
    get global() {
      return realm?.global;
    },
    /** The TikTok mock's scripting API (js_bridge/mocks/README.md): script(), fire(), callsTo()... */
    mock,
    /** Milliseconds since boot() began. */
    elapsedMs: now,
    requests: () => log.filter((e) => e.kind === "request"),
    wasmCalls: () => log.filter((e) => e.kind === "wasm"),
    fsCalls: () => log.filter((e) => e.kind === "fs"),
    /** Every setLoadingProgress({progress}) value the game reported to the mock, in order. */
    loadingProgress: () =>
      mockCalls()
        .filter((c) => c.api === "setLoadingProgress")
        .map((c) => c.args?.[0]?.progress),

    /**
     * Read the package, build the context and run game.js. Resolves when game.js returned; rejects (and
     * the runtime is "failed") when the package is invalid or game.js threw. Asynchronous work the game
     * started goes on: use waitFor()/waitForReport().
     */
    async boot() {
      if (state !== "created") throw new Error(`boot(): the runtime is ${state}`);
      if (live)
        throw new Error("boot(): another simulated runtime is still live in this process; dispose() it");
      state = "booting";
      t0 = performance.now();
      try {
        const pkg = openPackage(packageDir, { onWarn: (m) => record("warning", { message: m }) });
        mock.reset();
        mock.configure({ ...scenario, runtime: "native", clientVersion, systemInfo: windowInfo });
        for (const { api, steps } of options.mockScript ?? []) mock.script(api, ...steps);
        userDir = mkdtempSync(path.join(tmpdir(), "tt-native-user-"));
        realm = createRealm();
        live = runtime;
        process.on("unhandledRejection", onRejection);
        loop = installGlobals(realm, facts, { log: record, onError, now });
        const g = realm.global;
        const gameGlobal = realm.object();
        const built = buildGame({
          realm,
          pkg,
          facts,
          windowInfo,
          has,
          loop,
          onError,
          record,
          alive: () => state !== "disposed",
          userDir,
          allowedDomains,
          allowHttpLoopback,
          inflight,
        });
        screenApi = built.screen;
        gameGlobal.TTMinis = realm.object({ game: built.game });
        if (facts.ttminisOnGlobalThis) g.TTMinis = gameGlobal.TTMinis;
        gameGlobal.__gameportSim = realm.object({
          report(obj) {
            let copy;
            try {
              copy = JSON.parse(JSON.stringify(obj));
            } catch (e) {
              throw realm.error("TypeError", `__gameportSim.report: not JSON-serialisable: ${e.message}`);
            }
            reports.push(copy);
            record("report", { report: copy });
          },
        });
        g.GameGlobal = gameGlobal;
        if (has("TTWebAssembly")) {
          g.TTWebAssembly = createTTWebAssembly({ realm, pkg, facts, record: (e) => record("wasm", e) });
        }
        record("boot", { packageDir: pkg.dir, clientVersion });
        compileFile(realm, readFileSync(path.join(pkg.dir, "game.js"), "utf8"), "game.js", facts.fileScope)();
        state = "running";
      } catch (e) {
        state = "failed";
        onError("boot", e);
        throw e;
      }
    },
    touch(type, x, y, id = 0) {
      if (!screenApi) throw new Error("touch(): boot() first");
      record("touch", { type, x, y, id });
      return screenApi.touch(type, x, y, id);
    },
    /** A touch start then end at (x, y). */
    tap(x, y, id = 0) {
      runtime.touch("start", x, y, id);
      return runtime.touch("end", x, y, id);
    },
    canvasStats: () => canvasStats(screenApi?.screenCanvas ?? null),
    /** The on-screen canvas as PNG bytes (Buffer). Throws before the game called createCanvas(). */
    png() {
      const c = screenApi?.screenCanvas;
      if (!c) throw new Error("png(): the game has not created its on-screen canvas");
      return c.toBuffer("image/png");
    },
    /** See observe.mjs waitFor: options {failOnError: true}. */
    waitFor: (predicate, timeoutMs, label, options) => waitFor(runtime, predicate, timeoutMs, label, options),
    /** Resolves the first report whose fields include every field of `pattern` (deep equality). */
    waitForReport: (pattern, timeoutMs) =>
      waitFor(
        runtime,
        () => reports.find((r) => matches(r, pattern)),
        timeoutMs,
        `report ${JSON.stringify(pattern)}`,
      ),
    /** JSON-safe summary of everything observed (what run.mjs prints). */
    summary() {
      const calls = {};
      for (const c of mockCalls()) calls[c.api] = (calls[c.api] ?? 0) + 1;
      const kind = (k) => log.filter((e) => e.kind === k);
      return {
        state,
        elapsedMs: now(),
        frames: runtime.frames,
        fps: runtime.fps,
        canvas: runtime.canvasStats(),
        loadingProgress: runtime.loadingProgress(),
        reports,
        reportTimesMs: kind("report").map((e) => e.t),
        errors: errors.map(({ where, message }) => ({ where, message })),
        requests: capped(kind("request")),
        wasm: capped(kind("wasm")),
        fs: capped(kind("fs")),
        subpackages: capped(kind("subpackage")),
        console: capped(kind("console").map((e) => `${e.level}: ${e.text}`)),
        warnings: kind("warning").map((e) => e.message),
        mockCalls: calls,
        facts: describeFacts(facts),
      };
    },
    /** Stop timers, frames and requests; forget the mock's state; delete the user-data folder. Idempotent. */
    dispose() {
      if (state === "disposed") return;
      state = "disposed";
      loop?.dispose();
      for (const req of inflight) req.destroy();
      inflight.clear();
      process.off("unhandledRejection", onRejection);
      if (live === runtime) {
        callsAtDispose = [...mock.calls];
        mock.reset();
        live = null;
      }
      if (userDir) rmSync(userDir, { recursive: true, force: true });
    },
  };
  return runtime;
}
