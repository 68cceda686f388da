"""What build.py takes off the browser's download, on the host: the wheel's modules without docstrings and
comments (same code, same lines), the files the browser never runs left out of the wheel, and the stdlib
kept by what the game imports (the .pyc without line numbers: tests/browser/test_startup_browser.py)."""

from __future__ import annotations

import marshal
import zipfile
from pathlib import Path
from typing import Any

import pytest

from ..build_script import load_build_script

ROOT = Path(__file__).resolve().parents[2]
SOURCE = '''"""Module docstring, ünïcode, with a (paren and a # hash."""

from __future__ import annotations

import json  # a comment after code

URL = "http://example.com/#anchor"  # the hash inside the string stays


class Only:
    """A class that is only a docstring."""


def f(a: int) -> str:
    """First line.

    More lines.
    """
    # a comment alone on its line
    text = """not a docstring: kept
    # not a comment either"""
    assert a >= 0, "asserts are code"
    return json.dumps([a, text, URL])  # noqa: E501
'''


@pytest.fixture(scope="module")
def build() -> Any:
    return load_build_script()


def test_browser_source_drops_docstrings_and_comments_and_keeps_lines_and_code(build: Any) -> None:
    out = build.browser_source(SOURCE, "m.py")
    assert len(out.splitlines()) == len(SOURCE.splitlines())
    assert "docstring" not in out.replace("not a docstring", "") and "comment after" not in out
    assert "alone on its line" not in out and "noqa" not in out and "First line" not in out
    assert 'URL = "http://example.com/#anchor"' in out and "# not a comment either" in out
    assert "assert a >= 0" in out
    for line, (old, new) in enumerate(zip(SOURCE.splitlines(), out.splitlines(), strict=True), start=1):
        if old.strip().startswith(("import", "return", "text", "assert", "def", "class", "URL")):
            assert new.split("  #")[0] == old.split("  #")[0], line
    namespace: dict[str, Any] = {}
    exec(compile(out, "m.py", "exec"), namespace)
    assert (
        namespace["f"](1)
        == '[1, "not a docstring: kept\\n    # not a comment either", "http://example.com/#anchor"]'
    )
    assert namespace["f"].__doc__ == "" and namespace["Only"].__doc__ == ""
    assert marshal.dumps(compile(out, "m.py", "exec", optimize=2).co_names) == marshal.dumps(
        compile(SOURCE, "m.py", "exec", optimize=2).co_names
    )


def test_browser_source_refuses_a_change_of_code(build: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    real = build._code_and_lines
    calls: list[int] = []

    def differs(code: Any) -> Any:
        calls.append(1)
        return real(code) if len(calls) % 2 else (b"other", [])

    monkeypatch.setattr(build, "_code_and_lines", differs)
    with pytest.raises(build.BuildFailed, match=r"m\.py: stripping docstrings and comments would change"):
        build.browser_source(SOURCE, "m.py")


def test_the_browser_wheel_carries_no_docstrings_schema_or_host_code(build: Any) -> None:
    wheel = build.build_wheel()
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        platform_module = archive.read("gameport/_platform.py").decode()
    assert "gameport/config/schema.json" not in names and "gameport/config/schema.py" not in names
    assert not [n for n in names if n.startswith(("gameport/server/", "gameport/testing/"))]
    assert '"""' not in platform_module and "#" not in platform_module.replace('"#', "")
    original = (ROOT / "src" / "gameport" / "_platform.py").read_text()
    assert len(platform_module.splitlines()) == len(original.splitlines())
    assert len(platform_module) < 0.8 * len(original)


def test_the_stdlib_keeps_what_the_game_imports(build: Any, tmp_path: Path) -> None:
    game = tmp_path / "game"
    (game / "pkg").mkdir(parents=True)
    (game / "main.py").write_text("import csv\nfrom pkg import rules\n")
    (game / "pkg" / "__init__.py").write_text("")
    (game / "pkg" / "rules.py").write_text("def later():\n    from graphlib import TopologicalSorter\n")
    names = build.game_stdlib_imports(game)
    assert {"csv", "graphlib", "graphlib.TopologicalSorter", "pkg.rules"} <= names
    stock = ROOT / "node_modules" / "pyodide" / "python_stdlib.zip"
    without, _ = build.trim_stdlib(stock, ["json"])
    with_game, _ = build.trim_stdlib(stock, ["json", *sorted(names)])
    assert "csv.py" not in {m for m, _ in without}
    assert {"csv.py", "graphlib.py"} <= {m for m, _ in with_game}
    # the demo game's own imports are found
    assert {"random", "json", "asyncio", "logging"} <= build.game_stdlib_imports()
