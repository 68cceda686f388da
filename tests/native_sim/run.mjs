#!/usr/bin/env node
// Boot a TikTok native package in the simulator, run steps, print one JSON summary on stdout.
// Made for Python tests (subprocess): no code is ever evaluated from the command line; conditions are
// JSON patterns matched against what the game reports through GameGlobal.__gameportSim.report(obj).
//
//   node tests/native_sim/run.mjs --package DIR [options] [steps, run in the order given]
//
// Options:
//   --scenario JSON         TikTok mock knobs (js_bridge/mocks/README.md), e.g. {"platformUrl": "http://127.0.0.1:8000"}
//   --facts JSON            overrides of the [unconfirmed] runtime facts (tests/native_sim/facts.mjs)
//   --mock-script JSON      {"api": "pay", "steps": ["cancel"]}: queued before game.js runs (repeatable)
//   --allow-domain HOST     a trusted request domain (repeatable)
//   --allow-http-loopback   also allow http://127.0.0.1:<any port> (tests)
//   --screen WxH[@R]        window size in logical pixels and pixel ratio (default 390x844@3)
//   --timeout MS            limit of each wait step (default 30000)
//   --tolerate-errors       uncaught game errors do not fail waits or the run
//   --log FILE              write every log entry as JSON lines when done
// Steps:
//   --wait-report JSON      until a report contains these fields (deep equality), e.g. {"stage": "ready"}
//   --wait-progress N       until setLoadingProgress has reported a value >= N
//   --wait-frames N         until N more animation frames have run
//   --tap X,Y               touch start then end at window coordinates
//   --touch TYPE,X,Y        one touch: start, move or end
//   --fire EVENT            __gpMock.fire(EVENT): onShow, onHide, ad#1.onClose...
//   --png FILE              write the on-screen canvas as PNG
// Exit status: 0 all steps passed and no uncaught game error; 1 otherwise (the summary says which step);
// 2 bad command line. The game's console goes to stderr as "[game] level: text".
import { writeFileSync } from "node:fs";
import { matches } from "./observe.mjs";
import { createRuntime } from "./runtime.mjs";

const STEP_FLAGS = new Set([
  "--wait-report",
  "--wait-progress",
  "--wait-frames",
  "--tap",
  "--touch",
  "--fire",
  "--png",
]);

class UsageError extends Error {}

const json = (flag, text) => {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${flag} needs JSON, got ${text}`);
  }
};
const numbers = (flag, text, count) => {
  const parts = String(text).split(",").map(Number);
  if (parts.length !== count || parts.some((n) => !Number.isFinite(n))) {
    throw new UsageError(`${flag} needs ${count} comma-separated numbers, got ${text}`);
  }
  return parts;
};

function parseArgs(argv) {
  const opts = { allowedDomains: [], mockScript: [], steps: [], timeoutMs: 30000 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
      return argv[++i];
    };
    if (STEP_FLAGS.has(flag)) opts.steps.push({ step: flag.slice(2), arg: value() });
    else if (flag === "--package") opts.packageDir = value();
    else if (flag === "--scenario") opts.scenario = json(flag, value());
    else if (flag === "--facts") opts.facts = json(flag, value());
    else if (flag === "--mock-script") opts.mockScript.push(json(flag, value()));
    else if (flag === "--allow-domain") opts.allowedDomains.push(value());
    else if (flag === "--allow-http-loopback") opts.allowHttpLoopback = true;
    else if (flag === "--tolerate-errors") opts.tolerateErrors = true;
    else if (flag === "--log") opts.logFile = value();
    else if (flag === "--timeout") opts.timeoutMs = numbers(flag, value(), 1)[0];
    else if (flag === "--screen") {
      const m = /^(\d+)x(\d+)(?:@(\d+(?:\.\d+)?))?$/.exec(value());
      if (!m) throw new UsageError("--screen needs WxH or WxH@R, e.g. 390x844@3");
      opts.screen = { width: +m[1], height: +m[2], ...(m[3] ? { pixelRatio: +m[3] } : {}) };
    } else throw new UsageError(`unknown option ${flag}`);
  }
  if (!opts.packageDir) throw new UsageError("--package DIR is required");
  for (const s of opts.steps) {
    if (s.step === "wait-report") s.pattern = json("--wait-report", s.arg);
    if (s.step === "wait-progress" || s.step === "wait-frames") s.n = numbers(`--${s.step}`, s.arg, 1)[0];
    if (s.step === "tap") s.xy = numbers("--tap", s.arg, 2);
    if (s.step === "touch") {
      const [type, ...xy] = s.arg.split(",");
      s.type = type;
      s.xy = numbers("--touch", xy.join(","), 2);
    }
  }
  return opts;
}

async function runStep(rt, s, opts) {
  const wait = (pred, label) =>
    rt.waitFor(pred, opts.timeoutMs, label, { failOnError: !opts.tolerateErrors });
  switch (s.step) {
    case "wait-report":
      return wait(() => rt.reports.find((r) => matches(r, s.pattern)), `report ${s.arg}`);
    case "wait-progress":
      return wait(() => rt.loadingProgress().some((p) => p >= s.n), `loading progress >= ${s.n}`);
    case "wait-frames": {
      const target = rt.frames + s.n;
      return wait(() => rt.frames >= target, `${s.n} more frames`);
    }
    case "tap":
      return rt.tap(...s.xy);
    case "touch":
      return rt.touch(s.type, ...s.xy);
    case "fire":
      return rt.mock.fire(s.arg);
    case "png":
      return writeFileSync(s.arg, rt.png());
  }
}

async function main(argv) {
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`run.mjs: ${e.message}\n`);
    return 2;
  }
  const rt = createRuntime({
    packageDir: opts.packageDir,
    scenario: opts.scenario,
    facts: opts.facts,
    mockScript: opts.mockScript,
    allowedDomains: opts.allowedDomains,
    allowHttpLoopback: opts.allowHttpLoopback,
    screen: opts.screen,
    onLog: (e) => {
      if (e.kind === "console") process.stderr.write(`[game] ${e.level}: ${e.text}\n`);
      if (e.kind === "error") process.stderr.write(`[game] uncaught in ${e.where}: ${e.message}\n`);
    },
  });
  const result = { ok: true, steps: [] };
  try {
    await rt.boot();
    for (const s of opts.steps) {
      await runStep(rt, s, opts);
      result.steps.push({ step: s.step, arg: s.arg, ok: true, atMs: rt.elapsedMs() });
    }
  } catch (e) {
    result.ok = false;
    const failed = opts.steps[result.steps.length];
    result.failedStep = rt.state === "failed" ? "boot" : failed ? `${failed.step} ${failed.arg}` : "boot";
    result.error = String(e?.message ?? e);
  }
  // One macrotask: Node reports a rejection nobody handled only after the microtasks of a task, and the
  // steps above can all finish within the boot task's microtasks.
  await new Promise((done) => setTimeout(done, 0));
  if (result.ok && rt.errors.length && !opts.tolerateErrors) {
    result.ok = false;
    result.error = `uncaught game error: ${rt.errors[0].where}: ${rt.errors[0].message}`;
  }
  const summary = { ...result, ...rt.summary() };
  if (opts.logFile) writeFileSync(opts.logFile, rt.log.map((e) => JSON.stringify(e)).join("\n") + "\n");
  rt.dispose();
  await new Promise((done) => process.stdout.write(`${JSON.stringify(summary)}\n`, done));
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`run.mjs: ${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
