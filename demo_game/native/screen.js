// The demo game's screen in TikTok's native runtime: one canvas (TTMinis.game.createCanvas()), no DOM.
// The 360 x 540 game area is scaled to fit, and the buttons Python asks for are drawn in a bar below it;
// touches steer (x in the game area) or press a button. Same frame() contract as ../screen.js.

import { COLOURS, drawCommands } from "../draw.js";

const GAME_W = 360;
const GAME_H = 540;
const BAR_H = 56;

/** @param canvas the on-screen canvas; @param game TTMinis.game (touch events, frame timing) */
export function createCanvasScreen(canvas, game) {
  const ctx = canvas.getContext("2d");
  const scale = Math.min(canvas.width / GAME_W, (canvas.height - BAR_H) / GAME_H);
  const left = (canvas.width - GAME_W * scale) / 2;
  const barTop = GAME_H * scale;
  const input = { pointerX: null, clicks: [] };
  let buttons = []; // [{id, label, x, y, width, height}] in canvas pixels
  let state = null;
  let frames = 0;

  const point = (touch) => ({ x: touch.clientX ?? touch.screenX, y: touch.clientY ?? touch.screenY });
  const hit = ({ x, y }) =>
    buttons.find((b) => x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height);
  const steer = ({ x, y }) => {
    if (y < barTop) input.pointerX = (x - left) / scale;
  };
  game.onTouchStart?.((event) => {
    const at = point(event.changedTouches?.[0] ?? event.touches?.[0] ?? {});
    const button = hit(at);
    if (button) input.clicks.push(button.id);
    else steer(at);
  });
  game.onTouchMove?.((event) => steer(point(event.touches?.[0] ?? event.changedTouches?.[0] ?? {})));

  function layout(wanted) {
    const gap = 6;
    const width = wanted.length ? (canvas.width - gap * (wanted.length + 1)) / wanted.length : 0;
    buttons = wanted.map(([id, label], i) => ({
      id,
      label,
      x: gap + i * (width + gap),
      y: barTop + 8,
      width,
      height: BAR_H - 16,
    }));
  }

  function drawBar() {
    ctx.fillStyle = COLOURS[0];
    ctx.fillRect(0, barTop, canvas.width, canvas.height - barTop);
    for (const b of buttons) {
      ctx.fillStyle = COLOURS[6];
      ctx.fillRect(b.x, b.y, b.width, b.height);
      ctx.fillStyle = COLOURS[4];
      ctx.font = "bold 13px sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText(b.label, b.x + b.width / 2, b.y + b.height / 2, b.width - 4);
    }
  }

  return {
    frame(commands, wanted, snapshot) {
      ctx.save();
      ctx.translate(left, 0);
      ctx.scale(scale, scale);
      drawCommands(ctx, commands, () => {}); // no audio context in this runtime: beeps are dropped
      ctx.restore();
      if (wanted !== null) layout(wanted);
      drawBar();
      state = snapshot;
      frames += 1;
      return new Promise((resolve) =>
        requestAnimationFrame(() => {
          const batch = {
            now: Date.now(),
            pointerX: input.pointerX,
            pressed: [],
            held: [],
            clicks: input.clicks,
          };
          input.clicks = [];
          resolve(batch);
        }),
      );
    },
    get state() {
      return state;
    },
    get frames() {
      return frames;
    },
    /** Each button's rectangle in canvas pixels, by id (what a test taps). */
    get buttons() {
      return Object.fromEntries(buttons.map((b) => [b.id, { ...b }]));
    },
  };
}
