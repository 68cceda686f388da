"""build.py's browser wheel: installable, deterministic, and without the server side or its secrets."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from ..build_script import load_build_script

pytest_plugins = ["pytester"]

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


def test_test_command_runs_eslint_and_prettier_before_the_node_tests(monkeypatch) -> None:
    build = load_build_script()
    ran: list[str] = []
    monkeypatch.setattr(build, "setup", lambda: None)
    monkeypatch.setattr(build, "build", lambda: None)
    monkeypatch.setattr(build, "run", lambda cmd, *, what, **kwargs: ran.append(" ".join(cmd)))
    monkeypatch.setattr(build.subprocess, "run", lambda cmd, **kwargs: subprocess.CompletedProcess(cmd, 0))
    assert build.test([]) == 0
    lint_paths = " ".join(build.JS_LINT_PATHS)
    eslint = ran.index(f"{build.node_bin('eslint')} --max-warnings 0 {lint_paths}")
    prettier = ran.index(f"{build.node_bin('prettier')} --check --log-level warn {lint_paths}")
    assert eslint < prettier < ran.index("node --test tests/js/") < ran.index("node --test tests/native_sim/")
    folders = {"js_bridge", "demo_game", "bench/pages", "tests/js", "tests/native_sim", "tests/browser/pages"}
    assert folders <= set(build.JS_LINT_PATHS)


def test_setup_npm_installs_dev_dependencies_once_per_lockfile(tmp_path: Path, monkeypatch) -> None:
    build = load_build_script()
    ran: list[list[str]] = []

    def fake_npm_ci(cmd: list[str], *, what: str, **kwargs: object) -> None:
        ran.append(cmd)
        pyodide = tmp_path / "node_modules" / "pyodide"
        pyodide.mkdir(parents=True, exist_ok=True)
        (pyodide / "package.json").write_text(f'{{"version": "{build.PYODIDE_VERSION}"}}')

    monkeypatch.setattr(build, "ROOT", tmp_path)
    monkeypatch.setattr(build, "run", fake_npm_ci)
    monkeypatch.setattr(build.shutil, "which", lambda name: f"/usr/bin/{name}")
    (tmp_path / "package-lock.json").write_text('{"lockfileVersion": 3}')
    build.setup_npm()
    assert len(ran) == 1 and ran[0][1:3] == ["ci", "--include=dev"]
    build.setup_npm()
    assert len(ran) == 1, "a second setup with the same lockfile must do nothing"
    (tmp_path / "package-lock.json").write_text('{"lockfileVersion": 3, "packages": {}}')
    build.setup_npm()
    assert len(ran) == 2, "a changed lockfile (a new devDependency) must install again"


def test_the_mocks_emulation_table_is_built_and_served_as_json() -> None:
    build = load_build_script()
    handler = type("H", (build.SiteHandler,), {"routes": {}})
    # JSON module imports (the mocks' `import ... with { type: "json" }`) need this exact type.
    served_as = handler.guess_type(handler.__new__(handler), "/js_bridge/mocks/emulation.json")
    assert served_as == "application/json"
    built = ROOT / "dist" / "js_bridge" / "mocks" / "emulation.json"
    assert (ROOT / "dist" / "build-info.json").exists(), "run python3 build.py build first"
    assert not built.is_symlink()
    assert built.read_bytes() == (ROOT / "src" / "gameport" / "testing" / "emulation.json").read_bytes()


def test_only_a_run_whose_every_failure_is_a_renderer_crash_is_run_again() -> None:
    build = load_build_script()
    x, y = "tests/browser/test_a.py::test_x[chromium]", "tests/browser/test_a.py::test_y[chromium]"
    crash = {"nodeid": x, "when": "call", "renderer_crash": True}
    again = {"nodeid": x, "when": "teardown", "renderer_crash": True}
    other = {"nodeid": y, "when": "call", "renderer_crash": True}
    wrong = {"nodeid": "tests/unit/test_b.py::test_z", "when": "call", "renderer_crash": False}
    assert build.renderer_crashes_only(json.dumps([crash, again, other])) == [x, y]  # each once
    assert build.renderer_crashes_only(json.dumps([crash, wrong])) == []  # a real failure: no second chance
    assert build.renderer_crashes_only("[]") == []  # failed without a recorded failure (say, pytest's usage)


def test_the_suite_records_each_failure_and_whether_chromium_crashed_under_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    build = load_build_script()
    record = tmp_path / "failures.json"
    monkeypatch.setenv(build.FAILURES_ENV, str(record))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # so that `-p tests.conftest` loads the suite's conftest
    pytester.makepyfile(
        test_outcomes=f"""
def test_crashed():
    raise RuntimeError("Page.evaluate: {build.RENDERER_CRASH}")

def test_wrong():
    assert 1 == 2

def test_fine():
    pass
"""
    )
    result = pytester.runpytest_subprocess("-p", "tests.conftest", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2)
    failures = json.loads(record.read_text())
    assert [(f["nodeid"].split("::")[1], f["renderer_crash"]) for f in failures] == [
        ("test_crashed", True), ("test_wrong", False),
    ]  # fmt: skip
    assert build.renderer_crashes_only(record.read_text()) == []


def test_the_test_command_runs_crashed_tests_once_more_and_nothing_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    build = load_build_script()
    monkeypatch.setattr(build, "setup", lambda: None)
    monkeypatch.setattr(build, "build", lambda: None)
    monkeypatch.setattr(build, "run", lambda cmd, *, what, **kwargs: None)
    runs: list[list[str]] = []

    def pytest_run(record: list[dict[str, object]], codes: list[int]) -> object:
        def fake(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
            runs.append(cmd)
            env = kwargs["env"]
            assert isinstance(env, dict)
            Path(env[build.FAILURES_ENV]).write_text(json.dumps(record))
            return subprocess.CompletedProcess(cmd, codes[len(runs) - 1])

        return fake

    crash = {"nodeid": "tests/browser/test_a.py::test_x[chromium]", "when": "call", "renderer_crash": True}
    monkeypatch.setattr(build.subprocess, "run", pytest_run([crash], [1, 0]))
    assert build.test(["-q"]) == 0
    assert [cmd[3:] for cmd in runs] == [["-q"], [crash["nodeid"]]]

    runs.clear()
    wrong = {**crash, "renderer_crash": False}
    monkeypatch.setattr(build.subprocess, "run", pytest_run([crash, wrong], [1, 0]))
    assert build.test([]) == 1 and len(runs) == 1  # a real failure stands: nothing runs again
