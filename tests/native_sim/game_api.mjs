// TTMinis.game as the game sees it: the TikTok mock's members (js_bridge/mocks/ttminis.js; the mock adds and
// removes them as the scenario changes) overlaid with the native-only members the simulator implements.
import { game as mockGame } from "../../js_bridge/mocks/ttminis.js";
import { callbackKit } from "./callbacks.mjs";
import { createFileSystemManager } from "./fs_manager.mjs";
import { requestApi } from "./request.mjs";
import { createScreen } from "./screen.mjs";
import { subpackageApis } from "./subpackages.mjs";
import { compileFile } from "./realm.mjs";

/**
 * Build it. `env` = {realm, pkg, facts, windowInfo, has(member), loop, onError, record(kind, entry),
 * alive(), userDir, allowedDomains, allowHttpLoopback, inflight}. Returns {game, screen}.
 */
export function buildGame(env) {
  const { realm, pkg, facts, windowInfo, has, loop, onError, record } = env;
  const kit = callbackKit(realm, { onError, alive: env.alive });
  const fsManager = createFileSystemManager({
    realm,
    kit,
    pkg,
    facts,
    userDir: env.userDir,
    record: (e) => record("fs", e),
    hasCompressed: has("readCompressedFile"),
  });
  const runFile = (rel, source) => compileFile(realm, source, rel, facts.fileScope)();
  const subs = subpackageApis({ realm, kit, pkg, runFile, record: (e) => record("subpackage", e) });
  const request = requestApi({
    realm,
    kit,
    domains: env.allowedDomains,
    allowHttpLoopback: env.allowHttpLoopback,
    record: (e) => record("request", e),
    inflight: env.inflight,
  });
  // createImage() with a remote src goes through request, with its domain rule.
  const fetchBytes = (url) =>
    new Promise((ok, no) =>
      request(
        realm.object({
          url,
          responseType: "arraybuffer",
          success: (r) => ok(Buffer.from(r.data)),
          fail: (r) => no(new Error(r.errMsg)),
        }),
      ),
    );
  const screen = createScreen({ realm, pkg, facts, windowInfo, onError, fetchBytes, alive: env.alive });
  const native = { ...screen.members, ...subs, request, getFileSystemManager: () => fsManager };
  if (has("getWindowInfo")) {
    native.getWindowInfo = () =>
      realm.toCtx({
        pixelRatio: windowInfo.pixelRatio,
        screenWidth: windowInfo.screenWidth,
        screenHeight: windowInfo.screenHeight,
        windowWidth: windowInfo.windowWidth,
        windowHeight: windowInfo.windowHeight,
        statusBarHeight: windowInfo.statusBarHeight,
        safeArea: windowInfo.safeArea,
        screenTop: 0,
      });
  }
  if (has("setPreferredFramesPerSecond")) {
    native.setPreferredFramesPerSecond = (fps) => {
      if (typeof fps !== "number" || !Number.isFinite(fps)) {
        throw realm.error("TypeError", "setPreferredFramesPerSecond: fps must be a number (1-60)");
      }
      loop.setFps(fps);
    };
  }
  // canIUse: the mock answers (and logs the call); it does not know the members added here, so a plain
  // member name of ours is answered true.
  native.canIUse = (schema) =>
    mockGame.canIUse(schema) || (typeof schema === "string" && Object.hasOwn(native, schema));
  const values = new Map(Object.entries(native).map(([k, v]) => [k, realm.expose(v)]));
  values.set("env", realm.toCtx({ USER_DATA_PATH: facts.userDataPath }));
  return { game: overlay(realm, values), screen };
}

/** A Proxy on a context object: its own properties first, then ours, then the mock's (exposed). */
function overlay(realm, values) {
  const target = realm.object();
  const lookup = (k) => {
    if (values.has(k)) return { value: values.get(k) };
    if (typeof k === "string" && Object.hasOwn(mockGame, k)) {
      const v = mockGame[k];
      return { value: typeof v === "function" ? realm.expose(v) : v };
    }
    return null;
  };
  return new Proxy(target, {
    get: (t, k) => (Object.hasOwn(t, k) ? t[k] : (lookup(k)?.value ?? t[k])),
    has: (t, k) => Object.hasOwn(t, k) || !!lookup(k) || k in t,
    ownKeys: (t) => [...new Set([...Reflect.ownKeys(t), ...values.keys(), ...Object.keys(mockGame)])],
    getOwnPropertyDescriptor: (t, k) => {
      if (Object.hasOwn(t, k)) return Reflect.getOwnPropertyDescriptor(t, k);
      const found = lookup(k);
      return found ? { value: found.value, writable: true, enumerable: true, configurable: true } : undefined;
    },
  });
}
