"""The bridge where games really run: a module Web Worker (no DOM) and a page under a strict CSP."""

from __future__ import annotations

import json

from playwright.sync_api import Browser

from .conftest import open_harness, run_py

WORKER_CHECKS = """
import json
from gameport.bridge.pyodide_bridge import PyodideBridge
from gameport.errors import BridgeTimeoutError, PlatformError

bridge = PyodideBridge()
out = {"promise": await bridge.call("testjs.resolveLater", {"w": 1}, 5)}
out["callback"] = await bridge.call_cb("testjs.cbApi", {"mode": "late_complete", "value": "cb"})
try:
    await bridge.call_cb("testjs.cbApi", {"mode": "never"}, timeout=0.2)
except BridgeTimeoutError as exc:
    out["timeout"] = exc.timeout
try:
    await bridge.call("testjs.throwError", "W1")
except PlatformError as exc:
    out["error_code"] = exc.code
out["has_document"] = bridge.has("document")
info = (await bridge.fetch_json("GET", "/build-info.json")).body
out["fetch"] = info["wheels"]["gameport"].endswith(".whl")
json.dumps(out)
"""

RUN_IN_WORKER = """async ([url, code]) => {
  const worker = new Worker(url, { type: "module" });
  const answer = await new Promise((resolve) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => resolve({ ok: false, error: event.message || "worker error" });
    worker.postMessage({ code });
  });
  worker.terminate();
  return answer;
}"""


STRING_TIMER_PROBE = """() => new Promise((resolve) => {
  const report = (e) => resolve(`blocked:${e.effectiveDirective}`);
  document.addEventListener("securitypolicyviolation", report, {once: true});
  setTimeout("window.__compiledFromString = true", 0);
  setTimeout(() => resolve(window.__compiledFromString ? "allowed" : "no-event"), 1000);
})"""


def _run_worker(browser: Browser, site_url: str, csp: bool) -> dict[str, object]:
    context = browser.new_context()
    page = context.new_page()
    suffix = "?csp=1" if csp else ""
    page.goto(f"{site_url}/_test/blank.html{suffix}")
    answer = page.evaluate(RUN_IN_WORKER, [f"{site_url}/_test/worker.js{suffix}", WORKER_CHECKS])
    context.close()
    assert answer["ok"], answer
    assert answer["hasDocument"] is False
    return json.loads(answer["result"])


def test_bridge_works_in_a_module_web_worker(browser: Browser, site_url: str) -> None:
    got = _run_worker(browser, site_url, csp=False)
    assert got == {
        "promise": {"w": 1},
        "callback": "cb",
        "timeout": 0.2,
        "error_code": "W1",
        "has_document": False,
        "fetch": True,
    }


def test_worker_works_under_a_csp_without_unsafe_eval(browser: Browser, site_url: str) -> None:
    got = _run_worker(browser, site_url, csp=True)
    assert got["promise"] == {"w": 1} and got["error_code"] == "W1" and got["fetch"] is True


def test_page_works_under_a_csp_without_unsafe_eval(browser: Browser, site_url: str) -> None:
    page = open_harness(browser, f"{site_url}/_test/harness.html?csp=1&sdk=/_test/fixtures.js&global=testjs")
    try:
        # The policy is really in force: code compiled from a string (an eval) is refused in this page.
        assert page.evaluate(STRING_TIMER_PROBE) == "blocked:script-src"
        got = run_py(
            page,
            """
from gameport.bridge.pyodide_bridge import PyodideBridge
bridge = PyodideBridge()
result = [await bridge.call("testjs.resolveLater", "csp ok"), await bridge.call_cb("testjs.cbApi", {})]
""",
        )
        assert got == ["csp ok", {"done": True}]
    finally:
        page.context.close()


CONNECT_PROBE = """() => {
  const blocked = (window.__connectBlocked = []);
  document.addEventListener("securitypolicyviolation", (e) => blocked.push(e.effectiveDirective));
}"""


def test_fetch_json_to_an_origin_the_csp_does_not_allow_is_a_network_error(
    browser: Browser, site_url: str
) -> None:
    page = open_harness(browser, f"{site_url}/_test/harness.html?csp=1")
    try:
        page.evaluate(CONNECT_PROBE)
        other_origin = site_url.replace("127.0.0.1", "localhost") + "/build-info.json"
        got = run_py(
            page,
            f"""
from gameport.bridge.pyodide_bridge import PyodideBridge
from gameport.errors import NetworkError
bridge = PyodideBridge()
same = await bridge.fetch_json("GET", "/build-info.json")
try:
    await bridge.fetch_json("GET", {other_origin!r})
    result = ["answered"]
except NetworkError as exc:
    result = [same.status, exc.url]
""",
        )
        assert got == [200, other_origin]
        assert page.evaluate("() => window.__connectBlocked") == ["connect-src"]
    finally:
        page.context.close()


def test_boot_fails_clearly_when_the_platform_sdk_never_arrives(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{site_url}/_test/harness.html?sdk=/_test/never_defines.js&global=TTMinis")
        outcome = page.evaluate("() => window.gpBoot")
        assert outcome["code"] == "SDK_LOAD_FAILED"
        assert "TTMinis" in outcome["message"]
        assert page.text_content("#status") == "boot failed: SDK_LOAD_FAILED"
    finally:
        context.close()
