// Page glue for the demo game: boot gameport (the loading screen of loading.js shows real progress
// meanwhile), give Python the screen (screen.js) and the page's options, then run the game's main.py.
//
// Query parameters:
//   ?mock=tiktok|meta   load that platform's SDK mock (js_bridge/mocks/); without it the page is the plain
//                       web platform, with the simulated ad provider and pay sheet installed
//   &platform_url=URL   the mock platform server (python -m gameport.server mock-platform): the mocks sign
//                       logins and payments there, and the web pay sheet pays through its sandbox checkout
//   &backend=URL        the game backend (python -m gameport.server backend): purchases and leaderboards
//   &dev=a,b            the developer panel's mock scenarios (dev_panel.js; only with platform_url)
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

/** The module at `path`, or null (logged with `without`) when this site does not have it. */
async function optional(path, without) {
  try {
    return await import(path);
  } catch (error) {
    console.info(`${without} (${error.message})`);
    return null;
  }
}

const MOCKS = {
  tiktok: { url: "./js_bridge/mocks/ttminis.js", global: "TTMinis.game", module: true },
  meta: { url: "./js_bridge/mocks/fbinstant.js", global: "FBInstant", module: true },
};
const mock = MOCKS[query.get("mock")];
const platformUrl = query.get("platform_url");
const backendUrl = query.get("backend");
if (platformUrl && mock) globalThis.__GP_SCENARIO__ = { platformUrl };
// The developer panel and the web simulators are development tools that `build.py package` leaves out of
// an upload package: there the page runs without them (a real platform's SDK, or a portal's own ads), so
// they are imported only here. The panel comes with the local mock platform server (`build.py demo`).
const devPanel = platformUrl ? await optional("./dev_panel.js", "no developer panel") : null;
const devChoice = devPanel?.readChoice(query);
devPanel?.slowFetch(devChoice, [backendUrl, platformUrl]);
devPanel?.showPanel(document.querySelector("main"), devChoice);
const webSims = {};
if (!mock && !globalThis.FBInstant && !globalThis.TTMinis) {
  const [ads, pay] = await Promise.all([
    optional("./js_bridge/web_ads_sim.js", "no web ad simulator: the ad buttons stay hidden"),
    optional("./js_bridge/web_pay_sim.js", "no web pay simulator: the shop stays hidden"),
  ]);
  webSims.ads = ads?.installSimulatedAds({ durationMs: 400 });
  webSims.pay = pay?.installSimulatedPay({ delayMs: 300 });
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
  devPanel?.applyScenarios(devChoice, webSims);
  const [main, ...modules] = await sources;
  booted.pyodide.FS.mkdirTree("game");
  GAME_MODULES.forEach((path, i) => booted.pyodide.FS.writeFile(path, modules[i]));
  status.textContent = "starting";
  await booted.pyodide.runPythonAsync(main);
} catch (error) {
  status.textContent = `failed: ${error.code ?? error.name}: ${error.message}`;
  throw error;
}
