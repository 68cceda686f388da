// What Pyodide needs from a browser that TikTok's native runtime may lack (runtime_facts.js: textCodec,
// performanceNow, cryptoRandom). Each is installed only when the runtime has none, so a runtime that
// has the real one keeps it. UTF-8 only: Pyodide and gameport encode and decode nothing else.

const CHUNK = 8192; // code units per String.fromCharCode call: well under engines' argument limits
const scratch = new Uint16Array(CHUNK);

/** Decode UTF-8 bytes (a Uint8Array, an ArrayBuffer or any typed array view). Malformed bytes -> U+FFFD.
 * Pyodide decodes every string longer than 16 bytes through this where the runtime has no TextDecoder,
 * so ASCII runs go straight from the bytes to String.fromCharCode. */
export function decodeUtf8(input) {
  const bytes = toBytes(input);
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    let j = i;
    const stop = Math.min(bytes.length, i + CHUNK);
    while (j < stop && bytes[j] < 0x80) j += 1;
    if (j > i) {
      out += String.fromCharCode.apply(null, bytes.subarray(i, j));
      i = j;
      continue;
    }
    let n = 0;
    while (i < bytes.length && n < CHUNK - 1) {
      const first = bytes[i];
      if (first < 0x80) break;
      let code = 0xfffd;
      let size = 1;
      if (first >= 0xc2 && first < 0xe0) [code, size] = sequence(bytes, i, 2, first & 0x1f, 0x80);
      else if (first >= 0xe0 && first < 0xf0) [code, size] = sequence(bytes, i, 3, first & 0x0f, 0x800);
      else if (first >= 0xf0 && first < 0xf5) [code, size] = sequence(bytes, i, 4, first & 0x07, 0x10000);
      i += size;
      if (code > 0xffff) {
        code -= 0x10000;
        scratch[n++] = 0xd800 + (code >> 10);
        scratch[n++] = 0xdc00 + (code & 0x3ff);
      } else scratch[n++] = code;
    }
    out += String.fromCharCode.apply(null, scratch.subarray(0, n));
  }
  return out;
}

function sequence(bytes, start, length, initial, minimum) {
  let code = initial;
  for (let k = 1; k < length; k += 1) {
    const next = bytes[start + k];
    if (next === undefined || (next & 0xc0) !== 0x80) return [0xfffd, k];
    code = (code << 6) | (next & 0x3f);
  }
  if (code < minimum || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return [0xfffd, length];
  return [code, length];
}

function toBytes(input) {
  if (input === undefined || input === null) return new Uint8Array(0);
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return new Uint8Array(input);
}

/** Encode a string as UTF-8 (lone surrogates become U+FFFD, as TextEncoder does). */
export function encodeUtf8(text) {
  const out = [];
  const string = String(text);
  for (let i = 0; i < string.length; i += 1) {
    let code = string.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < string.length) {
      const low = string.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i += 1;
      } else code = 0xfffd;
    } else if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x80) out.push(code);
    else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    else
      out.push(
        0xf0 | (code >> 18),
        0x80 | ((code >> 12) & 0x3f),
        0x80 | ((code >> 6) & 0x3f),
        0x80 | (code & 0x3f),
      );
  }
  return new Uint8Array(out);
}

class Utf8Decoder {
  get encoding() {
    return "utf-8";
  }
  decode(input) {
    return decodeUtf8(input);
  }
}

class Utf8Encoder {
  get encoding() {
    return "utf-8";
  }
  encode(text = "") {
    return encodeUtf8(text);
  }
  encodeInto(text, target) {
    const bytes = encodeUtf8(text);
    let written = Math.min(bytes.length, target.length);
    // never cut a character in half
    while (written > 0 && written < bytes.length && (bytes[written] & 0xc0) === 0x80) written -= 1;
    target.set(bytes.subarray(0, written));
    return { read: decodeUtf8(bytes.subarray(0, written)).length, written };
  }
}

/**
 * Install what is missing on `scope` (the runtime's global object). Answers the names installed, for the
 * boot's report. Never replaces something the runtime has.
 */
export function installPolyfills(scope = globalThis) {
  const installed = [];
  if (typeof scope.TextDecoder !== "function") {
    scope.TextDecoder = Utf8Decoder;
    installed.push("TextDecoder");
  }
  if (typeof scope.TextEncoder !== "function") {
    scope.TextEncoder = Utf8Encoder;
    installed.push("TextEncoder");
  }
  if (!scope.performance || typeof scope.performance.now !== "function") {
    const start = Date.now();
    scope.performance = { now: () => Date.now() - start, mark() {} };
    installed.push("performance");
  }
  if (!scope.crypto || typeof scope.crypto.getRandomValues !== "function") {
    scope.crypto = {
      getRandomValues(view) {
        const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
        for (let i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(Math.random() * 256);
        return view;
      },
    };
    installed.push("crypto");
  }
  return installed;
}
