// Copy any JavaScript value into something JSON.stringify accepts, without throwing.
// SDK payloads can hold functions, Errors, cycles, BigInts and class instances; none of that may break
// the bridge, and none of it may cross into Python as a live object.

const MAX_DEPTH = 32;

function copy(value, seen, depth) {
  if (value === undefined || value === null) return null;
  const type = typeof value;
  if (type === "string" || type === "boolean") return value;
  if (type === "number") return Number.isFinite(value) ? value : null;
  if (type === "bigint") return value.toString();
  if (type === "function" || type === "symbol") return undefined;
  if (depth > MAX_DEPTH || seen.has(value)) return "[circular]";
  seen.add(value);
  try {
    if (value instanceof Error) {
      const out = { name: value.name, message: value.message };
      for (const key of Object.keys(value)) out[key] = copy(value[key], seen, depth + 1);
      return out;
    }
    if (Array.isArray(value)) {
      return value.map((item) => {
        const c = copy(item, seen, depth + 1);
        return c === undefined ? null : c;
      });
    }
    const out = {};
    for (const key of Object.keys(value)) {
      const c = copy(value[key], seen, depth + 1);
      if (c !== undefined) out[key] = c;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** A JSON-safe deep copy of `value` (functions dropped, cycles cut, non-finite numbers as null). */
export function toJsonSafe(value) {
  const c = copy(value, new Set(), 0);
  return c === undefined ? null : c;
}

/** JSON text of `value` after toJsonSafe. */
export function stringifySafe(value) {
  return JSON.stringify(toJsonSafe(value));
}
