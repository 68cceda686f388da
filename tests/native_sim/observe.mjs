// What tests look at: the on-screen canvas's pixels, report matching, and waiting for a condition.

/** {created, width, height, blank, colour?, sampleColours}: blank = every pixel the same RGBA. */
export function canvasStats(canvas) {
  if (!canvas) return { created: false, blank: true };
  const { width, height } = canvas;
  if (!width || !height) return { created: true, width, height, blank: true };
  const data = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  const words = new Uint32Array(data.buffer, data.byteOffset, data.byteLength / 4);
  const first = words[0];
  const seen = new Set();
  let blank = true;
  for (let i = 0; i < words.length; i++) {
    if (words[i] !== first) blank = false;
    if (seen.size < 64) seen.add(words[i]);
    else if (!blank) break;
  }
  const rgba = (i) => Array.from(data.subarray(i * 4, i * 4 + 4));
  return {
    created: true,
    width,
    height,
    blank,
    ...(blank ? { colour: rgba(0) } : {}),
    distinctColoursSeen: seen.size, // capped at 64
  };
}

/** True when every field of `pattern` deep-equals the same field of `value` (objects: recursively). */
export function matches(value, pattern) {
  if (pattern === null || typeof pattern !== "object") return Object.is(value, pattern);
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(pattern)) {
    return (
      Array.isArray(value) && value.length === pattern.length && pattern.every((p, i) => matches(value[i], p))
    );
  }
  return Object.entries(pattern).every(([k, p]) => matches(value[k], p));
}

/**
 * Resolve with the first truthy result of `predicate()` (polled every 10 ms). Rejects after `timeoutMs`
 * (default 10 s), or as soon as the game records an uncaught error (unless `failOnError` is false), with the
 * recent log in the message.
 */
export function waitFor(
  runtime,
  predicate,
  timeoutMs = 10000,
  label = "condition",
  { failOnError = true } = {},
) {
  const errorsBefore = runtime.errors.length;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const fail = (why) => {
      const tail = runtime.log
        .slice(-12)
        .map((e) => JSON.stringify(e))
        .join("\n  ");
      reject(new Error(`waitFor(${label}): ${why}\nrecent log:\n  ${tail}`));
    };
    const poll = () => {
      let value;
      try {
        value = predicate();
      } catch (e) {
        return fail(`the predicate threw ${e?.message ?? e}`);
      }
      if (value) return resolve(value);
      if (failOnError && runtime.errors.length > errorsBefore) {
        const e = runtime.errors[errorsBefore];
        return fail(`the game failed first: ${e.where}: ${e.message}`);
      }
      if (runtime.state === "disposed" || runtime.state === "failed")
        return fail(`the runtime is ${runtime.state}`);
      if (Date.now() - started > timeoutMs) return fail(`not met within ${timeoutMs} ms`);
      setTimeout(poll, 10);
    };
    poll();
  });
}
