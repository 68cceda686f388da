// The demo game's draw commands, shared by the page's screen (screen.js) and the native runtime's
// (native_screen.js). Colours are indexes into COLOURS:
//   ["r", x, y, w, h, colour]           filled rectangle
//   ["c", x, y, radius, colour]         filled circle
//   ["t", x, y, text, colour, px, align] text ("left" | "center" | "right")
//   ["s", frequency]                    a short beep

export const COLOURS = [
  "#13162b",
  "#ffd34d",
  "#e8483c",
  "#4fc3f7",
  "#ffffff",
  "#7c83a6",
  "#2b3159",
  "#3ddc84",
];

/** Draw `commands` on the 2D context `ctx`; beeps go to `beep(frequency)`. */
export function drawCommands(ctx, commands, beep) {
  for (const command of commands) {
    const kind = command[0];
    if (kind === "r") {
      ctx.fillStyle = COLOURS[command[5]];
      ctx.fillRect(command[1], command[2], command[3], command[4]);
    } else if (kind === "c") {
      ctx.fillStyle = COLOURS[command[4]];
      ctx.beginPath();
      ctx.arc(command[1], command[2], command[3], 0, 2 * Math.PI);
      ctx.fill();
    } else if (kind === "t") {
      ctx.fillStyle = COLOURS[command[4]];
      ctx.font = `bold ${command[5]}px sans-serif`;
      ctx.textAlign = command[6];
      ctx.textBaseline = "middle";
      ctx.fillText(command[3], command[1], command[2]);
    } else if (kind === "s") {
      beep(command[1]);
    }
  }
}
