// Page glue for the demo game: boot gameport (the loading screen of loading.js shows real progress
// meanwhile), give Python the screen (screen.js) and the page's options, then run the game's main.py.
//
// Query parameters:
//   ?mock=tiktok|meta   load that platform's SDK mock (js_bridge/mocks/); without it the page is the plain
//                       web platform, with the simulated ad provider and pay sheet installed
//   &platform_url=URL   the mock platform server (python -m gameport.server mock-platform): the mocks sign
//                       logins and payments there, and the web pay sheet pays through its sandbox checkout
//   &backend=URL        the game backend (python -m gameport.server backend): purchases and leaderboards
// `python3 build.py demo` prints a URL with all three.
import { bootGameport } from "./js_bridge/loader.js";
import { reportToPlatform } from "./js_bridge/loading_screen.js";
import { loading } from "./loading.js";
import { createScreen } from "./screen.js";

// The game's Python modules, written into Pyodide's file system next to main.py (the working directory).
const GAME_MODULES = ["game/__init__.py", "game/world.py", "game/services.py", "game/app.py"];

const status = document.getElementById("status");
const progress = document.getElementById("progress");
const canvas = document.getElementById("game");
const query = new URLSearchParams(location.search);

const MOCKS = {
  tiktok: { url: "./js_bridge/mocks/ttminis.js", global: "TTMinis.game", module: true },
  meta: { url: "./js_bridge/mocks/fbinstant.js", global: "FBInstant", module: true },
};
const mock = MOCKS[query.get("mock")];
const platformUrl = query.get("platform_url");
const backendUrl = query.get("backend");
if (platformUrl && mock) globalThis.__GP_SCENARIO__ = { platformUrl };
// The web simulators are development tools that `build.py package` leaves out of an upload package: there
// the page runs without them (a real platform's SDK, or a portal's own ads), so they are imported only here.
if (!mock && !globalThis.FBInstant && !globalThis.TTMinis) {
  try {
    const [ads, pay] = await Promise.all([
      import("./js_bridge/web_ads_sim.js"),
      import("./js_bridge/web_pay_sim.js"),
    ]);
    ads.installSimulatedAds({ durationMs: 400 });
    pay.installSimulatedPay({ delayMs: 300 });
  } catch (error) {
    console.info(`no web ad/pay simulators (${error.message}): ads and the shop stay hidden`);
  }
}

const screen = createScreen(canvas, document.getElementById("buttons"));
globalThis.demo = screen; // window.demo.state / .buttons / .frames: for tools and the browser tests

globalThis.demoGame = {
  options: () => ({ backendUrl, platformUrl }),
  frame: (commands, buttons, state) => screen.frame(commands, buttons, state),
  picture: () => screen.picture(),
  // Python calls this right after platform.ready(): the figure the bench reports as "ready".
  ready(platformName) {
    performance.mark("gameport:ready");
    loading.done();
    progress.hidden = true;
    canvas.hidden = false;
    status.textContent = `ready on ${platformName}`;
  },
};

const text = (path) =>
  fetch(new URL(path, location.href)).then((response) => {
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.text();
  });

try {
  const sources = Promise.all(["main.py", ...GAME_MODULES].map(text));
  const booted = await bootGameport({
    siteRoot: new URL("./", location.href),
    sdk: mock,
    onProgress(stage, fraction, overall) {
      // The Python part (platform.init and ready) is the last tenth.
      loading.progress(overall * 0.9);
      reportToPlatform(overall * 0.9);
      progress.value = overall * 0.9;
      status.textContent = `loading (${stage})`;
    },
  });
  globalThis.gameportDemo = booted; // for the bench and the browser tests
  const [main, ...modules] = await sources;
  booted.pyodide.FS.mkdirTree("game");
  GAME_MODULES.forEach((path, i) => booted.pyodide.FS.writeFile(path, modules[i]));
  status.textContent = "starting";
  await booted.pyodide.runPythonAsync(main);
} catch (error) {
  status.textContent = `failed: ${error.code ?? error.name}: ${error.message}`;
  throw error;
}
