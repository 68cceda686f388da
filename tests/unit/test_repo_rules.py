"""Rules of the code base that a reviewer would otherwise have to remember."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tracked_and_new_files() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [ROOT / line for line in out.splitlines() if line]


def test_no_file_or_folder_shadows_a_stdlib_module() -> None:
    offenders = []
    for path in _tracked_and_new_files():
        for part in path.relative_to(ROOT).parts:
            stem = part[:-3] if part.endswith(".py") else part
            if (part.endswith(".py") or "." not in part) and stem in sys.stdlib_module_names:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_only_the_bridge_module_imports_js_or_pyodide_ffi() -> None:
    pattern = re.compile(
        r"^\s*(import js\b|from js import|from pyodide\.ffi|import pyodide\.ffi|from pyodide import ffi)"
    )
    importers = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "src").rglob("*.py")
        if any(pattern.match(line) for line in path.read_text().splitlines())
    )
    assert importers == ["src/gameport/bridge/pyodide_bridge.py"]


def test_js_bridge_never_compiles_code_from_strings() -> None:
    pattern = re.compile(r"\beval\s*\(|new\s+Function\b|\bFunction\s*\(|setTimeout\s*\(\s*[\"'`]")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "js_bridge").rglob("*.js")
        if pattern.search(path.read_text())
    ]
    assert offenders == []


def test_js_bridge_touches_the_dom_only_in_page_code() -> None:
    # sdk_loader.js injects <script> in pages and guards it with `typeof document`; nothing else may touch it.
    for path in (ROOT / "js_bridge").glob("*.js"):
        text = path.read_text()
        uses_dom = re.search(r"\b(document|window)\.", text)
        if path.name == "sdk_loader.js":
            assert 'typeof document !== "undefined"' in text
        else:
            assert uses_dom is None, f"{path.name} touches the DOM"


def _imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_the_test_doubles_have_no_import_cycle_and_stay_small() -> None:
    # TYPE_CHECKING imports count too: a cycle hidden behind one is still two modules that need each other.
    src = ROOT / "src"
    modules = {
        ".".join(path.relative_to(src).with_suffix("").parts).removesuffix(".__init__"): path
        for path in (src / "gameport" / "testing").rglob("*.py")
    }
    edges = {name: _imports_of(path) & set(modules) - {name} for name, path in modules.items()}

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), list(edges[start])
        while todo:
            name = todo.pop()
            if name == goal:
                return True
            if name not in seen:
                seen.add(name)
                todo += edges[name]
        return False

    cycles = sorted(f"{a} <-> {b}" for a in edges for b in edges[a] if reaches(b, a))
    assert cycles == []
    too_long = [name for name, path in modules.items() if len(path.read_text().splitlines()) > 300]
    assert too_long == []
