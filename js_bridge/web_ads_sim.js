// A simulated ad provider for gameport's web platform (local development, demos, tests).
// installSimulatedAds() sets globalThis.gameportWebAds, the provider contract the web adapter reads
// (gameport.adapters.web.ads): show(kind, placement) resolves {completed} or rejects {code, message, shown}.
// Each show takes the next scripted outcome (default "completed"). No DOM: works in pages and workers.

import { scriptQueue } from "./sim_script.js";

const OUTCOMES = [
  "completed",
  "closed_early",
  "no_fill",
  "rate_limited",
  "error_after_display",
  "slow_load",
  "never_closes",
];

/**
 * @param {{durationMs?: number}} options  how long a simulated ad "plays" before it resolves
 * @returns the provider, with script(...steps), calls and pending for tests
 */
export function installSimulatedAds({ durationMs = 0 } = {}) {
  const scripted = scriptQueue(OUTCOMES, "web ads");
  const calls = [];
  let pending = 0;
  const after = (ms, fn) =>
    new Promise((resolve, reject) => {
      pending += 1;
      setTimeout(() => {
        pending -= 1;
        try {
          resolve(fn());
        } catch (e) {
          reject(e);
        }
      }, ms);
    });
  const fail = (code, message, shown = false) => {
    throw { code, message, shown };
  };
  const provider = {
    show(kind, placement) {
      calls.push({ api: "show", kind, placement });
      const step = scripted.next("completed");
      switch (step.outcome) {
        case "completed":
        case "closed_early":
          return after(step.delayMs ?? durationMs, () => ({ completed: step.outcome === "completed" }));
        case "slow_load":
          return after(step.delayMs ?? 1000, () => ({ completed: true }));
        case "never_closes":
          return new Promise(() => {});
        case "error_after_display":
          return after(step.delayMs ?? durationMs, () =>
            fail("network", "playback failed after display", true),
          );
        default: // no_fill, rate_limited
          return after(step.delayMs ?? 0, () => fail(step.outcome, `simulated ${step.outcome}`));
      }
    },
    load(kind, placement) {
      calls.push({ api: "load", kind, placement });
      return Promise.resolve();
    },
    /** Queue outcomes for the next shows: a name from OUTCOMES or {outcome, delayMs}. */
    script(...steps) {
      scripted.push(...steps);
    },
    get calls() {
      return calls.slice();
    },
    get pending() {
      return pending;
    },
  };
  globalThis.gameportWebAds = provider;
  return provider;
}
