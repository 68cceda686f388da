"""Pure helpers for the benchmark report: medians, ratios, shares, units and plain-text tables.

Nothing here measures anything; every function is deterministic so tests can check it on made-up numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase

# Groups of the size table, in report order: (label, fnmatch pattern on a dist/-relative posix path).
SIZE_GROUPS: tuple[tuple[str, str], ...] = (
    ("Pyodide wasm", "pyodide/pyodide.asm.wasm"),
    ("stdlib zip (trimmed, .pyc)", "pyodide/python_stdlib.zip"),
    ("Pyodide js", "pyodide/*.mjs"),
    ("gameport wheel", "wheels/gameport-*"),
    ("js_bridge/ (mocks included)", "js_bridge/*"),
)
OTHER_GROUP = "game and build-info.json"


def median(values: Sequence[float]) -> float:
    """The median of ``values`` (the mean of the middle two for an even count).

    Raises:
        ValueError: ``values`` is empty.
    """
    if not values:
        raise ValueError("median of no values")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def count(n: int, noun: str) -> str:
    """``"1 round"``, ``"5 rounds"``: ``n`` and ``noun``, with an s unless n is 1."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def ratio(value: float, base: float) -> str:
    """``value / base`` as ``"4.51x"``, ``"12.3x"`` or ``"1,091x"``; "n/a" when ``base`` is not positive."""
    if base <= 0:
        return "n/a"
    times = value / base
    if times >= 100:
        return f"{times:,.0f}x"
    if times >= 10:
        return f"{times:.1f}x"
    return f"{times:.2f}x"


def share(part: float, total: float) -> str:
    """``part`` as a percentage of ``total``: ``"12.3 %"``; "n/a" if total <= 0."""
    if total <= 0:
        return "n/a"
    return f"{100 * part / total:.1f} %"


def size(num_bytes: float) -> str:
    """Bytes in decimal units: ``"812 B"``, ``"3.4 kB"``, ``"13.7 MB"``."""
    if num_bytes < 1000:
        return f"{num_bytes:.0f} B"
    if num_bytes < 1_000_000:
        return f"{num_bytes / 1000:.1f} kB"
    return f"{num_bytes / 1_000_000:.1f} MB"


def _three_figures(value: float, unit: str) -> str:
    decimals = 0 if value >= 100 else 1 if value >= 10 else 2
    return f"{value:.{decimals}f} {unit}"


def duration(ms: float) -> str:
    """Milliseconds to three significant figures in a readable unit: ``"45 ns"``, ``"3.20 us"``,
    ``"12.3 ms"``, ``"4.56 s"``."""
    if ms >= 1000:
        return _three_figures(ms / 1000, "s")
    if ms >= 1:
        return _three_figures(ms, "ms")
    if ms >= 0.001:
        return _three_figures(ms * 1000, "us")
    return f"{ms * 1_000_000:.0f} ns"


def size_rows(files: Mapping[str, int]) -> list[tuple[str, int, int]]:
    """Group ``{dist/-relative path: bytes}`` into ``(label, bytes, file count)`` rows in SIZE_GROUPS order.

    Files no group claims are summed in a last ``OTHER_GROUP`` row; empty groups are left out.
    """
    totals: dict[str, list[int]] = {}
    for path, num_bytes in sorted(files.items()):
        label = next((name for name, pattern in SIZE_GROUPS if fnmatchcase(path, pattern)), OTHER_GROUP)
        entry = totals.setdefault(label, [0, 0])
        entry[0] += num_bytes
        entry[1] += 1
    order = [name for name, _ in SIZE_GROUPS] + [OTHER_GROUP]
    return [(name, totals[name][0], totals[name][1]) for name in order if name in totals]


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: the first column left-aligned, the others right-aligned, two spaces apart."""
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        parts = [
            str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    return "\n".join([line(headers), *(line(row) for row in rows)])
