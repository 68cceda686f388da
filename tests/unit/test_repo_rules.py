"""Rules of the code base that a reviewer would otherwise have to remember."""

from __future__ import annotations

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


_EFFECTIVE_RULES = """
import { ESLint } from "eslint";
const eslint = new ESLint();
const out = {};
for (const file of process.argv.slice(1)) {
  const config = await eslint.calculateConfigForFile(file);
  const rules = Object.entries(config?.rules ?? {});
  out[file] = Object.fromEntries(rules.map(([rule, entry]) => [rule, entry[0]]));
}
console.log(JSON.stringify(out));
"""


def _js_files() -> list[str]:
    return sorted(
        str(path.relative_to(ROOT))
        for path in _tracked_and_new_files()
        if path.suffix in {".js", ".mjs", ".cjs"} and path.exists()
    )


def test_every_js_file_is_linted_and_formatted() -> None:
    from ..build_script import load_build_script

    paths = load_build_script().JS_LINT_PATHS
    missed = [name for name in _js_files() if not any(name == p or name.startswith(p + "/") for p in paths)]
    assert missed == [], "add their folder to JS_LINT_PATHS in build.py (and a section to eslint.config.js)"


def test_eslint_config_forbids_code_from_strings_in_every_js_file() -> None:
    import json

    assert (ROOT / "node_modules" / "eslint").is_dir(), "run python3 build.py setup first (installs ESLint)"
    files = _js_files()
    out = subprocess.run(
        ["node", "--input-type=module", "-e", _EFFECTIVE_RULES, *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    rules = json.loads(out)
    assert sorted(rules) == files
    wanted = ("no-eval", "no-new-func", "no-implied-eval", "no-unused-vars", "no-undef")
    weaker = {f"{file}: {rule}": rules[file].get(rule) for file in files for rule in wanted}
    assert {where: level for where, level in weaker.items() if level != 2} == {}


def test_readme_images_exist_and_stay_small() -> None:
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (ROOT / "README.md").read_text())
    assert images, "the README shows the demo"
    for name in images:
        path = ROOT / name
        assert path.is_file(), f"README shows {name}, which does not exist"
        assert path.stat().st_size < 60_000, f"{name} is {path.stat().st_size:,} B: keep images under 60 kB"
