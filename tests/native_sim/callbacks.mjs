// The platform's callback convention (platform-apis.md A.3): one options object with success/fail/complete,
// results always delivered asynchronously, `complete` last; a success carries errMsg "<api>:ok", a failure
// errMsg "<api>:fail <reason>" (the WeChat/Douyin shape the native runtime is compatible with).

/**
 * Callback delivery bound to a realm. `onError(where, err)` receives exceptions thrown by game callbacks;
 * `alive()` is false once the runtime is disposed (nothing is delivered after that).
 */
export function callbackKit(realm, { onError, alive }) {
  const call = (api, opts, name, payload) => {
    const fn = opts?.[name];
    if (typeof fn !== "function") return;
    try {
      fn(payload);
    } catch (e) {
      onError(`${api}.${name}`, e);
    }
  };
  const later = (fn) => {
    setTimeout(() => {
      if (alive()) fn();
    }, 0);
  };
  return {
    later,
    /** Record an uncaught error of game code (a callback, a listener, a file that threw). */
    reportError(where, e) {
      onError(where, e);
    },
    /** The payload object, in the game's realm, with errMsg "<api>:ok" added. */
    okPayload(api, fields = {}) {
      return realm.object({ ...fields, errMsg: `${api}:ok` });
    },
    failPayload(api, reason, fields = {}) {
      return realm.object({ ...fields, errMsg: `${api}:fail ${reason}` });
    },
    /** success(payload) then complete(payload), in a later task. */
    succeed(api, opts, fields) {
      later(() => {
        const payload = this.okPayload(api, fields);
        call(api, opts, "success", payload);
        call(api, opts, "complete", payload);
      });
    },
    /** fail(payload) then complete(payload), in a later task. */
    fail(api, opts, reason, fields) {
      later(() => {
        const payload = this.failPayload(api, reason, fields);
        call(api, opts, "fail", payload);
        call(api, opts, "complete", payload);
      });
    },
    /** Deliver now (the caller is already in a later task). */
    deliverNow(api, opts, ok, fieldsOrReason, failFields) {
      if (!alive()) return;
      const payload = ok
        ? this.okPayload(api, fieldsOrReason)
        : this.failPayload(api, fieldsOrReason, failFields);
      call(api, opts, ok ? "success" : "fail", payload);
      call(api, opts, "complete", payload);
    },
    /** An Error for a failed synchronous call: message = errMsg, as WeChat's *Sync members throw. */
    syncError(api, reason) {
      return realm.error("Error", `${api}:fail ${reason}`, { errMsg: `${api}:fail ${reason}` });
    },
  };
}
