// Runs the emulation parity scenarios (tests/emulation_scenarios.json) against the real JS mocks and prints
// what the game sees, one JSON object {scenarioName: [observation, ...]} on stdout. The Python side of the
// comparison is tests/unit/test_emulation_parity.py, which runs the same scenarios through the host fakes
// and normalises its observations the same way (keep normalise() in step with _normalise() there).
//
//   node tests/js/parity_runner.mjs [scenarios.json]
import { readFileSync } from "node:fs";
import "../../js_bridge/mocks/ttminis.js";
import "../../js_bridge/mocks/fbinstant.js";

const M = globalThis.__gpMock;
const game = () => globalThis.TTMinis.game;
const FB = () => globalThis.FBInstant;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const PENDING = Symbol("pending");

/** Messages are free text on each side: keep their presence (and TikTok's "<api>:fail" prefix), not words. */
export function normalise(value) {
  if (Array.isArray(value)) return value.map(normalise);
  if (value === null || typeof value !== "object") return value;
  const out = {};
  for (const key of Object.keys(value).sort()) {
    const v = value[key];
    if ((key === "message" || key === "error_msg") && typeof v === "string") out[key] = "<text>";
    else if (key === "errMsg" && typeof v === "string") out[key] = `${v.split(":fail")[0]}:fail <text>`;
    else out[key] = normalise(v);
  }
  return out;
}

/** What the game gets from a thrown value or a rejection: an Error's message and its own fields. */
function failure(e) {
  if (e instanceof Error) return normalise({ message: e.message, ...JSON.parse(JSON.stringify(e)) });
  return normalise(JSON.parse(JSON.stringify(e ?? null)));
}

const data = (v) => (v === undefined ? null : JSON.parse(JSON.stringify(v)));

async function settleWithin(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(PENDING), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (v) => ({ ok: v }),
        (e) => ({ error: e }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function outcome(settled, keep) {
  if (settled === PENDING) return { result: "pending" };
  if ("error" in settled) return { result: "error", error: failure(settled.error) };
  return keep ? { result: "ok" } : { result: "ok", value: normalise(data(settled.ok)) };
}

/** `alias.path.to.member` -> [this, member function or value] on the objects the scenario kept. */
function resolve(objects, root, path) {
  const parts = path.split(".");
  let self = null;
  let node = root;
  if (parts[0] in objects) node = objects[parts.shift()];
  for (const part of parts) {
    self = node;
    node = node?.[part];
  }
  return [self, node];
}

async function run(scenario) {
  const tt = scenario.sdk === "tt";
  const root = tt ? game() : FB();
  const objects = {};
  const events = [];
  const seen = [];
  M.reset();
  M.configure(scenario.knobs ?? {});
  if (tt && (scenario.knobs?.runtime ?? "html") === "html" && !scenario.noInit)
    game().init({ clientKey: "k" });
  if (!tt && !scenario.noInit) await FB().initializeAsync();
  if (!tt && scenario.start) await FB().startGameAsync();
  const timeoutMs = (a) => a.timeoutMs ?? defaultTimeoutMs;
  for (const a of scenario.actions) {
    if (a.script) {
      M.script(a.script, ...a.steps);
      continue;
    }
    if (a.fire) {
      M.fire(a.fire, a.payload);
      await sleep(a.waitMs ?? 0);
      seen.push({ fire: a.fire, events: events.splice(0) });
      continue;
    }
    if (a.listen) {
      const [self, fn] = resolve(objects, root, a.listen);
      const name = a.listen.split(".").pop();
      fn.call(self, (payload) => events.push([name, normalise(data(payload))]));
      continue;
    }
    if (a.has) {
      const [, member] = resolve(objects, root, a.has);
      seen.push({ has: a.has, value: typeof member === "function" });
      continue;
    }
    if (a.get) {
      const [, value] = resolve(objects, root, a.get);
      seen.push({ get: a.get, value: normalise(data(value)) });
      continue;
    }
    const path = a.cb ?? a.sync ?? a.call ?? a.create;
    const [self, fn] = resolve(objects, root, path);
    let record;
    if (a.cb) {
      const fired = [];
      let settle;
      const done = new Promise((resolveDone, rejectDone) => {
        settle = [resolveDone, rejectDone];
      });
      const on = (name, s) => (payload) => {
        fired.push(name);
        s?.(payload);
      };
      try {
        fn.call(self, {
          ...(a.options ?? {}),
          success: on("success", settle[0]),
          fail: on("fail", settle[1]),
          complete: on("complete"),
        });
        record = outcome(await settleWithin(done, timeoutMs(a)), false);
      } catch (e) {
        record = { result: "error", error: failure(e) };
      }
      await sleep(a.waitMs ?? 0);
      record.callbacks = fired;
    } else if (a.sync) {
      try {
        record = { result: "ok", value: normalise(data(fn.apply(self, a.args ?? []))) };
      } catch (e) {
        record = { result: "error", error: failure(e) };
      }
    } else {
      let promise;
      try {
        promise = Promise.resolve(fn.apply(self, a.args ?? []));
      } catch (e) {
        promise = Promise.reject(e);
      }
      const settled = await settleWithin(promise, timeoutMs(a));
      record = outcome(settled, Boolean(a.create));
      if (a.create && record.result === "ok") {
        objects[a.as] = settled.ok;
        for (const name of a.listenAll ?? []) {
          settled.ok[name]((payload) => events.push([`${a.as}.${name}`, normalise(data(payload))]));
        }
      }
      await sleep(a.waitMs ?? 0);
    }
    record.action = path;
    record.events = events.splice(0);
    seen.push(record);
  }
  return seen;
}

const file = process.argv[2] ?? new URL("../emulation_scenarios.json", import.meta.url);
const { scenarios, defaultTimeoutMs } = JSON.parse(readFileSync(file, "utf8"));
const results = {};
for (const scenario of scenarios) {
  try {
    results[scenario.name] = await run(scenario);
  } catch (e) {
    results[scenario.name] = { runnerError: String(e?.stack ?? e) };
  }
}
M.reset();
process.stdout.write(JSON.stringify(results));
