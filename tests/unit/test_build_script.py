"""build.py's browser wheel: installable, deterministic, and without the server side or its secrets."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _build_module() -> Any:
    spec = importlib.util.spec_from_file_location("gameport_build_script", ROOT / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_browser_wheel_is_deterministic_and_leaves_out_the_server() -> None:
    build = _build_module()
    first = build.build_wheel().read_bytes()
    wheel = build.build_wheel()
    assert wheel.read_bytes() == first
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        record = archive.read("gameport-0.1.0.dist-info/RECORD").decode()
    assert "gameport/__init__.py" in names and "gameport/py.typed" in names
    assert "gameport/bridge/pyodide_bridge.py" in names and "gameport/testing.py" in names
    assert not [name for name in names if name.startswith("gameport/server")]
    assert all(line.split(",")[0] in names for line in record.splitlines())


def test_site_handler_refuses_paths_outside_its_roots(tmp_path: Path) -> None:
    build = _build_module()
    (tmp_path / "a.txt").write_text("x")
    handler = type("H", (build.SiteHandler,), {"routes": {"/": tmp_path}})
    translate = handler.translate_path
    inside = translate(handler.__new__(handler), "/a.txt")
    outside = translate(handler.__new__(handler), "/../../etc/passwd")
    assert Path(inside) == tmp_path / "a.txt"
    assert not Path(outside).is_relative_to(tmp_path)
