"""Measure sizes, boot, bridge and ad costs in one run; print them as figures and ratios.

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
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import sync_playwright

from . import ad_costs, boot_times, bridge_costs, dist_sizes, purchase_costs
from .figures import count
from .page_driver import launch_args, served_site

DIST = Path(__file__).resolve().parents[1] / "dist"


@dataclass(frozen=True)
class Samples:
    """How much to measure: boots per platform, bridge rounds x calls, ad rounds x shows."""

    boots: int
    rounds: int
    calls: int
    ad_rounds: int
    shows: int

    def describe(self) -> str:
        return (
            f"{count(self.boots, 'boot')} per platform, bridge {count(self.rounds, 'round')} x "
            f"{count(self.calls, 'call')}, ads {count(self.ad_rounds, 'round')} x {count(self.shows, 'show')}"
        )


FULL = Samples(boots=3, rounds=5, calls=2000, ad_rounds=5, shows=100)
QUICK = Samples(boots=1, rounds=1, calls=50, ad_rounds=1, shows=5)


def section(title: str, body: str) -> None:
    print(f"\n== {title} ==\n{body}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewest samples: a smoke run")
    samples = QUICK if parser.parse_args(argv).quick else FULL
    info = json.loads((DIST / "build-info.json").read_text())
    started = time.monotonic()
    files = dist_sizes.measure(DIST)
    with served_site() as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_args())
        print(
            f"gameport {info['gameport']} bench ({'quick' if samples is QUICK else 'full'}: "
            f"{samples.describe()})\n"
            f"machine: {os.cpu_count()} cores, headless Chromium {browser.version}, "
            f"Pyodide {info['pyodide']} (Python {info['python']})",
            flush=True,
        )
        section("size", dist_sizes.render(files))
        try:
            boot = boot_times.measure(browser, base_url, samples.boots)
            section(
                f"boot (a fresh page each, from navigation start; median of {count(samples.boots, 'boot')} "
                "per platform; share of the median total)",
                boot_times.render(boot, dist_sizes.wheel_bytes(files)),
            )
            bridge = bridge_costs.measure(boot.pages["web"], samples.rounds, samples.calls)
            section(
                f"bridge (web page; median of {count(samples.rounds, 'round')} x "
                f"{count(samples.calls, 'call')}; ratio to the same target called by a plain JS loop there)",
                bridge_costs.render(bridge),
            )
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
        finally:
            browser.close()
    print(
        f"\nOne run in {time.monotonic() - started:.0f} s. Absolute times vary between runs and machines: "
        "compare the ratios.",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
