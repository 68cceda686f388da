"""Meta's pause signal and the page's visibility, folded into PAUSE / RESUME for ``platform.lifecycle``."""

from __future__ import annotations

from collections.abc import Callable

from gameport.bridge import Bridge, Subscription
from gameport.models.results import LifecycleEvent
from gameport.values import Json


def watch_pause(bridge: Bridge, emit: Callable[[LifecycleEvent], None]) -> list[Subscription]:
    """PAUSE on ``FBInstant.onPause`` or the page turning hidden; RESUME when it turns visible again.

    Meta has no ``onResume``, so resume comes only from the page's ``visibilitychange``. Repeated signals
    are folded: PAUSE is emitted once until the matching RESUME.
    """
    paused = [False]

    def signal(event: LifecycleEvent) -> None:
        if paused[0] != (event is LifecycleEvent.PAUSE):
            paused[0] = event is LifecycleEvent.PAUSE
            emit(event)

    def visibility(_: Json) -> None:
        hidden = bridge.get("document.visibilityState") == "hidden"
        signal(LifecycleEvent.PAUSE if hidden else LifecycleEvent.RESUME)

    subs = [bridge.on("FBInstant.onPause", lambda _: signal(LifecycleEvent.PAUSE))]
    if bridge.has("document"):
        subs.append(
            bridge.on(
                "document.addEventListener",
                visibility,
                off="document.removeEventListener",
                args=["visibilitychange"],
            )
        )
    return subs
