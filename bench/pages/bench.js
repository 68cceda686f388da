// Benchmark page: boots gameport the way a game does and records when each boot stage ended.
// ?sdk=<url>&global=<path> loads that script as the platform SDK during boot (the mocks, here).
// window.gpBench resolves to {ok: true, marks: {runtime, packages, sdk?, ready}} (performance.now() values,
// ms since navigation start) or {ok: false, code, message}; window.gp is what bootGameport answered.
import { bootGameport } from "/js_bridge/loader.js";

const params = new URLSearchParams(location.search);
const marks = {};
const options = {
  siteRoot: "/",
  onProgress(stage, fraction) {
    if (fraction === 1) marks[stage] = performance.now();
  },
};
const sdkUrl = params.get("sdk");
if (sdkUrl) {
  options.sdk = { url: sdkUrl, global: params.get("global"), module: true, timeoutMs: 10000 };
}
window.gpBench = bootGameport(options).then(
  (booted) => {
    window.gp = booted;
    return { ok: true, marks };
  },
  (error) => ({ ok: false, code: error.code, message: error.message }),
);
