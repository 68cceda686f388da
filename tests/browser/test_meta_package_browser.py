"""The Meta upload package of the demo boots in Chromium from its unpacked folder and nothing else.

``build.py package --platform meta`` refuses the demo by default (over Meta's 3 MB budget) and writes it with
``--budget-mb``; the zip is unpacked into a temporary folder that a static server serves alone. The zip
carries no mocks: Facebook's SDK URL in its index.html is answered, through Playwright's routing, by our
FBInstant mock (js_bridge/mocks/fbinstant.js), as Facebook's CDN would answer it on Meta.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Route

from gameport.testing.local_stack import serving_folder

from .test_startup_browser import _png_colours

ROOT = Path(__file__).resolve().parents[2]
MOCKS = ROOT / "js_bridge" / "mocks"
SDK_HOST = "https://connect.facebook.net"
SDK_URL = f"{SDK_HOST}/en_US/fbinstant.8.0.js"
BUDGET_MB = "8"  # the demo is about 4.9 MB gzip (README, Measured)
# The launch checklist wants the policy URLs (Meta requires them); the environment check reads the rest.
GAME_CONFIG = """
environment = "sandbox"
privacy_url = "https://coin-catch.example/privacy"
terms_url = "https://coin-catch.example/terms"

[platforms.meta.sandbox]
backend_url = "https://sandbox.coin-catch.example"
"""


EMULATION_IMPORT = 'import EMULATION from "./emulation.json" with { type: "json" };'


def answer_sdk(route: Route) -> None:
    """Facebook's CDN, played by our mock. Its SDK is a classic script and ours an ES module (with imports
    beside it), so the SDK URL answers a classic script that writes the module's tag in its place: the
    parser then runs the mock before the page's own module scripts, as the real SDK runs before them. The
    page's CSP (rightly) lets no JSON be fetched from Facebook's host, so the mock's modules come with their
    emulation table inlined instead of imported as a JSON module."""
    name = urlsplit(route.request.url).path.rsplit("/", 1)[-1]
    cors = {"Access-Control-Allow-Origin": "*"}
    if route.request.url == SDK_URL:
        tag = f'<script type="module" src="{SDK_HOST}/en_US/fbinstant.js"></script>'
        route.fulfill(body=f"document.write({tag!r});", content_type="text/javascript", headers=cors)
    elif name in ("fbinstant.js", "scenario.js"):
        source = (MOCKS / name).read_text()
        assert EMULATION_IMPORT in source, f"{name} no longer imports emulation.json as this test expects"
        table = (MOCKS / "emulation.json").read_text()
        body = source.replace(EMULATION_IMPORT, f"const EMULATION = {table};")
        route.fulfill(body=body, content_type="text/javascript", headers=cors)
    else:
        route.fulfill(status=404, body="", headers=cors)


def package(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    config = out.parent / "gameport.toml"
    config.write_text(GAME_CONFIG)
    return subprocess.run(
        [sys.executable, "build.py", "package", "--platform", "meta", "--config", str(config),
         "--out", str(out), *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip


def test_the_meta_zip_boots_from_its_unpacked_folder_on_the_fbinstant_mock(
    browser: Browser, tmp_path: Path
) -> None:
    out = tmp_path / "packages"
    refused = package(out)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "Over the meta budget" in refused.stdout + refused.stderr
    assert not (out / "meta-sandbox.zip").exists()
    made = package(out, "--budget-mb", BUDGET_MB)
    assert made.returncode == 0, made.stdout + made.stderr

    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(out / "meta-sandbox.zip") as zf:
        names = zf.namelist()
        zf.extractall(unpacked)
    assert "index.html" in names and "fbapp-config.json" in names
    assert not [n for n in names if n.startswith("js_bridge/mocks/") or "_sim" in n], names
    assert SDK_URL in (unpacked / "index.html").read_text()

    with serving_folder(unpacked) as site:
        context = browser.new_context()
        page = context.new_page()
        requested: list[str] = []
        errors: list[str] = []
        missing: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.on("response", lambda response: missing.append(response.url) if response.status >= 400 else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            page.route(f"{SDK_HOST}/**", answer_sdk)
            page.goto(f"{site}/index.html")
            page.wait_for_function(
                "() => document.getElementById('status').textContent === 'ready on meta'", timeout=90_000
            )
            page.wait_for_function("() => window.demo?.state?.mode === 'title' && window.demo.frames > 2")
            assert page.evaluate("() => __gpMock.callsTo('startGameAsync').length") == 1
            progress = page.evaluate("() => __gpMock.callsTo('setLoadingProgress').map((c) => c.args[0])")
            assert progress and progress[-1] == 100, progress
            shot = page.locator("#game").screenshot(path=tmp_path / "meta-package-title.png")
            assert len(_png_colours(shot)) >= 4  # the title screen is drawn: not a blank canvas
            assert errors == [] and missing == [], (errors, missing)  # the zip has every file it refers to
        finally:
            context.close()
    # the page asked for nothing but the unpacked folder and Facebook's SDK host
    assert all(url.startswith((site, SDK_HOST)) for url in requested), requested
    print(f"\nmeta package screenshot: {tmp_path / 'meta-package-title.png'}")
