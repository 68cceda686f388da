"""Which WebAssembly features the shipped modules use, against what sibling mini-game runtimes refuse.

``feature_report(paths)`` reads each binary with a real parser (wasm_facts.py: PyPI's ``wasm-tools``, every
section and every instruction), decides per feature whether it is used and on what evidence, and attaches
the device risk from the one table :data:`DEVICE_RISKS`. ``format_report`` gives printable lines and
``checklist_items`` the launch-checklist items: a used feature with a known risk is "manual" ("verify on a
device: ..."), never hidden; a feature no module uses passes. LLVM's ``target_features`` section, when the
linker kept it, is compared with what the parser found. Stdlib only at import: build.py runs on python3.

``python3 wasm_features.py PATH...`` prints the report. Errors: ``wasm_facts.WasmReadError`` (an unreadable
binary, or the parser is missing: ``python3 build.py setup``), ``OSError`` (a path cannot be read).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from wasm_facts import ROOT, ModuleFacts, WasmReadError, facts_for
from wasm_rules import LLVM_ALIASES, NOT_LLVM, RULES

CACHE_DIR = ROOT / ".cache" / "wasm-features"


@dataclass(frozen=True)
class DeviceRisk:
    runtime: str  # which sibling runtime refused it, where
    refusal: str  # what it did or what its documentation says
    source: str  # where that is written (our reference notes and their upstream)


_DOUYIN = "Douyin TTWebAssembly doc; tiktok-native-and-payments.md §1.4"
_NO_PROPOSALS = DeviceRisk(
    "Douyin TTWebAssembly on iOS",
    "'iOS 平台目前不支持 SIMD 等 WebAssembly 提案特性' (no wasm proposals on iOS; a general statement: "
    "no device report names this feature)",
    _DOUYIN,
)
_MULTI_REF = DeviceRisk(
    "WeChat on iOS",
    "'CompileError: invalid wasm file' for modules that use multivalue / reference-types",
    "kejiweixun.com/note/202506181027; tiktok-native-and-payments.md §0, §3.5",
)
_SIMD = DeviceRisk(
    "WeChat WXWebAssembly on devices (Godot mini-game port); Douyin TTWebAssembly on iOS",
    "SIMD refused on devices (the port builds wasm_simd=no); Douyin: no SIMD on iOS; WeChat: SIMD only "
    "from 8.0.25",
    f"AnranS/godot_for_minigame; {_DOUYIN}, §2, §3.1",
)
# feature -> which sibling runtime refused it on devices, and the source. One table: edit here only.
DEVICE_RISKS: dict[str, DeviceRisk] = {
    "exception-handling": DeviceRisk(
        "WeChat WXWebAssembly on devices (Godot mini-game port); Douyin TTWebAssembly on iOS",
        "'CompileError: OOM / magic Tag section' for the exception Tag section; the port rebuilt with "
        "SUPPORT_LONGJMP=emscripten",
        "AnranS/godot_for_minigame docs; tiktok-native-and-payments.md §0, §3.1",
    ),
    "reference-types": _MULTI_REF,
    "multivalue": _MULTI_REF,
    "simd128": _SIMD,
    "relaxed-simd": _SIMD,
    "atomics": DeviceRisk(
        "WeChat/Douyin/TikTok (Godot mini-game port)",
        "threads listed as an incompatible feature (the port builds threads=no)",
        "AnranS/godot_for_minigame; tiktok-native-and-payments.md §3.1",
    ),
    "dynamic-linking": DeviceRisk(
        "TTWebAssembly / WXWebAssembly (path-only loaders)",
        "side modules and Emscripten's run-time generated modules need WebAssembly.instantiate / new "
        "WebAssembly.Module from bytes, which these loaders lack; the Godot port dropped dynamic linking",
        "Douyin and WeChat wasm docs; tiktok-native-and-payments.md §0, §1.4, §3.1, §3.6 [inferred]",
    ),
    "exported-globals": DeviceRisk(
        "WeChat WXWebAssembly on iOS",
        "'export 支持函数、Memory、Table，iOS 平台暂不支持 Global' (iOS cannot export a Global)",  # noqa: RUF001
        "WXWebAssembly doc; tiktok-native-and-payments.md §2",
    ),
    **dict.fromkeys(
        ("mutable-globals", "bulk-memory", "sign-ext", "nontrapping-fptoint", "tail-call", "memory64"),
        _NO_PROPOSALS,
    ),
    **dict.fromkeys(("multimemory", "gc"), _NO_PROPOSALS),
}


@dataclass(frozen=True)
class FeatureUse:
    feature: str
    used: bool
    evidence: str  # what the parser counted ("" when not used)
    risk: DeviceRisk | None  # from DEVICE_RISKS

    @property
    def verdict(self) -> str:
        if not self.used:
            return "not used"
        return "verify on a device" if self.risk else "used, no known device refusal"


@dataclass(frozen=True)
class ModuleReport:
    path: str
    sha256: str
    size: int
    features: tuple[FeatureUse, ...]
    target_features: tuple[str, ...] | None  # None: the binary has no target_features section
    declared_unused: tuple[str, ...]  # LLVM says "+" but the parser found no use
    used_undeclared: tuple[str, ...]  # the parser found a use LLVM does not declare
    cached: bool

    def used(self) -> list[str]:
        return [use.feature for use in self.features if use.used]


@dataclass(frozen=True)
class FeatureReport:
    parser: str
    modules: tuple[ModuleReport, ...]
    seconds: float


@dataclass(frozen=True)
class ChecklistItem:
    """A launch-checklist item; same fields as packaging_checks.Check (status "pass" / "manual")."""

    name: str
    status: str
    detail: str


def module_report(facts: ModuleFacts, cached: bool = False) -> ModuleReport:
    uses = []
    for feature, rule in RULES.items():
        evidence = "; ".join(rule(facts))
        uses.append(FeatureUse(feature, bool(evidence), evidence, DEVICE_RISKS.get(feature)))
    used = {use.feature for use in uses if use.used}
    declared_unused: tuple[str, ...] = ()
    used_undeclared: tuple[str, ...] = ()
    if facts.target_features is not None:
        declared = {LLVM_ALIASES.get(n[1:], n[1:]) for n in facts.target_features if n.startswith("+")}
        declared_unused = tuple(sorted(declared & set(RULES) - used))
        used_undeclared = tuple(sorted(used - declared - set(NOT_LLVM)))
    tf = tuple(facts.target_features) if facts.target_features is not None else None
    return ModuleReport(
        facts.path, facts.sha256, facts.size, tuple(uses), tf, declared_unused, used_undeclared, cached
    )


def feature_report(wasm_paths: list[Path], *, cache_dir: Path | None = CACHE_DIR) -> FeatureReport:
    """Read every module in ``wasm_paths`` (facts cached by sha256 under ``cache_dir``; None: no cache).

    Raises WasmReadError (an unreadable or non-core module, or no parser) and OSError (unreadable path).
    """
    if not wasm_paths:
        raise ValueError("feature_report needs at least one .wasm path")
    started = time.perf_counter()
    facts, cached = facts_for([Path(p) for p in wasm_paths], cache_dir)
    modules = tuple(module_report(f, c) for f, c in zip(facts, cached, strict=True))
    return FeatureReport(facts[0].parser, modules, time.perf_counter() - started)


def format_report(report: FeatureReport) -> list[str]:
    """Printable lines: per module the used features with their evidence and risk, then the rest."""
    fresh = sum(not m.cached for m in report.modules)
    lines = [
        f"wasm features ({report.parser}; {report.seconds:.1f} s, {fresh} of {len(report.modules)} read)"
    ]
    for module in report.modules:
        lines.append(f"  {module.path}: {module.size:,} bytes, sha256 {module.sha256[:12]}")
        for use in (u for u in module.features if u.used):
            lines.append(f"    [{use.verdict}] {use.feature}: {use.evidence}")
            if use.risk:
                lines.append(f"        {use.risk.runtime}: {use.risk.refusal} ({use.risk.source})")
        unused = [u.feature for u in module.features if not u.used]
        lines.append(f"    not used: {', '.join(unused) or '-'}")
        if module.target_features is None:
            lines.append("    target_features: no such section (the linker drops it): nothing to compare")
            continue
        lines.append(f"    target_features: {' '.join(module.target_features) or '(empty)'}")
        if module.declared_unused:
            lines.append(f"      declared by LLVM, no use found: {', '.join(module.declared_unused)}")
        if module.used_undeclared:
            lines.append(f"      used, not declared by LLVM: {', '.join(module.used_undeclared)}")
        if not module.declared_unused and not module.used_undeclared:
            lines.append("      agrees with the parser")
    return lines


def checklist_items(report: FeatureReport) -> list[ChecklistItem]:
    """One item per feature: "manual" when a module uses it and DEVICE_RISKS has it, else "pass"."""
    items = []
    for feature in RULES:
        risk = DEVICE_RISKS.get(feature)
        users = [(m, u) for m in report.modules for u in m.features if u.feature == feature and u.used]
        where = "; ".join(f"{Path(m.path).name}: {u.evidence}" for m, u in users)
        if not users:
            items.append(
                ChecklistItem(f"wasm feature not used: {feature}", "pass", "no shipped module uses it")
            )
        elif risk is None:
            items.append(
                ChecklistItem(f"wasm feature {feature}", "pass", f"{where}; no known device refusal")
            )
        else:
            name = f"verify on a device: {feature} ({risk.source})"
            items.append(ChecklistItem(name, "manual", f"{where}. {risk.runtime}: {risk.refusal}"))
    return items


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python3 wasm_features.py PATH.wasm...", file=sys.stderr)
        return 2
    try:
        report = feature_report([Path(arg) for arg in argv])
    except (WasmReadError, OSError) as exc:
        print(f"wasm_features: {exc}", file=sys.stderr)
        return 1
    print("\n".join(format_report(report)))
    for item in checklist_items(report):
        print(f"  [{item.status:^6}] {item.name}: {item.detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
