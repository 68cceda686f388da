// The scripted-outcome queue the web simulators share (web_ads_sim.js, web_pay_sim.js): steps are an
// outcome name or {outcome, ...fields}; unknown outcomes are refused when scripted, not when used.

/**
 * @param {string[]} outcomes  the outcomes this simulator knows
 * @param {string} who  named in errors ("web ads", "web pay")
 */
export function scriptQueue(outcomes, who) {
  const queue = [];
  return {
    /** Queue steps for the next calls. */
    push(...steps) {
      for (const step of steps) {
        const s = typeof step === "string" ? { outcome: step } : { ...step };
        if (!outcomes.includes(s.outcome)) throw new Error(`[gameport ${who}] unknown outcome ${s.outcome}`);
        queue.push(s);
      }
    },
    /** The next step, or {outcome: fallback} when none is queued. */
    next(fallback) {
      return queue.shift() ?? { outcome: fallback };
    },
  };
}
