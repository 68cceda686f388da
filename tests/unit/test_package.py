"""`build.py package`'s checks (packaging_checks.py) on small purpose-made sites: fast, no real dist/ needed.

Booting the Meta zip in Chromium would need the Meta mock swapped back in for Facebook's SDK: not done here.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import brotli  # type: ignore[import-not-found]
import pytest

ROOT = Path(__file__).resolve().parents[2]

INDEX = """<!doctype html>
<html><head>
  <meta http-equiv="Content-Security-Policy"
        content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'">
  <title>game</title>
  <link rel="modulepreload" href="./js_bridge/loader.js">
  <link rel="modulepreload" href="./js_bridge/web_ads_sim.js">
</head><body>
  <script type="module" src="./boot.js"></script>
</body></html>
"""
MAIN = """from gameport import platform
await platform.init()
await platform.set_loading_progress(1.0)
await platform.ready()
"""


def _checks() -> Any:
    spec = importlib.util.spec_from_file_location("packaging_checks", ROOT / "packaging_checks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


pc = _checks()


def _site(root: Path, extra: dict[str, str] | None = None) -> Path:
    files = {
        "index.html": INDEX,
        "boot.js": 'import { bootGameport } from "./js_bridge/loader.js";\n',
        "main.py": MAIN,
        "js_bridge/loader.js": "export function bootGameport() { return 1; }\n",
        "js_bridge/mocks/fbinstant.js": "globalThis.FBInstant = {};\n",
        "js_bridge/mocks/emulation.json": '{"host": "http://127.0.0.1:8765"}\n',
        "js_bridge/web_ads_sim.js": "export const ads = 1;\n",
        "js_bridge/web_pay_sim.js": "export const pay = 1;\n",
        "js_bridge/sim_script.js": "export const q = 1;\n",
        "dev_panel.js": "export const panel = 1;\n",
        "index.html.br": "x",
        "index.html.gz": "x",
        **(extra or {}),
    }
    for name, text in files.items():
        (root / "site" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "site" / name).write_text(text)
    return root / "site"


def _config(root: Path, **top: Any) -> Path:
    data = {
        "environment": "production",
        "production_hosts": ["api.mygame.com"],
        "privacy_url": "https://mygame.com/privacy",
        "terms_url": "https://mygame.com/terms",
        "platforms": {
            "meta": {
                "production": {"backend_url": "https://api.mygame.com"},
                "sandbox": {"backend_url": "https://sandbox.mygame.com"},
            },
            "web": {"production": {"backend_url": "https://api.mygame.com"}},
        },
        **top,
    }
    path = root / "gameport.json"
    path.write_text(json.dumps(data))
    return path


def _package(site: Path, platform: str = "meta", env: str = "production", **kw: Any) -> Any:
    kw.setdefault("budget_bytes", None)
    return pc.make_package(
        site,
        platform,
        env,
        site.parent / "out",
        brotli_size=lambda d: len(brotli.compress(d)),
        say=_quiet,
        **kw,
    )


def _quiet(text: str) -> None:
    pass


def test_meta_zip_has_index_at_root_fbapp_config_the_official_sdk_and_no_mocks(tmp_path: Path) -> None:
    result = _package(_site(tmp_path), config_path=_config(tmp_path))
    assert result.path == tmp_path / "out" / "meta-production.zip"
    with zipfile.ZipFile(result.path) as archive:
        names = archive.namelist()
        index = archive.read("index.html").decode()
        app_config = json.loads(archive.read("fbapp-config.json"))
    assert "index.html" in names and "main.py" in names and "js_bridge/loader.js" in names
    left_out = ("mocks/", "_sim", "sim_script", "dev_panel")
    assert not [n for n in names if any(part in n for part in left_out) or n.endswith((".br", ".gz"))]
    assert f'<script src="{pc.META_SDK_URL}"></script>' in index
    assert pc.META_SDK_URL == "https://connect.facebook.net/en_US/fbinstant.8.0.js"
    assert "script-src 'self' 'wasm-unsafe-eval' https://connect.facebook.net" in index
    assert index.index(pc.META_SDK_URL) < index.index("./boot.js")
    # a preload of a file the package leaves out would answer 404 on the platform: dropped, the rest kept
    assert 'href="./js_bridge/loader.js"' in index and "web_ads_sim" not in index
    assert isinstance(app_config["instant_games"], dict)
    assert all(c.status in ("pass", "manual") for c in result.checklist)


def test_web_zip_is_plain_static_and_the_report_has_raw_gzip_brotli_per_file_and_total(
    tmp_path: Path,
) -> None:
    result = _package(_site(tmp_path), "web", "production", config_path=_config(tmp_path))
    with zipfile.ZipFile(result.path) as archive:
        assert "fbapp-config.json" not in archive.namelist()
        assert pc.META_SDK_URL not in archive.read("index.html").decode()
    raw, gz, br = result.sizes["main.py"]
    assert raw == len(MAIN) and 0 < gz and 0 < br
    lines = result.report.splitlines()
    assert lines[1].split() == ["file", "raw", "gzip", "brotli"]
    total = next(line for line in lines if line.startswith("total"))
    assert total.split()[1] == f"{sum(s[0] for s in result.sizes.values()):,}"
    assert pc.BUDGETS["web"].guess and not pc.BUDGETS["meta"].guess
    assert pc.BUDGETS["meta"].limit == 3_000_000


def test_over_budget_fails_with_a_clear_message_and_writes_no_zip(tmp_path: Path) -> None:
    site = _site(tmp_path)
    with pytest.raises(pc.PackageFailed, match=r"Over the meta budget by [\d,]+ B of gzip"):
        _package(site, config_path=_config(tmp_path), budget_bytes=100)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("main.py", 'APP_SECRET = "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c"\n'),
        ("boot.js", 'const cfg = { client_secret: "abcd1234efgh5678" };\n'),
        ("js_bridge/extra.js", "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n"),
        ("data/tokens.json", '{"api_token": "QWxhZGRpbjpvcGVuIHNlc2FtZUFsYWRkaW46b3Blbg=="}'),
    ],
)
def test_a_secret_shaped_string_fails_the_package(tmp_path: Path, name: str, text: str) -> None:
    with pytest.raises(pc.PackageFailed, match="no secrets in the package"):
        _package(_site(tmp_path, {name: text}), config_path=_config(tmp_path))


def test_a_planted_server_config_secret_fails_even_inside_the_wheel(tmp_path: Path) -> None:
    secret = "s3cr3t-value-from-the-server"
    server = tmp_path / "server-config.json"
    server.write_text(json.dumps({"meta": {"app_id": "123", "app_secret": secret}, "catalog": []}))
    site = _site(tmp_path)
    (site / "wheels").mkdir()
    with zipfile.ZipFile(site / "wheels" / "game-1.0-py3-none-any.whl", "w") as wheel:
        wheel.writestr("game/settings.py", f"KEY = {secret!r}\n")
    assert pc.known_secrets(server) == [secret]
    with pytest.raises(pc.PackageFailed, match=r"whl!game/settings.py: a secret of the server configuration"):
        _package(site, config_path=_config(tmp_path), server_config=server)
    clean = _site(tmp_path / "clean")
    assert _package(clean, config_path=_config(tmp_path), server_config=server).path is not None


def test_production_package_refuses_sandbox_or_local_endpoints(tmp_path: Path) -> None:
    site = _site(tmp_path, {"main.py": MAIN + 'URL = "http://localhost:8080/api"\n'})
    with pytest.raises(pc.PackageFailed, match=r"main.py: a production package points at .*localhost"):
        _package(site, config_path=_config(tmp_path))
    # the active environment of the configuration must be the package's
    with pytest.raises(
        pc.PackageFailed, match="the active environment is 'production' but this is a sandbox"
    ):
        _package(_site(tmp_path / "b"), env="sandbox", config_path=_config(tmp_path))


def test_sandbox_package_refuses_production_hosts(tmp_path: Path) -> None:
    site = _site(tmp_path, {"main.py": MAIN + 'SCORES = "https://api.mygame.com/scores"\n'})
    config = _config(tmp_path, environment="sandbox")
    with pytest.raises(pc.PackageFailed, match=r"a sandbox package points at a production host"):
        _package(site, env="sandbox", config_path=config)
    assert _package(_site(tmp_path / "ok"), env="sandbox", config_path=config).path is not None


def test_a_mixed_configuration_is_refused_by_the_config_module(tmp_path: Path) -> None:
    config = _config(
        tmp_path, platforms={"meta": {"production": {"backend_url": "https://staging.mygame.com"}}}
    )
    with pytest.raises(pc.PackageFailed, match="production block points at a sandbox/test endpoint"):
        _package(_site(tmp_path), config_path=config)


def test_checklist_fails_on_eval_no_progress_no_ready_and_missing_policy_urls(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {"main.py": "from gameport import platform\nawait platform.init()\n", "boot.js": "eval('1');\n"},
    )
    config = _config(tmp_path, privacy_url="http://mygame.com/privacy")
    del_terms = json.loads(config.read_text())
    del del_terms["terms_url"]
    config.write_text(json.dumps(del_terms))
    with pytest.raises(pc.PackageFailed) as failed:
        _package(site, config_path=config)
    message = str(failed.value)
    for item in (
        "required capabilities present (missing: platform.ready(",
        "privacy_url set (http://mygame.com/privacy is not an https:// URL)",
        "terms_url set",
        "loading progress reported",
        "no eval in our JS (eval / new Function / string timer in boot.js)",
    ):
        assert item in message
    # the same site on the web: policy URLs and ready() are not required there (manual / not checked)
    with pytest.raises(pc.PackageFailed) as web_failed:
        _package(site, "web", config_path=config)
    assert "terms_url" not in str(web_failed.value) and "platform.ready" not in str(web_failed.value)


def test_checklist_statuses_without_a_configuration(tmp_path: Path) -> None:
    result = _package(_site(tmp_path), "web", "sandbox")
    status = {c.name: c.status for c in result.checklist}
    assert status["review assets (icon, cover, screenshots)"] == "manual"
    assert status["payments verified server-side"] == "manual"
    assert status["privacy_url set"] == "manual"
    assert status["no eval in our JS"] == "pass"
    assert status["loading progress reported"] == "pass"
