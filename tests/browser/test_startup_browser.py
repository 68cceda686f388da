"""Start-up in real Chromium: the demo's loading screen is painted before Python is ready, the runtime
arrives brotli-encoded from build.py's server, the trimmed stdlib names what it left out, nothing host-only
is importable, and the demo reaches platform.ready() on each platform's mock."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route

from .conftest import run_py

READY = "() => performance.getEntriesByName('gameport:ready').length > 0"


def test_importing_a_trimmed_module_says_it_was_trimmed_and_how_to_keep_it(booted_page: Page) -> None:
    got = run_py(
        booted_page,
        """
import sys
out = {}
for name in ("email", "email.mime.text", "unittest", "gameport.testing", "gameport.fakes", "gameport.server"):
    try:
        __import__(name)
        out[name] = "imported"
    except ModuleNotFoundError as exc:
        out[name] = [exc.name, str(exc).splitlines()[0]]
try:  # the way the stdlib itself asks for an optional module still works
    import ssl
except ImportError:
    out["optional"] = "ImportError caught"
import gameport, json, asyncio, dataclasses
out["gameport_from"] = gameport.__file__
out["finder_last"] = getattr(sys.meta_path[-1], "__name__", None)
result = out
""",
    )
    for name in ("email", "email.mime.text", "unittest"):
        missing, message = got[name]
        assert missing == name.split(".")[0] if name.startswith("email") else missing == name
        assert "trimmed from this game's browser build" in message and "STDLIB_KEEP" in message
    # host-only parts of gameport are not in the browser wheel at all (plain "No module named")
    for name in ("gameport.testing", "gameport.fakes", "gameport.server"):
        assert got[name][0] == name and "trimmed" not in got[name][1]
    assert got["optional"] == "ImportError caught"
    assert (
        got["gameport_from"].startswith("/lib/gameport-wheels/gameport-") and ".whl/" in got["gameport_from"]
    )
    assert got["finder_last"] == "TrimmedStdlibFinder"


def test_stdlib_frames_without_line_tables_still_report_and_log(booted_page: Page) -> None:
    got = run_py(
        booted_page,
        """
import json, logging, traceback, warnings
out = {"lines": list(json.decoder.JSONDecoder.raw_decode.__code__.co_lines())}
try:
    json.loads("{not json")
except json.JSONDecodeError:
    out["traceback"] = traceback.format_exc()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    warnings.warn("careful", stacklevel=1)
out["warning"] = [str(caught[0].message), caught[0].lineno]
records = []
handler = logging.Handler()
line_format = logging.Formatter("%(module)s:%(lineno)d %(message)s")
handler.emit = lambda record: records.append(line_format.format(record))
logging.getLogger("t").addHandler(handler)
logging.getLogger("t").warning("logged")
out["log"] = records
result = out
""",
    )
    # the stdlib's .pyc carry no line numbers (build.py), yet a traceback through them still names each frame
    assert got["lines"] and all(line is None for _, _, line in got["lines"])
    assert 'json/decoder.py", line None, in raw_decode' in got["traceback"]
    assert "JSONDecodeError: Expecting property name" in got["traceback"]
    assert got["warning"][0] == "careful" and isinstance(got["warning"][1], int)
    assert len(got["log"]) == 1 and got["log"][0].endswith("logged")


def test_the_runtime_arrives_brotli_encoded_without_lock_file_or_micropip(
    browser: Browser, site_url: str
) -> None:
    context = browser.new_context()
    page = context.new_page()
    responses: dict[str, dict[str, str]] = {}
    requested: list[str] = []
    page.on("response", lambda r: responses.__setitem__(r.url.split("/")[-1].split("?")[0], r.headers))
    page.on("request", lambda r: requested.append(r.url.split("/")[-1].split("?")[0]))
    try:
        page.goto(f"{site_url}/index.html")
        page.wait_for_function(READY, timeout=90_000)
        for name in ("pyodide.asm.wasm", "python_stdlib.zip", "pyodide.asm.mjs", "pyodide.mjs", "loader.js"):
            assert responses[name].get("content-encoding") == "br", name
        wheel = next(n for n in responses if n.startswith("gameport-") and n.endswith(".whl"))
        assert responses[wheel].get("content-encoding") == "br"
        assert not [n for n in responses if "lock" in n or "micropip" in n]
        # the page's preloads answer Pyodide's own fetch() of the wasm and the stdlib: one request each
        assert requested.count("pyodide.asm.wasm") == 1 and requested.count("python_stdlib.zip") == 1
    finally:
        context.close()


def _png_colours(data: bytes) -> set[bytes]:
    """The distinct pixel values of an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, _height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 4 if colour == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * channels
    previous, colours = bytearray(stride), set()
    for offset in range(0, len(raw), stride + 1):
        kind, line = raw[offset], bytearray(raw[offset + 1 : offset + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, up_left = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else up_left)) & 0xFF
        colours.update(bytes(line[i : i + channels]) for i in range(0, stride, channels))
        previous = line
    return colours


def test_the_loading_screen_is_painted_before_python_is_ready(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    held: list[Route] = []
    # Python cannot start until this request is let through
    page.route("**/pyodide.asm.wasm", lambda route: held.append(route))
    try:
        page.goto(f"{site_url}/index.html")
        page.wait_for_function("() => performance.getEntriesByName('gameport:loading-painted').length > 0")
        shot = page.locator("#loading").screenshot()
        assert held and not page.evaluate(READY)
        colours = _png_colours(shot)
        # background, bar track and text at least: not a blank canvas
        assert len(colours) >= 3, colours
        for route in held:
            route.continue_()
        page.wait_for_function(READY, timeout=90_000)
        assert page.locator("#loading").is_hidden()
    finally:
        context.close()


@pytest.mark.parametrize("platform", ["tiktok", "meta"])
def test_demo_reaches_ready_on_the_mock_and_reports_loading_progress(
    browser: Browser, site_url: str, platform: str
) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{site_url}/index.html?mock={platform}")
        page.wait_for_function(READY, timeout=90_000)
        name = page.evaluate(
            "() => gameportDemo.pyodide.runPython('from gameport import platform; platform.name.value')"
        )
        assert name == platform
        calls: list[dict[str, Any]] = page.evaluate("() => __gpMock.callsTo('setLoadingProgress')")
        if platform == "tiktok":
            # from JS while the runtime streamed in, then platform.set_loading_progress(1.0) from Python
            progress = [call["args"][0]["progress"] for call in calls]
            assert len(progress) >= 3 and progress == sorted(progress) and progress[-1] == 1
            assert 0 < progress[0] < 1
        else:
            # Meta needs initializeAsync first, which platform.init() does: Python reports, then starts
            assert [call["args"] for call in calls] == [[100]]
            assert page.evaluate("() => __gpMock.callsTo('startGameAsync').length") == 1
    finally:
        context.close()
