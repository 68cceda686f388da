// TTMinis.game.getFileSystemManager() (reference 1.5): package files are read-only and reachable only by
// readFile(Sync), access(Sync) and readCompressedFile(Sync) (Douyin's contract); USER_DATA_PATH is a real
// temp folder. Errors follow the WeChat/Douyin errMsg shape: "<api>:fail no such file or directory, open x".
import { accessSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { types } from "node:util";
import { brotliDecompressSync } from "node:zlib";
import { normalise, resolvePackagePath } from "./package_dir.mjs";

const ENCODINGS = new Set(["utf8", "utf-8", "ascii", "base64", "hex", "latin1", "binary", "ucs2", "utf16le"]);
const NOENT = "no such file or directory";
const DENIED = "permission denied";

/**
 * Build the manager. `userDir` is the host folder behind facts.userDataPath; `record(entry)` logs every
 * call ({op, path, ok, bytes?, error?, hint?}); `hasCompressed` gates readCompressedFile (client >= 44.6.0).
 */
export function createFileSystemManager({ realm, kit, pkg, facts, userDir, record, hasCompressed }) {
  const prefix = facts.userDataPath;

  /** {kind: "user", abs} | {kind: "package", abs} | {error, hint} for a path the game passed. */
  function locate(p, { write = false } = {}) {
    if (typeof p !== "string" || !p) return { error: DENIED, hint: "the path must be a non-empty string" };
    if (p === prefix || p.startsWith(`${prefix}/`)) {
      const rest = p.slice(prefix.length).replace(/^\/+/, "");
      if (rest === "") return { kind: "user", abs: userDir };
      const rel = normalise(rest);
      if (!rel) return { error: DENIED, hint: `"${p}" leaves USER_DATA_PATH` };
      return { kind: "user", abs: path.join(userDir, ...rel.split("/")) };
    }
    if (write)
      return {
        error: DENIED,
        hint: `"${p}" is not under USER_DATA_PATH (${prefix}): package files are read-only`,
      };
    const r = resolvePackagePath(pkg, p, { allowUnloaded: facts.subpackageFilesBeforeLoad });
    return r.error ? r : { kind: "package", abs: r.abs };
  }

  function readBytes(op, p) {
    const where = locate(p);
    if (where.error) return where;
    try {
      return { bytes: readFileSync(where.abs) };
    } catch {
      return { error: NOENT, hint: `no file at ${p}` };
    }
  }

  const ops = {
    readFile(o) {
      const { filePath, encoding, position, length } = o;
      if (encoding !== undefined && !ENCODINGS.has(encoding))
        return { error: `invalid encoding ${encoding}` };
      const r = readBytes("readFile", filePath);
      if (r.error) return { ...r, error: `${r.error}, open ${filePath}` };
      let bytes = r.bytes;
      if (position !== undefined || length !== undefined) {
        const start = Number(position ?? 0);
        bytes = bytes.subarray(start, length === undefined ? undefined : start + Number(length));
      }
      const data =
        encoding === undefined
          ? realm.bytesToCtx(bytes)
          : bytes.toString(encoding === "utf-8" ? "utf8" : encoding);
      return { value: data, bytes: bytes.length };
    },
    access(o) {
      const where = locate(o.path);
      if (where.error) return { ...where, error: `${where.error} ${o.path}` };
      try {
        accessSync(where.abs);
        return { value: undefined };
      } catch {
        return { error: `${NOENT} ${o.path}` };
      }
    },
    readCompressedFile(o) {
      if (o.compressionAlgorithm !== "br")
        return { error: `invalid compressionAlgorithm ${o.compressionAlgorithm}` };
      const r = readBytes("readCompressedFile", o.filePath);
      if (r.error) return { ...r, error: `${r.error}, open ${o.filePath}` };
      let out;
      try {
        out = brotliDecompressSync(r.bytes);
      } catch {
        return { error: "brotli decompress fail", hint: `${o.filePath} is not brotli data` };
      }
      return { value: realm.bytesToCtx(out), bytes: out.length };
    },
    writeFile(o) {
      const { filePath, data, encoding = "utf8" } = o;
      const where = locate(filePath, { write: true });
      if (where.error) return { ...where, error: `${where.error}, open ${filePath}` };
      let buf;
      if (typeof data === "string") {
        if (!ENCODINGS.has(encoding)) return { error: `invalid encoding ${encoding}` };
        buf = Buffer.from(data, encoding === "utf-8" ? "utf8" : encoding);
      } else if (types.isArrayBuffer(data))
        buf = Buffer.from(new Uint8Array(data)); // any realm's ArrayBuffer
      else return { error: "data must be a string or an ArrayBuffer" };
      try {
        writeFileSync(where.abs, buf);
        return { value: undefined, bytes: buf.length };
      } catch {
        return { error: `${NOENT}, open ${filePath}` };
      }
    },
    mkdir(o) {
      const where = locate(o.dirPath, { write: true });
      if (where.error) return { ...where, error: `${where.error} ${o.dirPath}` };
      if (statSync(where.abs, { throwIfNoEntry: false }))
        return { error: `file already exists ${o.dirPath}` };
      try {
        mkdirSync(where.abs, { recursive: !!o.recursive });
        return { value: undefined };
      } catch {
        return { error: `${NOENT} ${o.dirPath}` };
      }
    },
    unlink(o) {
      const where = locate(o.filePath, { write: true });
      if (where.error) return { ...where, error: `${where.error} ${o.filePath}` };
      try {
        unlinkSync(where.abs);
        return { value: undefined };
      } catch {
        return { error: `${NOENT} ${o.filePath}` };
      }
    },
  };
  // WeChat's positional Sync signatures, mapped onto the option objects above.
  const syncArgs = {
    readFile: (filePath, encoding, position, length) => ({ filePath, encoding, position, length }),
    access: (p) => ({ path: p }),
    readCompressedFile: (o) => o ?? {},
    writeFile: (filePath, data, encoding) => ({ filePath, data, encoding }),
    mkdir: (dirPath, recursive) => ({ dirPath, recursive }),
    unlink: (filePath) => ({ filePath }),
  };
  const resultField = { readFile: "data", readCompressedFile: "data" };

  function perform(op, o) {
    const r = ops[op](o ?? {});
    const target = o?.filePath ?? o?.path ?? o?.dirPath;
    record({ op, path: target, ok: !r.error, bytes: r.bytes, error: r.error, hint: r.hint });
    return r;
  }
  const manager = realm.object();
  for (const op of Object.keys(ops)) {
    if (op === "readCompressedFile" && !hasCompressed) continue;
    manager[op] = realm.expose(function (options) {
      const o = options ?? {};
      const r = perform(op, o);
      if (r.error) kit.fail(op, o, r.error);
      else kit.succeed(op, o, resultField[op] ? { [resultField[op]]: r.value } : {});
    });
    manager[`${op}Sync`] = realm.expose(function (...args) {
      const r = perform(op, syncArgs[op](...args));
      if (r.error) throw kit.syncError(`${op}Sync`, r.error);
      return r.value;
    });
  }
  return manager;
}
