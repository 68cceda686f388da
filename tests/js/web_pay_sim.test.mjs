import { test } from "node:test";
import assert from "node:assert/strict";
import { installSimulatedPay } from "../../js_bridge/web_pay_sim.js";
import { settleWithin } from "./helpers.mjs";

/** A stand-in for the sandbox checkout: records what the sheet posts, answers `status`. */
function checkout(status = 200) {
  const posted = [];
  const fetchImpl = async (url, init) => {
    posted.push({ url, body: JSON.parse(init.body) });
    return { ok: status < 400, status };
  };
  return { posted, fetchImpl };
}

const ORDER = { order_id: "o1", pay_url: "http://checkout.test/mock/web/pay", product_id: "coins_100" };

test("installs globalThis.gameportWebPay; an unscripted sheet pays through the checkout", async () => {
  const { posted, fetchImpl } = checkout();
  const pay = installSimulatedPay({ fetchImpl });
  assert.equal(globalThis.gameportWebPay, pay);
  assert.deepEqual(await pay.open(ORDER), { outcome: "paid" });
  assert.deepEqual(posted, [
    { url: ORDER.pay_url, body: { order_id: "o1", outcome: "success", webhook: true, copies: 1 } },
  ]);
  assert.deepEqual(pay.calls, [{ api: "open", orderId: "o1", productId: "coins_100" }]);
});

test("cancelled and failed sheets post nothing; webhook variants reach the checkout", async () => {
  const { posted, fetchImpl } = checkout();
  const pay = installSimulatedPay({ fetchImpl });
  pay.script(
    "cancelled",
    { outcome: "failed", code: "card_declined" },
    "paid_no_webhook",
    "paid_webhook_twice",
  );
  assert.deepEqual(await pay.open(ORDER), { outcome: "cancelled", code: "user_cancelled" });
  assert.deepEqual(await pay.open(ORDER), { outcome: "failed", code: "card_declined", message: "simulated" });
  assert.equal(posted.length, 0);
  await pay.open(ORDER);
  await pay.open(ORDER);
  assert.deepEqual(
    posted.map((p) => [p.body.webhook, p.body.copies]),
    [
      [false, 1],
      [true, 2],
    ],
  );
});

test("a checkout that refuses rejects the sheet; never stays open; unknown outcomes are refused", async () => {
  const pay = installSimulatedPay(checkout(503));
  await assert.rejects(pay.open(ORDER), { code: "checkout_503" });
  pay.script("never");
  assert.equal((await settleWithin(pay.open(ORDER), 60)).state, "pending");
  assert.throws(() => pay.script("refund"), /unknown outcome/);
  assert.equal(pay.pending, 0);
});
