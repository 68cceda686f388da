"""TikTok's native package in the bench: its parts (raw bytes, against TikTok's limits) and how long the demo
takes to boot in the native-runtime simulator (tests/native_sim/, Node's V8 on this machine: a phone is
slower, and the simulator has no download time, so these are lower bounds of the device's figures).

The package is built by build.py's ``package_tiktok()`` (what ``python3 build.py package --platform tiktok``
runs) from dist/ as the bench has just built it, with a sandbox configuration and no backend (the game runs
without its shop); each boot is a fresh Node process.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.build_script import load_build_script

from .figures import duration, median, table

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / ".cache" / "bench" / "native"
LIMIT_MAIN = LIMIT_SUB = 4_000_000
LIMIT_TOTAL = 30_000_000
STAGES = (("Python started", "python_ms"), ("platform.ready()", "ready_ms"), ("10 frames drawn", "frames_ms"))


@dataclass
class NativeBoots:
    parts: dict[str, int]
    boots: list[dict[str, float]] = field(default_factory=list)


def build_package() -> Path:
    """The TikTok sandbox package in OUT (``tiktok-sandbox/``); build.py's report of it is not printed.

    Raises:
        RuntimeError: a check refused it (the message ends with that report).
    """
    OUT.mkdir(parents=True, exist_ok=True)
    config = OUT / "gameport.json"
    config.write_text(
        json.dumps(
            {
                "environment": "sandbox",
                "privacy_url": "https://example.org/privacy",
                "terms_url": "https://example.org/terms",
            }
        )
    )
    build = load_build_script()
    # the secrets `build.py package` scans for when no --server-config is given
    server_config = build.SERVER_CONFIG if build.SERVER_CONFIG.exists() else None
    report = io.StringIO()
    try:
        with contextlib.redirect_stdout(report):
            build.package_tiktok("sandbox", OUT, config, server_config)
    except build.BuildFailed as exc:
        raise RuntimeError(f"the TikTok package did not build: {exc}\n{report.getvalue()[-2000:]}") from None
    return OUT / "tiktok-sandbox"


def parts_of(package: Path) -> dict[str, int]:
    parts: dict[str, int] = {}
    for path in package.rglob("*"):
        if path.is_file():
            rel = path.relative_to(package).as_posix()
            part = rel.split("/")[0] if "/" in rel else "main"
            parts[part] = parts.get(part, 0) + path.stat().st_size
    return parts


def boot_once(package: Path) -> dict[str, float]:
    """One boot to the game's first frames: ms to each report (python started, platform ready)."""
    cmd = [
        "node",
        str(ROOT / "tests" / "native_sim" / "run.mjs"),
        "--package",
        str(package),
        "--timeout",
        "180000",
    ]
    done = subprocess.run(
        [*cmd, "--wait-report", '{"stage": "ready"}', "--wait-frames", "10"],
        capture_output=True,
        text=True,
        check=False,
    )
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    if not summary.get("ok"):
        raise RuntimeError(f"the native package did not boot in the simulator: {summary.get('error')}")
    times = {r["stage"]: t for r, t in zip(summary["reports"], summary["reportTimesMs"], strict=True)}
    progress_times = [s["atMs"] for s in summary["steps"]]
    return {"python_ms": times["python"], "ready_ms": times["ready"], "frames_ms": progress_times[-1]}


def measure(boots: int) -> NativeBoots:
    package = build_package()
    result = NativeBoots(parts_of(package))
    for _ in range(boots):
        result.boots.append(boot_once(package))
    return result


def render(result: NativeBoots) -> str:
    rows = []
    for part, size in sorted(result.parts.items()):
        limit = LIMIT_MAIN if part == "main" else LIMIT_SUB
        rows.append([part, f"{size:,} B", f"{size / limit:.0%} of {limit:,}"])
    total = sum(result.parts.values())
    rows.append(["total", f"{total:,} B", f"{total / LIMIT_TOTAL:.0%} of {LIMIT_TOTAL:,}"])
    lines = [table(["part", "raw", "limit used"], rows), ""]
    timing = [[what, duration(median([b[key] for b in result.boots]))] for what, key in STAGES]
    lines.append(table([f"simulator boot (median of {len(result.boots)})", "time"], timing))
    return "\n".join(lines)
