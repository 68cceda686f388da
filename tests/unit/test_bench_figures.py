"""The benchmark report's pure helpers: medians, ratios, units and the size table (bench/)."""

from __future__ import annotations

import pytest
from bench import dist_sizes
from bench.figures import count, duration, median, ratio, share, size, size_rows, table

FILES = {
    "pyodide/pyodide.asm.wasm": 700,
    "pyodide/pyodide.mjs": 10,
    "pyodide/pyodide.asm.mjs": 20,
    "pyodide/python_stdlib.zip": 150,
    "wheels/gameport-0.1.0-py3-none-any.whl": 50,
    "js_bridge/api.js": 3,
    "js_bridge/mocks/ttminis.js": 7,
    "index.html": 20,
    "build-info.json": 10,
}


def test_median_ratio_share_and_units() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    with pytest.raises(ValueError):
        median([])
    ratios = [ratio(5.05, 1), ratio(626, 48), ratio(2182, 2), ratio(1, 0)]
    assert ratios == ["5.05x", "13.0x", "1,091x", "n/a"]
    assert [share(1, 8), share(1, 0)] == ["12.5 %", "n/a"]
    assert [count(1, "round"), count(2000, "call")] == ["1 round", "2,000 calls"]
    assert [size(812), size(3400), size(13_712_000)] == ["812 B", "3.4 kB", "13.7 MB"]
    assert [duration(4560), duration(12.34), duration(0.0032), duration(0.000045)] == [
        "4.56 s",
        "12.3 ms",
        "3.20 us",
        "45 ns",
    ]


def test_size_table_groups_every_file_once_and_gives_the_wheel_share() -> None:
    rows = size_rows(FILES)
    assert rows == [
        ("Pyodide wasm", 700, 1),
        ("stdlib zip (trimmed, .pyc)", 150, 1),
        ("Pyodide js", 30, 2),
        ("gameport wheel", 50, 1),
        ("js_bridge/ (mocks included)", 10, 2),
        ("game and build-info.json", 30, 2),
    ]
    assert sum(n for _, n, _ in rows) == sum(FILES.values())
    text = dist_sizes.render(FILES)
    assert "dist/ total" in text and text.endswith("gameport wheel / dist/ total: 5.2 %")


def test_table_aligns_columns() -> None:
    assert table(["a", "bb"], [["long", "1"], ["x", "22"]]).splitlines() == [
        "a     bb",
        "long   1",
        "x     22",
    ]
