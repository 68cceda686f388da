"""TikTok's lifecycle signals (``onHide`` / ``onShow``) and launch options, as gameport's values."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

from gameport.adapters.tiktok.members import NS
from gameport.bridge import Bridge, Subscription
from gameport.models.results import LaunchData, LifecycleEvent
from gameport.values import Json


def watch(bridge: Bridge, emit: Callable[[LifecycleEvent], None]) -> list[Subscription]:
    """``onHide`` -> PAUSE and ``onShow`` -> RESUME; cancelling calls ``offHide`` / ``offShow`` where the
    client has them."""
    subs = []
    for member, event in (("onHide", LifecycleEvent.PAUSE), ("onShow", LifecycleEvent.RESUME)):
        off = f"{NS}.off{member[2:]}"
        subs.append(bridge.on(f"{NS}.{member}", _emitter(emit, event), off=off if bridge.has(off) else None))
    return subs


def launch_data(bridge: Bridge) -> LaunchData:
    """``getLaunchOptionsSync()``: ``scene`` as ``entry_point``, ``query`` as a str -> str dict."""
    options = bridge.call_sync(f"{NS}.getLaunchOptionsSync")
    if not isinstance(options, dict):
        return LaunchData()
    scene = options.get("scene")
    return LaunchData(
        entry_point=None if scene is None or isinstance(scene, dict | list) else str(scene),
        query=_query_dict(options.get("query")),
    )


def _emitter(emit: Callable[[LifecycleEvent], None], event: LifecycleEvent) -> Callable[[Json], None]:
    return lambda _payload: emit(event)


def _query_dict(query: Json) -> dict[str, str]:
    if isinstance(query, str):
        return dict(parse_qsl(query.lstrip("?"), keep_blank_values=True))
    if isinstance(query, dict):
        return {k: v if isinstance(v, str) else str(v) for k, v in query.items() if v is not None}
    return {}
