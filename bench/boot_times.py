"""Where a boot's time goes, in headless Chromium on the bench page: page + Pyodide ready, gameport's wheel
put on sys.path and imported by the loader, waiting for the SDK script (loaded in parallel), the bench's own
``import gameport`` (already imported: a no-op) and ``platform.init()``, per platform (TikTok mock, Meta mock,
web), each part as a share of the total."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from playwright.sync_api import Browser, Page

from .figures import duration, median, share, size, table
from .page_driver import SDK_QUERIES, open_bench_page, run_py

PLATFORMS = tuple(SDK_QUERIES)
PARTS = (
    "page + Pyodide ready",
    "import gameport (loader)",
    "rest of the SDK wait",
    "import gameport (again)",
    "platform.init()",
)
# One configuration for boot and ads: a public TikTok client key and the placement the ad bench shows.
CONFIG_JSON = json.dumps(
    {
        "environment": "sandbox",
        "platforms": {
            "tiktok": {"sandbox": {"client_key": "ck-public-bench", "placements": {"revive": "unit-revive"}}},
            "meta": {"sandbox": {"placements": {"revive": "unit-revive"}}},
            "web": {"sandbox": {"placements": {"revive": "unit-revive"}}},
        },
    }
)
INIT = f"""
import time
started = time.perf_counter()
import gameport
imported = time.perf_counter()
await gameport.platform.init(config=gameport.GameConfig.from_json({CONFIG_JSON!r}))
result = [gameport.platform.name.value, (imported - started) * 1000, (time.perf_counter() - imported) * 1000]
"""
DOWNLOADED = """() => {
  const entries = [
    ...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource"),
  ];
  return {bytes: entries.reduce((sum, e) => sum + e.encodedBodySize, 0), requests: entries.length};
}"""


@dataclass
class BootFigures:
    """Per platform, one ``{part: ms}`` per boot; the bytes one web boot fetched; the last page of each
    platform, left open (gameport booted, ``platform`` initialised) for the bridge and ad benchmarks."""

    runs: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    downloaded_bytes: int = 0
    requests: int = 0
    pages: dict[str, Page] = field(default_factory=dict)


def _boot_once(browser: Browser, base_url: str, platform: str) -> tuple[Page, dict[str, float]]:
    page, marks = open_bench_page(browser, base_url, platform)
    name, import_ms, init_ms = run_py(page, INIT)
    if name != platform:
        raise RuntimeError(f"platform.init() detected {name} on the {platform} bench page")
    parts = {
        PARTS[0]: marks["runtime"],
        PARTS[1]: marks["packages"] - marks["runtime"],
        PARTS[2]: marks["ready"] - marks["packages"],
        PARTS[3]: import_ms,
        PARTS[4]: init_ms,
    }
    return page, parts


def measure(browser: Browser, base_url: str, runs: int) -> BootFigures:
    """Boot ``runs`` fresh pages per platform, interleaving platforms so machine noise hits each alike."""
    figures = BootFigures(runs={name: [] for name in PLATFORMS})
    for run in range(runs):
        for platform in PLATFORMS:
            page, parts = _boot_once(browser, base_url, platform)
            figures.runs[platform].append(parts)
            if platform == "web" and run == 0:
                fetched = page.evaluate(DOWNLOADED)
                figures.downloaded_bytes, figures.requests = fetched["bytes"], fetched["requests"]
            if platform in figures.pages:
                figures.pages[platform].context.close()
            figures.pages[platform] = page
    return figures


def render(figures: BootFigures, wheel_bytes: int) -> str:
    """The boot table (median per part and its share of the median total) and the download line."""
    headers = ["part"] + [f"{name} {col}" for name in PLATFORMS for col in ("median", "share")]
    totals = {name: median([sum(run.values()) for run in figures.runs[name]]) for name in PLATFORMS}
    rows = []
    for part in PARTS:
        row = [part]
        for name in PLATFORMS:
            value = median([run[part] for run in figures.runs[name]])
            row += [duration(value), share(value, totals[name])]
        rows.append(row)
    rows.append(["total"] + [cell for name in PLATFORMS for cell in (duration(totals[name]), "100 %")])
    download = (
        f"one web boot fetched {size(figures.downloaded_bytes)} in {figures.requests} requests; "
        f"the gameport wheel (as served) is {share(wheel_bytes, figures.downloaded_bytes)} of that"
    )
    return f"{table(headers, rows)}\n{download}"
