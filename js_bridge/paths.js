// Resolve the dotted paths the Python bridge names: "TTMinis.game.login" from globalThis, or
// "@h3.show" from an object kept behind a handle.

export class MissingPath extends Error {}

/**
 * Find `path`. Returns {owner, key, value}: `owner[key] === value`, so a method can be called with the
 * right `this`. Throws MissingPath when a segment before the last is absent.
 */
export function resolve(path, handles) {
  if (typeof path !== "string" || path === "") throw new MissingPath("empty path");
  const parts = path.split(".");
  let owner;
  let key;
  let value;
  if (parts[0].startsWith("@")) {
    const id = parts[0].slice(1);
    if (!handles.has(id)) throw new MissingPath(`handle ${id} does not exist (released or never created)`);
    value = handles.get(id);
    owner = undefined;
    key = parts[0];
  } else {
    value = globalThis;
    owner = undefined;
    key = "globalThis";
    parts.unshift("globalThis");
  }
  for (const part of parts.slice(1)) {
    if (value === undefined || value === null) throw new MissingPath(`${path}: '${key}' is ${value}`);
    owner = value;
    key = part;
    value = value[part];
  }
  return { owner, key, value };
}

/** Whether `path` names a value that is not undefined. */
export function exists(path, handles) {
  try {
    return resolve(path, handles).value !== undefined;
  } catch {
    return false;
  }
}
