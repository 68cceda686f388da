"""The checks of TikTok's native package (native_package.py makes the files): size limits per part,
subpackage roots, secrets, environments, the launch checklist with the minimum client version and the
device risks of the wasm, then the zip and the unpacked folder `ttmg dev` runs. Reuses the scans of
packaging_checks.py on what the package holds, brotli members decompressed. Stdlib only."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import native_package as native
import packaging_checks as checks
from packaging_checks import Check, PackageFailed, PackageResult


def part_of(name: str) -> str:
    """Which part a package file belongs to: a subpackage's name, or "main"."""
    first = name.split("/", 1)[0]
    return first if "/" in name and first in native.SUBPACKAGES else "main"


def size_checks(
    files: dict[str, bytes], limits: dict[str, native.Limit] | None = None
) -> tuple[list[Check], str]:
    """One check per part and one for the total (raw bytes, as the package holds them), and the table."""
    limits = native.LIMITS if limits is None else limits
    parts: dict[str, int] = {}
    for name, data in files.items():
        parts[part_of(name)] = parts.get(part_of(name), 0) + len(data)
    items = []
    for part, size in sorted(parts.items()):
        limit = limits["main" if part == "main" else "subpackage"]
        label = "main package" if part == "main" else f"subpackage {part}"
        items.append(_within(label, size, limit))
    items.append(_within("total package", sum(parts.values()), limits["total"]))
    lines = [f"{'part':<20} {'raw bytes':>12}  limit"]
    lines += [f"{part:<20} {size:>12,}" for part, size in sorted(parts.items())]
    return items, "\n".join(lines)


def _within(label: str, size: int, limit: native.Limit) -> Check:
    over = size > limit.bytes
    note = "" if limit.confirmed else " [limit unconfirmed: check in ttmg dev]"
    return Check(
        f"{label} within {limit.bytes:,} B",
        "fail" if over else "pass",
        f"{size:,} B ({limit.source}){note}" + (f": {size - limit.bytes:,} B over" if over else ""),
    )


def structure_problems(files: dict[str, bytes]) -> list[str]:
    """game.js, game.json and project.config.json at the root; every subpackage root with its game.js."""
    problems = [
        f"{name} is missing" for name in ("game.js", "game.json", "project.config.json") if name not in files
    ]
    try:
        subpackages = json.loads(files.get("game.json", b"{}")).get("subpackages", [])
    except json.JSONDecodeError as exc:
        return [*problems, f"game.json is not JSON: {exc}"]
    for entry in subpackages:
        root = str(entry.get("root", "")).rstrip("/")
        if f"{root}/game.js" not in files:
            problems.append(
                f"subpackage {entry.get('name')!r}: {root}/game.js is missing (every root needs one)"
            )
    return problems


def tiktok_items(plain: dict[str, bytes], feature_items: list[Check]) -> list[Check]:
    """TikTok's own checklist items: the required capabilities, the client version, the wasm's risks."""
    game_py = "\n".join(t for n, t in checks.text_members(plain) if n.startswith("python/game.zip!"))
    missing = [what for what, call in native.REQUIRED_CALLS.items() if call not in game_py]
    items = [
        Check(
            "required capabilities present",
            "fail" if missing else "pass",
            f"missing in the game's code: {', '.join(missing)}"
            if missing
            else ", ".join(native.REQUIRED_CALLS),
        ),
        Check("minimum TikTok client", "manual", f"{native.MIN_CLIENT}: {native.MIN_CLIENT_WHY}"),
        Check(
            "runtime facts verified on a device",
            "manual",
            "js_bridge/native/runtime_facts.js lists what no TikTok page confirms: run it with ttmg dev",
        ),
    ]
    return items + feature_items


def make_package(
    files: dict[str, bytes],
    plain: dict[str, bytes],
    env: str,
    out: Path,
    *,
    config: checks.ConfigView | None,
    server_config: Path | None,
    feature_items: list[Check],
    say: Callable[[str], None] = print,
) -> PackageResult:
    """Check, then write ``out/tiktok-<env>.zip`` and the unpacked ``out/tiktok-<env>/``.

    Raises:
        PackageFailed: a check failed (the reports are printed first); nothing is written.
    """
    problems = structure_problems(files)
    if problems:
        raise PackageFailed("tiktok package refused: " + "; ".join(problems))
    size_items, parts_table = size_checks(files)
    secrets = checks.scan_secrets(plain, checks.known_secrets(server_config))
    environment = checks.check_environment(plain, env, config)
    common = checks.checklist(plain, "tiktok", config, within_budget=size_items[-1], secrets=secrets,
                              environment=environment)  # fmt: skip
    items = size_items + [c for c in common[1:] if c.name != "required capabilities present"]
    items += tiktok_items(plain, feature_items)
    sizes = {name: (len(data), 0, 0) for name, data in files.items()}
    lines = [f"package tiktok-{env}: {len(files)} files", parts_table, "launch checklist:"]
    lines += [f"  [{c.status:^6}] {c.name}: {c.detail}" for c in items]
    report = "\n".join(lines)
    say(report)
    failed = [c for c in items if c.status == "fail"]
    if failed:
        raise PackageFailed(
            "tiktok-" + env + " package refused: " + "; ".join(f"{c.name} ({c.detail})" for c in failed)
        )
    folder = out / f"tiktok-{env}"
    if folder.exists():
        shutil.rmtree(folder)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    target = out / f"tiktok-{env}.zip"
    checks.write_zip(target, files)
    say(f"wrote {target} ({target.stat().st_size:,} B) and {folder}/ (for ttmg dev)")
    return PackageResult(target, sizes, items, report)
