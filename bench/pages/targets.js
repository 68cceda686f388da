// What the bridge benchmark calls, and the same calls made from a plain JavaScript loop for comparison.
// Every target answers at once (no timers), so a measured call is the call's own cost.

const listeners = new Set();

class Counter {
  constructor(start) {
    this.value = start;
  }
}

const targets = {
  same: (value) => value,
  resolveNow: (value) => Promise.resolve(value),
  // TikTok style: the answer arrives through options.success, then options.complete.
  callbackNow(options) {
    options.success(options.value ?? null);
    options.complete();
  },
  makeCounter: (start) => new Counter(start),
  emitter: {
    on: (fn) => listeners.add(fn),
    off: (fn) => listeners.delete(fn),
  },
};

let sink = null; // keeps results alive so the loops below are not optimised away

// One plain JavaScript loop of `n` calls per kind; the kinds are those of bench/bridge_costs.py.
const loops = {
  async call(n) {
    for (let i = 0; i < n; i++) sink = await targets.resolveNow(i);
  },
  async call_cb(n) {
    for (let i = 0; i < n; i++) {
      sink = await new Promise((success, fail) =>
        targets.callbackNow({ value: i, success, fail, complete() {} }),
      );
    }
  },
  async call_sync(n) {
    for (let i = 0; i < n; i++) sink = targets.same(i);
  },
  async create_release(n) {
    for (let i = 0; i < n; i++) sink = targets.makeCounter(i);
  },
  async on_cancel(n) {
    for (let i = 0; i < n; i++) {
      const fn = () => {};
      targets.emitter.on(fn);
      targets.emitter.off(fn);
    }
  },
};

/**
 * Milliseconds per call of a plain JavaScript loop of `kind`, starting at `calls` calls and doubling the
 * count until the loop lasts at least `minMs` (browser clocks are coarse: 0.1 ms here).
 */
async function perCall(kind, calls, minMs = 25) {
  let n = Math.max(1, calls);
  for (;;) {
    const started = performance.now();
    await loops[kind](n);
    const elapsed = performance.now() - started;
    if (elapsed >= minMs) return elapsed / n;
    n *= 2;
  }
}

globalThis.benchjs = { ...targets, perCall, lastValue: () => sink };
