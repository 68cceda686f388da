// A loading screen drawn with plain JavaScript on a 2D canvas, painted before anything else loads, and the
// hand-over of boot progress to the platform's own loading indicator where there is one.
// No imports, no DOM needed: it draws on any object with getContext("2d") (a page's <canvas>, TikTok's
// TTMinis.game.createCanvas()); only showing and hiding a page's canvas element touches the DOM, when a
// `document` exists.
/* global requestAnimationFrame -- pages only; used behind a typeof check, as the runtime may lack it */

const COLORS = { background: "#14161c", track: "#2b2f3a", bar: "#5ad1a0", text: "#e8eaf0" };

/**
 * Draw the loading screen on `canvas` at once and answer {progress(fraction), done(), painted}.
 * `painted` resolves with performance.now() just after the first frame with the screen on it was painted.
 */
export function createLoadingScreen(canvas, { title = "Loading" } = {}) {
  const ctx = canvas.getContext("2d");
  let fraction = 0;
  let finished = false;

  function draw() {
    const { width, height } = canvas;
    ctx.fillStyle = COLORS.background;
    ctx.fillRect(0, 0, width, height);
    const barWidth = Math.round(width * 0.6);
    const barHeight = Math.max(8, Math.round(height * 0.03));
    const x = Math.round((width - barWidth) / 2);
    const y = Math.round(height * 0.55);
    ctx.fillStyle = COLORS.track;
    ctx.fillRect(x, y, barWidth, barHeight);
    ctx.fillStyle = COLORS.bar;
    ctx.fillRect(x, y, Math.round(barWidth * fraction), barHeight);
    ctx.fillStyle = COLORS.text;
    ctx.textAlign = "center";
    ctx.font = `${Math.max(14, Math.round(height * 0.05))}px sans-serif`;
    ctx.fillText(title, width / 2, y - barHeight * 2);
    ctx.font = `${Math.max(12, Math.round(height * 0.035))}px sans-serif`;
    ctx.fillText(`${Math.round(fraction * 100)} %`, width / 2, y + barHeight * 3.5);
  }

  draw();
  const painted = new Promise((resolve) => {
    if (typeof requestAnimationFrame !== "function") return resolve(now());
    // The frame callback runs just before that frame is painted; a task queued from it runs just after.
    requestAnimationFrame(() => setTimeout(() => resolve(now()), 0));
  });

  return {
    painted,
    progress(value) {
      if (finished || !(value >= 0)) return;
      fraction = Math.min(1, Math.max(fraction, value));
      draw();
    },
    done() {
      fraction = 1;
      draw();
      finished = true;
      if (typeof document !== "undefined" && canvas.style) canvas.style.display = "none";
    },
  };
}

function now() {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

/**
 * Forward boot progress (0..1) to the platform's loading indicator when it has one that needs no set-up:
 * TikTok's TTMinis.game.setLoadingProgress({progress}) (0..1, as gameport's TikTok adapter sends it).
 * Meta's FBInstant.setLoadingProgress needs initializeAsync first, which platform.init() does: report there
 * from Python (platform.set_loading_progress). Never throws.
 */
export function reportToPlatform(fraction) {
  const game = globalThis.TTMinis && globalThis.TTMinis.game;
  if (!game || typeof game.setLoadingProgress !== "function") return false;
  try {
    game.setLoadingProgress({ progress: fraction, success() {}, fail() {}, complete() {} });
    return true;
  } catch {
    return false;
  }
}
