#!/usr/bin/env node
// Plays the demo game's TikTok native package in the native-runtime simulator (tests/native_sim/) the way
// tests/browser/test_demo_game_browser.py plays the page: it reads the game's published state
// (GameGlobal.__gameportNative.screen.state, as a player looks at the screen) and acts only by touches on
// the canvas. Prints one JSON line: what happened at each step, for tests/native/test_tiktok_native.py.
//
//   node tests/native/play_demo.mjs --package DIR --platform-url URL --player ID --shots DIR
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createRuntime } from "../native_sim/runtime.mjs";

const { values: args } = parseArgs({
  options: {
    package: { type: "string" },
    "platform-url": { type: "string" },
    player: { type: "string" },
    shots: { type: "string" },
  },
});
const GAME_W = 360; // demo_game/game/world.py: the game area's width in game units
const STEPS = 3000; // at most this many looks at the screen per goal

const rt = createRuntime({
  packageDir: args.package,
  scenario: { platformUrl: args["platform-url"], openId: args.player },
  allowHttpLoopback: true,
});
const out = { steps: [], shots: {} };
const status = () => rt.global.GameGlobal.__gameportNative;
const state = () => status()?.screen?.state ?? null;
const note = (step, extra = {}) => out.steps.push({ step, atMs: Math.round(rt.elapsedMs()), ...extra });

async function until(what, predicate, timeoutMs = 30000) {
  await rt.waitFor(
    () => {
      const s = state();
      return s !== null && predicate(s);
    },
    timeoutMs,
    what,
  );
  return state();
}

function press(button) {
  const rect = status().screen.buttons[button];
  if (!rect) throw new Error(`no ${button} button: ${JSON.stringify(Object.keys(status().screen.buttons))}`);
  rt.tap(rect.x + rect.width / 2, rect.y + rect.height / 2);
}

async function nextFrame() {
  const frames = rt.frames;
  await rt.waitFor(() => rt.frames > frames, 5000, "a frame");
}

// Touch under the lowest falling `kind` until done(state); from the hit screen, continue.
async function chase(kind, done) {
  const canvas = rt.canvasStats();
  const scale = Math.min(canvas.width / GAME_W, 1e9);
  for (let i = 0; i < STEPS; i += 1) {
    const s = state();
    if (done(s)) return s;
    if (s.mode === "over") throw new Error(`the round ended before the goal: ${JSON.stringify(s)}`);
    if (s.mode === "hit" && s.lives > 0) {
      press("continue");
      await until("play again", (t) => t.mode === "play");
      continue;
    }
    const targets = s.items.filter((item) => item[0] === kind);
    if (targets.length) {
      const lowest = targets.reduce((a, b) => (b[2] > a[2] ? b : a));
      rt.touch("move", lowest[1] * scale, 100); // in the game area, above the button bar
    }
    await nextFrame();
  }
  throw new Error(`never reached the goal chasing ${kind}s`);
}

function shot(name) {
  const png = rt.png();
  writeFileSync(join(args.shots, `${name}.png`), png);
  out.shots[name] = { bytes: png.length, canvas: rt.canvasStats() };
}

try {
  mkdirSync(args.shots, { recursive: true });
  await rt.boot();
  await rt.waitForReport({ stage: "ready" }, 120000);
  let s = await until("the title screen", (t) => t.mode === "title", 60000);
  note("ready", {
    platform: status().platform,
    player: s.player,
    buttons: Object.keys(status().screen.buttons),
  });
  shot("title");

  // the shop: a TikTok order at the backend, paid in the mock, granted on the signed webhook, once
  const coins = s.coins;
  press("shop");
  s = await until("the purchase's end", (t) => t.busy === null && t.message !== "", 60000);
  note("purchase", { message: s.message, coins: s.coins, before: coins });

  // a round: a bomb costs a life, the rewarded ad gives it back
  press("play");
  s = await until("a round", (t) => t.mode === "play");
  const lives = s.lives;
  rt.mock.script("rewarded.show", "completed");
  s = await chase("bomb", (t) => t.mode === "hit");
  note("hit", { lives: s.lives, before: lives, buttons: Object.keys(status().screen.buttons) });
  shot("hit");
  press("revive");
  s = await until("the revive", (t) => t.revives === 1 && t.busy === null, 60000);
  note("revive", { lives: s.lives, message: s.message });
  press("continue");
  await until("back in the round", (t) => t.mode === "play");
  await nextFrame();
  shot("playing");
  out.ok = true;
} catch (error) {
  out.ok = false;
  out.error = String(error?.stack ?? error);
  out.lastState = state();
}
out.summary = rt.summary();
rt.dispose();
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(out.ok ? 0 : 1);
