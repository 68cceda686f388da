// Canvas, images and touch (reference 1.3): createCanvas() gives the on-screen canvas first, off-screen
// ones after; createImage() takes a package path, a data: URL or an ArrayBuffer (a remote URL goes through
// request's domain rule); onTouchStart/Move/End deliver {touches, changedTouches, timeStamp}. The canvases
// are real @napi-rs/canvas (Skia) canvases behind facades that expose only the documented members
// (width, height, getContext, toDataURL), so a game that used node-only members would fail here too.
import { readFileSync } from "node:fs";
import { Image, createCanvas as napiCanvas } from "@napi-rs/canvas";
import { resolvePackagePath } from "./package_dir.mjs";

const TOUCH_EVENTS = { start: "TouchStart", move: "TouchMove", end: "TouchEnd" };

export function createScreen({ realm, pkg, facts, windowInfo, onError, fetchBytes, alive }) {
  const behind = new WeakMap(); // facade -> napi Canvas / Image
  const canvases = [];
  const listeners = { TouchStart: [], TouchMove: [], TouchEnd: [] };
  const active = new Map(); // identifier -> {x, y}

  const unwrap = (x) => behind.get(x) ?? x;
  function patchContext(ctx, facade) {
    // drawImage/createPattern receive our facades; the Skia context needs what is behind them.
    for (const name of ["drawImage", "createPattern"]) {
      const orig = ctx[name].bind(ctx);
      Object.defineProperty(ctx, name, { value: realm.expose((img, ...rest) => orig(unwrap(img), ...rest)) });
    }
    Object.defineProperty(ctx, "canvas", { value: facade });
    return ctx;
  }
  function makeCanvas(width, height) {
    const c = napiCanvas(width, height);
    const contexts = new Map();
    const facade = realm.object({
      getContext(type) {
        if (type !== "2d") return null; // WebGL is not simulated (Skia 2D only): see README
        if (!contexts.has(type)) contexts.set(type, patchContext(c.getContext("2d"), facade));
        return contexts.get(type);
      },
      toDataURL(type = "image/png", quality) {
        return c.toDataURL(type, quality);
      },
    });
    for (const dim of ["width", "height"]) {
      Object.defineProperty(facade, dim, {
        enumerable: true,
        get: realm.expose(() => c[dim]),
        set: realm.expose((v) => {
          c[dim] = Number(v);
        }),
      });
    }
    behind.set(facade, c);
    canvases.push(c);
    return facade;
  }

  function createImage() {
    const img = new Image();
    let src = "";
    const facade = realm.object({ onload: null, onerror: null });
    const settle = (err) => {
      const cb = err ? facade.onerror : facade.onload;
      if (typeof cb !== "function" || !alive()) return;
      try {
        cb(err ? realm.object({ errMsg: `createImage:fail ${err}` }) : realm.object({}));
      } catch (e) {
        onError(err ? "image.onerror" : "image.onload", e);
      }
    };
    const load = async (value) => {
      if (typeof value === "string" && value.startsWith("data:")) {
        const comma = value.indexOf(",");
        return Buffer.from(
          value.slice(comma + 1),
          value.slice(0, comma).endsWith(";base64") ? "base64" : "utf8",
        );
      }
      if (typeof value === "string" && /^https?:/.test(value)) return fetchBytes(value);
      if (typeof value === "string") {
        const r = resolvePackagePath(pkg, value, { allowUnloaded: facts.subpackageFilesBeforeLoad });
        if (r.error) throw new Error(`${r.error}: ${r.hint}`);
        return readFileSync(r.abs);
      }
      if (Object.prototype.toString.call(value) === "[object ArrayBuffer]")
        return Buffer.from(new Uint8Array(value));
      throw new Error("src must be a path, a data: URL, an https URL or an ArrayBuffer");
    };
    Object.defineProperty(facade, "src", {
      enumerable: true,
      get: realm.expose(() => src),
      set: realm.expose((value) => {
        src = typeof value === "string" ? value : "[ArrayBuffer]";
        load(value)
          .then(
            (bytes) =>
              new Promise((ok, no) => {
                img.onload = ok;
                img.onerror = no;
                img.src = bytes;
              }),
          )
          .then(
            () => setTimeout(() => settle(null), 0),
            (e) => setTimeout(() => settle(String(e?.message ?? e)), 0),
          );
      }),
    });
    for (const dim of ["width", "height"]) {
      Object.defineProperty(facade, dim, { enumerable: true, get: realm.expose(() => img[dim]) });
    }
    Object.defineProperty(facade, "complete", { enumerable: true, get: realm.expose(() => img.complete) });
    behind.set(facade, img);
    return facade;
  }

  const members = {
    createCanvas() {
      if (canvases.length) return makeCanvas(300, 150); // off-screen: the HTML canvas default size
      const scale = facts.screenCanvasScale;
      return makeCanvas(
        Math.round(windowInfo.windowWidth * scale),
        Math.round(windowInfo.windowHeight * scale),
      );
    },
    createImage,
  };
  for (const name of Object.values(TOUCH_EVENTS)) {
    members[`on${name}`] = (cb) => {
      if (typeof cb === "function" && !listeners[name].includes(cb)) listeners[name].push(cb);
    };
    members[`off${name}`] = (cb) => {
      if (cb === undefined) listeners[name].length = 0;
      else if (listeners[name].includes(cb)) listeners[name].splice(listeners[name].indexOf(cb), 1);
    };
  }

  const touchObject = (id, x, y) => ({
    identifier: id,
    screenX: x,
    screenY: y,
    ...(facts.touchClientXY ? { clientX: x, clientY: y } : {}),
  });
  return {
    members,
    /** The on-screen canvas (napi), or null before the first createCanvas(). */
    get screenCanvas() {
      return canvases[0] ?? null;
    },
    /** Dispatch a touch: type "start" | "move" | "end"; x, y in window (logical) pixels. Returns listeners called. */
    touch(type, x, y, id = 0) {
      const name = TOUCH_EVENTS[type];
      if (!name) throw new TypeError(`touch type must be start, move or end, not ${type}`);
      if (!Number.isFinite(x) || !Number.isFinite(y)) throw new TypeError("touch x and y must be numbers");
      if (type === "end") active.delete(id);
      else active.set(id, { x, y });
      const event = realm.toCtx({
        touches: [...active].map(([i, p]) => touchObject(i, p.x, p.y)),
        changedTouches: [touchObject(id, x, y)],
        timeStamp: Date.now(),
      });
      const list = [...listeners[name]];
      for (const cb of list) {
        try {
          cb(event);
        } catch (e) {
          onError(`on${name}`, e);
        }
      }
      return list.length;
    },
  };
}
