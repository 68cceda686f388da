"""Sizes of the built site: what each part of ``dist/`` weighs and the gameport wheel's share of it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .figures import share, size, size_rows, table


def measure(dist: Path) -> dict[str, int]:
    """``{dist/-relative posix path: bytes}`` for every file under ``dist``."""
    return {p.relative_to(dist).as_posix(): p.stat().st_size for p in sorted(dist.rglob("*")) if p.is_file()}


def wheel_bytes(files: Mapping[str, int]) -> int:
    """Bytes of the gameport wheel(s) in ``files``."""
    return sum(n for path, n in files.items() if path.startswith("wheels/gameport-"))


def render(files: Mapping[str, int]) -> str:
    """The size table (one row per group, then the total) and the gameport wheel's share of dist/."""
    total = sum(files.values())
    rows = [[label, size(n), str(count), share(n, total)] for label, n, count in size_rows(files)]
    rows.append(["dist/ total", size(total), str(len(files)), "100 %"])
    summary = f"gameport wheel / dist/ total: {share(wheel_bytes(files), total)}"
    return f"{table(['part', 'size', 'files', 'share'], rows)}\n{summary}"
