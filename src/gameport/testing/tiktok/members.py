"""What the callback members of the host TikTok fake do once their scripted step says ``ok``: storage, the
one-time mission rewards, login codes and argument checks, as the ``run`` functions in
``js_bridge/mocks/ttminis.js`` do."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from gameport.testing.tiktok.payloads import fail_payload
from gameport.values import Json, JsonObject


class TikTokMembers:
    """The emulated state the members change.

    Attributes:
        scenario: the current knobs. storage: key -> JSON text. loading_progress: the last
            ``setLoadingProgress`` value. on_pay: called with the ``trade_order_id`` of every successful
            ``pay``, standing in for TikTok's payment server (the JS mock posts to the mock platform
            server's ``/mock/tiktok/pay`` instead); a test's fake backend marks the order paid there.
    """

    def __init__(self, scenario: JsonObject) -> None:
        self.scenario = scenario
        self.storage: dict[str, str] = {}
        self.loading_progress: float | None = None
        self._logins = 0
        self.on_pay: Callable[[str], None] | None = None

    def run(self, member: str, o: Mapping[str, Json]) -> tuple[bool, Json]:
        """``(True, success payload)`` or ``(False, fail payload)`` of ``member`` called with options
        ``o``."""
        invalid = (False, fail_payload(member, "INVALID_PARAM"))
        key = o.get("key")
        if member == "login":
            self._logins += 1
            return True, {"code": f"mock-code-{self._logins}"}
        if member == "pay":
            trade = o.get("trade_order_id")
            if not isinstance(trade, str) or not trade:
                return False, fail_payload(member, "INVALID_PARAM", {"message": "trade_order_id is required"})
            if self.on_pay is not None:
                self.on_pay(trade)
            return True, {"trade_order_id": trade}
        if member == "authorize":
            scope = o.get("scope")
            return (True, {}) if isinstance(scope, str) and scope.strip() else invalid
        if member == "setLoadingProgress":
            p = o.get("progress")
            if isinstance(p, bool) or not isinstance(p, int | float) or not 0 <= p <= 100:
                return invalid
            self.loading_progress = float(p)
        elif member == "setStorage":
            return self._write(member, key, o.get("data"))
        elif member == "getStorage":
            if not isinstance(key, str) or key not in self.storage:
                return False, fail_payload(member, "DATA_NOT_FOUND")
            return True, {"data": json.loads(self.storage[key])}
        elif member == "removeStorage":
            if not isinstance(key, str):
                return invalid
            self.storage.pop(key, None)
        elif member == "clearStorage":
            self.storage.clear()
        elif member in ("getShortcutMissionReward", "getEntranceMissionReward"):
            knob = (
                "shortcutRewardAvailable" if member.startswith("getShortcut") else "entranceRewardAvailable"
            )
            can = bool(self.scenario[knob])
            self.scenario[knob] = False  # one-time: TikTok's server tracks the claim
            return True, {"canReceiveReward": can}
        elif member == "reportEvent":
            name, params = o.get("eventName"), o.get("params")
            if not isinstance(name, str) or not name or not (params is None or isinstance(params, dict)):
                return invalid
        return True, {}

    def _write(self, member: str, key: Json, data: Json) -> tuple[bool, Json]:
        if not isinstance(key, str) or not key:
            return False, fail_payload(member, "INVALID_PARAM")
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        others = sum(len(k.encode()) + len(v.encode()) for k, v in self.storage.items() if k != key)
        limit = self.scenario["storageLimitBytes"]
        if isinstance(limit, int | float) and others + len(key.encode()) + len(text.encode()) > limit:
            return False, fail_payload(member, "STORAGE_LIMIT")
        self.storage[key] = text
        return True, {}
