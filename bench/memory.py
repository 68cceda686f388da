"""Memory and proxies over ten rounds of bridge and ad activity in a booted bench page (the demo game's own
rounds: demo_rounds.py): ``calls`` of each kind of bridge call and ``shows`` rewarded ads (TikTok and
Meta mocks; the web page has no ad provider, so bridge calls only). After each round: ``gc.collect()``, then
the wasm memory size, live PyProxies (Pyodide's allocation tracing) and JS references held by Python."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import Page

from . import ad_costs, bridge_costs
from .figures import size, table
from .page_driver import run_py

ROUNDS = 10
ROUND = """
import gc
for _ in range({calls}):
    await bench_bridge.call("benchjs.resolveNow", 1)
    await bench_bridge.call_cb("benchjs.callbackNow", {{"value": 1}})
    bench_bridge.call_sync("benchjs.same", 1)
    bench_bridge.release(await bench_bridge.create("benchjs.makeCounter", 1))
    bench_bridge.on("benchjs.emitter.on", _ignore, off="benchjs.emitter.off").cancel()
for _ in range({shows}):
    shown = await gameport.platform.ads.show_rewarded("revive")
    if not shown.rewarded:
        raise RuntimeError(f"a scripted completed ad answered {{shown}}")
gc.collect()
result = True
"""
COUNTS_OF = """() => ({{
  memory: {pyodide}._module.HEAPU8.byteLength,
  pyproxies: {pyodide}._module.pyproxy_alloc_map.size,
  jsrefs: {pyodide}._module._hiwire_num_refs(),
}})"""
COUNTS = COUNTS_OF.format(pyodide="window.gp.pyodide")


@dataclass
class MemoryFigures:
    """Per platform, the counts after boot (before round 1) and after each round."""

    after_boot: dict[str, dict[str, int]] = field(default_factory=dict)
    rounds: dict[str, list[dict[str, int]]] = field(default_factory=dict)


def measure(pages: dict[str, Page], calls: int, shows: int) -> MemoryFigures:
    figures = MemoryFigures()
    for platform, page in pages.items():
        page.evaluate("() => window.gp.pyodide._module.enable_pyproxy_allocation_tracing()")
        bridge_costs.install(page)
        figures.after_boot[platform] = page.evaluate(COUNTS)
        figures.rounds[platform] = []
        ads = shows if platform in ad_costs.SHOW_API else 0
        for _ in range(ROUNDS):
            if ads:
                page.evaluate(
                    "([api, n]) => { for (let i = 0; i < n; i++) __gpMock.script(api, 'completed'); }",
                    [ad_costs.SHOW_API[platform], ads],
                )
            run_py(page, ROUND.format(calls=calls, shows=ads))
            figures.rounds[platform].append(page.evaluate(COUNTS))
    return figures


def growth(figures: MemoryFigures, platform: str, key: str) -> int:
    """How much ``key`` grew from the end of round 1 to the end of the last (round 1 warms caches up)."""
    rounds = figures.rounds[platform]
    return rounds[-1][key] - rounds[0][key]


def render(figures: MemoryFigures) -> str:
    """The table of ``figures``, its columns named by the number of rounds actually played."""
    last = max((len(r) for r in figures.rounds.values()), default=0)
    rows = []
    for platform, rounds in figures.rounds.items():
        rows.append(
            [
                platform,
                size(figures.after_boot[platform]["memory"]),
                size(rounds[0]["memory"]),
                size(rounds[-1]["memory"]),
                f"{growth(figures, platform, 'memory'):+,} B",
                f"{rounds[0]['pyproxies']} -> {rounds[-1]['pyproxies']}",
                f"{rounds[0]['jsrefs']} -> {rounds[-1]['jsrefs']}",
            ]
        )
    headers = ["page", "wasm memory after boot", "after round 1", f"after round {last}", f"growth 1->{last}",
               f"live PyProxies 1->{last}", f"JS refs 1->{last}"]  # fmt: skip
    return table(headers, rows)
