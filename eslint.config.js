// ESLint for gameport's JavaScript (the Python side has ruff): `python3 build.py test` runs it over
// js_bridge/, demo_game/, bench/pages/, tests/js/, tests/native_sim/ and tests/browser/pages/; Prettier
// does the layout.
import js from "@eslint/js";
import globals from "globals";

// The bridge runs in pages, in module Web Workers and in no-DOM game runtimes, so js_bridge/** gets the ES
// built-ins plus only the host globals all of those have (and Node too, for tests/js). `document` is not
// here: sdk_loader.js, the one file that injects a <script>, declares it with a /* global */ comment next
// to its `typeof document !== "undefined"` guard; anywhere else in js_bridge/ it is an undefined name.
const BRIDGE_HOST_GLOBALS = {
  AbortController: "readonly",
  TextEncoder: "readonly",
  URL: "readonly",
  URLSearchParams: "readonly",
  clearTimeout: "readonly",
  console: "readonly",
  fetch: "readonly",
  performance: "readonly",
  setTimeout: "readonly",
};

// Code from strings: a platform page's CSP has no 'unsafe-eval', and the bridge must never need it.
const NO_CODE_FROM_STRINGS = {
  "no-eval": "error",
  "no-implied-eval": "error", // setTimeout("code"), setInterval("code")
  "no-new-func": "error", // new Function("..."), Function("...")
  "no-script-url": "error", // "javascript:" URLs
  // (no-eval already reports globalThis.eval, window.eval and self.eval.) HTML from strings is next door.
  "no-restricted-properties": [
    "error",
    { object: "document", property: "write", message: "use DOM methods; document.write parses HTML" },
    { object: "document", property: "writeln", message: "use DOM methods; document.writeln parses HTML" },
    { property: "innerHTML", message: "use textContent or DOM methods: no HTML from strings" },
    { property: "outerHTML", message: "use textContent or DOM methods: no HTML from strings" },
    { property: "insertAdjacentHTML", message: "use DOM methods: no HTML from strings" },
  ],
  // Browser globals that read as local names and hide a missing declaration.
  "no-restricted-globals": [
    "error",
    ...["event", "name", "status", "length", "parent", "top", "open", "close"].map((name) => ({
      name,
      message: `the browser global \`${name}\` is almost always a missing declaration`,
    })),
  ],
};

const WORKER_SCRIPT = "tests/browser/pages/worker.js";
const SDK_STAND_INS = ["tests/browser/pages/fixtures.js", "tests/browser/pages/never_defines.js"];

export default [
  { ignores: ["node_modules/", "dist/", "dist.tmp/", "build/", ".venv/", ".cache/"] },
  js.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2025, sourceType: "module" },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      ...NO_CODE_FROM_STRINGS,
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "all", ignoreRestSiblings: false }],
    },
  },
  {
    files: ["js_bridge/**/*.js"],
    languageOptions: { globals: { ...globals.es2025, ...BRIDGE_HOST_GLOBALS } },
  },
  {
    // Page scripts (globals merge across sections, so the two below are kept out of this one).
    files: ["demo_game/**/*.js", "bench/pages/**/*.js", "tests/browser/pages/**/*.js"],
    ignores: [WORKER_SCRIPT, ...SDK_STAND_INS],
    languageOptions: { globals: { ...globals.es2025, ...globals.browser } },
  },
  {
    // A module Web Worker: no DOM.
    files: [WORKER_SCRIPT],
    languageOptions: { globals: { ...globals.es2025, ...globals.worker } },
  },
  {
    // Stand-ins for platform SDKs, which the bridge loads in pages and in workers alike.
    files: SDK_STAND_INS,
    languageOptions: { globals: { ...globals.es2025, ...BRIDGE_HOST_GLOBALS } },
  },
  {
    // Node-side test tooling: the mocks' tests and the native-runtime simulator (its game code runs in a vm
    // context whose globals the simulator chooses, not these).
    files: ["tests/js/**/*.mjs", "tests/native_sim/**/*.mjs", "tests/native/**/*.mjs", "eslint.config.js"],
    languageOptions: { globals: { ...globals.es2025, ...globals.node } },
  },
];
