// Canvas, images, touch and frames: what a game draws reaches a real Skia canvas (PNG, blank or not),
// touches arrive with the documented fields, requestAnimationFrame follows setPreferredFramesPerSecond,
// and dispose() stops everything.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createCanvas } from "@napi-rs/canvas";
import { bootAndReport, finish, removePackage, writePackage } from "./fixtures.mjs";
import { createRuntime } from "./runtime.mjs";

const TOUCH_GAME = `
  const g = GameGlobal.TTMinis.game;
  const seen = [];
  const keep = (type) => (e) => seen.push({ type, touches: e.touches.length, changed: e.changedTouches[0],
    hasTime: typeof e.timeStamp === "number" });
  const onMove = keep("move");
  g.onTouchStart(keep("start"));
  g.onTouchMove(onMove);
  g.onTouchEnd(keep("end"));
  GameGlobal.dump = () => GameGlobal.__gameportSim.report({ seen });
  GameGlobal.dropMove = () => g.offTouchMove(onMove);
  GameGlobal.__gameportSim.report({ ready: true });
`;

test("touches carry identifier, screenX/screenY (+ clientX/clientY by default) and off* removes a listener", async () => {
  for (const touchClientXY of [true, false]) {
    const { rt, dir } = await bootAndReport({ "game.js": TOUCH_GAME }, { facts: { touchClientXY } });
    try {
      rt.touch("start", 10, 20);
      rt.touch("move", 15, 25);
      rt.global.GameGlobal.dropMove();
      assert.equal(rt.touch("move", 16, 26), 0, "no listener after offTouchMove");
      rt.touch("end", 16, 26);
      rt.global.GameGlobal.dump();
      const { seen } = rt.reports[1];
      const xy = (x, y) => ({
        identifier: 0,
        screenX: x,
        screenY: y,
        ...(touchClientXY ? { clientX: x, clientY: y } : {}),
      });
      assert.deepEqual(seen, [
        { type: "start", touches: 1, changed: xy(10, 20), hasTime: true },
        { type: "move", touches: 1, changed: xy(15, 25), hasTime: true },
        { type: "end", touches: 0, changed: xy(16, 26), hasTime: true },
      ]);
      assert.throws(() => rt.touch("cancel", 1, 1), /start, move or end/);
    } finally {
      finish(rt, dir);
    }
  }
});

const DRAW_GAME = `
  const g = GameGlobal.TTMinis.game;
  const screen = g.createCanvas();
  const off = g.createCanvas();
  const info = g.getWindowInfo();
  GameGlobal.paint = () => {
    off.width = 20; off.height = 20;
    const o = off.getContext("2d");
    o.fillStyle = "#00f"; o.fillRect(0, 0, 20, 20);
    const ctx = screen.getContext("2d");
    ctx.drawImage(off, 5, 5);
    const img = g.createImage();
    img.onload = () => {
      ctx.drawImage(img, 50, 50);
      GameGlobal.__gameportSim.report({ stage: "painted", imgW: img.width, webgl: screen.getContext("webgl"),
        sameCanvas: ctx.canvas === screen, toBuffer: typeof screen.toBuffer, dataUrl: screen.toDataURL().slice(0, 22) });
    };
    img.onerror = (e) => GameGlobal.__gameportSim.report({ stage: "image failed", e: e.errMsg });
    img.src = "assets/dot.png";
    const missing = g.createImage();
    missing.onerror = (e) => GameGlobal.__gameportSim.report({ stage: "missing image", e: e.errMsg });
    missing.src = "assets/none.png";
  };
  GameGlobal.__gameportSim.report({ stage: "ready", w: screen.width, h: screen.height, offW: off.width, info });
`;

test("the first createCanvas is the screen; drawing off-screen canvases and images reaches its PNG", async () => {
  const dot = createCanvas(4, 4);
  dot.getContext("2d").fillStyle = "#f0f";
  dot.getContext("2d").fillRect(0, 0, 4, 4);
  const { rt, report, dir } = await bootAndReport(
    { "game.js": DRAW_GAME, "assets/dot.png": dot.toBuffer("image/png") },
    { screen: { width: 120, height: 200, pixelRatio: 2 } },
  );
  try {
    assert.deepEqual([report.w, report.h, report.offW], [120, 200, 300]);
    assert.deepEqual(
      [report.info.windowWidth, report.info.windowHeight, report.info.pixelRatio],
      [120, 200, 2],
    );
    assert.deepEqual(rt.canvasStats(), {
      created: true,
      width: 120,
      height: 200,
      blank: true,
      colour: [0, 0, 0, 0],
      distinctColoursSeen: 1,
    });
    rt.global.GameGlobal.paint();
    const painted = await rt.waitForReport({ stage: "painted" });
    assert.deepEqual(painted, {
      stage: "painted",
      imgW: 4,
      webgl: null,
      sameCanvas: true,
      toBuffer: "undefined",
      dataUrl: "data:image/png;base64,",
    });
    const missing = await rt.waitForReport({ stage: "missing image" });
    assert.match(missing.e, /^createImage:fail no such file or directory: no file "assets\/none.png"/);
    const stats = rt.canvasStats();
    assert.equal(stats.blank, false);
    assert.equal(stats.distinctColoursSeen, 3); // transparent, blue, magenta
    assert.equal(rt.png().readUInt32BE(16), 120, "PNG width");
  } finally {
    finish(rt, dir);
  }
});

test("requestAnimationFrame counts frames at the preferred rate; dispose() stops frames and timers", async () => {
  const game = `
    const g = GameGlobal.TTMinis.game;
    g.setPreferredFramesPerSecond(30);
    GameGlobal.ticks = 0;
    const loop = () => { GameGlobal.ticks += 1; requestAnimationFrame(loop); };
    requestAnimationFrame(loop);
    const cancelled = requestAnimationFrame(() => { GameGlobal.cancelledRan = true; });
    cancelAnimationFrame(cancelled);
    GameGlobal.timer = 0;
    setInterval(() => { GameGlobal.timer += 1; }, 5);
    GameGlobal.__gameportSim.report({ ok: true });`;
  const { rt, dir } = await bootAndReport({ "game.js": game });
  try {
    await rt.waitFor(() => rt.frames >= 3 && rt.global.GameGlobal.timer >= 3, 5000, "frames and ticks");
    assert.equal(rt.fps, 30);
    assert.equal(rt.global.GameGlobal.cancelledRan, undefined);
    assert.equal(rt.global.GameGlobal.ticks, rt.frames);
  } finally {
    finish(rt, dir);
  }
  const frames = rt.frames;
  const timer = rt.global.GameGlobal.timer;
  await new Promise((ok) => setTimeout(ok, 100));
  assert.equal(rt.frames, frames, "no frame after dispose");
  assert.equal(rt.global.GameGlobal.timer, timer, "no timer after dispose");
  assert.equal(rt.state, "disposed");
});

test("one live runtime per process; png() needs the on-screen canvas", async () => {
  const dir = writePackage({ "game.js": "" });
  const first = createRuntime({ packageDir: dir });
  await first.boot();
  try {
    assert.throws(() => createRuntime({ packageDir: dir }), /another simulated runtime is still live/);
    assert.throws(() => first.png(), /has not created its on-screen canvas/);
    assert.deepEqual(first.canvasStats(), { created: false, blank: true });
  } finally {
    first.dispose();
  }
  const second = createRuntime({ packageDir: dir });
  await second.boot();
  second.dispose();
  removePackage(dir);
});
