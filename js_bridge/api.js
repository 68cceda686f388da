// The small JavaScript API the Python bridge (src/gameport/bridge/pyodide_bridge.py) calls, registered in
// Pyodide as the module `_gameport_js`. Arguments arrive as JSON text, and every method answers a JSON
// envelope, {"ok": true, "value": ...} or {"ok": false, "error": {"kind", ...}}; except the fast path
// (callSyncFast, callFast; Python's gameport/bridge/fast_path.py), where primitive arguments arrive as they
// are and a primitive result goes back as itself (see fastAnswer).
// Nothing here throws or rejects, and every Promise it returns settles (timeouts included), so Python
// never holds a resolver that waits forever.

import { FetchRefused, FetchTimeout, NetworkFailure, fetchJson } from "./fetch_json.js";
import { stringifySafe, toJsonSafe } from "./jsonsafe.js";
import { MissingPath, exists, resolve } from "./paths.js";
import { SdkLoadFailure, loadSdk } from "./sdk_loader.js";

class BridgeFault extends Error {}

function ok(value) {
  return JSON.stringify({ ok: true, value: toJsonSafe(value) });
}

function failure(kind, path, fields) {
  return JSON.stringify({ ok: false, error: { kind, path, ...toJsonSafe(fields) } });
}

// The fast path's answer, with no JSON text for a primitive: a boolean, or a number that Pyodide converts
// to what JSON would give (a safe integer becomes a Python int, a finite fraction a float), crosses as
// itself; null and undefined as undefined (Python's None; null would be Pyodide's jsnull); a string as "="
// + the string, since an envelope is a string too (and always starts with "{"). Anything else: an envelope.
function fastAnswer(value) {
  if (value === undefined || value === null) return undefined;
  const type = typeof value;
  if (type === "boolean") return value;
  if (type === "string") return `=${value}`;
  if (type === "number" && (Number.isSafeInteger(value) || (Number.isFinite(value) && value % 1 !== 0))) {
    return value;
  }
  return ok(value);
}

// Python's None arrives as undefined; JSON would have given null.
function fastArgs(args) {
  for (let i = 0; i < args.length; i++) if (args[i] === undefined) args[i] = null;
  return args;
}

function classify(error, path) {
  if (error instanceof MissingPath) return failure("missing", path, { message: error.message });
  if (error instanceof SdkLoadFailure) return failure("sdk_load", path, { message: error.message });
  if (error instanceof BridgeFault || error instanceof FetchRefused) {
    return failure("bridge", path, { message: error.message });
  }
  if (error instanceof NetworkFailure) {
    return failure("network", path, { message: error.message, url: error.url });
  }
  if (error instanceof FetchTimeout) {
    return failure("timeout", path, { timeoutMs: error.timeoutMs, message: error.message });
  }
  return failure("platform", path, { raw: error });
}

function parseJson(text, path) {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BridgeFault(`arguments for ${path} are not JSON: ${e.message}`);
  }
}

function isThenable(value) {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof value.then === "function"
  );
}

/**
 * Create the API object; `handles` and `subscriptions` live in it, one per booted Pyodide.
 * `options.fetchJson` replaces the HTTP of fetch_json.js (the native runtime's has no fetch; same contract).
 */
