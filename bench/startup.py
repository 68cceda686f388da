"""Start-up against the reference, in one run: stock Pyodide on a bare page (``loadPyodide()`` resolved, the
same runtime files from npm, served by the same server with the same precompressed variants) against the demo
page up to ``platform.ready()`` on each platform's mock, unthrottled and under Chromium's network emulation
(1 MB/s, 100 ms latency, cache disabled). Cases are interleaved round by round so machine drift hits each
alike.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page

from .figures import duration, median, ratio, share, table

ROOT = Path(__file__).resolve().parents[1]
STOCK_DIR = ROOT / ".cache" / "bench-stock"
STOCK_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
PLATFORMS = ("tiktok", "meta", "web")
# Chromium DevTools network emulation: bytes per second, milliseconds.
THROTTLE = {"offline": False, "latency": 100, "downloadThroughput": 1_000_000, "uploadThroughput": 1_000_000}
BOOT_TIMEOUT_MS = 180_000

# Navigation-relative milliseconds and what came over the wire, read from the page once it is ready.
COLLECT = """() => {
  const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? null;
  const paint = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null;
  const entries = [
    ...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource"),
  ];
  return {
    ready: mark("gameport:ready") ?? mark("stock:ready"),
    loadingPainted: mark("gameport:loading-painted"),
    firstPaint: paint,
    requests: entries.map((e) => ({url: e.name, encoded: e.encodedBodySize, decoded: e.decodedBodySize})),
  };
}"""
STOCK_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>stock Pyodide</title></head>
<body><p>stock Pyodide: loadPyodide() on a bare page</p>
<script type="module" src="./stock.js"></script></body>
</html>
"""
STOCK_JS = """// Stock Pyodide, nothing else: the reference the demo's start-up is compared with.
import { loadPyodide } from "./pyodide.mjs";

window.__benchReady = loadPyodide().then((pyodide) => {
  performance.mark("stock:ready");
  window.stockPyodide = pyodide;
  return true;
});
"""


def prepare_stock(build: Any) -> Path:
    """The stock runtime files from node_modules with their .br/.gz (build.py's precompress, cached)."""
    STOCK_DIR.mkdir(parents=True, exist_ok=True)
    for name in STOCK_FILES:
        shutil.copyfile(ROOT / "node_modules" / "pyodide" / name, STOCK_DIR / name)
    (STOCK_DIR / "index.html").write_text(STOCK_PAGE)
    (STOCK_DIR / "stock.js").write_text(STOCK_JS)
    build.precompress(STOCK_DIR)
    return STOCK_DIR


@dataclass
class Boot:
    """One boot: navigation-relative ms and the requests it made (url, encoded and decoded bytes)."""

    ready: float
    first_paint: float | None
    loading_painted: float | None
    requests: list[dict[str, Any]]


@dataclass
class StartupFigures:
    """Per case ("stock", "tiktok", "meta", "web") and network ("fast", "1MB/s"), the boots of each round."""

    boots: dict[tuple[str, str], list[Boot]] = field(default_factory=dict)
    memory_after_boot: dict[str, int] = field(default_factory=dict)


def _open(browser: Browser, url: str, throttled: bool) -> Page:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(BOOT_TIMEOUT_MS)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if throttled:
        cdp.send("Network.emulateNetworkConditions", THROTTLE)
    page.goto(url)
    return page


def boot_once(browser: Browser, base_url: str, case: str, throttled: bool) -> tuple[Boot, int]:
    """Boot ``case`` in a fresh context; answer the boot and the wasm memory size after it (bytes)."""
    if case == "stock":
        page = _open(browser, f"{base_url}/_stock/index.html", throttled)
        page.wait_for_function("() => performance.getEntriesByName('stock:ready').length > 0")
        memory = page.evaluate("() => window.stockPyodide._module.HEAPU8.byteLength")
    else:
        query = "" if case == "web" else f"?mock={case}"
        page = _open(browser, f"{base_url}/index.html{query}", throttled)
        page.wait_for_function("() => performance.getEntriesByName('gameport:ready').length > 0")
        memory = page.evaluate("() => window.gameportDemo.pyodide._module.HEAPU8.byteLength")
    got = page.evaluate(COLLECT)
    page.context.close()
    boot = Boot(got["ready"], got["firstPaint"], got["loadingPainted"], got["requests"])
    return boot, memory


