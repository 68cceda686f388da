"""TikTok's native package checks (native_checks.py) on purpose-made packages, and the glue modules of
native_package.py against Pyodide's real JavaScript. The package built from the demo and booted in the
native-runtime simulator: tests/native/."""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
GAME_PY = """from gameport import platform
async def main():
    await platform.init()
    await platform.set_loading_progress(1.0)
    await platform.login()
    await platform.ads.show_rewarded("revive")
    await platform.payments.purchase("coins_100")
    await platform.shortcut.add()
    await platform.shortcut.reward_available()
    await platform.revisit.start()
    await platform.revisit.reward_available()
"""


def _load(name: str) -> Any:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    spec = importlib.util.spec_from_file_location(name, ROOT / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


checks = _load("packaging_checks")
native = _load("native_package")
native_checks = _load("native_checks")


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _package(
    game_py: str = GAME_PY, main_js: str = "reportToPlatform(0.5);\n"
) -> tuple[dict[str, bytes], dict[str, bytes]]:
    game_json = {"subpackages": [{"root": f"{n}/", "name": n} for n in native.SUBPACKAGES]}
    files = {
        "game.js": main_js.encode(),
        "game.json": json.dumps(game_json).encode(),
        "project.config.json": b"{}",
        "engine/game.js": b"//\n",
        "engine/pyodide.asm.wasm.br": b"\x00" * 1000,
        "runtime/game.js": b"var x = eval('1');\n",  # Pyodide's own: not "our JS"
        "python/game.js": b"//\n",
        "python/game.zip.br": b"\x01" * 100,
    }
    plain = {
        "game.js": files["game.js"],
        "game.json": files["game.json"],
        "pyodide/runtime.js": files["runtime/game.js"],
        "python/game.zip": _zip({"game/app.py": game_py}),
    }
    return files, plain


def _config(tmp_path: Path, env: str = "sandbox", backend: str = "http://127.0.0.1:8790") -> Any:
    path = tmp_path / "gameport.json"
    path.write_text(
        json.dumps(
            {
                "environment": env,
                "production_hosts": ["api.mygame.com"],
                "privacy_url": "https://mygame.com/privacy",
                "terms_url": "https://mygame.com/terms",
                "platforms": {"tiktok": {env: {"backend_url": backend}}},
            }
        )
    )
    return checks.load_game_config(path, "tiktok", env)


def _make(tmp_path: Path, files: dict[str, bytes], plain: dict[str, bytes], **kw: Any) -> Any:
    kw.setdefault("config", _config(tmp_path))
    kw.setdefault("server_config", None)
    kw.setdefault("feature_items", [checks.Check("wasm feature: exception handling", "manual", "verify")])
    return native_checks.make_package(
        files, plain, kw.pop("env", "sandbox"), tmp_path / "out", say=lambda _: None, **kw
    )


def test_a_good_package_is_written_as_zip_and_folder_with_the_tiktok_checklist(tmp_path: Path) -> None:
    files, plain = _package()
    result = _make(tmp_path, files, plain)
    with zipfile.ZipFile(result.path) as archive:
        assert sorted(archive.namelist()) == sorted(files)
    assert (tmp_path / "out" / "tiktok-sandbox" / "python" / "game.js").is_file()
    status = {c.name: c.status for c in result.checklist}
    assert status["required capabilities present"] == "pass"
    assert status["minimum TikTok client"] == "manual"
    assert status["no eval in our JS"] == "pass"  # runtime/ is Pyodide's, audited by the feature report
    assert status["wasm feature: exception handling"] == "manual"
    assert status["main package within 4,000,000 B"] == "pass"
    assert "44.6.0" in result.report


@pytest.mark.parametrize("part", ["engine/pyodide.asm.wasm.br", "game.js"])
def test_an_oversized_part_fails_naming_the_part(tmp_path: Path, part: str) -> None:
    files, plain = _package()
    files[part] = b"\x00" * 4_000_001
    with pytest.raises(checks.PackageFailed, match=r"(subpackage engine|main package) within .* B over"):
        _make(tmp_path, files, plain)
    assert not (tmp_path / "out").exists()


def test_the_total_limit_counts_every_part(tmp_path: Path) -> None:
    files, _ = _package()
    limits = {**native.LIMITS, "total": native.Limit(1_000, "test", True)}
    items, table = native_checks.size_checks(files, limits)
    assert items[-1].status == "fail" and "total package" in items[-1].name
    assert "engine" in table and "runtime" in table


def test_a_missing_subpackage_root_game_js_fails(tmp_path: Path) -> None:
    files, plain = _package()
    del files["python/game.js"]
    with pytest.raises(checks.PackageFailed, match=r"subpackage 'python': python/game.js is missing"):
        _make(tmp_path, files, plain)


def test_a_planted_secret_fails(tmp_path: Path) -> None:
    files, plain = _package(game_py=GAME_PY + 'CLIENT_SECRET = "client_secret=s3cr3tvalue-abcdef"\n')
    with pytest.raises(
        checks.PackageFailed, match=r"no secrets in the package .*python/game.zip!game/app.py"
    ):
        _make(tmp_path, files, plain)


def test_production_refuses_sandbox_endpoints_and_the_reverse(tmp_path: Path) -> None:
    files, plain = _package(main_js='reportToPlatform(1);\nconst api = "https://sandbox.example.com/x";\n')
    prod = _config(tmp_path, "production", "https://api.mygame.com")
    with pytest.raises(checks.PackageFailed, match="production package points at a sandbox"):
        _make(tmp_path, files, plain, config=prod, env="production")
    files, plain = _package(main_js='reportToPlatform(1);\nconst api = "https://api.mygame.com/x";\n')
    with pytest.raises(checks.PackageFailed, match="sandbox package points at a production host"):
        _make(tmp_path, files, plain)


def test_missing_capabilities_and_policy_urls_fail(tmp_path: Path) -> None:
    files, plain = _package(game_py="from gameport import platform\nplatform.init()\n")
    with pytest.raises(checks.PackageFailed, match="missing in the game's code: silent login, rewarded ad"):
        _make(tmp_path, files, plain)
    with pytest.raises(checks.PackageFailed, match="privacy_url set"):
        _make(tmp_path, *_package(), config=None)


def test_signature_wrappers_are_emscriptens_bytes_and_valid_wasm() -> None:
    # Emscripten 5's convertJsFunctionToWasm for "vi", as seen at Pyodide's start (import e.f, export f)
    assert native.signature_wrapper("vi").hex() == (
        "0061736d01000000018700016081007f800002070101650166000007050101660000"
    )
    modules = {sig: native.signature_wrapper(sig) for sig in ("v", "iii", "jij", "dd", "eee", "vpppppppppp")}
    script = (
        "const m = JSON.parse(process.argv[1]); for (const [s, h] of Object.entries(m))"
        " if (!WebAssembly.validate(Buffer.from(h, 'hex'))) { console.log(s); process.exit(1); }"
    )
    done = subprocess.run(
        ["node", "-e", script, json.dumps({s: b.hex() for s, b in modules.items()})], check=False
    )
    assert done.returncode == 0


def test_glue_covers_every_signature_pyodides_javascript_declares() -> None:
    asm = (ROOT / "node_modules" / "pyodide" / "pyodide.asm.mjs").read_text()
    glue = native.glue_modules(asm)
    assert "engine/glue/w_vi.wasm" in glue and "engine/glue/w_iiii.wasm" in glue
    assert len(glue) > 50
    assert all(name.startswith("engine/glue/w_") for name in glue)  # no wasm-GC trampoline
    with pytest.raises(checks.PackageFailed, match="no signature found"):
        native.glue_modules("function f() {}")
