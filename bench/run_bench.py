"""Measure start-up against stock Pyodide, sizes, bridge and ad costs and memory in one run; print figures,
ratios and the targets they meet, and write them as JSON under .cache/.

``python3 build.py bench`` sets up, builds and runs this from the repository root in the project's .venv:

    .venv/bin/python -m bench.run_bench [--quick]

``--quick`` takes the fewest samples (a smoke run, not a measurement). Exit status 0 when every section
was measured. No timing is ever asserted: the machines are noisy, so compare ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright
from tests.build_script import load_build_script

from . import (
    ad_costs,
    boot_times,
    bridge_costs,
    demo_rounds,
    dist_sizes,
    memory,
    native_boot,
    package_sizes,
    purchase_costs,
    startup,
)
from .figures import count, duration, median, table
from .page_driver import launch_args, open_bench_page, run_py, served_site, site_routes

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
RESULTS = ROOT / ".cache" / "bench"


@dataclass(frozen=True)
class Samples:
    """How much to measure: start-up rounds (each boots stock + 3 platforms, fast and at 1 MB/s), boots per
    platform for the parts table, bridge rounds x calls, ad rounds x shows, calls/shows per memory round."""

    startup_rounds: int
    boots: int
    rounds: int
    calls: int
    ad_rounds: int
    shows: int
    memory_calls: int
    memory_shows: int
    demo_rounds: int

    def describe(self) -> str:
        return (
            f"start-up {count(self.startup_rounds, 'round')} x 8 boots, {count(self.boots, 'boot')} per "
            f"platform for the parts, bridge {count(self.rounds, 'round')} x {count(self.calls, 'call')}, "
            f"ads {count(self.ad_rounds, 'round')} x {count(self.shows, 'show')}"
        )


# Each count for the full run and for --quick's smoke run, side by side.
_COUNTS = {
    "startup_rounds": (3, 1),
    "boots": (3, 1),
    "rounds": (5, 1),
    "calls": (2000, 50),
    "ad_rounds": (5, 1),
    "shows": (100, 5),
    "memory_calls": (200, 10),
    "memory_shows": (20, 2),
    "demo_rounds": (memory.ROUNDS, 2),
}
FULL = Samples(**{name: full for name, (full, _quick) in _COUNTS.items()})
QUICK = Samples(**{name: quick for name, (_full, quick) in _COUNTS.items()})


def section(title: str, body: str) -> None:
    print(f"\n== {title} ==\n{body}", flush=True)


def targets(
    up: startup.StartupFigures,
    wire: dict[str, Any],
    bridge: bridge_costs.BridgeFigures,
    mem: memory.MemoryFigures,
    demo_mem: memory.MemoryFigures,
) -> list[list[str]]:
    """Each target of issue #12 with the figure measured in this run and whether it is met."""
    rows: list[list[str]] = []

    def add(what: str, figure: str, target: str, met: bool) -> None:
        rows.append([what, figure, target, "met" if met else "NOT met"])

    for network in ("fast", "1MB/s"):
        stock = median([b.ready for b in up.boots[("stock", network)]])
        worst = max(median([b.ready for b in up.boots[(p, network)]]) / stock for p in startup.PLATFORMS)
        add(
            f"demo ready / stock Pyodide ({network}, worst platform)",
            f"{worst:.2f}x",
            "<= 0.80x",
            worst <= 0.8,
        )
    for network, limit in (("fast", 300.0), ("1MB/s", 2000.0)):
        medians = [
            median(
                [b.loading_painted for b in up.boots[(p, network)] if b.loading_painted is not None] or [1e9]
            )
            for p in startup.PLATFORMS
        ]
        add(f"loading screen painted ({network}, worst platform's median)", duration(max(medians)),
            f"<= {duration(limit)}", max(medians) <= limit)  # fmt: skip
    demo = [wire[p] for p in startup.PLATFORMS]
    br, gz = max(d["br"] for d in demo), max(d["gzip"] for d in demo)
    add("demo bytes on the wire, brotli (worst platform)", f"{br / 1e6:.3f} MB", "<= 3.8 MB", br <= 3_800_000)
    add("demo bytes on the wire, gzip (worst platform)", f"{gz / 1e6:.3f} MB", "<= 4.5 MB", gz <= 4_500_000)
    own = max(d["gameport"] / d["measured"] for d in demo)
    add("gameport's own bytes (wheel + js_bridge/) / demo total", f"{100 * own:.1f} %", "<= 3 %", own <= 0.03)
    call = bridge_costs.round_ratio(bridge, "call", "ffi_await")
    sync = bridge_costs.round_ratio(bridge, "call_sync", "ffi_sync")
    add("bridge.call / bare FFI await", f"{call:.2f}x", "<= 1.5x", call <= 1.5)
    add("bridge.call_sync / bare FFI call", f"{sync:.2f}x", "<= 10x", sync <= 10)
    for label, figures in (("rounds of the demo game", demo_mem), ("rounds of bridge calls", mem)):
        mem_growth = max(memory.growth(figures, p, "memory") for p in figures.rounds)
        proxy_growth = max(memory.growth(figures, p, "pyproxies") for p in figures.rounds)
        last = len(next(iter(figures.rounds.values())))
        add(f"wasm memory growth, {label}, 1 -> {last}", f"{mem_growth:+,} B", "0", mem_growth <= 0)
        add(f"live PyProxies growth, {label}, 1 -> {last}", f"{proxy_growth:+d}", "0", proxy_growth <= 0)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewest samples: a smoke run")
    samples = QUICK if parser.parse_args(argv).quick else FULL
    info = json.loads((DIST / "build-info.json").read_text())
    started = time.monotonic()
    files = dist_sizes.measure(DIST)
    stock_dir = startup.prepare_stock(load_build_script())
    report: dict[str, Any] = {
        "samples": asdict(samples),
        "build": {k: info[k] for k in ("gameport", "pyodide")},
    }
    with served_site(stock_dir) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_args())
        machine = f"{os.cpu_count()} cores, headless Chromium {browser.version}"
        report["machine"] = machine
        print(
            f"gameport {info['gameport']} bench ({'quick' if samples is QUICK else 'full'}: "
            f"{samples.describe()})\nmachine: {machine}, Pyodide {info['pyodide']} (Python {info['python']})",
            flush=True,
        )
        gz, br = dist_sizes.served(DIST, files, ".gz"), dist_sizes.served(DIST, files, ".br")
        section("size (dist/: raw, and as served precompressed)", dist_sizes.render(files, gz, br))
        report["size"] = {"raw": files, "gzip": gz, "br": br}
        try:
            up = startup.measure(browser, base_url, samples.startup_rounds)
            section(
                "start-up vs stock Pyodide (fresh context each, cache disabled, navigation-relative; "
                f"median of "
                f"{count(samples.startup_rounds, 'round')}, cases interleaved; 1MB/s = DevTools emulation, "
                "1,000,000 B/s, 100 ms latency)",
                startup.render_times(up),
            )
            wire_table, wire = startup.render_bytes(up, base_url, site_routes(stock_dir))
            section(
                "bytes on the wire per boot (first fast round; raw/gzip/brotli from the files served)",
                wire_table,
            )
            report["startup"] = {
                f"{case} {network}": [asdict(b) | {"requests": len(b.requests)} for b in boots]
                for (case, network), boots in up.boots.items()
            }
            report["wire"] = wire
            report["memory_after_boot"] = up.memory_after_boot

            boot = boot_times.measure(browser, base_url, samples.boots)
            section(
                f"boot parts (bench page, median of {count(samples.boots, 'boot')} per platform; "
                "share of the "
                "median total)",
                boot_times.render(boot, dist_sizes.wheel_bytes(br)),
            )
            report["boot_parts"] = boot.runs
            bridge = bridge_costs.measure(boot.pages["web"], samples.rounds, samples.calls)
            section(
                f"bridge (web page; median of {count(samples.rounds, 'round')} x "
                f"{count(samples.calls, 'call')}; ratio to the same target called by a plain JS loop there)",
                bridge_costs.render(bridge),
            )
            report["bridge"] = {"bridge": bridge.bridge, "plain_js": bridge.plain_js}
            ads = ad_costs.measure(boot.pages, samples.ad_rounds, samples.shows, samples.calls)
            section(
                f"ads (show_rewarded, completed, no mock delays; median of "
                f"{count(samples.ad_rounds, 'round')} x {count(samples.shows, 'show')}; "
                "ratio to one bridge.call in the same page)",
                ad_costs.render(ads),
            )
            bought = purchase_costs.measure(
                boot.pages["tiktok"], samples.ad_rounds, samples.shows // 5 or 1, samples.calls
            )
            section(
                "purchases (TikTok mock, reference backend and mock platform server on 127.0.0.1, answering "
                "at once; median per round trip; ratio to one bridge.call in the same page)",
                purchase_costs.render(bought),
            )
            report["purchases"] = {"purchase": bought[0], "bridge_call": bought[1]}
            report["ads"] = {"shows": ads.shows, "bridge_call": ads.bridge_call}
            for page in boot.pages.values():
                page.context.close()
            fresh = {p: open_bench_page(browser, base_url, p)[0] for p in boot_times.PLATFORMS}
            for page in fresh.values():
                run_py(page, boot_times.INIT)
            mem = memory.measure(fresh, samples.memory_calls, samples.memory_shows)
            section(
                f"memory over {memory.ROUNDS} rounds of bridge calls (bench page: a round is "
                f"{count(samples.memory_calls, 'call')} of each bridge kind + "
                f"{count(samples.memory_shows, 'rewarded show')} on TikTok/Meta; gc.collect() after each)",
                memory.render(mem),
            )
            report["memory"] = asdict(mem)
            demo_mem = demo_rounds.measure(browser, base_url, samples.demo_rounds)
            section(
                f"memory over {samples.demo_rounds} rounds of the demo game "
                f"({', '.join(demo_rounds.PLATFORMS)}; "
                "each round played to its end with real input events; gc.collect() after each)",
                memory.render(demo_mem),
            )
            report["demo_memory"] = asdict(demo_mem)
            rows = targets(up, wire, bridge, mem, demo_mem)
            section("targets (issue #12)", table(["target", "measured", "wanted", ""], rows))
            report["targets"] = rows
        finally:
            browser.close()
    packages = package_sizes.measure(DIST)
    section(
        "upload packages (build.py package, from dist/; gzip/brotli of the same files)",
        package_sizes.render(packages),
    )
    report["packages"] = packages
    native = native_boot.measure(samples.boots)
    section(
        "TikTok native package (build.py package --platform tiktok): its parts, and the demo's boot in the "
        "native-runtime simulator (Node's V8, no download time: lower bounds of a device's figures)",
        native_boot.render(native),
    )
    report["native"] = {"parts": native.parts, "boots": native.boots}
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    out = RESULTS / f"bench-{stamp}{'-quick' if samples is QUICK else ''}.json"
    out.write_text(json.dumps(report, indent=1, default=str) + "\n")
    (RESULTS / "latest.json").write_text(out.read_text())
    print(
        f"\nOne run in {time.monotonic() - started:.0f} s, written to {out.relative_to(ROOT)}. "
        "Absolute times vary between runs and machines: compare the ratios.",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
