#!/usr/bin/env python3
"""Set up, build, test and demo gameport. Runs with a bare ``python3``: only the stdlib at import time.

    python3 build.py setup    # .venv with pinned tools, Debian's chromium and postgresql, npm pyodide, wheel
    python3 build.py build    # the self-contained static site in dist/ (nothing loaded from a CDN)
    python3 build.py test     # setup + build, then lint (ruff, ESLint, Prettier), types, JS tests, all pytest
    python3 build.py demo     # setup + build, then serve dist/ on 127.0.0.1 and print the URL
    python3 build.py bench    # setup + build, then sizes, boot, bridge and ad costs as figures and ratios
    python3 build.py bench --server  # the game backend: SQLite vs PostgreSQL, 1 vs N processes
    python3 build.py servers  # the reference game backend + the mock of TikTok's/Meta's servers on 127.0.0.1
    python3 build.py package --platform meta|web [--env sandbox|production] [--config PATH] [--out DIR]
                              # setup + build, then a checked upload zip (packaging_checks.py)

Every step is idempotent and quiet when already done.
"""

from __future__ import annotations

import argparse
import ast
import base64
import contextlib
import hashlib
import http.server
import io
import json
import marshal
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tokenize
import tomllib
import types
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
CACHE = ROOT / ".cache"
BUILD = ROOT / "build"
DIST = ROOT / "dist"

PYODIDE_VERSION = "314.0.7"  # also pinned in package.json; Python 3.14 inside
PYODIDE_PYTHON = "3.14"
# What the built site copies from npm as is. The standard library is trimmed (STDLIB_* below); the lock
# file is not shipped: the loader hands Pyodide its "info" block with no packages (build-info.json).
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
STDLIB_ZIP = "python_stdlib.zip"
CHROMIUM = Path(os.environ.get("GAMEPORT_CHROMIUM", "/usr/bin/chromium"))
POSTGRES_LIB = Path("/usr/lib/postgresql")

# The Python that ruff checks and formats.
PY_LINT_PATHS = (
    "src", "tests", "bench", "demo_game", "docs", "build.py", "packaging_checks.py",
    "native_package.py", "native_checks.py", "wasm_features.py", "wasm_facts.py", "wasm_rules.py",
)  # fmt: skip
# The JavaScript that ESLint checks and Prettier lays out (eslint.config.js, .prettierrc.json).
JS_LINT_PATHS = (
    "eslint.config.js",
    "js_bridge",
    "demo_game",
    "bench/pages",
    "tests/js",
    "tests/native_sim",
    "tests/native",
    "tests/browser/pages",
)

# Never shipped to a browser: the server side holds secrets and server-only dependencies; the fakes and the
# test helpers are for host tests (CPython). Both layouts: today's and the subpackages to come.
WHEEL_EXCLUDE = (
    "gameport/server/",
    "gameport/fakes/",
    "gameport/testing/",
    "gameport/testing.py",
    "gameport/testing_http.py",
    # The editors' JSON Schema of the configuration and the module that writes it (it reads docstrings).
    "gameport/config/schema.json",
    "gameport/config/schema.py",
)

# -- the trimmed standard library ----------------------------------------------------------------------------
# The browser gets Pyodide's stdlib minus what a game never reaches: the closure of the imports of the roots
# below, of gameport's browser modules and of the game's own modules (every import statement, at any depth,
# so lazy imports are kept too), cut at STDLIB_TRIM. A game importing a trimmed module gets a
# ModuleNotFoundError that says so and how to keep it (STDLIB_KEEP).
STDLIB_ROOTS = (
    "site", "_sitebuiltins", "encodings", "_pyodide", "pyodide",  # Pyodide's own start-up
)  # fmt: skip
GAME = ROOT / "demo_game"  # the game dist/ is built for: its .py files are scanned for their imports
# Kept although neither gameport nor the game imports them by name: add what game code loads by a computed
# name (importlib.import_module, __import__), which the scan cannot see. Each costs download for every player.
STDLIB_KEEP: tuple[str, ...] = ()
# Never shipped, even when a kept module mentions them (lazily, on paths a game in a browser does not take).
# ssl, bz2, lzma and compression.zstd are imported at start-up, but inside try/except ImportError (asyncio,
# shutil, zipfile), which the trimmed-module error satisfies; trim_stdlib refuses any top-level import.
STDLIB_TRIM = (
    "__hello__", "__phello__", "_ast_unparse", "_py_abc", "_pydatetime", "_pydecimal", "_pyio", "_pyrepl",
    "_ssl", "_threading_local", "antigravity", "argparse", "asyncio.proactor_events",
    "asyncio.windows_events", "asyncio.windows_utils", "bdb", "bz2", "cmd", "code", "compileall",
    "compression.bz2", "compression.lzma", "compression.zstd", "concurrent.futures.interpreter",
    "concurrent.futures.process", "concurrent.interpreters", "cProfile", "ctypes", "curses", "dbm",
    "difflib", "doctest", "email", "encodings._win_cp_codecs", "encodings.idna", "ensurepip", "fractions",
    "ftplib", "getopt", "html", "http", "idlelib", "imaplib", "importlib.metadata", "lib2to3", "lzma",
    "mailbox", "modulefinder", "multiprocessing", "optparse", "pdb", "pickle", "pickletools", "platform",
    "plistlib", "poplib", "profile", "pstats", "py_compile", "pyclbr", "pydoc", "pydoc_data",
    "pyodide._nodesock_transport", "pyodide.console", "pyodide.ffi.wrappers", "pyodide.http", "rlcompleter",
    "smtplib", "socketserver", "sqlite3",
    "ssl", "statistics", "stringprep", "tabnanny", "tarfile", "this", "timeit", "tkinter", "trace",
    "tracemalloc", "turtle", "turtledemo", "unittest", "urllib.request", "urllib.robotparser", "venv",
    "webbrowser", "wsgiref", "xml", "xmlrpc", "zipapp", "zoneinfo",
)  # fmt: skip
# Codecs are looked up by name at run time, so no import names them: keep the common text encodings (not the
# bytes-to-bytes codecs hex / base64 or the escape codecs, which nothing kept uses; a game asking for one by
# name gets LookupError: unknown encoding).
STDLIB_ENCODINGS = (
    "aliases", "ascii", "charmap", "cp437", "latin_1", "utf_16", "utf_16_be", "utf_16_le", "utf_32",
    "utf_32_be", "utf_32_le", "utf_8", "utf_8_sig",
)  # fmt: skip
TRIMMED_FINDER_MODULE = "_gameport_trimmed"

