"""The size of each platform's upload package, as ``build.py package`` would write it from dist/: raw, and
gzip / brotli as dist/'s precompressed variants of the same files (the Meta page's index.html, which the
package rewrites, is counted raw). The TikTok package's parts are in native_boot.py."""

from __future__ import annotations

from pathlib import Path

import packaging_checks

from .figures import table

PLATFORMS = ("meta", "web")


def measure(dist: Path) -> dict[str, dict[str, int]]:
    sizes: dict[str, dict[str, int]] = {}
    for platform in PLATFORMS:
        files = packaging_checks.package_files(dist, platform)
        total = {"files": len(files), "raw": 0, "gzip": 0, "brotli": 0}
        for name, data in files.items():
            total["raw"] += len(data)
            for key, suffix in (("gzip", ".gz"), ("brotli", ".br")):
                variant = dist / (name + suffix)
                same = (dist / name).is_file() and (dist / name).read_bytes() == data
                total[key] += variant.stat().st_size if same and variant.is_file() else len(data)
        sizes[platform] = total
    return sizes


def render(sizes: dict[str, dict[str, int]]) -> str:
    budgets = packaging_checks.BUDGETS
    rows = [
        [
            platform,
            f"{s['files']}",
            f"{s['raw'] / 1e6:.3f} MB",
            f"{s['gzip'] / 1e6:.3f} MB",
            f"{s['brotli'] / 1e6:.3f} MB",
            f"{budgets[platform].limit / 1e6:.1f} MB {budgets[platform].measure}",
        ]
        for platform, s in sizes.items()
    ]
    return table(["package", "files", "raw", "gzip", "brotli", "budget"], rows)
