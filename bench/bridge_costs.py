"""Bridge call costs in one page: each kind of ``bridge`` call, timed in Python, against the same target
called from a plain JavaScript loop in the same page; the overhead is reported as a ratio."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import Page

from .figures import duration, median, ratio, table
from .page_driver import run_py

# kind -> (report label, the plain JavaScript loop it is compared with; see pages/targets.js)
# Pairs measured back to back (call / bare FFI await, call_sync / bare FFI call), so drift hits both alike.
KINDS = {
    "call": ("bridge.call (Promise)", "call"),
    # Pyodide's own foreign-function calls, without gameport, to show which share of the cost is whose.
    "ffi_await": ("Pyodide FFI await, no gameport", "call"),
    "call_cb": ("bridge.call_cb (callbacks)", "call_cb"),
    "call_sync": ("bridge.call_sync", "call_sync"),
    "ffi_sync": ("Pyodide FFI call, no gameport", "call_sync"),
    "create_release": ("bridge.create + release", "create_release"),
    "on_cancel": ("bridge.on + cancel", "on_cancel"),
}
SETUP = """
import time
import js
from gameport.bridge import default_bridge

bench_bridge = default_bridge()
await bench_bridge.load_script("/_bench/targets.js", "benchjs", module=True)

def _ignore(event):
    pass

async def _calls(kind, n):
    b = bench_bridge
    if kind == "call":
        for i in range(n):
            await b.call("benchjs.resolveNow", i)
    elif kind == "call_cb":
        for i in range(n):
            await b.call_cb("benchjs.callbackNow", {"value": i})
    elif kind == "call_sync":
        for i in range(n):
            b.call_sync("benchjs.same", i)
    elif kind == "create_release":
        for i in range(n):
            b.release(await b.create("benchjs.makeCounter", i))
    elif kind == "on_cancel":
        for i in range(n):
            b.on("benchjs.emitter.on", _ignore, off="benchjs.emitter.off").cancel()
    elif kind == "ffi_sync":
        same = js.benchjs.same
        for i in range(n):
            same(i)
    elif kind == "ffi_await":
        resolve_now = js.benchjs.resolveNow
        for i in range(n):
            await resolve_now(i)
    else:
        raise ValueError(kind)

async def per_call_ms(kind, n):
    started = time.perf_counter()
    await _calls(kind, n)
    return (time.perf_counter() - started) * 1000 / n

result = True
"""
WARM_UP_CALLS = 50


@dataclass
class BridgeFigures:
    """Per kind, the ms per call of each round: through the bridge, and in plain JavaScript."""

    calls: int = 0
    bridge: dict[str, list[float]] = field(default_factory=dict)
    plain_js: dict[str, list[float]] = field(default_factory=dict)


def install(page: Page) -> None:
    """Load the targets into a booted bench page and define ``per_call_ms(kind, n)`` in its Python."""
    run_py(page, SETUP)


def bridge_ms(page: Page, kind: str, calls: int) -> float:
    """Milliseconds per call of ``calls`` calls of ``kind`` through the bridge (``install`` first)."""
    return float(run_py(page, f"result = await per_call_ms({kind!r}, {calls})"))


def plain_js_ms(page: Page, kind: str, calls: int) -> float:
    """Milliseconds per call of the plain JavaScript loop ``kind`` (at least ``calls`` calls)."""
    return float(page.evaluate("([kind, calls]) => benchjs.perCall(kind, calls)", [kind, calls]))


def measure(page: Page, rounds: int, calls: int) -> BridgeFigures:
    """``rounds`` rounds of ``calls`` calls per kind, each round timing the bridge and then plain JS."""
    install(page)
    for kind, (_, js_kind) in KINDS.items():
        bridge_ms(page, kind, WARM_UP_CALLS)
        plain_js_ms(page, js_kind, WARM_UP_CALLS)
    figures = BridgeFigures(calls=calls, bridge={k: [] for k in KINDS}, plain_js={k: [] for k in KINDS})
    for _ in range(rounds):
        for kind, (_, js_kind) in KINDS.items():
            figures.bridge[kind].append(bridge_ms(page, kind, calls))
            figures.plain_js[kind].append(plain_js_ms(page, js_kind, calls))
    return figures


def round_ratio(figures: BridgeFigures, kind: str, base: str) -> float:
    """The median over rounds of ``kind``'s cost over ``base``'s in the same round."""
    return median([a / b for a, b in zip(figures.bridge[kind], figures.bridge[base], strict=True) if b > 0])


def render(figures: BridgeFigures) -> str:
    """One row per kind: median ms per call through the bridge, in plain JS, and their ratio."""
    rows = []
    for kind, (label, _) in KINDS.items():
        through, plain = median(figures.bridge[kind]), median(figures.plain_js[kind])
        rows.append([label, duration(through), duration(plain), ratio(through, plain)])

    def times(kind: str, base: str) -> str:
        return f"{round_ratio(figures, kind, base):.2f}x"

    gameport_part = (
        "gameport over bare Pyodide (median of the per-round ratios): "
        f"call_sync {times('call_sync', 'ffi_sync')} a bare FFI call, call {times('call', 'ffi_await')} and "
        f"call_cb {times('call_cb', 'ffi_await')} a bare FFI await"
    )
    return f"{table(['call', 'per call', 'plain JS call', 'ratio'], rows)}\n{gameport_part}"
