"""Per-platform upload packages of the built site, and the checks each one must pass.

``python3 build.py package --platform meta|web [--env sandbox|production] [--config PATH] [--out DIR]`` builds
dist/ and then calls :func:`make_package`. Only the standard library at import (build.py runs on a bare
python3); the game configuration is read with gameport's own config module from ``src/`` (itself stdlib only)
when one is given, and its rule for test hosts is reused.

A package is the built site minus the test mocks and simulators and minus the ``.br``/``.gz`` variants (a
platform's or portal's host compresses by itself); Meta's also gets Facebook's SDK script tag and
``fbapp-config.json``. Every package: a size report (raw, gzip, brotli) against the platform's budget, a scan
for secrets, an environment check (production vs sandbox endpoints) and a launch checklist. Any failure
raises :class:`PackageFailed` and no zip is written.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import sys
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent
PLATFORMS = ("meta", "web")
ENVIRONMENTS = ("sandbox", "production")
META_SDK_URL = "https://connect.facebook.net/en_US/fbinstant.8.0.js"  # platform-apis.md B.1 / B.13
META_SDK_TAG = f'<script src="{META_SDK_URL}"></script>'
# platform-apis.md B.13: top-level key "instant_games"; the legacy vocabulary (its values are partly
# [unconfirmed]: the 2026 page shows "7.1" / "NAV_2"). A game's own fbapp-config.json in the site wins.
META_APP_CONFIG = {
    "instant_games": {
        "platform_version": "RICH_GAMEPLAY",
        "orientation": "PORTRAIT",
        "navigation_menu_version": "NAV_BAR",
    }
}
# Never in an upload package: the scriptable platform mocks, the web ad / pay simulators (tests, demo) and
# the demo's developer panel, which drives them.
EXCLUDE_PREFIXES = ("js_bridge/mocks/",)
EXCLUDE_FILES = (
    "js_bridge/web_ads_sim.js", "js_bridge/web_pay_sim.js", "js_bridge/sim_script.js", "dev_panel.js",
)  # fmt: skip
EXCLUDE_SUFFIXES = (".br", ".gz")  # precompressed variants for build.py's own server
TEXT_SUFFIXES = (".html", ".js", ".mjs", ".json", ".py", ".css", ".txt", ".md", ".toml", ".cfg", ".ini")
ARCHIVE_SUFFIXES = (".whl", ".zip")  # scanned member by member (the wheel holds our sources)


@dataclass(frozen=True)
class Budget:
    """The most a package may weigh, measured as ``measure`` ("gzip" or "brotli") of all its files."""

    limit: int
    measure: str
    source: str
    guess: bool


# One table: what a package may weigh per platform. The total of the compressed files is compared, as the
# initial download of a game that loads everything at start (gameport's boot does).
BUDGETS = {
    "meta": Budget(
        3_000_000,
        "gzip",  # how Meta's bundle hosting compresses is not documented: gzip, the conservative measure
        "Meta launch checklist: initial download <= 3 MB (platform-apis.md B.13, section 0 item 9)",
        guess=False,
    ),
    "web": Budget(
        6_000_000,
        "gzip",
        "no standard: a default for HTML5 portals, --budget-mb overrides it",
        guess=True,
    ),
}


class PackageFailed(Exception):
    """A package check failed; the message says which and what to do."""


@dataclass
class Check:
    """One launch-checklist item: status is "pass", "fail" or "manual"."""

    name: str
    status: str
    detail: str


@dataclass
class PackageResult:
    path: Path | None
    sizes: dict[str, tuple[int, int, int]]
    checklist: list[Check] = field(default_factory=list)
    report: str = ""


# -- config --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigView:
    """What the checks need from the game configuration (None when no --config was given)."""

    environment: str
    urls: dict[str, str]  # field -> URL of the packaged platform's block in the packaged environment
    production_hosts: tuple[str, ...]
    privacy_url: str | None
    terms_url: str | None


def load_game_config(path: Path, platform: str, env: str) -> ConfigView:
    """Load ``path`` with gameport's config module (which refuses secrets and mixed blocks).

    Raises:
        PackageFailed: the configuration is invalid, or its active environment is not ``env``.
    """
    _use_src()
    from gameport.config import GameConfig
    from gameport.errors import ConfigError

    try:
        config = GameConfig.load(str(path))
        settings = config.settings_for(platform, env)
    except ConfigError as exc:
        raise PackageFailed(f"{path}: {exc}") from None
    if config.environment.value != env:
        raise PackageFailed(
            f"{path}: the active environment is {config.environment.value!r} but this is a {env} package: "
            f'set environment = "{env}" in the configuration, or build with --env {config.environment.value}'
        )
    urls = {
        key: value
        for key in ("sdk_url", "backend_url", "leaderboard_url")
        if (value := getattr(settings, key)) is not None
    }
    return ConfigView(env, urls, config.production_hosts, config.privacy_url, config.terms_url)


def _use_src() -> None:
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)


def is_test_host(host: str) -> bool:
    """gameport.config's own rule for a sandbox/test/localhost host (what a production block may not use)."""
    _use_src()
    from gameport.config.parse import _looks_like_test_host

    return _looks_like_test_host(host)


