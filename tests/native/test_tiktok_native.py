"""The demo's TikTok native package, built by ``build.py package --platform tiktok`` and booted in the
native-runtime simulator (tests/native_sim/: no DOM, no fetch, no eval, WebAssembly only from package
paths) against the reference backend and the mock platform server as real processes: login, a purchase
granted exactly once on the signed webhook, a rewarded ad, frames on a canvas that is not blank, loading
progress reported. Then the same package with one forbidden thing planted in its boot path, each of
which must make the boot fail."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ..server.server_stack import CATALOG, db_rows, make_config, running_pair

ROOT = Path(__file__).resolve().parents[2]
PLAYER = "native-player"
COINS_100 = {"product_id": "coins_100", "title": "100 coins", "grants": {"coins": 100}, "tiktok_beans": 10}
SIM = ["node", str(ROOT / "tests" / "native_sim" / "run.mjs")]


@dataclass
class Stack:
    mock_url: str
    db: Path
    package: Path

    def query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        return db_rows(str(self.db), sql, *args)

    def run_sim(
        self, package: Path, *steps: str, facts: dict[str, Any] | None = None
    ) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
        """Boot ``package`` in the native-runtime simulator against this stack's mock platform, then run the
        simulator's ``steps`` (``--wait-report JSON``, ``--wait-frames N``…); ``facts`` overrides its
        unconfirmed runtime facts. The finished process and the JSON summary it printed last."""
        done = subprocess.run(
            [*SIM, "--package", str(package), "--allow-http-loopback", "--timeout", "120000",
             *(["--facts", json.dumps(facts)] if facts is not None else []),
             "--scenario", json.dumps({"platformUrl": self.mock_url}), *steps],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        summary: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return done, summary


def build_package(out: Path, backend_url: str) -> Path:
    """``build.py package --platform tiktok`` with a sandbox configuration pointing at ``backend_url``."""
    config = out / "gameport.json"
    config.write_text(
        json.dumps(
            {
                "environment": "sandbox",
                "privacy_url": "https://example.org/privacy",
                "terms_url": "https://example.org/terms",
                "platforms": {"tiktok": {"sandbox": {"backend_url": backend_url}}},
            }
        )
    )
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "package",
            "--platform",
            "tiktok",
            "--config",
            str(config),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out / "tiktok-sandbox"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("native")
    config = {**make_config(), "catalog": [*CATALOG, COINS_100]}
    db = tmp / "ledger.sqlite3"
    with running_pair(config, tmp / "server-config.json", db) as servers:
        yield Stack(servers.mock_url, db, build_package(tmp, servers.backend_url))


def test_the_package_keeps_every_limit(stack: Stack) -> None:
    files = [p for p in stack.package.rglob("*") if p.is_file()]
    parts: dict[str, int] = {}
    for path in files:
        rel = path.relative_to(stack.package).as_posix()
        part = rel.split("/")[0] if "/" in rel else "main"
        parts[part] = parts.get(part, 0) + path.stat().st_size
    assert set(parts) == {"main", "engine", "runtime", "python"}
    assert all(size <= 4_000_000 for size in parts.values()), parts
    assert sum(parts.values()) <= 30_000_000
    game = json.loads((stack.package / "game.json").read_text())
    for sub in game["subpackages"]:
        assert (stack.package / sub["root"] / "game.js").is_file()
    wasm = [p.name for p in files if p.suffix in {".wasm", ".br"} and "wasm" in p.name]
    assert "pyodide.asm.wasm.br" in wasm and "pyodide.asm.wasm" not in wasm


def test_demo_boots_logs_in_buys_once_watches_an_ad_and_draws(stack: Stack, tmp_path: Path) -> None:
    done = subprocess.run(
        [
            "node",
            str(ROOT / "tests" / "native" / "play_demo.mjs"),
            "--package",
            str(stack.package),
            "--platform-url",
            stack.mock_url,
            "--player",
            PLAYER,
            "--shots",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    game_log = "\n".join(line for line in done.stderr.splitlines() if line.startswith("[game]"))
    assert done.returncode == 0 and result["ok"], json.dumps(result.get("lastState")) + game_log[-3000:]
    steps = {step["step"]: step for step in result["steps"]}
    summary = result["summary"]

    # booted on TikTok, logged in silently: the backend's session comes from the login code (TikTok gives the
    # game no player id; the grant below is the mock player's, so the session was theirs)
    assert steps["ready"]["platform"] == "tiktok"
    assert {"play", "shop", "shortcut", "revisit"} <= set(steps["ready"]["buttons"])
    logins = [r for r in summary["requests"] if r["url"].endswith("/api/tiktok/login")]
    assert logins and all(r["ok"] for r in logins)

    # the purchase: granted once by the backend, on the mock platform's signed webhook
    assert steps["purchase"]["message"] == "Thanks! +100 coins"
    assert steps["purchase"]["coins"] == steps["purchase"]["before"] + 100
    grants = stack.query("SELECT product_id, items FROM grants WHERE user_id = ?", PLAYER)
    assert [(p, json.loads(i)) for p, i in grants] == [("coins_100", {"coins": 100})]
    delivered = stack.query("SELECT status FROM orders WHERE user_id = ?", PLAYER)
    assert len(delivered) == 1, delivered

    # a bomb cost a life; the rewarded ad gave it back
    assert steps["hit"]["lives"] == steps["hit"]["before"] - 1 and "revive" in steps["hit"]["buttons"]
    assert steps["revive"]["lives"] == steps["hit"]["before"]

    # frames on a real canvas, different screens, loading progress reported up to 1
    for name in ("title", "hit", "playing"):
        assert not result["shots"][name]["canvas"]["blank"], name
    pngs = {name: (tmp_path / f"{name}.png").read_bytes() for name in ("title", "hit", "playing")}
    assert len(set(pngs.values())) == 3
    progress = summary["loadingProgress"]
    assert progress[-1] == 1 and progress == sorted(progress) and len(set(progress)) >= 4
    # nothing but package paths reached the wasm loader, and no error went uncaught
    wasm_calls = summary["wasm"] if isinstance(summary["wasm"], list) else summary["wasm"]["last"]
    assert all(isinstance(c.get("path"), str) and c["ok"] for c in wasm_calls)
    assert summary["errors"] == []


PLANTS = {
    "document": ("document.title;", "document is not defined"),
    "fetch": ('fetch("https://example.com/");', "fetch is not defined"),
    "eval": ('eval("1");', "Code generation from strings disallowed"),
    "new Function": ('new Function("return 1");', "Code generation from strings disallowed"),
    "WebAssembly.instantiate from bytes": (
        "WebAssembly.instantiate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));",
        "WebAssembly is not defined",
    ),
    "TTWebAssembly.instantiate from bytes": (
        "TTWebAssembly.instantiate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]).buffer, {});",
        "TTWebAssembly",
    ),
}


@pytest.mark.parametrize("plant", list(PLANTS))
def test_a_forbidden_use_in_the_boot_path_fails_the_boot(stack: Stack, tmp_path: Path, plant: str) -> None:
    line, message = PLANTS[plant]
    package = tmp_path / "package"
    shutil.copytree(stack.package, package)
    game = package / "game.js"
    game.write_text(line + "\n" + game.read_text())
    done, summary = stack.run_sim(package, "--wait-report", '{"stage": "ready"}')
    assert done.returncode == 1 and not summary["ok"], summary
    said = json.dumps(summary)
    assert message in said, said[-3000:]


def test_the_unplanted_package_passes_the_same_run(stack: Stack) -> None:
    done, summary = stack.run_sim(stack.package, "--wait-report", '{"stage": "ready"}', "--wait-frames", "5")
    assert done.returncode == 0 and summary["ok"], done.stderr[-3000:]
    assert summary["canvas"]["blank"] is False


# The other answers the unconfirmed runtime facts may have (tests/native_sim/facts.mjs): the boot must not
# depend on the simulator's defaults.
FACT_VARIANTS = {
    "instantiate answers an Instance": {"wasmInstantiateResult": "instance"},
    "TTMinis on globalThis, text codecs and performance present": {
        "ttminisOnGlobalThis": True,
        "textCodec": True,
        "performance": True,
        "queueMicrotask": True,
    },
    "files share the global scope, touches without clientX": {"fileScope": "global", "touchClientXY": False},
}


@pytest.mark.parametrize("variant", list(FACT_VARIANTS))
def test_the_package_boots_whatever_the_unconfirmed_facts_turn_out_to_be(stack: Stack, variant: str) -> None:
    done, summary = stack.run_sim(
        stack.package,
        "--wait-report",
        '{"stage": "ready", "platform": "tiktok"}',
        "--wait-frames",
        "5",
        facts=FACT_VARIANTS[variant],
    )
    assert done.returncode == 0 and summary["ok"], json.dumps(summary)[-2000:] + done.stderr[-2000:]
    assert summary["canvas"]["blank"] is False
