"""Sizes of the built site: what each part of ``dist/`` weighs, raw and as served (gzip, brotli), and the
gameport wheel's share of it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .figures import share, size, size_rows, table

VARIANTS = (".gz", ".br")  # precompressed copies build.py writes beside a file


def measure(dist: Path) -> dict[str, int]:
    """``{dist/-relative posix path: bytes}`` for every file under ``dist`` but the precompressed copies."""
    return {
        p.relative_to(dist).as_posix(): p.stat().st_size
        for p in sorted(dist.rglob("*"))
        if p.is_file() and p.suffix not in VARIANTS
    }


def served(dist: Path, files: Mapping[str, int], suffix: str) -> dict[str, int]:
    """What each file of ``files`` weighs when served with ``suffix`` (".gz", ".br"): its precompressed copy,
    or the file itself when there is none."""
    out = {}
    for path, num_bytes in files.items():
        variant = dist / (path + suffix)
        out[path] = variant.stat().st_size if variant.is_file() else num_bytes
    return out


def wheel_bytes(files: Mapping[str, int]) -> int:
    """Bytes of the gameport wheel(s) in ``files``."""
    return sum(n for path, n in files.items() if path.startswith("wheels/gameport-"))


def render(
    files: Mapping[str, int], gzip: Mapping[str, int] | None = None, br: Mapping[str, int] | None = None
) -> str:
    """The size table (one row per group, then the total; gzip and brotli columns when given) and the
    gameport wheel's share of dist/."""
    total = sum(files.values())
    extra = [m for m in (gzip, br) if m is not None]
    extra_rows = [{label: n for label, n, _ in size_rows(m)} for m in extra]
    rows = []
    for label, n, count in size_rows(files):
        rows.append([label, size(n), *(size(e[label]) for e in extra_rows), str(count), share(n, total)])
    rows.append(
        ["dist/ total", size(total), *(size(sum(m.values())) for m in extra), str(len(files)), "100 %"]
    )
    headers = ["part", "size", *(["gzip", "brotli"][: len(extra)]), "files", "share"]
    summary = f"gameport wheel / dist/ total: {share(wheel_bytes(files), total)}"
    return f"{table(headers, rows)}\n{summary}"
