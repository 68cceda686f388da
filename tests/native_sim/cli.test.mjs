// run.mjs as a Python test would drive it: boot, wait for the game's report, tap, wait for frames, dump the
// PNG and read the JSON summary; bad command lines and failing steps give their exit status.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { removePackage, writePackage } from "./fixtures.mjs";

const RUN = path.join(path.dirname(fileURLToPath(import.meta.url)), "run.mjs");

function run(args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [RUN, ...args], { timeout: 60000 }, (error, stdout, stderr) => {
      const code = error ? error.code : 0;
      const lines = stdout.trim().split("\n");
      let summary = null;
      try {
        summary = JSON.parse(lines[lines.length - 1]);
      } catch {
        // usage errors print nothing on stdout
      }
      resolve({ code, summary, stderr });
    });
  });
}

const GAME = `
  const g = GameGlobal.TTMinis.game;
  const canvas = g.createCanvas();
  const ctx = canvas.getContext("2d");
  g.setLoadingProgress({ progress: 100 });
  g.onTouchEnd((e) => {
    const t = e.changedTouches[0];
    ctx.fillStyle = "#fff";
    ctx.fillRect(t.screenX - 5, t.screenY - 5, 10, 10);
    GameGlobal.__gameportSim.report({ stage: "tapped", x: t.screenX, y: t.screenY });
  });
  const frame = () => requestAnimationFrame(frame);
  requestAnimationFrame(frame);
  console.log("booted with", canvas.width, "x", canvas.height);
  GameGlobal.__gameportSim.report({ stage: "ready" });
`;

test("boot, wait for a report, tap, wait for frames, dump the PNG: JSON summary and exit 0", async () => {
  const dir = writePackage({ "game.js": GAME });
  const png = path.join(dir, "out.png");
  try {
    const { code, summary, stderr } = await run([
      "--package",
      dir,
      "--screen",
      "200x100@2",
      "--wait-report",
      '{"stage": "ready"}',
      "--wait-progress",
      "100",
      "--tap",
      "30,40",
      "--wait-report",
      '{"stage": "tapped"}',
      "--wait-frames",
      "2",
      "--png",
      png,
    ]);
    assert.equal(code, 0, stderr);
    assert.equal(summary.ok, true);
    assert.deepEqual(summary.reports, [{ stage: "ready" }, { stage: "tapped", x: 30, y: 40 }]);
    assert.deepEqual(
      summary.steps.map((s) => s.step),
      ["wait-report", "wait-progress", "tap", "wait-report", "wait-frames", "png"],
    );
    assert.deepEqual(summary.loadingProgress, [100]);
    assert.equal(summary.canvas.blank, false);
    assert.deepEqual([summary.canvas.width, summary.canvas.height], [200, 100]);
    assert.ok(summary.frames >= 2);
    assert.deepEqual(summary.console, ["log: booted with 200 x 100"]);
    assert.match(stderr, /\[game\] log: booted with 200 x 100/);
    assert.ok(
      summary.facts.some((f) => f.key === "wasmExceptionHandling" && /verify on device/.test(f.note)),
    );
    assert.deepEqual([...readFileSync(png).subarray(1, 4)], [0x50, 0x4e, 0x47]);
  } finally {
    removePackage(dir);
  }
});

test("a wait that is never met fails its step with exit 1; a boot failure names boot", async () => {
  const dir = writePackage({ "game.js": GAME });
  try {
    const { code, summary } = await run([
      "--package",
      dir,
      "--timeout",
      "300",
      "--wait-report",
      '{"stage": "never"}',
    ]);
    assert.equal(code, 1);
    assert.equal(summary.failedStep, 'wait-report {"stage": "never"}');
    assert.match(summary.error, /not met within 300 ms/);
  } finally {
    removePackage(dir);
  }
  const bad = writePackage({ "game.js": "document.title = 'x';" });
  try {
    const { code, summary } = await run(["--package", bad]);
    assert.equal(code, 1);
    assert.equal(summary.failedStep, "boot");
    assert.match(summary.error, /document is not defined/);
  } finally {
    removePackage(bad);
  }
});

test("an unhandled rejection in game code is recorded, not a crash; --tolerate-errors lets the run pass", async () => {
  const dir = writePackage({
    "game.js": 'Promise.reject(new Error("lost")); GameGlobal.__gameportSim.report({ stage: "ready" });',
  });
  try {
    const strict = await run(["--package", dir, "--wait-report", '{"stage": "ready"}']);
    assert.equal(strict.code, 1);
    assert.match(strict.summary.error, /unhandled promise rejection: lost/);
    const tolerant = await run([
      "--package",
      dir,
      "--tolerate-errors",
      "--wait-report",
      '{"stage": "ready"}',
    ]);
    assert.equal(tolerant.code, 0);
    assert.deepEqual(tolerant.summary.errors, [{ where: "unhandled promise rejection", message: "lost" }]);
  } finally {
    removePackage(dir);
  }
});

test("--fire, --mock-script, --facts and --log reach the mock, the runtime and a file", async () => {
  const game = `const g = GameGlobal.TTMinis.game;
    g.onHide(() => GameGlobal.__gameportSim.report({ stage: "hidden", onGlobal: typeof TTMinis }));
    g.login({ fail: (r) => GameGlobal.__gameportSim.report({ stage: "login failed", errMsg: r.errMsg }) });`;
  const dir = writePackage({ "game.js": game });
  const logFile = path.join(dir, "log.jsonl");
  try {
    const { code, summary, stderr } = await run([
      "--package",
      dir,
      "--facts",
      '{"ttminisOnGlobalThis": true}',
      "--mock-script",
      '{"api": "login", "steps": ["fail"]}',
      "--log",
      logFile,
      "--wait-report",
      '{"stage": "login failed"}',
      "--fire",
      "onHide",
      "--wait-report",
      '{"stage": "hidden"}',
    ]);
    assert.equal(code, 0, stderr);
    assert.match(summary.reports[0].errMsg, /^login:fail /);
    assert.deepEqual(summary.reports[1], { stage: "hidden", onGlobal: "object" });
    assert.equal(summary.facts.find((f) => f.key === "ttminisOnGlobalThis").value, true);
    const kinds = readFileSync(logFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).kind);
    assert.deepEqual(kinds, ["boot", "report", "report"]);
  } finally {
    removePackage(dir);
  }
});

test("a bad command line exits 2 and says why", async () => {
  for (const [args, why] of [
    [[], /--package DIR is required/],
    [["--package", "x", "--wait-report", "{nope"], /--wait-report needs JSON/],
    [["--package", "x", "--tap", "1"], /--tap needs 2 comma-separated numbers/],
    [["--package", "x", "--until", "flag"], /unknown option --until/],
  ]) {
    const { code, stderr } = await run(args);
    assert.equal(code, 2);
    assert.match(stderr, why);
  }
  assert.equal(existsSync("x"), false);
  rmSync("x", { force: true });
});
