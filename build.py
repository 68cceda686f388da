#!/usr/bin/env python3
"""Set up, build, test and demo gameport. Runs with a bare ``python3``: only the stdlib at import time.

    python3 build.py setup    # .venv, Debian's chromium and postgresql, npm pyodide, micropip, our wheel
    python3 build.py build    # the self-contained static site in dist/ (nothing loaded from a CDN)
    python3 build.py test     # setup + build, then lint, types, JS tests and the whole pytest suite
    python3 build.py demo     # setup + build, then serve dist/ on 127.0.0.1 and print the URL
    python3 build.py bench    # setup + build, then sizes, boot, bridge and ad costs as figures and ratios
    python3 build.py bench --server  # the game backend: SQLite vs PostgreSQL, 1 vs N processes
    python3 build.py servers  # the reference game backend + the mock of TikTok's/Meta's servers on 127.0.0.1

Every step is idempotent and quiet when already done.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
import urllib.request
import zipfile
from collections.abc import Callable, Iterable
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
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
MICROPIP_VERSION = "0.11.1"
MICROPIP_SHA256 = "768de165adb8e66906039d8fec4127a57f522dfdf8e6fbff877a4616941ecfd3"
CHROMIUM = Path(os.environ.get("GAMEPORT_CHROMIUM", "/usr/bin/chromium"))
POSTGRES_LIB = Path("/usr/lib/postgresql")
# How the browser tests and the bench launch it: headless, quiet, no network of its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Never shipped to a browser: the server side holds secrets and server-only dependencies.
WHEEL_EXCLUDE = ("gameport/server/",)

MIME_TYPES = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".py": "text/plain",
}


class BuildFailed(Exception):
    """A step failed; the message says what to do."""


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


def setup_npm() -> None:
    installed = ROOT / "node_modules" / "pyodide" / "package.json"
    if installed.exists() and json.loads(installed.read_text()).get("version") == PYODIDE_VERSION:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise BuildFailed("npm is missing: install Node.js and npm (Debian: apt-get install nodejs npm)")
    run([npm, "ci", "--no-audit", "--no-fund"], what=f"installing npm pyodide@{PYODIDE_VERSION}")


def micropip_wheel() -> Path:
    return CACHE / "wheels" / f"micropip-{MICROPIP_VERSION}-py3-none-any.whl"


def setup_micropip() -> None:
    wheel = micropip_wheel()
    if wheel.exists() and sha256_of(wheel) == MICROPIP_SHA256:
        return
    wheel.unlink(missing_ok=True)
    wheel.parent.mkdir(parents=True, exist_ok=True)
    pip = (
        [venv_bin("python"), "-m", "pip"]
        if Path(venv_bin("python")).exists()
        else [sys.executable, "-m", "pip"]
    )
    run(
        [
            *pip,
            "download",
            "--disable-pip-version-check",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            PYODIDE_PYTHON,
            "-d",
            str(wheel.parent),
            f"micropip=={MICROPIP_VERSION}",
        ],
        what=f"fetching micropip {MICROPIP_VERSION} for Python {PYODIDE_PYTHON}",
    )
    actual = sha256_of(wheel)
    if actual != MICROPIP_SHA256:
        wheel.unlink()
        raise BuildFailed(f"micropip wheel sha256 is {actual}, expected {MICROPIP_SHA256}: refusing it")


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def build_wheel() -> Path:
    """Write the browser wheel of gameport (pure Python, without the server side). Deterministic."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    name, version = project["name"], project["version"]
    dist_info = f"{name}-{version}.dist-info"
    files: list[tuple[str, bytes]] = []
    package_dir = ROOT / "src" / "gameport"
    for path in sorted(package_dir.rglob("*")):
        rel = path.relative_to(package_dir.parent).as_posix()
        if not path.is_file() or "__pycache__" in rel or rel.startswith(WHEEL_EXCLUDE):
            continue
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
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for rel, data in files:
            info = zipfile.ZipInfo(rel, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    tmp.replace(out)
    return out


def setup() -> None:
    setup_venv()
    setup_chromium()
    setup_postgresql()
    setup_npm()
    setup_micropip()
    build_wheel()


# -- build --------------------------------------------------------------------------------------------------


def _copy_tree(src: Path, dst: Path, suffixes: Iterable[str]) -> None:
    for path in sorted(src.rglob("*")):
        if path.is_file() and path.suffix in suffixes and "__pycache__" not in path.parts:
            target = dst / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def build() -> Path:
    """Assemble dist/: the Pyodide runtime, micropip, the gameport wheel, js_bridge/ and the game."""
    setup_npm()
    setup_micropip()
    wheel = build_wheel()
    tmp = ROOT / "dist.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "pyodide").mkdir(parents=True)
    for name in PYODIDE_FILES:
        shutil.copyfile(ROOT / "node_modules" / "pyodide" / name, tmp / "pyodide" / name)
    (tmp / "wheels").mkdir()
    shutil.copyfile(micropip_wheel(), tmp / "wheels" / micropip_wheel().name)
    shutil.copyfile(wheel, tmp / "wheels" / wheel.name)
    _copy_tree(ROOT / "js_bridge", tmp / "js_bridge", {".js"})
    _copy_tree(ROOT / "demo_game", tmp, {".html", ".js", ".py", ".css"})
    files = {
        path.relative_to(tmp).as_posix(): {"bytes": path.stat().st_size, "sha256": sha256_of(path)}
        for path in sorted(tmp.rglob("*"))
        if path.is_file()
    }
    info = {
        "gameport": tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"],
        "pyodide": PYODIDE_VERSION,
        "python": PYODIDE_PYTHON,
        "wheels": {"micropip": micropip_wheel().name, "gameport": wheel.name},
        "files": files,
    }
    (tmp / "build-info.json").write_text(json.dumps(info, indent=1, sort_keys=True) + "\n")
    shutil.rmtree(DIST, ignore_errors=True)
    tmp.replace(DIST)
    total = sum(entry["bytes"] for entry in files.values())
    say(f"built dist/ ({len(files)} files, {total / 1e6:.1f} MB)")
    return DIST


# -- serving ------------------------------------------------------------------------------------------------


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serve several folders under URL prefixes, with correct MIME types and optional extra headers.

    ``routes`` maps a URL prefix ("/", "/_test/") to a folder; ``extra_headers(path, query)`` may add
    headers (the tests use it to serve a page under a Content-Security-Policy).
    """

    routes: ClassVar[dict[str, Path]] = {}
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

    def end_headers(self) -> None:
        parts = urlsplit(self.path)
        for key, value in type(self).extra_headers(parts.path, parts.query).items():
            self.send_header(key, value)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


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
LISTENING = "gameport-server listening on "
DEMO_CATALOG = [
    {"product_id": "gems_100", "title": "100 gems", "grants": {"gems": 100}, "tiktok_beans": 10,
     "meta_price": "0.99", "meta_currency": "USD"},
]  # fmt: skip


def _server_config() -> Path:
    """A sandbox config for the local servers; its secrets are made here, once, and never leave .cache/."""
    if not SERVER_CONFIG.exists():
        import secrets

        SERVER_CONFIG.parent.mkdir(parents=True, exist_ok=True)
        config = {
            "environment": "sandbox",
            "tiktok": {
                "client_key": "ck_local_" + secrets.token_hex(4),
                "client_secret": secrets.token_hex(24),
            },
            "meta": {"app_id": "local_" + secrets.token_hex(4), "app_secret": secrets.token_hex(24)},
            "risk": {"velocity_max": 20, "velocity_window_s": 3600},
            "catalog": DEMO_CATALOG,
        }
        SERVER_CONFIG.write_text(json.dumps(config, indent=1))
        SERVER_CONFIG.chmod(0o600)
    return SERVER_CONFIG


def _start_server(args: list[str]) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [venv_bin("python"), "-m", "gameport.server", *args], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith(LISTENING):
        proc.kill()
        raise BuildFailed(f"gameport.server {args[0]} did not start (said {line!r})")
    return proc, line[len(LISTENING) :].strip()


def servers(once: bool) -> None:
    """Start the mock platform servers and the reference backend on free 127.0.0.1 ports; stop on Ctrl+C."""
    setup_venv()
    config_path = _server_config()
    mock, mock_url = _start_server(["mock-platform", "--port", "0", "--config", str(config_path)])
    config = json.loads(config_path.read_text())
    config["tiktok"]["api_base_url"] = mock_url
    config_path.write_text(json.dumps(config, indent=1))
    db = CACHE / "ledger.sqlite3"
    backend, backend_url = _start_server(
        ["backend", "--port", "0", "--config", str(config_path), "--db", str(db)]
    )
    procs = [backend, mock]
    try:
        request = urllib.request.Request(
            f"{mock_url}/mock/config",
            data=json.dumps({"backend_url": backend_url}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            json.load(answer)
        with urllib.request.urlopen(f"{backend_url}/api/health", timeout=10) as answer:
            health = json.load(answer)
        say(f"backend: {backend_url}  (health: {health})")
        say(f"mock TikTok/Meta servers: {mock_url}  (webhooks go to the backend)")
        if not once:
            say("Ctrl+C stops both")
            backend.wait()
    except KeyboardInterrupt:
        pass
    finally:
        codes = []
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            codes.append(proc.wait(timeout=20))
        if once and any(codes):
            raise BuildFailed(f"the servers did not stop cleanly (exit codes {codes})")


# -- commands -----------------------------------------------------------------------------------------------


def test(pytest_args: list[str]) -> int:
    setup()
    build()
    checks = [
        ([venv_bin("ruff"), "check", "src", "tests", "bench", "build.py"], "ruff check"),
        ([venv_bin("ruff"), "format", "--check", "src", "tests", "bench", "build.py"], "ruff format --check"),
        ([venv_bin("mypy")], "mypy --strict src"),
    ]
    if (ROOT / "tests" / "js").is_dir():
        checks.append((["node", "--test", "tests/js/"], "node --test tests/js"))
    for cmd, what in checks:
        run(cmd, what=what)
    env = {**os.environ, "GAMEPORT_CHROMIUM": str(CHROMIUM)}
    result = subprocess.run(
        [venv_bin("python"), "-m", "pytest", *pytest_args], cwd=ROOT, env=env, check=False
    )
    return result.returncode


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


def demo(port: int) -> None:
    setup()
    build()
    server = make_server({"/": DIST}, port)
    say(f"serving the demo at http://127.0.0.1:{server.server_address[1]}/  (Ctrl+C stops it)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("setup", help="install everything the project needs (idempotent)")
    commands.add_parser("build", help="build the static site in dist/")
    test_cmd = commands.add_parser("test", help="setup + build + every check and test")
    test_cmd.add_argument("pytest_args", nargs=argparse.REMAINDER, help="extra arguments for pytest")
    demo_cmd = commands.add_parser("demo", help="setup + build, then serve dist/ on 127.0.0.1")
    demo_cmd.add_argument("--port", type=int, default=8000)
    bench_cmd = commands.add_parser("bench", help="setup + build, then measure sizes, boot and call costs")
    bench_cmd.add_argument("--quick", action="store_true", help="fewest samples: a smoke run")
    bench_cmd.add_argument(
        "--server", action="store_true", help="only the game backend: SQLite vs PostgreSQL, 1 vs N processes"
    )
    servers_cmd = commands.add_parser(
        "servers", help="run the reference backend and the mock platform servers"
    )
    servers_cmd.add_argument("--once", action="store_true", help="start, check health, stop (a smoke test)")
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
            demo(args.port)
        elif args.command == "servers":
            servers(args.once)
    except BuildFailed as exc:
        print(f"[build.py] error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
