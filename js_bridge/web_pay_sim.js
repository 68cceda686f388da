// A simulated pay sheet for gameport's web platform (local development, demos, tests).
// installSimulatedPay() sets globalThis.gameportWebPay, the provider contract the web adapter reads
// (gameport.adapters.web.payments): open({order_id, pay_url, product_id}) resolves
// {outcome: "paid" | "cancelled" | "failed", code?, message?}. A "paid" sheet pays through the sandbox
// checkout at pay_url (the mock platform server), which then sends the backend its signed webhook: as on
// TikTok, the sheet's answer is never what grants. No DOM: works in pages and workers.

import { scriptQueue } from "./sim_script.js";

const OUTCOMES = ["paid", "cancelled", "failed", "never", "paid_no_webhook", "paid_webhook_twice"];

/**
 * @param {{delayMs?: number, fetchImpl?: typeof fetch}} options  how long the simulated sheet stays open
 * @returns the provider, with script(...steps), calls and pending for tests
 */
export function installSimulatedPay({ delayMs = 0, fetchImpl = globalThis.fetch } = {}) {
  const scripted = scriptQueue(OUTCOMES, "web pay");
  const calls = [];
  let pending = 0;
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const checkout = async (payUrl, orderId, body) => {
    const reply = await fetchImpl(payUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ order_id: orderId, ...body }),
    });
    if (!reply.ok)
      throw { code: `checkout_${reply.status}`, message: `the sandbox checkout answered ${reply.status}` };
  };
  const provider = {
    async open(request) {
      const { order_id: orderId, pay_url: payUrl, product_id: productId } = request ?? {};
      calls.push({ api: "open", orderId, productId });
      const step = scripted.next("paid");
      if (step.outcome === "never") return new Promise(() => {});
      pending += 1;
      try {
        await wait(step.delayMs ?? delayMs);
        if (step.outcome === "cancelled") return { outcome: "cancelled", code: "user_cancelled" };
        if (step.outcome === "failed")
          return { outcome: "failed", code: step.code ?? "declined", message: "simulated" };
        const webhook = step.outcome !== "paid_no_webhook";
        const copies = step.outcome === "paid_webhook_twice" ? 2 : 1;
        await checkout(payUrl, orderId, { outcome: "success", webhook, copies });
        return { outcome: "paid" };
      } finally {
        pending -= 1;
      }
    },
    /** Queue outcomes for the next sheets: a name from OUTCOMES or {outcome, delayMs, code}. */
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
  globalThis.gameportWebPay = provider;
  return provider;
}