def production_host(host: str, production_hosts: Iterable[str]) -> bool:
    return any(host == p or host.endswith("." + p) for p in production_hosts)


# -- the files ----------------------------------------------------------------------------------------------


def package_files(site: Path, platform: str) -> dict[str, bytes]:
    """The files of the package: the site minus mocks, simulators and precompressed variants; for Meta,
    index.html with Facebook's SDK tag and an fbapp-config.json."""
    files: dict[str, bytes] = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if (
            not path.is_file()
            or rel.startswith(EXCLUDE_PREFIXES)
            or rel in EXCLUDE_FILES
            or rel.endswith(EXCLUDE_SUFFIXES)
            or rel.startswith("packages/")
            or "__pycache__" in rel
        ):
            continue
        files[rel] = path.read_bytes()
    if "index.html" not in files:
        raise PackageFailed(f"{site}/index.html is missing: a package needs index.html at its root")
    files["index.html"] = without_links_to_missing(files["index.html"].decode("utf-8"), files).encode()
    if platform == "meta":
        files["index.html"] = with_meta_sdk(files["index.html"].decode("utf-8")).encode()
        if "fbapp-config.json" in files:
            try:
                own = json.loads(files["fbapp-config.json"])
            except json.JSONDecodeError as exc:
                raise PackageFailed(f"fbapp-config.json is not valid JSON: {exc}") from None
            if not isinstance(own, dict) or not isinstance(own.get("instant_games"), dict):
                raise PackageFailed('fbapp-config.json needs a top-level "instant_games" object (B.13)')
        else:
            files["fbapp-config.json"] = (json.dumps(META_APP_CONFIG, indent=1) + "\n").encode()
    return dict(sorted(files.items()))


def without_links_to_missing(html: str, files: dict[str, bytes]) -> str:
    """``html`` without the ``<link href="./...">`` lines (preloads) of files the package leaves out: the
    simulators' preloads of the demo page would be requests that answer 404 on the platform."""
    kept = [
        line
        for line in html.splitlines(keepends=True)
        if not (m := re.search(r'<link [^>]*href="\./([^"]+)"', line)) or m[1] in files
    ]
    return "".join(kept)


def with_meta_sdk(html: str) -> str:
    """``html`` with Facebook's SDK script tag as the first script of <head>, its CSP allowing it."""
    if META_SDK_URL not in html:
        at = min((i for i in (html.find("<script"), html.find("</head>")) if i >= 0), default=-1)
        if at < 0:
            raise PackageFailed("index.html has no <head> or <script> to put Meta's SDK script tag before")
        html = html[:at] + META_SDK_TAG + "\n  " + html[at:]
    # A page CSP of script-src 'self' would block the SDK: allow exactly its host.
    return re.sub(
        r"(script-src [^;\"]*)",
        lambda m: m[1] if "connect.facebook.net" in m[1] else m[1] + " https://connect.facebook.net",
        html,
        count=1,
    )


def text_members(files: dict[str, bytes]) -> Iterable[tuple[str, str]]:
    """(name, text) of every text file, and of every text member of a shipped zip / wheel."""
    for name, data in files.items():
        if name.endswith(ARCHIVE_SUFFIXES):
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    for info in archive.infolist():
                        text = _as_text(archive.read(info))
                        if text is not None:
                            yield f"{name}!{info.filename}", text
            except zipfile.BadZipFile:
                pass
            continue
        text = _as_text(data) if name.endswith(TEXT_SUFFIXES) or "." not in name else None
        if text is not None:
            yield name, text


def _as_text(data: bytes) -> str | None:
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


# -- sizes --------------------------------------------------------------------------------------------------


def size_report(
    files: dict[str, bytes], budget: Budget, brotli_size: Callable[[bytes], int]
) -> tuple[dict[str, tuple[int, int, int]], str, int]:
    """Per file and total (raw, gzip, brotli); answers (sizes, the printed table, the measured total)."""
    sizes = {
        name: (len(data), len(gzip.compress(data, compresslevel=9, mtime=0)), brotli_size(data))
        for name, data in files.items()
    }
    totals = tuple(sum(s[i] for s in sizes.values()) for i in range(3))
    width = max(len(n) for n in [*sizes, "total"])
    lines = [f"{'file':<{width}}  {'raw':>11}  {'gzip':>11}  {'brotli':>11}"]
    lines += [f"{n:<{width}}  {r:>11,}  {g:>11,}  {b:>11,}" for n, (r, g, b) in sizes.items()]
    lines.append(f"{'total':<{width}}  {totals[0]:>11,}  {totals[1]:>11,}  {totals[2]:>11,}")
    measured = totals[1] if budget.measure == "gzip" else totals[2]
    return sizes, "\n".join(lines), measured


