"""The package's shape: layers import downwards only, no import cycles, small files, few top-level modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "gameport"

# A layer may import itself and the layers listed for it, nothing else (module -> allowed prefixes).
LAYERS: dict[str, tuple[str, ...]] = {
    "gameport.values": (),
    "gameport.errors": ("gameport.values",),
    "gameport.capabilities": ("gameport.errors", "gameport.values"),
    "gameport.models": ("gameport.values",),
    "gameport.bridge": ("gameport.errors", "gameport.values"),
    "gameport.config": ("gameport.capabilities", "gameport.errors", "gameport.values"),
    "gameport.adapters": (
        "gameport.bridge",
        "gameport.capabilities",
        "gameport.config",
        "gameport.errors",
        "gameport.models",
        "gameport.values",
    ),
}
FEATURE_DEPENDENCIES = (
    "gameport.features.ad_pacing",
    "gameport.features.ad_session",
    "gameport.features.payment_session",
    "gameport.features.purchase_flows",
    "gameport.features.purchase_journal",
)
"""Helpers of platform.ads and platform.payments; features import no other feature (never sideways)."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def client_modules() -> dict[str, Path]:
    found = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: path for name, path in found.items() if not name.startswith("gameport.server")}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The gameport modules ``path`` imports (anywhere in the file), as module names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("gameport"):
                subs = {f"{node.module}.{alias.name}" for alias in node.names}
                found |= (subs & known) or {node.module}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("gameport")}
    return found


def graph() -> dict[str, set[str]]:
    modules = client_modules()
    names = set(modules)
    return {name: imports_of(path, names) - {name} for name, path in modules.items()}


def test_imports_inside_the_package_are_absolute() -> None:
    relative = [
        f"{name}:{node.lineno}"
        for name, path in client_modules().items()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.level > 0
    ]
    assert relative == []


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every back edge of a depth-first walk, as the cycle it closes."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the stack, 2: done

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if target not in edges:
                continue
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target, [*stack, target])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    return cycles


def test_no_import_cycles() -> None:
    assert find_cycles(graph()) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert find_cycles(edges) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_lower_layers_import_only_what_is_below_them(layer: str) -> None:
    allowed = (layer, *LAYERS[layer])
    wrong = {
        f"{name} -> {target}"
        for name, targets in graph().items()
        if name == layer or name.startswith(layer + ".")
        for target in targets
        if not any(target == a or target.startswith(a + ".") for a in allowed)
        and not (name.startswith("gameport.adapters") and target == "gameport.adapters")
    }
    assert wrong == set()


def test_features_never_import_each_other() -> None:
    sideways = {
        f"{name} -> {target}"
        for name, targets in graph().items()
        if name.startswith("gameport.features.")
        for target in targets
        if target.startswith("gameport.features.") and target not in FEATURE_DEPENDENCIES
    }
    assert sideways == set()


def test_few_modules_at_the_top_and_small_files() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 8, top
    long = {
        name: n for name, path in client_modules().items() if (n := len(path.read_text().splitlines())) > 320
    }
    assert long == {}