# Served precompressed: build() writes NAME.br and NAME.gz beside these when they come out smaller.
PRECOMPRESS_SUFFIXES = (".wasm", ".mjs", ".js", ".zip", ".whl", ".json", ".html", ".py", ".css")
ENCODINGS = {"br": ".br", "gzip": ".gz"}  # Content-Encoding -> file suffix, in order of preference
BROTLI_VERSION = "1.2.1"  # also pinned in pyproject.toml's dev extra; runs in .venv, never at import
# zopfli's iterations for the .gz files: 1 already takes 3-4 % off zlib's level 9, 5 another 0.5 % (a few
# minutes for the whole site, once: results are cached by content).
GZIP_ITERATIONS = 5

MIME_TYPES = {
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".json": "application/json",  # JSON module imports (the mocks' emulation.json) require it
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".py": "text/plain",
}


class BuildFailed(Exception):
    """A step failed; the message says what to do."""


def _load_local_stack():  # type: ignore[no-untyped-def]
    """gameport.testing.local_stack (stdlib only), loaded by its path: no virtualenv is needed for it."""
    import importlib.util

    path = ROOT / "src" / "gameport" / "testing" / "local_stack.py"
    spec = importlib.util.spec_from_file_location("_gameport_local_stack", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


local_stack = _load_local_stack()
# How the browser tests, the bench and the pytest plugin launch Chromium: headless, quiet, no network.
CHROMIUM_ARGS: list[str] = local_stack.CHROMIUM_ARGS


def say(message: str) -> None:
    print(f"[build.py] {message}", flush=True)


def run(cmd: list[str], *, what: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> None:
    """Run a command with its output shown; raise BuildFailed naming the step when it fails."""
    started = time.monotonic()
    say(f"{what} ...")
    result = subprocess.run(cmd, cwd=cwd, env=env, check=False)
    if result.returncode != 0:
        raise BuildFailed(f"{what} failed (exit {result.returncode}): {' '.join(cmd)}")
    say(f"{what}: done in {time.monotonic() - started:.0f} s")


def venv_bin(name: str) -> str:
    return str(VENV / "bin" / name)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- setup --------------------------------------------------------------------------------------------------


def setup_venv() -> None:
    stamp = VENV / ".gameport-setup"
    wanted = sha256_of(ROOT / "pyproject.toml")
    if stamp.exists() and stamp.read_text() == wanted and Path(venv_bin("python")).exists():
        return
    if not Path(venv_bin("python")).exists():
        run([sys.executable, "-m", "venv", str(VENV)], what="creating .venv")
    run(
        [venv_bin("python"), "-m", "pip", "install", "--disable-pip-version-check", "-e", ".[dev,server]"],
        what="installing pinned dev and server dependencies into .venv (first time: about a minute)",
    )
    stamp.write_text(wanted)


_apt_updated: list[bool] = []


def apt_install(package: str, *, what: str) -> None:
    """``apt-get install -y <package>`` as root, after one ``apt-get update`` per run of build.py."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _apt_updated:
        run(["apt-get", "update", "-q"], what="apt-get update", env=env)
        _apt_updated.append(True)
    run(["apt-get", "install", "-y", "-q", package], what=what, env=env)


def setup_chromium() -> None:
    if CHROMIUM.exists():
        return
    if CHROMIUM != Path("/usr/bin/chromium"):
        raise BuildFailed(f"GAMEPORT_CHROMIUM={CHROMIUM} does not exist")
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise BuildFailed(
            "Chromium is missing and cannot be installed here (needs root and apt-get): "
            "install Debian's 'chromium' package, or set GAMEPORT_CHROMIUM to a Chromium binary"
        )
    apt_install("chromium", what="installing Debian's chromium")


def setup_postgresql() -> None:
    """Debian's PostgreSQL server: the server tests and the bench start throwaway clusters with its
    initdb / pg_ctl (``/usr/lib/postgresql/<version>/bin``). Nothing is started here."""
    if any(POSTGRES_LIB.glob("*/bin/pg_ctl")):
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise BuildFailed(
            "PostgreSQL is missing and cannot be installed here (needs root and apt-get): "
            "install Debian's 'postgresql' package"
        )
    apt_install("postgresql", what="installing Debian's postgresql")


def setup_wrk() -> None:
    """Debian's wrk: the load generator of ``bench --server`` (C, so it leaves the cores to the servers)."""
    if shutil.which("wrk") is not None:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise BuildFailed(
            "wrk is missing and cannot be installed here (needs root and apt-get): install Debian's 'wrk'"
        )
    apt_install("wrk", what="installing Debian's wrk")


def setup_npm() -> None:
    """``npm ci`` of package-lock.json: pyodide for the site; the devDependencies ESLint, Prettier and
    @napi-rs/canvas (the real canvas of tests/native_sim, the TikTok native-runtime simulator)."""
    modules = ROOT / "node_modules"
    stamp = modules / ".gameport-setup"
    wanted = sha256_of(ROOT / "package-lock.json")
    installed = modules / "pyodide" / "package.json"
    if (
        stamp.exists()
        and stamp.read_text() == wanted
        and installed.exists()
        and json.loads(installed.read_text()).get("version") == PYODIDE_VERSION
    ):
        return
    npm = shutil.which("npm")
    if npm is None:
        raise BuildFailed("npm is missing: install Node.js and npm (Debian: apt-get install nodejs npm)")
    run(
        # --include=dev: the linters are devDependencies, wanted even where NODE_ENV=production.
        [npm, "ci", "--include=dev", "--no-audit", "--no-fund"],
        what=f"installing npm pyodide@{PYODIDE_VERSION}, ESLint, Prettier and @napi-rs/canvas",
    )
    stamp.write_text(wanted)


def node_bin(name: str) -> str:
    return str(ROOT / "node_modules" / ".bin" / name)


TOP_LEVEL_AWAIT = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT  # a game's main.py runs with top-level await


def browser_source(source: str, name: str) -> str:
    """``source`` as the browser wheel carries it: each docstring (and attribute docstring) emptied (``""``,
    still a docstring, so a body that was only a docstring stays valid) and comments dropped, every
    statement on its original line (tracebacks point at the repository's lines). What the browser runs is
    unchanged: compiled at -OO (which drops docstrings anyway, and gameport reads none at run time) it gives
    the same code objects, line for line, which this checks.

    Raises:
        BuildFailed: the stripped source would compile differently (a construct this does not handle).
    """
    lines = [line.encode() for line in source.splitlines(keepends=True)]
    # Docstrings, and the strings documenting an attribute: every expression statement of a lone string.
    docstrings = [
        node
        for node in ast.walk(compile(source, name, "exec", ast.PyCF_ONLY_AST | TOP_LEVEL_AWAIT))
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    ]
    for doc in sorted(docstrings, key=lambda d: (d.lineno, d.col_offset), reverse=True):
        first, last = doc.lineno - 1, (doc.end_lineno or doc.lineno) - 1  # ast columns are UTF-8 offsets
        lines[first] = lines[first][: doc.col_offset] + b'""' + lines[last][doc.end_col_offset :]
        for index in range(first + 1, last + 1):
            lines[index] = b"\n"
    text = b"".join(lines).decode()
    comments = [
        token.start
        for token in tokenize.generate_tokens(io.StringIO(text).readline)
        if token.type == tokenize.COMMENT
    ]
    out = text.splitlines(keepends=True)
    for row, col in reversed(comments):
        line = out[row - 1]
        out[row - 1] = line[:col].rstrip() + ("\n" if line.endswith("\n") else "")
    stripped = "".join(out)
    if _code_and_lines(compile(stripped, name, "exec", TOP_LEVEL_AWAIT, optimize=2)) != _code_and_lines(
        compile(source, name, "exec", TOP_LEVEL_AWAIT, optimize=2)
    ):
        raise BuildFailed(f"{name}: stripping docstrings and comments would change its code")
    return stripped


def _code_and_lines(code: types.CodeType) -> tuple[bytes, list[object]]:
    """A code object's marshalled form without its positions table, and each instruction's line, nested
    code included: the end line and columns of a docstring's no-op instruction are all that may differ."""
    lines: list[object] = []

    def walk(c: types.CodeType) -> types.CodeType:
        lines.append(list(c.co_lines()))
        consts = tuple(walk(k) if isinstance(k, types.CodeType) else k for k in c.co_consts)
        return c.replace(co_linetable=b"", co_consts=consts)

    return marshal.dumps(walk(code)), lines


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def build_wheel() -> Path:
    """Write the browser wheel of gameport: pure Python, without the server side, the host fakes or the test
    helpers (WHEEL_EXCLUDE), its modules without docstrings and comments (browser_source); members stored
    (see _write_stored_zip). Deterministic."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    name, version = project["name"], project["version"]
    dist_info = f"{name}-{version}.dist-info"
    files: list[tuple[str, bytes]] = []
    package_dir = ROOT / "src" / "gameport"
    for path in sorted(package_dir.rglob("*")):
        rel = path.relative_to(package_dir.parent).as_posix()
        if not path.is_file() or "__pycache__" in rel or rel.startswith(WHEEL_EXCLUDE):
            continue
        if path.suffix == ".py":
            files.append((rel, browser_source(path.read_text(), rel).encode()))
        else:
            files.append((rel, path.read_bytes()))
    metadata = (
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: {project['description']}\n"
        f"Requires-Python: {project['requires-python']}\n"
    )
    wheel_meta = (
        "Wheel-Version: 1.0\nGenerator: gameport build.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    files.append((f"{dist_info}/METADATA", metadata.encode()))
    files.append((f"{dist_info}/WHEEL", wheel_meta.encode()))
    record = "".join(f"{rel},{_record_hash(data)},{len(data)}\n" for rel, data in files)
    record += f"{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode()))
    out = BUILD / "wheels" / f"{name}-{version}-py3-none-any.whl"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    _write_stored_zip(tmp, files)
    tmp.replace(out)
    return out


def _write_stored_zip(path: Path, files: Iterable[tuple[str, bytes]]) -> None:
    """A deterministic zip with its members stored, not deflated: the wire's brotli/gzip then compresses
    across files (a deflated zip hardly shrinks again), and zipimport reads it as well."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for rel, data in files:
            info = zipfile.ZipInfo(rel, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, data)


def setup() -> None:
    setup_venv()
    setup_chromium()
    setup_postgresql()
    setup_wrk()
    setup_npm()
    build_wheel()


# -- build --------------------------------------------------------------------------------------------------


def _copy_tree(src: Path, dst: Path, suffixes: Iterable[str], skip: str | None = None) -> None:
    for path in sorted(src.rglob("*")):
        if skip is not None and path.relative_to(src).parts[0] == skip:
            continue
        if path.is_file() and path.suffix in suffixes and "__pycache__" not in path.parts:
            target = dst / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


_IMPORT = re.compile(
    r"^[ \t]*(?:import[ \t]+"
    r"(?P<plain>[\w.]+(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[\w.]+(?:[ \t]+as[ \t]+\w+)?)*)"
    r"|from[ \t]+(?P<dots>\.*)(?P<module>[\w.]*)[ \t]+import[ \t]+(?P<names>\([^)]*\)|[^#\n;]+))",
    re.MULTILINE,
)


def imported_names(module: str, source: str, is_package: bool) -> set[str]:
    """Every module name an import statement in ``source`` may load, at any depth (relative imports
    resolved; ``from a import b`` gives ``a`` and ``a.b``). Text-based, not ``ast``: build.py runs on
    Python 3.11+ and Pyodide's stdlib is 3.14 syntax. Over-approximates, which errs on keeping."""
    names: set[str] = set()
    for match in _IMPORT.finditer(source):
        if match["plain"]:
            names.update(part.split(" as ")[0].strip() for part in match["plain"].split(","))
            continue
        base = match["module"]
        if match["dots"]:
            parts = module.split(".") if is_package else module.split(".")[:-1]
            parts = parts[: len(parts) - (len(match["dots"]) - 1)]
            base = ".".join([*parts, *([match["module"]] if match["module"] else [])])
        names.add(base)
        for item in match["names"].strip().strip("()").split(","):
            item = item.split(" as ")[0].strip()
            if item and item != "*":
                names.add(f"{base}.{item}")
    return {name for name in names if name}


def top_level_imports(source: str) -> str:
    """The unindented import statements of ``source``, with the continuation lines of a parenthesized one
    (and nothing else: a docstring line that starts with "i" or "f" is no import)."""
    kept: list[str] = []
    lines = iter(source.splitlines())
    for line in lines:
        if line.startswith(("import ", "from ")):
            kept.append(line)
            if "(" in line and ")" not in line:
                for more in lines:
                    kept.append(more)
                    if ")" in more:
                        break
    return "\n".join(kept)


def _module_name(member: str) -> str | None:
    if not member.endswith(".py"):
        return None
    name = member[:-3].replace("/", ".")
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def _under(name: str, prefixes: Iterable[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def trim_stdlib(
    source_zip: Path, extra_roots: Iterable[str] = ()
) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Pyodide's stdlib zip cut to what the roots reach (STDLIB_ROOTS, STDLIB_KEEP, ``extra_roots``).

    Answers the members to ship and the trimmed module names (a name whose package is trimmed too is left
    out: importing the package fails first).
    """
    with zipfile.ZipFile(source_zip) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
    modules = {name: member for member in members if (name := _module_name(member)) is not None}

    def imports_of(name: str) -> set[str]:
        member = modules[name]
        found = imported_names(name, members[member].decode("utf-8"), member.endswith("__init__.py"))
        # a.b.c also loads a and a.b
        return {".".join(n.split(".")[:k]) for n in found for k in range(1, n.count(".") + 2)} & set(modules)

    roots = [*STDLIB_ROOTS, *STDLIB_KEEP, *extra_roots, *(f"encodings.{e}" for e in STDLIB_ENCODINGS)]
    roots += [m for m in modules if _under(m, ("_pyodide", "pyodide"))]
    kept: set[str] = set()
    todo = [r for r in roots if r in modules]
    while todo:
        name = todo.pop()
        if name in kept or _under(name, STDLIB_TRIM):
            continue
        kept.add(name)
        todo.extend(imports_of(name))
    kept_dirs = {modules[m].rsplit("/", 1)[0] for m in kept if modules[m].endswith("__init__.py")}
    shipped = [
        (member, data)
        for member, data in sorted(members.items())
        if (name := _module_name(member)) in kept
        or (name is None and ("/" not in member or member.rsplit("/", 1)[0] in kept_dirs))
    ]
    trimmed = sorted(m for m in modules if m not in kept)
    # A kept module importing a trimmed one at its top level (no indentation) would fail at once: refuse.
    for name in sorted(kept):
        source = members[modules[name]].decode("utf-8")
        needed = imported_names(name, top_level_imports(source), modules[name].endswith("__init__.py"))
        broken = sorted(n for n in needed if n in modules and n not in kept)
        if broken:
            raise BuildFailed(f"STDLIB_TRIM drops {broken[0]}, which {name} imports at its top level")
    trimmed = [m for m in trimmed if m.rpartition(".")[0] not in trimmed]
    return shipped, trimmed


TRIMMED_FINDER = """\
\"\"\"Generated by gameport's build.py: names the modules trimmed from this build's standard library.

Installed at boot as the last finder on sys.meta_path, so it is asked only about modules nothing else found.
\"\"\"

import sys

TRIMMED = frozenset({trimmed!r})  # sorted: the same build gives the same bytes


class TrimmedStdlibFinder:
    \"\"\"Raises a ModuleNotFoundError that says the module was trimmed and how to keep it.\"\"\"

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if fullname not in TRIMMED:
            return None
        top = fullname.partition(".")[0] if fullname.partition(".")[0] in TRIMMED else fullname
        raise ModuleNotFoundError(
            f"No module named {{fullname!r}}: it was trimmed from this game's browser build of the Python "
            f"standard library to make the download smaller. To keep it, add {{top!r}} to STDLIB_KEEP in "
            f"gameport's build.py (and remove it from STDLIB_TRIM if listed there), then rebuild.",
            name=fullname,
        )

    @staticmethod
    def invalidate_caches():
        pass


def install():
    if TrimmedStdlibFinder not in sys.meta_path:
        sys.meta_path.append(TrimmedStdlibFinder)
"""


def gameport_stdlib_imports(package: Path = ROOT / "src" / "gameport") -> tuple[set[str], set[str]]:
    """What the browser wheel's modules import: (every name, the names imported at a module's top level)."""
    everything: set[str] = set()
    top_level: set[str] = set()
    for path in package.rglob("*.py"):
        rel = path.relative_to(package.parent).as_posix()
        if not rel.startswith(WHEEL_EXCLUDE):
            module, source, is_package = (
                rel[:-3].replace("/", "."),
                path.read_text(),
                path.name == "__init__.py",
            )
            everything |= imported_names(module, source, is_package)
            top_level |= imported_names(module, top_level_imports(source), is_package)
    return everything, top_level


def game_stdlib_imports(game: Path = GAME) -> set[str]:
    """Every module name the game's own .py files import (its folder is the top of its import path)."""
    names: set[str] = set()
    for path in game.rglob("*.py"):
        rel = path.relative_to(game).with_suffix("").as_posix().replace("/", ".")
        is_package = path.name == "__init__.py"
        names |= imported_names(rel.removesuffix(".__init__"), path.read_text(), is_package)
    return names


def build_stdlib(out: Path) -> list[str]:
    """Write the trimmed stdlib zip (members stored) with the finder module; answer the trimmed names.

    Raises:
        BuildFailed: a gameport module imports a trimmed stdlib module at its top level.
    """
    gameport_imports, top_level = gameport_stdlib_imports()
    roots = sorted(gameport_imports | game_stdlib_imports())
    shipped, trimmed = trim_stdlib(ROOT / "node_modules" / "pyodide" / STDLIB_ZIP, roots)
    broken = sorted(name for name in top_level if _under(name, trimmed))
    if broken:
        raise BuildFailed(f"gameport imports {broken[0]} at a module's top level, but STDLIB_TRIM drops it")
    finder = TRIMMED_FINDER.format(trimmed=sorted(trimmed))
    sources = out.with_name(out.name + ".src")
    _write_stored_zip(sources, [*shipped, (f"{TRIMMED_FINDER_MODULE}.py", finder.encode())])
    shutil.copyfile(compile_stdlib(sources), out)
    sources.unlink()
    return trimmed


# Run by node with Pyodide itself (the same CPython 3.14 as in the browser): each .py of the zip becomes an
# unchecked-hash .pyc (no timestamps: deterministic, never stale-checked), compiled without column ranges
# (PYTHONNODEBUGRANGES) and with docstrings and asserts stripped (-OO; Pyodide's own docstring helpers accept
# None), and without line numbers (a line table saying "no location": the line numbers were 17 % of the
# compressed stdlib; a traceback frame in the stdlib then shows its file and function with "line None", and
# the frames of the game and gameport, compiled from their sources, keep theirs). Sources are left out: the
# browser compiled them at every boot (about two thirds of Python's start-up), and the zip is smaller without.
COMPILE_STDLIB_JS = """
import { loadPyodide } from "./node_modules/pyodide/pyodide.mjs";
import { readFileSync, writeFileSync } from "node:fs";
const [source, target] = process.argv.slice(1);
const pyodide = await loadPyodide({ env: { PYTHONNODEBUGRANGES: "1" } });
pyodide.FS.writeFile("/tmp/in.zip", readFileSync(source));
pyodide.runPython(`
import importlib.util, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

def without_lines(code):
    # An empty table breaks traceback (co_positions must give one entry per code unit): instead one
    # "no location" entry (kind 15) per 8 code units.
    units, table = len(code.co_code) // 2, bytearray()
    while units > 0:
        table.append(0xF8 | (min(units, 8) - 1))
        units -= 8
    consts = tuple(without_lines(c) if hasattr(c, "co_code") else c for c in code.co_consts)
    return code.replace(co_linetable=bytes(table), co_consts=consts)

with zipfile.ZipFile("/tmp/in.zip") as src, zipfile.ZipFile("/tmp/out.zip", "w") as out:
    for info in src.infolist():
        data, name = src.read(info), info.filename
        if name.endswith(".py"):
            code = compile(data, "/lib/python314.zip/" + name, "exec", dont_inherit=True, optimize=2)
            code = without_lines(code)
            data = _code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False)
            name += "c"
        entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        entry.external_attr = 0o644 << 16
        out.writestr(entry, data)
`);
writeFileSync(target, pyodide.FS.readFile("/tmp/out.zip"));
"""


def compile_stdlib(sources: Path) -> Path:
    """The .pyc-only zip of ``sources`` (see COMPILE_STDLIB_JS), cached by content under .cache/pyc/."""
    key = hashlib.sha256(sources.read_bytes() + COMPILE_STDLIB_JS.encode() + PYODIDE_VERSION.encode())
    cached = CACHE / "pyc" / f"{key.hexdigest()}.zip"
    if not cached.exists():
        node = shutil.which("node")
        if node is None:
            raise BuildFailed("node is missing: install Node.js (Debian: apt-get install nodejs npm)")
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        run(
            [node, "--input-type=module", "-e", COMPILE_STDLIB_JS, str(sources), str(tmp)],
            what="compiling the trimmed stdlib to .pyc with Pyodide in node",
        )
        tmp.replace(cached)
    return cached


# -- precompression ------------------------------------------------------------------------------------------


def _compressed_cache(data: bytes, suffix: str) -> Path:
    # The compressor's settings are part of the name: a change of them never reuses an older result.
    method = {".br": "br11", ".gz": f"zopfli{GZIP_ITERATIONS}"}[suffix]
    return CACHE / "precompressed" / f"{hashlib.sha256(data).hexdigest()}.{method}{suffix}"


def precompress(folder: Path, only: Iterable[Path] | None = None) -> dict[str, dict[str, int]]:
    """Write NAME.gz and NAME.br beside each PRECOMPRESS_SUFFIXES file of ``folder`` that they make smaller.

    Results are cached by content under .cache/precompressed/. Brotli and zopfli run in .venv's python (the
    pinned ``brotli`` and ``zopfli`` packages; build.py itself imports only the stdlib). Answers
    {relative path: {suffix: bytes}}.
    """
    todo: list[tuple[Path, bytes]] = []
    for path in sorted(folder.rglob("*") if only is None else only):
        if path.is_file() and path.suffix in PRECOMPRESS_SUFFIXES:
            todo.append((path, path.read_bytes()))
    jobs = []
    big = 0
    for path, data in todo:
        for suffix in ENCODINGS.values():
            cached = _compressed_cache(data, suffix)
            if not cached.exists():
                cached.parent.mkdir(parents=True, exist_ok=True)
                jobs.append([str(path), str(cached)])
                big += len(data)
    if jobs:
        run(
            [venv_bin("python"), str(ROOT / "build.py"), "_compress", json.dumps(jobs)],
            what=f"brotli and zopfli for {len(jobs)} files ({big / 1e6:.1f} MB; cached after the first time)",
        )
    sizes: dict[str, dict[str, int]] = {}
    for path, data in todo:
        entry: dict[str, int] = {}
        for suffix in ENCODINGS.values():
            cached = _compressed_cache(data, suffix)
            if cached.stat().st_size < len(data):
                shutil.copyfile(cached, path.with_name(path.name + suffix))
                entry[suffix] = cached.stat().st_size
        sizes[path.relative_to(folder).as_posix()] = entry
    return sizes


def _compress_command(jobs_json: str) -> None:
    """build.py _compress '[[src, dst], ...]': run by precompress() in .venv's python (needs ``brotli`` and
    ``zopfli``). A ``dst`` ending in .br gets brotli (quality 11, 16 MB window), one ending in .gz gzip made
    by zopfli (smaller than zlib's level 9 by 3-4 % on the runtime files, and any gzip decoder reads it;
    header time 0, so the same input gives the same bytes)."""
    import brotli  # type: ignore[import-not-found]  # only here, in .venv
    import zopfli.gzip  # type: ignore[import-not-found]  # only here, in .venv

    for src, dst in json.loads(jobs_json):
        data = Path(src).read_bytes()
        tmp = Path(dst + ".tmp")
        if dst.endswith(".gz"):
            tmp.write_bytes(zopfli.gzip.compress(data, numiterations=GZIP_ITERATIONS))
        else:
            tmp.write_bytes(brotli.compress(data, quality=11, lgwin=24))
        tmp.replace(dst)


def build() -> Path:
    """Assemble dist/: the Pyodide runtime with a trimmed stdlib, the gameport wheel, js_bridge/ and the game,
    each compressible file also as .br and .gz for the server to pick by Accept-Encoding."""
    setup_npm()
    wheel = build_wheel()
    tmp = ROOT / "dist.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "pyodide").mkdir(parents=True)
    for name in PYODIDE_FILES:
        shutil.copyfile(ROOT / "node_modules" / "pyodide" / name, tmp / "pyodide" / name)
    trimmed = build_stdlib(tmp / "pyodide" / STDLIB_ZIP)
    (tmp / "wheels").mkdir()
    shutil.copyfile(wheel, tmp / "wheels" / wheel.name)
    # .json: the mocks' emulation.json, a symlink into src/gameport/testing/ (copyfile copies its target)
    # native/: the TikTok native runtime's boot, bundled into its package by native_package.py, not served
    _copy_tree(ROOT / "js_bridge", tmp / "js_bridge", {".js", ".json"}, skip="native")
    _copy_tree(GAME, tmp, {".html", ".js", ".py", ".css"}, skip="native")
    for path in GAME.rglob("*.py"):  # the game's modules as lean as gameport's
        target = tmp / path.relative_to(GAME)
        target.write_text(browser_source(path.read_text(), path.relative_to(GAME).as_posix()))
    encoded = precompress(tmp)
    files = {
        rel: {"bytes": path.stat().st_size, "sha256": sha256_of(path), **encoded.get(rel, {})}
        for path in sorted(tmp.rglob("*"))
        if path.is_file() and (rel := path.relative_to(tmp).as_posix()).rsplit(".", 1)[-1] not in ("br", "gz")
    }
    lock = json.loads((ROOT / "node_modules" / "pyodide" / "pyodide-lock.json").read_text())
    info = {
        "gameport": tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"],
        "pyodide": PYODIDE_VERSION,
        "python": PYODIDE_PYTHON,
        "wheels": {"gameport": wheel.name},
        # What loadPyodide gets as lockFileContents: no packages, so no lock file download at boot.
        "lockfile": {"info": lock["info"], "packages": {}},
        "stdlib": {"zip": f"pyodide/{STDLIB_ZIP}", "finder": TRIMMED_FINDER_MODULE, "trimmed": len(trimmed)},
        "files": files,
    }
    (tmp / "build-info.json").write_text(json.dumps(info, indent=1, sort_keys=True) + "\n")
    precompress(tmp, [tmp / "build-info.json"])
    shutil.rmtree(DIST, ignore_errors=True)
    tmp.replace(DIST)
    total = sum(entry["bytes"] for entry in files.values())
    brotli_total = sum(entry.get(".br", entry["bytes"]) for entry in files.values())
    say(f"built dist/ ({len(files)} files, {total / 1e6:.1f} MB; {brotli_total / 1e6:.1f} MB brotli)")
    return DIST


# -- serving ------------------------------------------------------------------------------------------------


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serve several folders under URL prefixes, with correct MIME types and optional extra headers.

    ``routes`` maps a URL prefix ("/", "/_test/") to a folder; ``extra_headers(path, query)`` may add
    headers (the tests use it to serve a page under a Content-Security-Policy).
    """

    routes: ClassVar[dict[str, Path]] = {}
    _vary = False  # this response has .br/.gz variants: say Vary: Accept-Encoding
    extra_headers: Callable[[str, str], dict[str, str]] = staticmethod(lambda path, query: {})

    def translate_path(self, path: str) -> str:
        url_path = unquote(urlsplit(path).path)
        for prefix in sorted(self.routes, key=len, reverse=True):
            if url_path.startswith(prefix):
                base = self.routes[prefix].resolve()
                target = (base / url_path[len(prefix) :].lstrip("/")).resolve()
                if target == base or base in target.parents:
                    return str(target)
        return str(ROOT / "__not_found__")

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return MIME_TYPES.get(Path(path).suffix, super().guess_type(path))

    def send_head(self):  # type: ignore[no-untyped-def]
        """Serve NAME.br / NAME.gz, when there is one and Accept-Encoding takes it, for a request of NAME."""
        path = Path(self.translate_path(self.path))
        self._vary = path.is_file() and any(
            path.with_name(path.name + suffix).is_file() for suffix in ENCODINGS.values()
        )
        encoding = negotiate_encoding(self.headers.get("Accept-Encoding", ""), path) if self._vary else None
        if encoding is None:
            return super().send_head()
        encoded = path.with_name(path.name + ENCODINGS[encoding])
        handle = encoded.open("rb")
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(encoded.stat().st_size))
        self.end_headers()
        return handle

    def end_headers(self) -> None:
        parts = urlsplit(self.path)
        for key, value in type(self).extra_headers(parts.path, parts.query).items():
            self.send_header(key, value)
        if self._vary:
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def negotiate_encoding(accept_encoding: str, path: Path) -> str | None:
    """The Content-Encoding to serve ``path`` with: the first of ENCODINGS that the client accepts (q > 0)
    and that exists as a file beside it; None for the file itself."""
    accepted: dict[str, float] = {}
    for item in accept_encoding.split(","):
        token, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if token:
            accepted[token.strip().lower()] = quality
    for encoding, suffix in ENCODINGS.items():
        quality = accepted.get(encoding, accepted.get("*", 0.0))
        if quality > 0 and path.with_name(path.name + suffix).is_file():
            return encoding
    return None


def make_server(
    routes: dict[str, Path], port: int = 0, extra_headers=None
) -> http.server.ThreadingHTTPServer:
    """A threading HTTP server on 127.0.0.1 for ``routes``; port 0 picks a free port."""
    handler = type("Handler", (SiteHandler,), {"routes": routes})
    if extra_headers is not None:
        handler.extra_headers = staticmethod(extra_headers)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


# -- servers ------------------------------------------------------------------------------------------------

SERVER_CONFIG = CACHE / "server-config.json"
DEMO_CATALOG = [
    {
        "product_id": "gems_100",
        "title": "100 gems",
        "grants": {"gems": 100},
        "tiktok_beans": 10,
        "meta_price": "0.99",
        "meta_currency": "USD",
        "web_price": "0.99",
        "web_currency": "USD",
    },
    {
        "product_id": "coins_100",
        "title": "100 coins",
        "grants": {"coins": 100},
        "tiktok_beans": 10,
        "meta_price": "0.99",
        "meta_currency": "USD",
        "web_price": "0.99",
        "web_currency": "USD",
    },
]  # fmt: skip  (coins_100: the demo game's shop)


def _server_config() -> Path:
    """A sandbox config for the local servers; its secrets are made here, once, and never leave .cache/."""
    import secrets

    if not SERVER_CONFIG.exists():
        SERVER_CONFIG.parent.mkdir(parents=True, exist_ok=True)
        config = {
            "environment": "sandbox",
            "tiktok": {
                "client_key": "ck_local_" + secrets.token_hex(4),
                "client_secret": secrets.token_hex(24),
            },
            "meta": {
                "app_id": "local_" + secrets.token_hex(4),
                "app_secret": secrets.token_hex(24),
                "webhook_verify_token": "vt_" + secrets.token_hex(8),
            },
            "web": {"webhook_secret": secrets.token_hex(24)},
            "risk": {"velocity_max": 20, "velocity_window_s": 3600},
            "catalog": DEMO_CATALOG,
        }
        SERVER_CONFIG.write_text(json.dumps(config, indent=1))
        SERVER_CONFIG.chmod(0o600)
    config = json.loads(SERVER_CONFIG.read_text())
    if "webhook_secret" not in config.get("web", {}):  # made before the web checkout: add it, web prices too
        config.setdefault("web", {})["webhook_secret"] = secrets.token_hex(24)
        config["meta"].setdefault("webhook_verify_token", "vt_" + secrets.token_hex(8))
        config["catalog"] = DEMO_CATALOG
        SERVER_CONFIG.write_text(json.dumps(config, indent=1))
    if config.get("catalog") != DEMO_CATALOG:  # made before the demo game's coins: the current catalog
        config["catalog"] = DEMO_CATALOG
        SERVER_CONFIG.write_text(json.dumps(config, indent=1))
    return SERVER_CONFIG


@contextlib.contextmanager
def running_servers(strict: bool = False) -> Iterator[tuple[str, str, list[subprocess.Popen[str]]]]:
    """The mock platform servers and the reference backend on free 127.0.0.1 ports, wired together
    (gameport.testing.local_stack, which the pytest plugin uses too): yields (backend_url, mock_url,
    processes); stops both (SIGTERM) on the way out, even on Ctrl+C.
    ``strict``: a server that does not stop cleanly is an error."""
    setup_venv()
    stack = local_stack.running_servers(
        _server_config(), CACHE / "ledger.sqlite3", python=venv_bin("python"), cwd=ROOT
    )
    try:
        with stack as running:
            with urllib.request.urlopen(f"{running.backend_url}/api/health", timeout=10) as answer:
                health = json.load(answer)
            say(f"backend: {running.backend_url}  (health: {health})")
            say(f"mock TikTok/Meta servers: {running.mock_url}  (webhooks go to the backend)")
            yield running.backend_url, running.mock_url, running.processes
    except local_stack.ServerStartError as exc:
        raise BuildFailed(str(exc)) from None
    if strict and any(running.exit_codes):
        raise BuildFailed(f"the servers did not stop cleanly (exit codes {running.exit_codes})")


def servers(once: bool) -> None:
    """Start the mock platform servers and the reference backend on free 127.0.0.1 ports; stop on Ctrl+C."""
    try:
        with running_servers(strict=once) as (_backend_url, _mock_url, procs):
            if not once:
                say("Ctrl+C stops both")
                procs[0].wait()
    except KeyboardInterrupt:
        pass


# -- commands -----------------------------------------------------------------------------------------------


def test(pytest_args: list[str]) -> int:
    setup()
    build()
    checks = [
        ([venv_bin("ruff"), "check", *PY_LINT_PATHS], "ruff check"),
        ([venv_bin("ruff"), "format", "--check", *PY_LINT_PATHS], "ruff format --check"),
        ([venv_bin("mypy")], "mypy --strict src"),
        ([node_bin("eslint"), "--max-warnings", "0", *JS_LINT_PATHS], "eslint"),
        ([node_bin("prettier"), "--check", "--log-level", "warn", *JS_LINT_PATHS], "prettier --check"),
    ]
    for folder in ("tests/js", "tests/native_sim"):
        if (ROOT / folder).is_dir():
            checks.append((["node", "--test", f"{folder}/"], f"node --test {folder}"))
    for cmd, what in checks:
        run(cmd, what=what)
    failures = CACHE / "test-failures.json"  # written by tests/conftest.py
    CACHE.mkdir(parents=True, exist_ok=True)
    failures.unlink(missing_ok=True)
    env = {**os.environ, "GAMEPORT_CHROMIUM": str(CHROMIUM), FAILURES_ENV: str(failures)}
    pytest = [venv_bin("python"), "-m", "pytest"]
    result = subprocess.run([*pytest, *pytest_args], cwd=ROOT, env=env, check=False)
    crashed = renderer_crashes_only(failures.read_text()) if result.returncode and failures.exists() else []
    if crashed:
        say(
            f"Chromium's renderer crashed ({RENDERER_CRASH!r}) under {len(crashed)} test(s) and nothing else "
            "failed: running those again, once, in a new pytest (a crash is the browser's, not a result)"
        )
        result = subprocess.run([*pytest, *crashed], cwd=ROOT, env=env, check=False)
    return result.returncode


FAILURES_ENV = "GAMEPORT_TEST_FAILURES"
RENDERER_CRASH = "Target crashed"  # what Playwright says when the page's renderer process died


def renderer_crashes_only(failures_json: str) -> list[str]:
    """The tests to run again when every failure of a run (tests/conftest.py's JSON list) is a renderer
    crash: their node ids, each once. Empty when anything else failed, or nothing was recorded."""
    failures = json.loads(failures_json)
    if not failures or not all(f["renderer_crash"] for f in failures):
        return []
    return list(dict.fromkeys(str(f["nodeid"]) for f in failures))


def bench(quick: bool, server: bool) -> int:
    """Measure in one run and print figures and ratios (bench/run_bench.py, in .venv with Chromium).

    ``server``: only the game backend's throughput and latency (bench/server_bench.py), no browser.
    """
    setup()
    if server:
        cmd = [venv_bin("python"), "-m", "bench.server_bench", *(["--quick"] if quick else [])]
        return subprocess.run(cmd, cwd=ROOT, check=False).returncode
    build()
    env = {**os.environ, "GAMEPORT_CHROMIUM": str(CHROMIUM)}
    cmd = [venv_bin("python"), "-m", "bench.run_bench", *(["--quick"] if quick else [])]
    return subprocess.run(cmd, cwd=ROOT, env=env, check=False).returncode


DEMO_PLATFORMS = ("web", "tiktok", "meta")


def demo_url(base: str, platform_name: str, backend_url: str, mock_url: str) -> str:
    """The demo page's URL: which SDK mock it loads and where the backend and mock platform server are."""
    query = {"backend": backend_url, "platform_url": mock_url}
    if platform_name != "web":
        query = {"mock": platform_name, **query}
    return f"{base}/index.html?{urllib.parse.urlencode(query)}"


def demo(port: int, platform_name: str) -> None:
    """Build, start the backend and the mock platform server, serve dist/; Ctrl+C stops all three."""
    setup()
    build()
    # Ctrl+C, also when started from a shell that ignores SIGINT in background jobs; SIGTERM likewise
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with running_servers() as (backend_url, mock_url, _procs):
        server = make_server({"/": DIST}, port)
        try:
            base = f"http://127.0.0.1:{server.server_address[1]}"
            say(f"the demo game on {platform_name}: {demo_url(base, platform_name, backend_url, mock_url)}")
            say("Ctrl+C stops the site, the backend and the mock platform server")
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


def _brotli_size(data: bytes) -> int:
    """Brotli size of ``data`` as build() makes it: from .cache/precompressed/, compressed in .venv if new."""
    cached = _compressed_cache(data, ".br")
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        src = cached.with_name(cached.name + ".in")
        src.write_bytes(data)
        run([venv_bin("python"), str(ROOT / "build.py"), "_compress", json.dumps([[str(src), str(cached)]])],
            what="brotli for the package report")  # fmt: skip
        src.unlink()
    return cached.stat().st_size


def package(args: argparse.Namespace) -> None:
    """setup + build, then dist/packages/<platform>-<env>.zip (or --out), checked (packaging_checks.py)."""
    import packaging_checks

    setup()
    build()
    server_config = args.server_config or (SERVER_CONFIG if SERVER_CONFIG.exists() else None)
    if args.platform == "tiktok":
        if args.budget_mb is not None:
            raise BuildFailed("--budget-mb does not apply to TikTok: its limits are fixed (native_package)")
        package_tiktok(args.env, args.out or DIST / "packages", args.config, server_config)
        return
    try:
        packaging_checks.make_package(
            DIST,
            args.platform,
            args.env,
            args.out or DIST / "packages",
            brotli_size=_brotli_size,
            config_path=args.config,
            server_config=server_config,
            budget_bytes=None if args.budget_mb is None else int(args.budget_mb * 1_000_000),
        )
    except packaging_checks.PackageFailed as exc:
        raise BuildFailed(str(exc)) from None


def _brotli_bytes(data: bytes) -> bytes:
    _brotli_size(data)
    return _compressed_cache(data, ".br").read_bytes()


def package_tiktok(env: str, out: Path, config_path: Path | None, server_config: Path | None) -> None:
    """TikTok's native-runtime package (native_package.py, native_checks.py) of the demo game, from dist/ as
    it is: ``out/tiktok-<env>.zip`` and ``out/tiktok-<env>/``. ``server_config``: secrets to scan for.

    Raises:
        BuildFailed: a check refused the package (its report is printed first); nothing is written.
    """
    import native_checks
    import native_package
    import packaging_checks
    import wasm_features

    try:
        config = packaging_checks.load_game_config(config_path, "tiktok", env) if config_path else None
        options = {"backendUrl": config.urls.get("backend_url")} if config else {}
        say("bundling the TikTok native package (esbuild) ...")
        files, plain = native_package.package_files(
            DIST, ROOT / "demo_game", node_bin("esbuild"), _brotli_bytes, options
        )
        report = wasm_features.feature_report([DIST / "pyodide" / "pyodide.asm.wasm"])
        say("\n".join(wasm_features.format_report(report)))
        features = wasm_features.checklist_items(report)
        native_checks.make_package(
            files,
            plain,
            env,
            out,
            config=config,
            server_config=server_config,
            feature_items=[packaging_checks.Check(i.name, i.status, i.detail) for i in features],
            say=say,
        )
    except packaging_checks.PackageFailed as exc:
        raise BuildFailed(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("setup", help="install everything the project needs (idempotent)")
    commands.add_parser("build", help="build the static site in dist/")
    test_cmd = commands.add_parser("test", help="setup + build + every check and test")
    test_cmd.add_argument("pytest_args", nargs=argparse.REMAINDER, help="extra arguments for pytest")
    demo_cmd = commands.add_parser(
        "demo", help="setup + build, then serve the demo game with the backend and mock servers on 127.0.0.1"
    )
    demo_cmd.add_argument("--port", type=int, default=8000)
    demo_cmd.add_argument(
        "--platform", choices=DEMO_PLATFORMS, default="web", help="which platform's mock the page loads"
    )
    bench_cmd = commands.add_parser("bench", help="setup + build, then measure sizes, boot and call costs")
    bench_cmd.add_argument("--quick", action="store_true", help="fewest samples: a smoke run")
    bench_cmd.add_argument(
        "--server", action="store_true", help="only the game backend: SQLite vs PostgreSQL, 1 vs N processes"
    )
    servers_cmd = commands.add_parser(
        "servers", help="run the reference backend and the mock platform servers"
    )
    servers_cmd.add_argument("--once", action="store_true", help="start, check health, stop (a smoke test)")
    package_cmd = commands.add_parser("package", help="setup + build, then a checked upload zip per platform")
    package_cmd.add_argument("--platform", choices=("meta", "web", "tiktok"), required=True)
    package_cmd.add_argument("--env", choices=("sandbox", "production"), default="sandbox")
    package_cmd.add_argument("--config", type=Path, help="the game configuration (gameport.toml / .json)")
    package_cmd.add_argument(
        "--server-config", type=Path, help="secrets to scan for (default: .cache/server-config.json)"
    )
    package_cmd.add_argument("--out", type=Path, help="folder for the zip (default: dist/packages/)")
    package_cmd.add_argument("--budget-mb", type=float, help="override the platform's size budget (MB)")
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_compress"]:  # internal: precompress() runs this in .venv
        _compress_command(argv[1])
        return 0
    args = parser.parse_args(argv)
    try:
        if args.command == "setup":
            setup()
        elif args.command == "build":
            build()
        elif args.command == "test":
            return test(args.pytest_args)
        elif args.command == "bench":
            return bench(args.quick, args.server)
        elif args.command == "demo":
            demo(args.port, args.platform)
        elif args.command == "servers":
            servers(args.once)
        elif args.command == "package":
            package(args)
    except BuildFailed as exc:
        print(f"[build.py] error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
