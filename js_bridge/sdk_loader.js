// Load a platform SDK script and wait for the global it defines, with a timeout.
// In a page the script is injected as a <script> element (classic or module); where there is no DOM (a
// module Web Worker, a no-DOM game runtime) it is imported as an ES module.

/* global document -- pages only: loadSdk checks `typeof document` before injectScript touches it */

import { exists } from "./paths.js";

export class SdkLoadFailure extends Error {}

const POLL_MS = 25;

function injectScript(url, isModule) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    if (isModule) script.type = "module";
    script.src = url;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new SdkLoadFailure(`script ${url} failed to load`));
    (document.head || document.documentElement).appendChild(script);
  });
}

function waitForGlobal(globalPath, handles, deadline) {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (exists(globalPath, handles)) return resolve();
      if (Date.now() >= deadline) {
        return reject(new SdkLoadFailure(`${globalPath} was not defined in time`));
      }
      setTimeout(check, POLL_MS);
    };
    check();
  });
}

/**
 * Load `url` and resolve once `globalPath` exists; reject with SdkLoadFailure on a load error or when
 * `timeoutMs` passes first. Resolves at once when the global already exists (a runtime that preloads it).
 */
export async function loadSdk(url, globalPath, timeoutMs, { module = false, handles = new Map() } = {}) {
  if (exists(globalPath, handles)) return;
  const deadline = Date.now() + (timeoutMs > 0 ? timeoutMs : 10000);
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new SdkLoadFailure(`${url} did not define ${globalPath} within ${timeoutMs} ms`)),
      Math.max(deadline - Date.now(), 0),
    );
  });
  const load =
    typeof document !== "undefined"
      ? injectScript(url, module)
      : import(url).catch((e) => {
          throw new SdkLoadFailure(`script ${url} failed to load: ${e && e.message ? e.message : e}`);
        });
  try {
    await Promise.race([load.then(() => waitForGlobal(globalPath, handles, deadline)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
