// JavaScript the browser tests call through the bridge: Promises, callback-style APIs, throwing
// functions, objects behind handles and an event emitter. Works in a page and in a worker.

const listeners = new Set();

class Counter {
  constructor(start) {
    this.value = start;
  }
  inc(by = 1) {
    this.value += by;
    return this.value;
  }
}

function later(ms, fn) {
  setTimeout(fn, ms);
}

globalThis.testjs = {
  echo: (...args) => args,
  same: (value) => value,
  // What each argument arrived as, to compare the bridge's fast path with its JSON path.
  kinds: (...args) => args.map((a) => (a === null ? "null" : typeof a)),
  resolveLater: (value, ms = 0) => new Promise((resolve) => later(ms, () => resolve(value))),
  rejectWith: (payload, ms = 0) => new Promise((_, reject) => later(ms, () => reject(payload))),
  throwError(code, message = "boom") {
    throw Object.assign(new Error(message), { code });
  },
  never: () => new Promise(() => {}),
  // A TikTok-style callback API whose behaviour the options choose.
  cbApi(options) {
    const { mode = "success", value = { done: true }, error = null, ms = 0 } = options;
    later(ms, () => {
      if (mode === "success") {
        options.success(value);
        options.complete();
      } else if (mode === "fail") {
        options.fail(error);
        options.complete();
      } else if (mode === "late_complete") {
        options.success(value);
        later(20, () => options.complete(value));
      } else if (mode === "twice") {
        options.success(value);
        options.success({ second: true });
        options.fail(error);
      } else if (mode === "fail_then_success") {
        options.fail(error);
        later(10, () => options.success(value));
      }
      // mode "never": no callback at all
    });
  },
  makeCounter: (start = 0) => new Counter(start),
  makeCounterAsync: (start = 0) => Promise.resolve(new Counter(start)),
  makeNothing: () => undefined,
  circular() {
    const a = { name: "a", fn: () => 1, big: 10n, nan: NaN };
    a.self = a;
    return a;
  },
  emitter: {
    on: (fn) => listeners.add(fn),
    off: (fn) => listeners.delete(fn),
    fire: (payload) => {
      for (const fn of [...listeners]) fn(payload);
      return listeners.size;
    },
    count: () => listeners.size,
  },
  onlyOn: (fn) => listeners.add(fn),
};