export function createBridgeApi(options = {}) {
  const send = options.fetchJson ?? fetchJson;
  const handles = new Map();
  const subscriptions = new Map();
  const pending = new Set();
  const counters = { handlesCreated: 0, lateCallbacks: 0, listenerErrors: 0, timeouts: 0 };
  let nextId = 0;

  function func(path) {
    const { owner, value } = resolve(path, handles);
    if (value === undefined) throw new MissingPath(`${path} does not exist`);
    if (typeof value !== "function") throw new BridgeFault(`${path} is not a function`);
    return (args) => value.apply(owner, args);
  }

  function callNow(path, args) {
    const result = func(path)(args);
    if (isThenable(result)) {
      Promise.resolve(result).catch(() => {});
      throw new BridgeFault(`${path} returned a Promise: await it with call(), not call_sync()`);
    }
    return result;
  }

  // Run `start` and answer its outcome as an envelope, or a timeout envelope after `timeoutMs` (0 = none).
  // `onValue` runs only for an outcome that arrives in time, so a late object is never kept.
  function settle(path, timeoutMs, start, onValue = (v) => v, answerWith = ok) {
    return new Promise((answer) => {
      const token = {};
      let timer = null;
      let done = false;
      pending.add(token);
      const finish = (text) => {
        if (done) return;
        done = true;
        if (timer !== null) clearTimeout(timer);
        pending.delete(token);
        answer(text);
      };
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          counters.timeouts += 1;
          finish(failure("timeout", path, { timeoutMs, message: `${path} did not answer in time` }));
        }, timeoutMs);
      }
      let work;
      try {
        work = Promise.resolve(start());
      } catch (e) {
        work = Promise.reject(e);
      }
      work.then(
        (value) => {
          if (done) return;
          try {
            finish(answerWith(onValue(value)));
          } catch (e) {
            finish(classify(e, path));
          }
        },
        (error) => finish(classify(error, path)),
      );
    });
  }

  return {
    has(path) {
      return exists(path, handles);
    },

    get(path) {
      try {
        const { value } = resolve(path, handles);
        return ok(typeof value === "function" ? null : value);
      } catch (e) {
        return classify(e, path);
      }
    },

    callSync(path, argsJson) {
      try {
        return ok(callNow(path, parseJson(argsJson, path)));
      } catch (e) {
        return classify(e, path);
      }
    },

    callSyncFast(path, ...args) {
      try {
        return fastAnswer(callNow(path, fastArgs(args)));
      } catch (e) {
        return classify(e, path);
      }
    },

    call(path, argsJson, timeoutMs) {
      return settle(path, timeoutMs, () => func(path)(parseJson(argsJson, path)));
    },

    callFast(path, timeoutMs, ...args) {
      return settle(path, timeoutMs, () => func(path)(fastArgs(args)), undefined, fastAnswer);
    },

    callCb(path, optionsJson, timeoutMs) {
      return settle(
        path,
        timeoutMs,
        () =>
          new Promise((fulfil, reject) => {
            let fired = false;
            const once = (settleWith) => (payload) => {
              if (fired) {
                counters.lateCallbacks += 1;
                return;
              }
              fired = true;
              settleWith(payload);
            };
            const options = parseJson(optionsJson, path);
            if (options === null || typeof options !== "object" || Array.isArray(options)) {
              throw new BridgeFault(`options for ${path} must be an object`);
            }
            options.success = once(fulfil);
            options.fail = once((payload) => reject(payload === undefined ? null : payload));
            options.complete = () => {};
            func(path)([options]);
          }),
      );
    },

    create(path, argsJson, timeoutMs) {
      return settle(
        path,
        timeoutMs,
        () => func(path)(parseJson(argsJson, path)),
        (object) => {
          if (object === null || (typeof object !== "object" && typeof object !== "function")) {
            throw new BridgeFault(
              `${path} returned ${object === null ? "null" : typeof object}, not an object`,
            );
          }
          nextId += 1;
          counters.handlesCreated += 1;
          const id = `h${nextId}`;
          handles.set(id, object);
          return id;
        },
      );
    },

    release(handleId) {
      return handles.delete(handleId);
    },

    on(path, offPath, argsJson, pyListener) {
      try {
        const args = parseJson(argsJson, path);
        const subscribe = func(path);
        nextId += 1;
        const id = `s${nextId}`;
        const sub = { alive: true, offPath, args, pyListener, listener: null };
        sub.listener = (event) => {
          if (!sub.alive) return;
          try {
            sub.pyListener(stringifySafe(event));
          } catch (e) {
            counters.listenerErrors += 1;
            console.error(`gameport: a listener on ${path} raised`, e);
          }
        };
        subscribe([...args, sub.listener]);
        subscriptions.set(id, sub);
        return ok(id);
      } catch (e) {
        return classify(e, path);
      }
    },

    off(subscriptionId) {
      const sub = subscriptions.get(subscriptionId);
      if (!sub) return false;
      subscriptions.delete(subscriptionId);
      sub.alive = false;
      sub.pyListener = null;
      if (sub.offPath) {
        try {
          func(sub.offPath)([...sub.args, sub.listener]);
        } catch (e) {
          console.warn(`gameport: ${sub.offPath} failed while unsubscribing`, e);
        }
      }
      return true;
    },

    loadScript(url, globalPath, timeoutMs, isModule) {
      return settle(globalPath, 0, () =>
        loadSdk(url, globalPath, timeoutMs, { module: !!isModule, handles }),
      );
    },

    // `settle` registers its timer before fetchJson registers the one that aborts the request, so with
    // the same delay the timeout envelope answers first and the abort only frees the connection.
    fetchJson(method, url, bodyText, headersJson, timeoutMs) {
      const path = `${String(method).toUpperCase()} ${url}`;
      return settle(path, timeoutMs, () => send(method, url, bodyText, headersJson, timeoutMs));
    },

    /** Live counts, for leak tests: handles kept, subscriptions active, calls in flight. */
    stats() {
      return JSON.stringify({
        handles: handles.size,
        subscriptions: subscriptions.size,
        pending: pending.size,
        ...counters,
      });
    },
  };
}