# -- secrets ------------------------------------------------------------------------------------------------

_SECRET_KEYS = re.compile(r"secret|password|passwd|private_key|token|api_?key", re.IGNORECASE)
SECRET_PATTERNS = (
    ("a PEM private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    (
        "an app_secret / client_secret value",
        re.compile(r"(?:app|client)_secret[\"']?\s*[:=]\s*[\"']?[A-Za-z0-9_\-+/=]{8,}", re.IGNORECASE),
    ),
    (
        "a long hex/base64 token next to secret/key/token/password",
        re.compile(
            r"(?:secret|key|token|password|passwd)\w*[\"']?\s*[:=]\s*[\"']"
            r"(?:[A-Fa-f0-9]{32,}|[A-Za-z0-9+/_\-]{32,}={0,2})[\"']",
            re.IGNORECASE,
        ),
    ),
)


def known_secrets(server_config: Path | None) -> list[str]:
    """The secret values of a server config (JSON): strings under secret/token/password-like keys."""
    if server_config is None or not server_config.is_file():
        return []
    found: list[str] = []

    def walk(value: object, secret: bool) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, secret or bool(_SECRET_KEYS.search(str(key))))
        elif isinstance(value, list):
            for inner in value:
                walk(inner, secret)
        elif secret and isinstance(value, str) and len(value) >= 8:
            found.append(value)

    walk(json.loads(server_config.read_text()), False)
    return found


def scan_secrets(files: dict[str, bytes], secrets: Iterable[str]) -> list[str]:
    """Where a known secret or a secret-shaped string appears: ["name: what", ...] (values never shown)."""
    secrets = [s for s in secrets if s]
    problems = []
    for name, text in text_members(files):
        for value in secrets:
            if value in text:
                problems.append(f"{name}: a secret of the server configuration")
        for what, pattern in SECRET_PATTERNS:
            if pattern.search(text):
                problems.append(f"{name}: {what}")
    return problems


# -- environments -------------------------------------------------------------------------------------------

_URL = re.compile(r"https?://([A-Za-z0-9.\-_]+|\[[0-9a-fA-F:]+\])")


def check_environment(files: dict[str, bytes], env: str, config: ConfigView | None) -> list[str]:
    """A production package must not point at sandbox/test/localhost endpoints, nor a sandbox one at a
    production host: the configured URLs of the packaged block and every URL in the game's own text files
    (not the Pyodide runtime or the gameport wheel)."""
    production_hosts = config.production_hosts if config else ()
    found: list[tuple[str, str]] = [(f"config {k}", v) for k, v in (config.urls if config else {}).items()]
    for name, text in text_members(files):
        if _game(name):  # the libraries' docstrings and examples are no endpoints
            found += [(name, m[0]) for m in _URL.finditer(text)]
    problems = []
    for where, url in found:
        host = (urlsplit(url).hostname or "").lower()
        if env == "production" and host and is_test_host(host):
            problems.append(f"{where}: a production package points at a sandbox/test/local endpoint ({url})")
        if env == "sandbox" and host and production_host(host, production_hosts):
            problems.append(f"{where}: a sandbox package points at a production host ({url})")
    return problems


# -- the launch checklist -----------------------------------------------------------------------------------

_EVAL = re.compile(r"\beval\s*\(|\bnew\s+Function\s*\(|\bset(?:Timeout|Interval)\s*\(\s*[\"'`]")


def _ours(name: str) -> bool:
    """Our code and the game's, not the Pyodide runtime (whose Emscripten glue is audited separately)."""
    return not name.startswith("pyodide/")


def _game(name: str) -> bool:
    """The game's and the page's own files: not the Pyodide runtime, not a shipped wheel."""
    return _ours(name) and not name.startswith("wheels/")


