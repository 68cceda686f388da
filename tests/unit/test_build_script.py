"""build.py's browser wheel: installable, deterministic, and without the server side or its secrets."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..build_script import load_build_script

ROOT = Path(__file__).resolve().parents[2]


def test_browser_wheel_is_deterministic_and_leaves_out_everything_host_only() -> None:
    build = load_build_script()
    first = build.build_wheel().read_bytes()
    wheel = build.build_wheel()
    assert wheel.read_bytes() == first
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        record = archive.read("gameport-0.1.0.dist-info/RECORD").decode()
    assert "gameport/__init__.py" in names and "gameport/py.typed" in names
    assert "gameport/bridge/pyodide_bridge.py" in names
    # host-only, today's layout and the subpackages to come: server, fakes, FakeBridge and its HTTP twin
    host_only = ("gameport/server/", "gameport/fakes/", "gameport/testing/", "gameport/testing")
    assert [name for name in names if name.startswith(host_only) or "testing_http" in name] == []
    assert all(prefix in build.WHEEL_EXCLUDE for prefix in host_only[:3])
    assert all(line.split(",")[0] in names for line in record.splitlines())


def test_site_handler_refuses_paths_outside_its_roots(tmp_path: Path) -> None:
    build = load_build_script()
    (tmp_path / "a.txt").write_text("x")
    handler = type("H", (build.SiteHandler,), {"routes": {"/": tmp_path}})
    translate = handler.translate_path
    inside = translate(handler.__new__(handler), "/a.txt")
    outside = translate(handler.__new__(handler), "/../../etc/passwd")
    assert Path(inside) == tmp_path / "a.txt"
    assert not Path(outside).is_relative_to(tmp_path)


def test_servers_command_starts_both_servers_and_stops_them_cleanly() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "servers", "--once"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "backend: http://127.0.0.1:" in result.stdout and "'ok': True" in result.stdout
    assert "mock TikTok/Meta servers: http://127.0.0.1:" in result.stdout


def test_no_server_secret_reaches_the_client_bundle() -> None:
    import json

    build = load_build_script()
    config = json.loads(build._server_config().read_text())
    secrets_ = [config["tiktok"]["client_secret"].encode(), config["meta"]["app_secret"].encode()]
    dist = ROOT / "dist"
    assert (dist / "build-info.json").exists(), "run python3 build.py build first"
    blobs = []
    for path in dist.rglob("*"):
        if path.suffix == ".whl":
            with zipfile.ZipFile(path) as archive:
                blobs += [archive.read(name) for name in archive.namelist()]
        elif path.is_file():
            blobs.append(path.read_bytes())
    assert blobs and not [s for s in secrets_ for blob in blobs if s in blob]
