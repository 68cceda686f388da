// The first script the demo page runs: paints the loading screen before the runtime is even requested.
// boot.js imports the same instance to move its bar.
import { createLoadingScreen } from "./js_bridge/loading_screen.js";

export const loading = createLoadingScreen(document.getElementById("loading"), { title: "gameport demo" });
loading.painted.then((at) => performance.mark("gameport:loading-painted", { startTime: at }));
