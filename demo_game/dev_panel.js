// The demo's developer panel (local development only: boot.js loads it when the page has the local mock
// platform server, and `build.py package` leaves this file out). It picks the platform the mocks present
// and mock scenarios, and applies them by reloading the page with `?mock=` and `?dev=`: a person tries the
// game's unhappy paths without editing code. Scenarios last until the page is reloaded without them.

export const PLATFORMS = ["web", "tiktok", "meta"];

/** How long "slow network" holds every request to the backend and the mock platform server. */
export const SLOW_NETWORK_MS = 1500;

// Outcomes are queued for this many calls: more than one session of play uses.
const CALLS = 200;

// Meta clients differ in what getSupportedAPIs() lists (payments are missing on some, shortcuts on most):
// an "old client" here lacks the APIs whose names start with one of these.
const OLD_META_LACKS = ["payments.", "canCreateShortcutAsync", "createShortcutAsync"];

/**
 * The scenarios: per platform, what the mock (`mock`: the scriptable `__gpMock`), the web simulators
 * (`web`: {ads, pay}) or the page are told. A platform without an entry does not offer the scenario.
 */
export const SCENARIOS = {
  no_fill: {
    label: "No ad fill",
    tiktok: ({ mock }) => {
      mock.script("ad.load", ...repeat("no_fill")); // clients with load() preload through it
      mock.script("ad.show", ...repeat("no_fill")); // older ones load inside show()
    },
    meta: ({ mock }) => mock.script("ad.loadAsync", ...repeat("no_fill")),
    web: ({ web }) => web.ads?.script(...repeat("no_fill")),
  },
  ad_closed_early: {
    label: "Player closes ads early",
    tiktok: ({ mock }) => mock.script("ad.show", ...repeat("closed_early")),
    meta: ({ mock }) => mock.script("ad.showAsync", ...repeat("closed_early")),
    web: ({ web }) => web.ads?.script(...repeat("closed_early")),
  },
  pay_cancel: paySheet("Player cancels the pay sheet", "cancel", "cancelled"),
  pay_hangs: paySheet("Pay sheet hangs", "never"),
  slow_network: {
    label: `Slow network (${SLOW_NETWORK_MS / 1000} s per request)`,
    // nothing to tell the mocks: slowFetch() holds the requests themselves, from before the boot
    tiktok: () => {},
    meta: () => {},
    web: () => {},
  },
  old_client: {
    label: "Old client (TikTok 40.0.0; Meta without payments and shortcuts)",
    tiktok: ({ mock }) => mock.configure({ clientVersion: "40.0.0" }),
    meta: ({ mock, sdk }) =>
      mock.configure({
        supportedAPIs: sdk
          .getSupportedAPIs()
          .filter((api) => !OLD_META_LACKS.some((prefix) => api.startsWith(prefix))),
      }),
  },
};

const repeat = (outcome) => Array.from({ length: CALLS }, () => outcome);

/** A pay-sheet scenario: every platform's pay call answers `outcome` (the web simulator's name may differ). */
function paySheet(label, outcome, webOutcome = outcome) {
  return {
    label,
    tiktok: ({ mock }) => mock.script("pay", ...repeat(outcome)),
    meta: ({ mock }) => mock.script("payments.purchaseAsync", ...repeat(outcome)),
    web: ({ web }) => web.pay?.script(...repeat(webOutcome)),
  };
}

/** The platform and the scenarios a page's query asks for (unknown names are dropped). */
export function readChoice(query) {
  const platform = PLATFORMS.includes(query.get("mock")) ? query.get("mock") : "web";
  const names = (query.get("dev") ?? "").split(",").filter((name) => name in SCENARIOS);
  return { platform, scenarios: names.filter((name) => SCENARIOS[name][platform]) };
}

/** The page's URL for another choice: its other parameters (backend, platform server, ...) are kept. */
export function urlFor(href, { platform, scenarios }) {
  const url = new URL(href);
  if (platform === "web") url.searchParams.delete("mock");
  else url.searchParams.set("mock", platform);
  if (scenarios.length) url.searchParams.set("dev", scenarios.join(","));
  else url.searchParams.delete("dev");
  return url.href;
}

/**
 * With "slow network" chosen, `globalThis.fetch` holds every request to one of `origins` (the backend and
 * the mock platform server) for SLOW_NETWORK_MS before sending it; the page's own files are not slowed.
 */
export function slowFetch(choice, origins) {
  if (!choice.scenarios.includes("slow_network")) return;
  const fetchNow = globalThis.fetch.bind(globalThis);
  const slowed = origins.filter(Boolean).map((origin) => new URL(origin).origin);
  globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href); // or a URL
    if (slowed.includes(url.origin)) await new Promise((resolve) => setTimeout(resolve, SLOW_NETWORK_MS));
    return fetchNow(input, init);
  };
}

/**
 * Tells the mock or the web simulators what the chosen scenarios need. Call it after the SDK mock has
 * loaded and before the game's Python starts (old_client changes what platform.init() finds).
 */
export function applyScenarios(choice, web) {
  const sdk = choice.platform === "meta" ? globalThis.FBInstant : globalThis.TTMinis?.game;
  for (const name of choice.scenarios) {
    SCENARIOS[name][choice.platform]({ mock: globalThis.__gpMock, sdk, web });
  }
}

/** Draws the panel into `container`; a change reloads the page with the new choice. */
export function showPanel(container, choice) {
  const panel = document.createElement("details");
  panel.id = "dev-panel";
  panel.open = choice.scenarios.length > 0;
  const summary = document.createElement("summary");
  summary.textContent = `Developer panel: ${choice.platform}${
    choice.scenarios.length ? `, ${choice.scenarios.join(", ")}` : ""
  }`;
  panel.append(summary);

  const platforms = document.createElement("p");
  platforms.append("Platform the mocks present: ");
  for (const platform of PLATFORMS) {
    const label = document.createElement("label");
    const input = Object.assign(document.createElement("input"), {
      type: "radio",
      name: "dev-platform",
      value: platform,
      checked: platform === choice.platform,
    });
    input.addEventListener("change", () => reload({ ...choice, platform }));
    label.append(input, ` ${platform} `);
    platforms.append(label);
  }
  panel.append(platforms);

  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    const label = document.createElement("label");
    label.style.display = "block";
    const offered = Boolean(scenario[choice.platform]);
    const input = Object.assign(document.createElement("input"), {
      type: "checkbox",
      name,
      checked: choice.scenarios.includes(name),
      disabled: !offered,
    });
    input.addEventListener("change", () => {
      const scenarios = input.checked
        ? [...choice.scenarios, name]
        : choice.scenarios.filter((other) => other !== name);
      reload({ ...choice, scenarios });
    });
    label.append(input, ` ${scenario.label}${offered ? "" : ` (not on ${choice.platform})`}`);
    panel.append(label);
  }
  container.append(panel);
}

function reload(choice) {
  // scenarios the new platform does not offer are dropped by readChoice after the reload
  location.assign(urlFor(location.href, choice));
}
