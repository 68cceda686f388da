"""TikTok's native-runtime package: ``python3 build.py package --platform tiktok``.

TikTok runs mini games only in its native runtime since September 2026: ``game.js`` + ``game.json`` +
``project.config.json``, JavaScript and WebAssembly, no DOM, WebAssembly only from package paths. The
package is built from the same built site (dist/) as the web and Meta ones:

* the main package: ``game.js`` (the game's native entry bundled with gameport's native boot into one
  classic script, the manifest inlined), ``game.json`` (its ``subpackages``), ``project.config.json``;
* ``engine/``: ``pyodide.asm.wasm.br`` and the glue modules Pyodide would otherwise make from bytes;
* ``runtime/``: Pyodide's JavaScript as a classic script that registers its factory on ``GameGlobal``;
* ``python/``: the trimmed standard library, the gameport wheel and the game's Python sources, brotli
  files that the boot reads with ``readCompressedFile``.

Every subpackage root holds its own ``game.js``. The checks of packaging_checks.py run on what the
package holds (compressed members are scanned decompressed), plus TikTok's own: the size limits of
``LIMITS``, the minimum client version and the device risks of the wasm. Facts: the reference
tiktok-native-and-payments.md 1.2-1.8; stdlib only.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import packaging_checks as checks

ROOT = Path(__file__).resolve().parent
PYODIDE_VERSION = "314.0.7"  # js_bridge/native/pyodide_start.js follows this version's loadPyodide()


@dataclass(frozen=True)
class Limit:
    bytes: int
    source: str
    confirmed: bool


# One table: TikTok's package limits (non-Unity games). "MB" is read as 10^6 bytes, the stricter reading.
LIMITS = {
    "main": Limit(4_000_000, "main package up to 4 MB (optimize-startup page, Nov 2026)", True),
    # Documented for *independent* subpackages; for ordinary ones TikTok says nothing (WeChat: no limit,
    # Douyin: 20 MB). Designed for the strict number until `ttmg dev` says otherwise.
    "subpackage": Limit(
        4_000_000, "4 MB documented for independent subpackages; ordinary: unconfirmed", False
    ),
    "total": Limit(30_000_000, "total package up to 30 MB (optimize-startup page)", True),
}
SUBPACKAGES = ("engine", "runtime", "python")
# The boot's needs (js_bridge/native/runtime_facts.js): readCompressedFile (44.6.0) is the newest.
MIN_CLIENT = "44.6.0"
MIN_CLIENT_WHY = "readCompressedFile (SDK 0.18.0 / TikTok 44.6.0); TTWebAssembly needs 43.4.0"

# What TikTok's launch checklist asks the game to use (tiktok-native-and-payments.md, seed checklist).
REQUIRED_CALLS = {
    "silent login": "platform.login(",
    "rewarded ad": "show_rewarded(",
    "purchases": "payments.purchase(",
    "shortcut": "shortcut.add(",
    "shortcut reward check": "shortcut.reward_available(",
    "revisit": "revisit.start(",
    "revisit reward check": "revisit.reward_available(",
}


# -- the parts -------------------------------------------------------------------------------------------


_WASM_TYPES = {"i": 0x7F, "p": 0x7F, "j": 0x7E, "f": 0x7D, "d": 0x7C, "e": 0x6F}


def _leb_with_length(items: list[int]) -> list[int]:
    # Emscripten's uleb128EncodeWithLen: always two bytes of length
    return [len(items) % 128 | 128, len(items) >> 7, *items]


def signature_wrapper(sig: str) -> bytes:
    """The module Emscripten's convertJsFunctionToWasm builds for a JS function of signature ``sig``
    (import ``e.f``, export ``f``): byte for byte, as its bytes are the key the boot looks it up by."""
    params = [_WASM_TYPES[c] for c in sig[1:]]
    results = [] if sig[0] == "v" else [_WASM_TYPES[sig[0]]]
    types = _leb_with_length([1, 0x60, *_leb_with_length(params), *_leb_with_length(results)])
    return bytes(
        [0, 97, 115, 109, 1, 0, 0, 0, 1, *types, 2, 7, 1, 1, 101, 1, 102, 0, 0, 7, 5, 1, 1, 102, 0, 0]
    )


def glue_modules(asm_js: str) -> dict[str, bytes]:
    """The modules Pyodide's JavaScript makes from bytes at run time, by package path: a wrapper per
    signature any of its JS functions declares (``.sig="..."``). Not its call trampoline: that one needs
    wasm GC, which no sibling runtime is known to have, and Pyodide falls back to a JavaScript one."""
    modules: dict[str, bytes] = {}
    for sig in sorted(set(re.findall(r'\.sig="([a-z]+)"', asm_js))):
        if all(c in _WASM_TYPES for c in sig[1:]) and (sig[0] == "v" or sig[0] in _WASM_TYPES):
            modules[f"engine/glue/w_{sig}.wasm"] = signature_wrapper(sig)
    if not modules:
        raise checks.PackageFailed(
            "no signature found in pyodide.asm.mjs: is this Pyodide " + PYODIDE_VERSION + "?"
        )
    return modules


def runtime_script(asm_path: Path, esbuild: str) -> bytes:
    """pyodide.asm.mjs as a classic script (esbuild, minified) that puts its factory on GameGlobal."""
    footer = (
        '(typeof GameGlobal==="object"&&GameGlobal!==null?GameGlobal:globalThis)'
        ".__gameportPyodideFactory=__gameportPyodideAsm.default;"
    )
    return _esbuild(esbuild, asm_path, ["--global-name=__gameportPyodideAsm", f"--footer:js={footer}"])


def _esbuild(esbuild: str, entry: Path, extra: list[str]) -> bytes:
    cmd = [
        esbuild, str(entry), "--bundle", "--minify", "--format=iife", "--platform=neutral",
        "--target=es2022", "--external:node:*", "--external:ws", "--log-level=error", *extra,
    ]  # fmt: skip
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, check=False)
    if done.returncode != 0:
        raise checks.PackageFailed(f"esbuild failed on {entry}: {done.stderr.decode(errors='replace')}")
    return done.stdout


def main_script(entry: Path, manifest: dict[str, object], esbuild: str) -> bytes:
    """The game's native entry (e.g. demo_game/native/main.js) bundled with gameport's native boot."""
    return _esbuild(esbuild, entry, [f"--define:__GAMEPORT_NATIVE__={json.dumps(manifest)}"])


def game_sources(game_dir: Path) -> bytes:
    """The game's Python package (``<game_dir>/game/``) as a deterministic stored zip, on sys.path."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for path in sorted((game_dir / "game").rglob("*.py")):
            info = zipfile.ZipInfo(path.relative_to(game_dir).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


_SHARED = '(typeof GameGlobal==="object"&&GameGlobal!==null?GameGlobal:globalThis)'
SUBPACKAGE_MARKER = (
    "// gameport: the {name} subpackage ({what}); TTMinis.game.loadSubpackage runs this file.\n"
    + _SHARED
    + ".__gameportParts=Object.assign("
    + _SHARED
    + '.__gameportParts||{{}},{{"{name}":true}});\n'
)


def package_files(
    site: Path,
    game_dir: Path,
    esbuild: str,
    brotli: Callable[[bytes], bytes],
    options: dict[str, object],
) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Every file of the package by path, and what the scans read: the same with each brotli member
    decompressed, named so packaging_checks tells ours from the libraries' (``pyodide/``, ``wheels/``).
    ``options`` reach the game (e.g. its backend URL)."""
    info = json.loads((site / "build-info.json").read_text())
    if info.get("pyodide") != PYODIDE_VERSION:
        raise checks.PackageFailed(
            f"the site is built on Pyodide {info.get('pyodide')}; the native boot follows {PYODIDE_VERSION}"
        )
    asm_path = site / "pyodide" / "pyodide.asm.mjs"
    glue = glue_modules(asm_path.read_text())
    wheel_name = info["wheels"]["gameport"]
    wheel = (site / "wheels" / wheel_name).read_bytes()
    sources = game_sources(game_dir)
    runtime = runtime_script(asm_path, esbuild)
    files: dict[str, bytes] = {
        "engine/game.js": SUBPACKAGE_MARKER.format(name="engine", what="the wasm").encode(),
        "engine/pyodide.asm.wasm.br": brotli((site / "pyodide" / "pyodide.asm.wasm").read_bytes()),
        **glue,
        "runtime/game.js": runtime,
        "python/game.js": SUBPACKAGE_MARKER.format(name="python", what="the Python files").encode(),
        "python/stdlib.zip.br": brotli((site / info["stdlib"]["zip"]).read_bytes()),
        "python/gameport.whl.br": brotli(wheel),
        "python/game.zip.br": brotli(sources),
    }
    weights = {
        "engine": sum(len(d) for n, d in files.items() if n.startswith("engine/")),
        "runtime": len(files["runtime/game.js"]),
        "python": sum(len(d) for n, d in files.items() if n.startswith("python/")),
        "wasm": 400_000,  # compiling the wasm: weighed as a download of this size
        "import": 50_000,
    }
    manifest = {
        "files": {
            "wasm": "engine/pyodide.asm.wasm.br",
            "stdlib": "python/stdlib.zip.br",
            "wheel": "python/gameport.whl.br",
            "game": "python/game.zip.br",
        },
        "glue": [{"hex": data.hex(), "path": name, "stub": "func"} for name, data in glue.items()],
        "weights": weights,
        "wheelName": wheel_name,
        "finder": info["stdlib"]["finder"],
        "lockfile": info["lockfile"],
        "main": (game_dir / "main.py").read_text(),
        "options": options,
        "minClient": MIN_CLIENT,
    }
    files["game.js"] = main_script(game_dir / "native" / "main.js", manifest, esbuild)
    files["game.json"] = _json(
        {
            "deviceOrientation": "portrait",
            "showStatusBar": False,
            "subpackages": [{"root": f"{name}/", "name": name} for name in SUBPACKAGES],
        }
    )
    files["project.config.json"] = _json(
        {
            "description": "built by gameport (python3 build.py package --platform tiktok)",
            # No ES5 transpiling or re-minifying on upload (WeChat's meaning of these settings; TikTok's
            # are undocumented): Pyodide's JavaScript needs BigInt and async functions as they are.
            "setting": {"es6": False, "minified": False},
            "compileType": "game",
            "minClientVersion": MIN_CLIENT,
        }
    )
    plain = {
        name: data
        for name, data in files.items()
        if not name.endswith(".br") and name != "runtime/game.js" and not name.startswith("engine/glue/")
    }
    plain |= {"pyodide/runtime.js": runtime, f"wheels/{wheel_name}": wheel, "python/game.zip": sources}
    return dict(sorted(files.items())), plain


def _json(value: object) -> bytes:
    return (json.dumps(value, indent=1) + "\n").encode()
