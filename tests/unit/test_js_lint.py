"""ESLint as configured in eslint.config.js really reports code from strings, and the DOM in the bridge.

Each case lints a snippet through ``--stdin`` under a file name in the repo, so the config's per-folder
sections apply as they would to a real file there. Needs ``python3 build.py setup`` (node_modules).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ESLINT = ROOT / "node_modules" / ".bin" / "eslint"


def _eslint(code: str, filename: str) -> subprocess.CompletedProcess[str]:
    assert ESLINT.exists(), "run python3 build.py setup first (it installs ESLint into node_modules/)"
    return subprocess.run(
        [str(ESLINT), "--config", "eslint.config.js", "--stdin", "--stdin-filename", filename],
        input=code,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("eval('1');\n", "no-eval"),
        ("globalThis.eval('1');\n", "no-eval"),
        ("new Function('a');\n", "no-new-func"),
        ("Function('a')();\n", "no-new-func"),
        ('setTimeout("x()", 1);\n', "no-implied-eval"),
        ('globalThis.setTimeout("x()", 1);\n', "no-implied-eval"),
        ("const unused = 1;\n", "no-unused-vars"),
    ],
)
def test_eslint_reports_code_from_strings_in_the_bridge(code: str, rule: str) -> None:
    result = _eslint(code, "js_bridge/x.js")
    assert result.returncode == 1, result.stdout + result.stderr
    assert rule in result.stdout


@pytest.mark.parametrize(
    "filename",
    [
        "js_bridge/mocks/x.js",
        "demo_game/x.js",
        "bench/pages/x.js",
        "tests/js/x.test.mjs",
        "tests/native_sim/x.test.mjs",
        "tests/browser/pages/x.js",
    ],
)
def test_eslint_reports_code_from_strings_in_every_linted_folder(filename: str) -> None:
    result = _eslint("eval('1');\nnew Function('a');\nsetTimeout(\"x()\", 1);\n", filename)
    assert result.returncode == 1, result.stdout + result.stderr
    for rule in ("no-eval", "no-new-func", "no-implied-eval"):
        assert rule in result.stdout, f"{rule} not reported in {filename}:\n{result.stdout}"


def test_eslint_passes_the_same_kind_of_code_without_strings() -> None:
    # The control for the cases above: a clean snippet in the same place exits 0, so their exit 1 is the rule.
    result = _eslint("setTimeout(() => console.log(new URL('a', 'https://x.test/')), 1);\n", "js_bridge/x.js")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["document", "window", "self"])
def test_js_bridge_has_no_browser_globals(name: str) -> None:
    # The bridge runs in workers and no-DOM runtimes: only sdk_loader.js declares `document`, behind a guard.
    result = _eslint(f"export const x = {name};\n", "js_bridge/x.js")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"'{name}' is not defined" in result.stdout and "no-undef" in result.stdout


def test_page_code_has_browser_globals() -> None:
    result = _eslint("export const x = [document, window, self, localStorage];\n", "demo_game/x.js")
    assert result.returncode == 0, result.stdout + result.stderr


def test_page_code_may_not_write_html_from_strings() -> None:
    result = _eslint('document.body.innerHTML = "<b>x</b>";\n', "demo_game/x.js")
    assert result.returncode == 1 and "no-restricted-properties" in result.stdout
