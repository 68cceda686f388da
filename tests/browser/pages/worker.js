// A module Web Worker (no DOM) that boots gameport and runs Python sent by the page.
import { bootGameport } from "/js_bridge/loader.js";

const booted = bootGameport({
  siteRoot: "/",
  sdk: { url: "/_test/fixtures.js", global: "testjs", timeoutMs: 5000 },
});

self.onmessage = async (event) => {
  try {
    const { pyodide } = await booted;
    const result = await pyodide.runPythonAsync(event.data.code);
    self.postMessage({ ok: true, result, hasDocument: typeof document !== "undefined" });
  } catch (error) {
    self.postMessage({ ok: false, error: String(error && error.message ? error.message : error) });
  }
};