def checklist(
    files: dict[str, bytes],
    platform: str,
    config: ConfigView | None,
    *,
    within_budget: Check,
    secrets: list[str],
    environment: list[str],
) -> list[Check]:
    texts = dict(text_members(files))
    game_py = "\n".join(t for n, t in texts.items() if n.endswith(".py") and "!" not in n)
    ours = {n: t for n, t in texts.items() if _ours(n)}
    items = [within_budget]
    # required capabilities: the game starts the platform (Meta also needs startGameAsync: platform.ready)
    needed = ["platform.init("] + (["platform.ready("] if platform == "meta" else [])
    missing = [call for call in needed if call not in game_py]
    if platform == "meta" and META_SDK_URL not in texts.get("index.html", ""):
        missing.append("the SDK script tag")
    items.append(
        Check(
            "required capabilities present",
            "fail" if missing else "pass",
            f"missing: {', '.join(missing)}" if missing else " and ".join(needed) + " in the game's code",
        )
    )
    for key in ("privacy_url", "terms_url"):
        url = getattr(config, key) if config else None
        if url and url.startswith("https://"):
            items.append(Check(f"{key} set", "pass", url))
        elif url:
            items.append(Check(f"{key} set", "fail", f"{url} is not an https:// URL"))
        else:
            required = platform in ("meta", "tiktok")
            items.append(
                Check(
                    f"{key} set",
                    "fail" if required else "manual",
                    f"set {key} in the game configuration (--config)"
                    + ("" if required else "; the portal may ask for it"),
                )
            )
    items.append(Check("review assets (icon, cover, screenshots)", "manual", "uploaded in the dashboard"))
    progress = any(word in t for t in ours.values() for word in ("set_loading_progress", "reportToPlatform"))
    items.append(
        Check(
            "loading progress reported",
            "pass" if progress else "fail",
            "set_loading_progress / reportToPlatform in the game"
            if progress
            else "call platform.set_loading_progress (or the loader's reportToPlatform) while loading",
        )
    )
    backend = bool(config and "backend_url" in config.urls)
    items.append(
        Check(
            "payments verified server-side",
            "pass" if backend else "manual",
            "grants come only from backend_url (gameport never grants on the client)"
            if backend
            else "no backend_url in the configuration: purchases are unavailable; verify if you sell",
        )
    )
    evals = sorted(n for n, t in ours.items() if n.endswith((".js", ".mjs", ".html")) and _EVAL.search(t))
    items.append(
        Check(
            "no eval in our JS",
            "fail" if evals else "pass",
            f"eval / new Function / string timer in {', '.join(evals)}" if evals else "none found",
        )
    )
    items.append(
        Check("no secrets in the package", "fail" if secrets else "pass", "; ".join(secrets) or "none found")
    )
    items.append(
        Check(
            "production and sandbox parameters not mixed",
            "fail" if environment else "pass",
            "; ".join(environment) or "every endpoint matches the environment",
        )
    )
    return items


# -- the package --------------------------------------------------------------------------------------------


def write_zip(path: Path, files: dict[str, bytes]) -> None:
    """A deterministic deflated zip with the files at its root."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    tmp.replace(path)


def make_package(
    site: Path,
    platform: str,
    env: str,
    out: Path,
    *,
    brotli_size: Callable[[bytes], int],
    config_path: Path | None = None,
    server_config: Path | None = None,
    budget_bytes: int | None = None,
    say: Callable[[str], None] = print,
) -> PackageResult:
    """Check and write ``out/<platform>-<env>.zip`` from the built ``site``.

    Raises:
        PackageFailed: a check failed (the size report and checklist are printed first); no zip is written.
    """
    if platform not in PLATFORMS or env not in ENVIRONMENTS:
        raise PackageFailed(f"unknown platform {platform!r} or environment {env!r}")
    config = load_game_config(config_path, platform, env) if config_path else None
    files = package_files(site, platform)
    budget = BUDGETS[platform]
    limit = budget.limit if budget_bytes is None else budget_bytes
    sizes, table, measured = size_report(files, budget, brotli_size)
    over = measured > limit
    budget_check = Check(
        f"size within budget ({budget.measure} total)",
        "fail" if over else "pass",
        f"{measured:,} B against {limit:,} B"
        + (" (--budget-mb)" if budget_bytes is not None else f" ({budget.source})")
        + (" [guess]" if budget.guess and budget_bytes is None else ""),
    )
    secrets = scan_secrets(files, known_secrets(server_config))
    environment = check_environment(files, env, config)
    items = checklist(
        files, platform, config, within_budget=budget_check, secrets=secrets, environment=environment
    )
    lines = [f"package {platform}-{env}: {len(files)} files", table, "launch checklist:"]
    lines += [f"  [{c.status:^6}] {c.name}: {c.detail}" for c in items]
    report = "\n".join(lines)
    say(report)
    failed = [c for c in items if c.status == "fail"]
    if failed:
        reasons = "; ".join(f"{c.name} ({c.detail})" for c in failed)
        if over:
            reasons += (
                f". Over the {platform} budget by {measured - limit:,} B of {budget.measure}: make the game "
                "smaller (STDLIB_TRIM in build.py), or pass --budget-mb if you accept it"
            )
        raise PackageFailed(f"{platform}-{env} package refused: {reasons}")
    target = out / f"{platform}-{env}.zip"
    write_zip(target, files)
    say(f"wrote {target} ({target.stat().st_size:,} B)")
    return PackageResult(target, sizes, items, report)
