"""``python3 build.py bench --quick`` runs every section to the end in real Chromium.

Only that it completes and what it prints are checked: timings are never asserted (noisy machines).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEADINGS = (
    "\n== size (",
    "\n== start-up vs stock Pyodide (",
    "\n== bytes on the wire per boot (",
    "\n== boot parts (",
    "\n== bridge (",
    "\n== ads (",
    "\n== memory over 10 rounds of bridge calls (",
    "\n== memory over 2 rounds of the demo game (",
    "\n== targets (issue #12) ==\n",
    "\n== upload packages (",
    "\n== TikTok native package (",
    "\nOne run in ",
)


def test_quick_bench_prints_every_section() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "bench", "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert [h for h in HEADINGS if h not in result.stdout] == []
    for row in (
        "gameport wheel",
        "platform.init()",
        "bridge.call (Promise)",
        "demo tiktok (1MB/s)",
        "stock Pyodide",
        "platform.ready()",  # the demo's boot in the native-runtime simulator
        "runtime",  # a part of the TikTok package
    ):
        assert row in result.stdout
