// The global functions of the native runtime that are not TTMinis: console, timers, requestAnimationFrame,
// and the [unconfirmed] extras switched on by facts (TextEncoder/TextDecoder, performance, URL,
// queueMicrotask). Every callback error is reported to `onError`, never thrown into the host event loop.
import { format } from "node:util";

/**
 * Install them on `realm.global`. `log(kind, entry)` records; `onError(where, err)` records an uncaught
 * error. Returns the frame loop controller: {frames, fps, setFps(n), dispose()}.
 */
export function installGlobals(realm, facts, { log, onError, now }) {
  const g = realm.global;
  const timers = new Map(); // id -> host timer
  let nextId = 1;
  let disposed = false;

  const consoleObj = realm.object();
  for (const level of ["log", "info", "warn", "error", "debug"]) {
    consoleObj[level] = realm.expose((...args) => log("console", { level, text: format(...args) }));
  }
  g.console = consoleObj;

  const guard = (where, fn, args) => {
    try {
      fn(...args);
    } catch (e) {
      onError(where, e);
    }
  };
  const needFunction = (api, fn) => {
    if (typeof fn !== "function") {
      // The HTML-era rule carried over: code in strings is never run (platform-apis.md section 0, item 3).
      throw realm.error("TypeError", `${api}: the callback must be a function (code strings are refused)`);
    }
  };
  const addTimer = (api, repeat) =>
    function (fn, ms = 0, ...args) {
      needFunction(api, fn);
      if (disposed) return 0;
      const id = nextId++;
      const delay = Math.max(0, Number(ms) || 0);
      const tick = () => {
        if (!repeat) timers.delete(id);
        guard(api, fn, args);
      };
      timers.set(id, repeat ? setInterval(tick, delay) : setTimeout(tick, delay));
      return id;
    };
  const clearTimer = (id) => {
    const t = timers.get(id);
    if (t) {
      clearTimeout(t);
      clearInterval(t);
      timers.delete(id);
    }
  };
  if (facts.timers) {
    g.setTimeout = realm.expose(addTimer("setTimeout", false));
    g.setInterval = realm.expose(addTimer("setInterval", true));
    g.clearTimeout = realm.expose(clearTimer);
    g.clearInterval = realm.expose(clearTimer);
  }

  // requestAnimationFrame: one host timer per frame while callbacks wait; setPreferredFramesPerSecond
  // changes the rate (1-60).
  const frame = { frames: 0, fps: 60 };
  let queue = new Map();
  let frameTimer = null;
  const runFrame = () => {
    frameTimer = null;
    const due = queue;
    queue = new Map();
    const ts = now();
    for (const fn of due.values()) guard("requestAnimationFrame", fn, [ts]);
    frame.frames += 1;
    // (a callback that asked for the next frame has scheduled it already)
    if (queue.size && !disposed && !frameTimer) frameTimer = setTimeout(runFrame, 1000 / frame.fps);
  };
  g.requestAnimationFrame = realm.expose(function requestAnimationFrame(fn) {
    needFunction("requestAnimationFrame", fn);
    if (disposed) return 0;
    const id = nextId++;
    queue.set(id, fn);
    if (!frameTimer) frameTimer = setTimeout(runFrame, 1000 / frame.fps);
    return id;
  });
  g.cancelAnimationFrame = realm.expose(function cancelAnimationFrame(id) {
    queue.delete(id);
  });

  if (facts.textCodec) {
    // Host classes: their results are host-realm Uint8Arrays (fine for the game's typed-array code).
    g.TextEncoder = TextEncoder;
    g.TextDecoder = TextDecoder;
  }
  if (facts.performance) g.performance = realm.object({ now: () => now() });
  if (facts.url) {
    g.URL = URL;
    g.URLSearchParams = URLSearchParams;
  }
  if (facts.queueMicrotask) {
    g.queueMicrotask = realm.expose(function queueMicrotask(fn) {
      needFunction("queueMicrotask", fn);
      Promise.resolve().then(() => guard("queueMicrotask", fn, []));
    });
  }

  return {
    get frames() {
      return frame.frames;
    },
    get fps() {
      return frame.fps;
    },
    setFps(n) {
      frame.fps = Math.min(60, Math.max(1, Math.round(n)));
    },
    dispose() {
      disposed = true;
      for (const id of [...timers.keys()]) clearTimer(id);
      if (frameTimer) clearTimeout(frameTimer);
      frameTimer = null;
      queue.clear();
    },
  };
}