def measure(browser: Browser, base_url: str, rounds: int) -> StartupFigures:
    """``rounds`` rounds; in each, every case unthrottled, then every case at 1 MB/s."""
    figures = StartupFigures()
    for _ in range(rounds):
        for network in ("fast", "1MB/s"):
            for case in ("stock", *PLATFORMS):
                boot, memory = boot_once(browser, base_url, case, network != "fast")
                figures.boots.setdefault((case, network), []).append(boot)
                if network == "fast":
                    figures.memory_after_boot[case] = memory
    return figures


def _median_of(boots: list[Boot], attr: str) -> float | None:
    values = [getattr(b, attr) for b in boots if getattr(b, attr) is not None]
    return median(values) if values else None


def _mb(num_bytes: int) -> str:
    return f"{num_bytes / 1e6:.3f} MB"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else duration(value)


def render_times(figures: StartupFigures) -> str:
    """Per network: stock ready, each platform's ready and its ratio to stock, first paints."""
    rows = []
    for network in ("fast", "1MB/s"):
        stock = figures.boots[("stock", network)]
        stock_ready = _median_of(stock, "ready") or 0.0
        rows.append(
            [
                f"stock Pyodide ({network})",
                _ms(stock_ready),
                "1.00x",
                _ms(_median_of(stock, "first_paint")),
                "-",
            ]
        )
        for case in PLATFORMS:
            boots = figures.boots[(case, network)]
            ready = _median_of(boots, "ready") or 0.0
            rows.append(
                [
                    f"demo {case} ({network})",
                    _ms(ready),
                    ratio(ready, stock_ready),
                    _ms(_median_of(boots, "first_paint")),
                    _ms(_median_of(boots, "loading_painted")),
                ]
            )
    headers = ["case", "ready", "vs stock", "first paint", "loading screen painted"]
    return table(headers, rows)


def wire_bytes(requests: list[dict[str, Any]], base_url: str, roots: dict[str, Path]) -> dict[str, int]:
    """What one boot's requests weigh as raw files, gzip and brotli (from the files the server holds, per
    requested URL; a file without a .gz/.br counts as raw), and as measured (encoded body bytes)."""
    out = {"requests": len(requests), "raw": 0, "gzip": 0, "br": 0, "measured": 0}
    for request in requests:
        out["measured"] += int(request["encoded"])
        url = request["url"].split("?")[0].split("#")[0]
        if not url.startswith(base_url):
            continue
        path = url[len(base_url) :]
        prefix = max((p for p in roots if path.startswith(p)), key=len, default=None)
        if prefix is None:
            continue
        file = roots[prefix] / path[len(prefix) :].lstrip("/")
        if not file.is_file():
            continue
        raw = file.stat().st_size
        out["raw"] += raw
        for key, suffix in (("gzip", ".gz"), ("br", ".br")):
            variant = file.with_name(file.name + suffix)
            out[key] += variant.stat().st_size if variant.is_file() else raw
    return out


def gameport_bytes(requests: list[dict[str, Any]]) -> int:
    """Measured bytes of gameport's own files in one boot: the wheel and js_bridge/ (not the mocks)."""
    return sum(
        int(r["encoded"])
        for r in requests
        if "/wheels/gameport-" in r["url"] or ("/js_bridge/" in r["url"] and "/mocks/" not in r["url"])
    )


def render_bytes(
    figures: StartupFigures, base_url: str, roots: dict[str, Path]
) -> tuple[str, dict[str, Any]]:
    """Bytes on the wire per boot, raw / gzip / brotli / measured, requests; gameport's own share."""
    rows, data = [], {}
    for case in ("stock", *PLATFORMS):
        boot = figures.boots[(case, "fast")][0]
        weights = wire_bytes(boot.requests, base_url, roots)
        own = gameport_bytes(boot.requests) if case != "stock" else 0
        data[case] = {**weights, "gameport": own}
        rows.append(
            [
                "stock Pyodide" if case == "stock" else f"demo {case}",
                _mb(weights["raw"]),
                _mb(weights["gzip"]),
                _mb(weights["br"]),
                _mb(weights["measured"]),
                str(weights["requests"]),
                "-" if case == "stock" else share(own, weights["measured"]),
            ]
        )
    headers = ["boot", "raw", "gzip", "brotli", "on the wire", "requests", "gameport's own"]
    return table(headers, rows), data
