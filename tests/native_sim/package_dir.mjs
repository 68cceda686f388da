// The code package on disk: game.json, project.config.json, its subpackages, and the rule every loader of
// the simulator shares for a package path (relative, inside the package, in a loaded subpackage).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** A problem with the package itself (not with a call the game made). */
export class PackageError extends Error {
  name = "PackageError";
}

function readJson(dir, name) {
  const file = path.join(dir, name);
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new PackageError(`${name} is missing from the package ${dir}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PackageError(`${name} is not valid JSON: ${e.message}`);
  }
}

const isFile = (p) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/**
 * Read and check the package in `dir`. Throws PackageError when game.js, game.json or project.config.json
 * is missing or malformed, or a subpackage entry is not {name, root} inside the package. A root whose
 * game.js is missing is NOT an error here: loadSubpackage fails for it, as the issue asks the sim to show.
 */
export function openPackage(dir, { onWarn = () => {} } = {}) {
  const root = path.resolve(dir);
  if (!isFile(path.join(root, "game.js")))
    throw new PackageError(`game.js is missing from the package ${root}`);
  const gameJson = readJson(root, "game.json");
  const projectConfig = readJson(root, "project.config.json");
  if (gameJson.subPackages && !gameJson.subpackages) {
    // TikTok and WeChat read lower-case `subpackages`; camel case is Douyin's (reference 1.6).
    onWarn('game.json has Douyin\'s "subPackages" but no "subpackages": TikTok reads the lower-case field');
  }
  const list = gameJson.subpackages ?? [];
  if (!Array.isArray(list)) throw new PackageError("game.json subpackages must be a list of {root, name}");
  const subpackages = new Map();
  for (const entry of list) {
    const { name, root: subRoot } = entry ?? {};
    if (typeof name !== "string" || !name || typeof subRoot !== "string" || !subRoot) {
      throw new PackageError(`game.json subpackage entry ${JSON.stringify(entry)} needs a name and a root`);
    }
    const norm = normalise(subRoot.replace(/\/*$/, ""));
    if (!norm)
      throw new PackageError(`subpackage ${name}: root "${subRoot}" is not a path inside the package`);
    if (subpackages.has(name)) throw new PackageError(`subpackage name "${name}" is used twice`);
    subpackages.set(name, { name, root: `${norm}/`, state: "remote", independent: !!entry.independent });
  }
  return {
    dir: root,
    gameJson,
    projectConfig,
    subpackages,
    /** The subpackage whose root holds the package path `rel`, or null (main package). */
    subpackageOf(rel) {
      for (const sp of subpackages.values()) if (rel.startsWith(sp.root)) return sp;
      return null;
    },
    /** Absolute host path of package path `rel` (already normalised). */
    abs(rel) {
      return path.join(root, ...rel.split("/"));
    },
    isFile(rel) {
      return isFile(this.abs(rel));
    },
    /** Total bytes of the files under a subpackage root (progress events report it). */
    bytesOf(sp) {
      return sizeOfTree(this.abs(sp.root.slice(0, -1)));
    },
  };
}

function sizeOfTree(p) {
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (st.isFile()) return st.size;
  if (!st.isDirectory()) return 0;
  let total = 0;
  for (const name of readdirSync(p)) total += sizeOfTree(path.join(p, name));
  return total;
}

/**
 * A package path in canonical form ("engine/python.wasm.br"), or null when it is not one: absolute
 * ("/x"), with a scheme ("https://", "ttfile://"), with a ".." segment, a backslash or empty. A leading
 * "./" is allowed.
 */
export function normalise(p) {
  if (typeof p !== "string" || !p || p.includes("\\") || p.includes("\0")) return null;
  if (p.startsWith("/") || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(p)) return null;
  const parts = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") return null;
    parts.push(seg);
  }
  return parts.length ? parts.join("/") : null;
}

/**
 * Check that package path `p` can be read now. Returns {rel, abs} or {error: "permission denied" |
 * "no such file or directory", hint}. `allowUnloaded` is facts.subpackageFilesBeforeLoad.
 */
export function resolvePackagePath(pkg, p, { allowUnloaded = false } = {}) {
  const rel = normalise(p);
  if (!rel) return { error: "permission denied", hint: `"${p}" is not a relative path inside the package` };
  const sp = pkg.subpackageOf(rel);
  if (sp && sp.state !== "loaded" && !allowUnloaded) {
    return {
      error: "no such file or directory",
      hint: `"${rel}" is in subpackage "${sp.name}", which has not been loaded (loadSubpackage first)`,
    };
  }
  if (!pkg.isFile(rel))
    return { error: "no such file or directory", hint: `no file "${rel}" in the package` };
  return { rel, abs: pkg.abs(rel) };
}
