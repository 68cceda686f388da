// Test helpers: purpose-made native packages in temp folders, and wasm modules built byte by byte.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliCompressSync } from "node:zlib";

const uleb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const vec = (items) => [...uleb(items.length), ...items.flat()];
const str = (s) => [...uleb(Buffer.byteLength(s)), ...Buffer.from(s)];
const section = (id, body) => [id, ...uleb(body.length), ...body];
const I32 = 0x7f;
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]; // "\0asm", version 1

/** A module exporting add(a, b) -> a + b (i32). */
export function addWasm() {
  return Uint8Array.from([
    ...HEADER,
    ...section(1, vec([[0x60, ...vec([I32, I32]), ...vec([I32])]])), // type 0: (i32, i32) -> i32
    ...section(3, vec([[0]])), // function 0 has type 0
    ...section(7, vec([[...str("add"), 0x00, 0]])), // export "add" = function 0
    ...section(10, vec([[...uleb(7), 0, 0x20, 0, 0x20, 1, 0x6a, 0x0b]])), // local.get 0 1; i32.add; end
  ]);
}

/** A module importing env.twice(i32) -> i32 and exporting run(x) = env.twice(x) + 1. */
export function importingWasm() {
  const body = [0, 0x20, 0, 0x10, 0, 0x41, 1, 0x6a, 0x0b]; // no locals; local.get 0; call 0; i32.const 1; add
  return Uint8Array.from([
    ...HEADER,
    ...section(1, vec([[0x60, ...vec([I32]), ...vec([I32])]])),
    ...section(2, vec([[...str("env"), ...str("twice"), 0x00, 0]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...str("run"), 0x00, 1]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

export const brotli = (bytes) => brotliCompressSync(Buffer.from(bytes));

/**
 * Write a package into a fresh temp folder and return its path. `files` maps package paths to contents
 * (string or bytes); game.json and project.config.json get defaults unless given; `subpackages` goes into
 * game.json. Remove it with removePackage().
 */
export function writePackage(files, { subpackages } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "tt-native-pkg-"));
  const all = {
    "game.json": JSON.stringify({ deviceOrientation: "portrait", ...(subpackages ? { subpackages } : {}) }),
    "project.config.json": JSON.stringify({ appid: "test-client-key", setting: { es6: true } }),
    ...files,
  };
  for (const [rel, content] of Object.entries(all)) {
    const abs = path.join(dir, ...rel.split("/"));
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return dir;
}

export const removePackage = (dir) => rmSync(dir, { recursive: true, force: true });

/** game.js source from a function's body, so test packages stay readable (and linted) JS. */
export function source(fn) {
  const text = fn.toString();
  return text.slice(text.indexOf("{") + 1, text.lastIndexOf("}"));
}

/**
 * Boot a package made of `files` (game.js at least) and wait for its first report; returns {rt, report, dir}.
 * The caller disposes: `finish(rt, dir)`.
 */
export async function bootAndReport(files, { subpackages, timeoutMs = 5000, failOnError, ...options } = {}) {
  const { createRuntime } = await import("./runtime.mjs");
  const dir = writePackage(files, { subpackages });
  const rt = createRuntime({ packageDir: dir, ...options });
  try {
    await rt.boot();
    const report = await rt.waitFor(() => rt.reports[0], timeoutMs, "the first report", { failOnError });
    return { rt, report, dir };
  } catch (e) {
    finish(rt, dir);
    throw e;
  }
}

export function finish(rt, dir) {
  rt.dispose();
  removePackage(dir);
}
