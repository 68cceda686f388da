"""One ``platform.payments.purchase`` round trip on the TikTok mock, against the reference backend and the
mock platform server as real processes on 127.0.0.1 (the mock's pay sheet answers at once; the mock
server delivers the signed webhook before the sheet closes), as a ratio to one ``bridge.call``.

A round trip is: the journal writes, ``POST /api/tiktok/orders`` (the backend creates TikTok's trade
order at the mock server), ``pay`` (mock -> mock server -> webhook -> backend delivers), ``GET
/api/orders/{id}``, ``GET /api/grants`` and the hand-over to ``on_granted``.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Page

from . import bridge_costs
from .figures import duration, median, ratio, table
from .page_driver import run_py

LISTENING = "gameport-server listening on "
CATALOG = [{"product_id": "coins_100", "title": "100 coins", "grants": {"coins": 100}, "tiktok_beans": 10}]
SETUP = """
import json, time
from gameport import GameConfig, Platform
shop = Platform(config=GameConfig.from_json(json.dumps({{"platforms": {{"tiktok": {{"sandbox": {{
    "client_key": "ck-public-bench", "backend_url": {backend!r}}}}}}}}})))
await shop.init("tiktok")
granted = []
shop.payments.on_granted(granted.append)
await shop.payments.restore()
result = True
"""
PURCHASES = """
started = time.perf_counter()
for _ in range({n}):
    bought = await shop.payments.purchase("coins_100")
    if not bought.succeeded:
        raise RuntimeError(f"a purchase on the answering mocks ended {{bought}}")
result = (time.perf_counter() - started) * 1000 / {n}
"""


@contextlib.contextmanager
def servers() -> Iterator[tuple[str, str]]:
    """The mock platform server and the reference backend (a fresh SQLite file), stopped afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.json"
        tiktok = {"client_key": "ck_bench", "client_secret": secrets.token_hex(24)}
        config = {
            "environment": "sandbox",
            "tiktok": tiktok,
            "meta": {"app_id": "bench", "app_secret": secrets.token_hex(24)},
            "risk": {"velocity_max": 100_000, "velocity_window_s": 60},
            "catalog": CATALOG,
        }
        path.write_text(json.dumps(config))
        procs: list[subprocess.Popen[str]] = []
        try:
            mock = _start(procs, ["mock-platform", "--port", "0", "--config", str(path)])
            tiktok["api_base_url"] = mock
            path.write_text(json.dumps(config))
            db = str(Path(tmp) / "ledger.sqlite3")
            backend = _start(procs, ["backend", "--port", "0", "--config", str(path), "--db", db])
            body = json.dumps({"backend_url": backend}).encode()
            headers = {"Content-Type": "application/json"}
            request = urllib.request.Request(f"{mock}/mock/config", data=body, headers=headers)
            urllib.request.urlopen(request, timeout=10).close()
            yield mock, backend
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=20)


def _start(procs: list[subprocess.Popen[str]], args: list[str]) -> str:
    proc = subprocess.Popen(
        [sys.executable, "-m", "gameport.server", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    procs.append(proc)
    line = proc.stdout.readline() if proc.stdout else ""
    if not line.startswith(LISTENING):
        raise RuntimeError(f"gameport.server {args[0]} did not start (said {line!r})")
    return line[len(LISTENING) :].strip()


def measure(page: Page, rounds: int, purchases: int, calls: int) -> tuple[list[float], list[float]]:
    """In the TikTok mock page, alternate ``purchases`` purchases and ``calls`` bridge calls, ``rounds``
    times: (ms per purchase, ms per bridge.call) of each round."""
    with servers() as (mock, backend):
        page.evaluate("(url) => __gpMock.configure({platformUrl: url})", mock)
        run_py(page, SETUP.format(backend=backend))
        bridge_costs.install(page)
        run_py(page, PURCHASES.format(n=2))
        per_purchase, per_call = [], []
        for _ in range(rounds):
            per_purchase.append(float(run_py(page, PURCHASES.format(n=purchases))))
            per_call.append(bridge_costs.bridge_ms(page, "call", calls))
        run_py(page, "await shop.close()\nresult = True")
    return per_purchase, per_call


def render(figures: tuple[list[float], list[float]]) -> str:
    """One row: median ms per purchase round trip, per bridge.call, and their ratio."""
    purchase, call = median(figures[0]), median(figures[1])
    return table(
        ["platform", "purchase round trip", "bridge.call", "ratio"],
        [["tiktok", duration(purchase), duration(call), ratio(purchase, call)]],
    )
