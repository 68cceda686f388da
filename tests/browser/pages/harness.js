// Test harness page: boots gameport from the built site and exposes it as window.gp for Playwright.
// ?sdk=<url>&global=<path> loads that script as the platform SDK during boot.
import { bootGameport } from "/js_bridge/loader.js";

const params = new URLSearchParams(location.search);
const sdkUrl = params.get("sdk");
const options = { siteRoot: "/" };
if (sdkUrl) {
  options.sdk = { url: sdkUrl, global: params.get("global") ?? "testjs", module: true, timeoutMs: 3000 };
}
const status = document.getElementById("status");
window.gpBoot = bootGameport(options).then(
  (booted) => {
    window.gp = booted;
    status.textContent = "ready";
    return "ready";
  },
  (error) => {
    status.textContent = `boot failed: ${error.code}`;
    return { code: error.code, message: error.message };
  },
);
