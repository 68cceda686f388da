"""The host fakes and the JS mocks agree: every scenario in tests/emulation_scenarios.json runs through the
Python fake (through FakeBridge calls, as game code makes them) and through the real JS mock under Node
(tests/js/parity_runner.mjs), and what the game sees must be the same: the value or the error's fields (codes
exactly; messages only as present), which callbacks fired, which events the listeners got, which members
exist. A further test checks that the scenarios script every outcome the emulation table lists."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from gameport.bridge.protocol import Handle
from gameport.errors import BridgeTimeoutError, PlatformError
from gameport.testing import emulation
from gameport.testing.fake_bridge import FakeBridge
from gameport.testing.meta import FakeMeta, fake_meta
from gameport.testing.tiktok import FakeTikTok, fake_tiktok
from gameport.values import Json

ROOT = Path(__file__).resolve().parents[2]
SCENARIO_FILE = ROOT / "tests" / "emulation_scenarios.json"
_FILE: dict[str, Any] = json.loads(SCENARIO_FILE.read_text())
SCENARIOS: list[dict[str, Any]] = _FILE["scenarios"]
DEFAULT_TIMEOUT_MS: int = _FILE["defaultTimeoutMs"]


@pytest.fixture(scope="module")
def js_results() -> dict[str, Json]:
    node = shutil.which("node")
    assert node is not None, "node is needed (python3 build.py setup)"
    out = subprocess.run(
        [node, str(ROOT / "tests" / "js" / "parity_runner.mjs"), str(SCENARIO_FILE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    results: dict[str, Json] = json.loads(out.stdout)
    return results


def _normalise(value: Json) -> Json:
    """As normalise() in parity_runner.mjs: messages are free text on each side, codes are not."""
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Json] = {}
    for key in sorted(value):
        v = value[key]
        if key in ("message", "error_msg") and isinstance(v, str):
            out[key] = "<text>"
        elif key == "errMsg" and isinstance(v, str):
            out[key] = v.split(":fail")[0] + ":fail <text>"
        else:
            out[key] = _normalise(v)
    return out


class _Run:
    def __init__(self, scenario: dict[str, Any]) -> None:
        self.scenario = scenario
        self.tt = scenario["sdk"] == "tt"
        knobs = scenario.get("knobs", {})
        self.fake: FakeTikTok | FakeMeta = fake_tiktok(**knobs) if self.tt else fake_meta(**knobs)
        self.bridge: FakeBridge = (
            self.fake.bridge() if isinstance(self.fake, FakeTikTok) else self.fake.bridge(document=False)
        )
        self.root = "TTMinis.game" if self.tt else "FBInstant"
        self.objects: dict[str, Handle] = {}
        self.events: list[Json] = []

    def path(self, dotted: str) -> str:
        head, _, rest = dotted.partition(".")
        if head in self.objects:
            return f"@{self.objects[head].id}" + (f".{rest}" if rest else "")
        return f"{self.root}.{dotted}"

    def listener(self, name: str) -> Any:
        return lambda payload: self.events.append([name, _normalise(payload)])

    def drain(self) -> list[Json]:
        drained, self.events[:] = list(self.events), []
        return drained

    async def run(self) -> list[Json]:
        s, bridge, seen = self.scenario, self.bridge, []
        if self.tt and s.get("knobs", {}).get("runtime", "html") == "html" and not s.get("noInit"):
            bridge.call_sync("TTMinis.game.init", {"clientKey": "k"})
        if not self.tt and not s.get("noInit"):
            await bridge.call("FBInstant.initializeAsync")
        if not self.tt and s.get("start"):
            await bridge.call("FBInstant.startGameAsync")
        for a in s["actions"]:
            if "script" in a:
                self.fake.script(a["script"], *a["steps"])
            elif "fire" in a:
                assert isinstance(self.fake, FakeTikTok)
                self.fake.fire(a["fire"], a.get("payload"))
                await asyncio.sleep(a.get("waitMs", 0) / 1000)
                seen.append({"fire": a["fire"], "events": self.drain()})
            elif "listen" in a:
                bridge.on(self.path(a["listen"]), self.listener(a["listen"].rsplit(".", 1)[-1]))
            elif "has" in a:
                seen.append({"has": a["has"], "value": bridge.has(self.path(a["has"]))})
            elif "get" in a:
                seen.append({"get": a["get"], "value": _normalise(bridge.get(self.path(a["get"])))})
            else:
                seen.append(await self.call(a))
        return seen

    async def call(self, a: dict[str, Any]) -> Json:
        dotted = a.get("cb") or a.get("sync") or a.get("call") or a["create"]
        path, args = self.path(dotted), a.get("args", [])
        timeout = a.get("timeoutMs", DEFAULT_TIMEOUT_MS) / 1000
        record: dict[str, Json] = {}
        try:
            if "cb" in a:
                value = await self.bridge.call_cb(path, a.get("options", {}), timeout=timeout)
            elif "sync" in a:
                value = self.bridge.call_sync(path, *args)
            elif "call" in a:
                value = await self.bridge.call(path, *args, timeout=timeout)
            else:
                handle = await self.bridge.create(path, *args, timeout=timeout)
                self.objects[a["as"]] = handle
                for name in a.get("listenAll", []):
                    self.bridge.on(f"@{handle.id}.{name}", self.listener(f"{a['as']}.{name}"))
            record = {"result": "ok"} if "create" in a else {"result": "ok", "value": _normalise(value)}
        except PlatformError as exc:
            record = {"result": "error", "error": _normalise(exc.raw)}
        except BridgeTimeoutError:
            record = {"result": "pending"}
        if "sync" not in a:
            await asyncio.sleep(a.get("waitMs", 0) / 1000)
        if "cb" in a:
            callbacks = [c for c in self.bridge.calls if c.kind == "call_cb"][-1].callbacks
            assert callbacks is not None
            record["callbacks"] = list(callbacks.fired)
        record["action"] = dotted
        record["events"] = self.drain()
        return record


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
async def test_the_host_fake_and_the_js_mock_agree(
    scenario: dict[str, Any], js_results: dict[str, Json]
) -> None:
    python_side = await _Run(scenario).run()
    assert python_side == js_results[scenario["name"]]


def _scripted(sdk: str) -> set[tuple[str, str]]:
    """(api key, outcome) of every scripted step of the scenarios of ``sdk``."""
    found = set()
    for scenario in (s for s in SCENARIOS if s["sdk"] == sdk):
        for action in scenario["actions"]:
            for step in action.get("steps", []):
                outcome = step if isinstance(step, str) else step.get("outcome", "ok")
                found.add((action["script"], outcome))
    return found


def _member(key: str) -> str:
    return key.rsplit(".", 1)[-1]


def test_the_scenarios_script_every_outcome_of_the_table() -> None:
    tt, fb = _scripted("tt"), _scripted("fb")
    missing = {
        f"tt ad show: {o}"
        for o in emulation.TT_AD_SHOW_OUTCOMES
        if not any(_member(k) == "show" and o == out for k, out in tt)
    }
    missing |= {
        f"tt ad load: {o}"
        for o in emulation.TT_AD_LOAD_OUTCOMES
        if not any(_member(k) == "load" and o == out for k, out in tt)
    }
    missing |= {
        f"tt callback: {o}"
        for o in emulation.TT_CALLBACK_OUTCOMES
        if o != "ok" and o not in {out for k, out in tt if "." not in k}
    }
    missing |= {
        f"tt sync: {o}"
        for o in emulation.TT_SYNC_OUTCOMES
        if o not in {out for k, out in tt if k in ("canIUse", "getSystemInfoSync", "getLaunchOptionsSync")}
    }
    hosted = emulation.TT_CANCELLABLE - emulation.TT_HOST_OMITS
    missing |= {f"tt cancel: {api}" for api in hosted if (api, "cancel") not in tt}
    ad_outcomes = {"loadAsync": emulation.FB_AD_LOAD_OUTCOMES, "showAsync": emulation.FB_AD_SHOW_OUTCOMES}
    for member, table in ad_outcomes.items():
        wanted = set(table) | emulation.FB_PROMISE_OUTCOMES
        missing |= {
            f"fb {member}: {o}" for o in wanted if not any(_member(k) == member and o == out for k, out in fb)
        }
    missing |= {
        f"fb promise: {o}"
        for o in emulation.FB_PROMISE_OUTCOMES
        if o not in {out for k, out in fb if "." not in k}
    }
    cancellable = set(emulation.FB_CANCEL) - emulation.FB_HOST_OMITS
    missing |= {f"fb cancel: {api}" for api in cancellable if (api, "cancel") not in fb}
    assert sorted(missing) == []
    every = {o for _, o in tt | fb}
    assert every <= set(emulation.KNOWN_OUTCOMES)
    assert set(emulation.KNOWN_OUTCOMES) - every - {"ok"} == set()


def test_the_mocks_read_the_table_through_a_symlink() -> None:
    link = ROOT / "js_bridge" / "mocks" / "emulation.json"
    assert link.is_symlink()
    assert link.resolve() == ROOT / "src" / "gameport" / "testing" / "emulation.json"
