// The demo game's screen: draws the draw commands Python computed for a frame, keeps the HTML buttons
// Python asks for, and queues input (pointer, keys, button clicks) until Python reads it.
// Python makes ONE bridge call per frame: frame(commands, buttons, state) draws, then resolves on the next
// animation frame with the input gathered meanwhile. No DOM access from Python, no eval.

const COLOURS = ["#13162b", "#ffd34d", "#e8483c", "#4fc3f7", "#ffffff", "#7c83a6", "#2b3159", "#3ddc84"];
// Draw commands (lists, first item the kind); colours are indexes into COLOURS:
//   ["r", x, y, w, h, colour]           filled rectangle
//   ["c", x, y, radius, colour]         filled circle
//   ["t", x, y, text, colour, px, align] text ("left" | "center" | "right")
//   ["s", frequency]                    a short beep (ignored until the player has touched the page)

/**
 * @param {HTMLCanvasElement} canvas
 * @param {HTMLElement} bar  where the buttons go
 */
export function createScreen(canvas, bar) {
  const ctx = canvas.getContext("2d");
  const input = { pointerX: null, pressed: [], held: new Set(), clicks: [] };
  const buttons = new Map(); // id -> <button>
  let audio = null;
  let state = null;
  let frames = 0;

  const toCanvasX = (event) => {
    const box = canvas.getBoundingClientRect();
    return ((event.clientX - box.left) / box.width) * canvas.width;
  };
  const onPointer = (event) => {
    input.pointerX = toCanvasX(event);
  };
  canvas.addEventListener("pointermove", onPointer);
  canvas.addEventListener("pointerdown", (event) => {
    onPointer(event);
    unlockAudio();
  });
  window.addEventListener("keydown", (event) => {
    unlockAudio();
    if (!event.repeat) input.pressed.push(event.key);
    input.held.add(event.key);
  });
  window.addEventListener("keyup", (event) => input.held.delete(event.key));
  window.addEventListener("blur", () => input.held.clear());

  function unlockAudio() {
    if (audio === null && typeof AudioContext === "function") audio = new AudioContext();
  }

  function beep(frequency) {
    if (audio === null || audio.state !== "running") return;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.08, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.12);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.12);
  }

  function draw(commands) {
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
        ctx.font = `bold ${command[5]}px system-ui, sans-serif`;
        ctx.textAlign = command[6];
        ctx.textBaseline = "middle";
        ctx.fillText(command[3], command[1], command[2]);
      } else if (kind === "s") {
        beep(command[1]);
      }
    }
  }

  function setButtons(wanted) {
    const ids = new Set(wanted.map(([id]) => id));
    for (const [id, element] of buttons) {
      if (!ids.has(id)) {
        element.remove();
        buttons.delete(id);
      }
    }
    for (const [id, label] of wanted) {
      let element = buttons.get(id);
      if (element === undefined) {
        element = document.createElement("button");
        element.type = "button";
        element.id = `btn-${id}`;
        element.dataset.action = id;
        element.addEventListener("click", () => input.clicks.push(id));
        buttons.set(id, element);
      }
      element.textContent = label;
      bar.appendChild(element); // (re)appended in the order Python gives
    }
  }

  function take() {
    const batch = {
      pointerX: input.pointerX,
      pressed: input.pressed,
      held: [...input.held],
      clicks: input.clicks,
    };
    input.pressed = [];
    input.clicks = [];
    return batch;
  }

  return {
    /**
     * Draw one frame and answer the input of the next one.
     * @param {Array} commands  draw commands
     * @param {Array|null} wanted  [[id, label], ...] when the buttons change, else null
     * @param {object} snapshot  the game's state, published for tools and tests (window.demo.state)
     */
    frame(commands, wanted, snapshot) {
      draw(commands);
      if (wanted !== null) setButtons(wanted);
      state = snapshot;
      frames += 1;
      return new Promise((resolve) => requestAnimationFrame((now) => resolve({ now, ...take() })));
    },
    /** The canvas as a base64 JPEG data: URL (Meta's share needs an image). */
    picture() {
      return canvas.toDataURL("image/jpeg", 0.8);
    },
    get state() {
      return state;
    },
    get frames() {
      return frames;
    },
    /** Each visible button's rectangle in page coordinates, by id. */
    get buttons() {
      const out = {};
      for (const [id, element] of buttons) {
        const box = element.getBoundingClientRect();
        out[id] = { x: box.x, y: box.y, width: box.width, height: box.height, label: element.textContent };
      }
      return out;
    },
  };
}
