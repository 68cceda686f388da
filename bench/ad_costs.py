"""``platform.ads.show_rewarded`` through the TikTok and Meta mocks (completed, no scripted delays), as a
ratio to one ``bridge.call`` timed in the same page."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import Page

from . import bridge_costs
from .figures import duration, median, ratio, table
from .page_driver import run_py

# The mock API whose next calls a scripted "completed" step answers, per platform (js_bridge/mocks).
SHOW_API = {"tiktok": "ad.show", "meta": "ad.showAsync"}
SHOWS = """
import time
started = time.perf_counter()
for _ in range({n}):
    shown = await gameport.platform.ads.show_rewarded("revive")
    if not shown.rewarded:
        raise RuntimeError(f"a scripted completed ad answered {{shown}}")
result = (time.perf_counter() - started) * 1000 / {n}
"""
WARM_UP_SHOWS = 3


@dataclass
class AdFigures:
    """Per platform, ms per rewarded show and ms per ``bridge.call`` of each round."""

    shows: dict[str, list[float]] = field(default_factory=dict)
    bridge_call: dict[str, list[float]] = field(default_factory=dict)


def _show_ms(page: Page, platform: str, shows: int) -> float:
    page.evaluate(
        "([api, n]) => { for (let i = 0; i < n; i++) __gpMock.script(api, 'completed'); }",
        [SHOW_API[platform], shows],
    )
    return float(run_py(page, SHOWS.format(n=shows)))


def measure(pages: dict[str, Page], rounds: int, shows: int, calls: int) -> AdFigures:
    """In each platform's page (``platform`` initialised there), alternate ``shows`` rewarded shows and
    ``calls`` bridge calls, ``rounds`` times."""
    figures = AdFigures()
    for platform in SHOW_API:
        page = pages[platform]
        bridge_costs.install(page)
        _show_ms(page, platform, WARM_UP_SHOWS)
        bridge_costs.bridge_ms(page, "call", bridge_costs.WARM_UP_CALLS)
        figures.shows[platform], figures.bridge_call[platform] = [], []
        for _ in range(rounds):
            figures.shows[platform].append(_show_ms(page, platform, shows))
            figures.bridge_call[platform].append(bridge_costs.bridge_ms(page, "call", calls))
    return figures


def render(figures: AdFigures) -> str:
    """One row per platform: median ms per rewarded show, per bridge.call, and their ratio."""
    rows = []
    for platform in figures.shows:
        show, call = median(figures.shows[platform]), median(figures.bridge_call[platform])
        rows.append([platform, duration(show), duration(call), ratio(show, call)])
    return table(["platform", "show_rewarded", "bridge.call", "ratio"], rows)
