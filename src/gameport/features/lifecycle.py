"""``platform.lifecycle``: pause / resume and mute signals, the ``paused`` flag, launch data."""

from __future__ import annotations

import logging
from collections.abc import Callable

from gameport._session import SessionGetter
from gameport.bridge import Subscription
from gameport.capabilities import Capability
from gameport.models.results import LaunchData, LifecycleEvent

_log = logging.getLogger("gameport")

LifecycleCallback = Callable[[LifecycleEvent], None]
"""A game callback; receives the event that happened."""


class Lifecycle:
    """Pause / resume (TikTok onHide/onShow, Meta onPause, page visibility) and audio-mute signals.

    Events change the flags first, then reach callbacks; a repeated event (two pauses in a row) is dropped,
    so callbacks see only changes. A callback that raises is logged and does not stop the others.

    The game is paused (and muted) while the platform says so *or* while gameport holds it (an ad on
    screen); it resumes only when both are over, so an ad ending never resumes a game the platform paused
    meanwhile.
    """

    def __init__(self, session: SessionGetter) -> None:
        self._session = session
        self._paused = False
        self._muted = False
        self._platform_paused = False
        self._platform_muted = False
        self._holds = 0
        self._callbacks: list[tuple[LifecycleEvent, LifecycleCallback]] = []
        self._subscriptions: list[Subscription] = []
        self._launch: LaunchData | None = None

    @property
    def paused(self) -> bool:
        """Whether the game is hidden / paused now (always False where LIFECYCLE is unsupported).

        Raises:
            NotInitializedError: before ``platform.init()``.
        """
        self._session()
        return self._paused

    @property
    def muted(self) -> bool:
        """Whether the platform asked the game to mute its audio.

        Raises:
            NotInitializedError: before ``platform.init()``.
        """
        self._session()
        return self._muted

    @property
    def launch_data(self) -> LaunchData:
        """How the game was opened (TikTok query, Meta entry point data, the web page's URL query).

        Raises:
            NotInitializedError: before ``platform.init()``.
            UnsupportedCapabilityError: LAUNCH_DATA is not available.
        """
        adapter = self._session().require(Capability.LAUNCH_DATA)
        if self._launch is None:
            self._launch = adapter.launch_data()
        return self._launch

    def on(self, event: LifecycleEvent | str, callback: LifecycleCallback) -> Callable[[], None]:
        """Call ``callback(event)`` whenever ``event`` happens; returns a function that unsubscribes.

        Raises:
            NotInitializedError: before ``platform.init()``.
            UnsupportedCapabilityError: LIFECYCLE is not available.
            ValueError: ``event`` is not a :class:`~gameport.models.LifecycleEvent`.
        """
        self._session().require(Capability.LIFECYCLE)
        entry = (LifecycleEvent(event), callback)
        self._callbacks.append(entry)

        def unsubscribe() -> None:
            if entry in self._callbacks:
                self._callbacks.remove(entry)

        return unsubscribe

    # -- for the Platform that owns this namespace, and for platform.ads ---------------------------------

    def attach(self, subscriptions: list[Subscription]) -> None:
        """Keep the platform's lifecycle subscriptions of a new session (cancelled by :meth:`detach`)."""
        self._subscriptions = subscriptions

    def detach(self) -> None:
        """Forget the session (``platform.close()``): cancel subscriptions, drop callbacks, reset state."""
        for subscription in self._subscriptions:
            subscription.cancel()
        self._subscriptions = []
        self._callbacks.clear()
        self._paused = self._muted = self._platform_paused = self._platform_muted = False
        self._holds = 0
        self._launch = None

    def emit(self, event: LifecycleEvent) -> None:
        """Report a platform signal (onHide/onShow, onPause, visibility, audio)."""
        if event in (LifecycleEvent.PAUSE, LifecycleEvent.RESUME):
            self._platform_paused = event is LifecycleEvent.PAUSE
        else:
            self._platform_muted = event is LifecycleEvent.MUTE
        self._publish()

    def hold(self) -> Callable[[], None]:
        """Pause and mute the game while something of gameport's is on screen (an ad); the returned function
        ends this hold (calling it again does nothing)."""
        self._holds += 1
        self._publish()
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self._holds -= 1
                self._publish()

        return release

    def _publish(self) -> None:
        # Flags change one at a time, each just before its event, so a callback sees the state it announces.
        paused = self._platform_paused or self._holds > 0
        muted = self._platform_muted or self._holds > 0
        if paused and not self._paused:
            self._paused = True
            self._notify(LifecycleEvent.PAUSE)
        if muted != self._muted:
            self._muted = muted
            self._notify(LifecycleEvent.MUTE if muted else LifecycleEvent.UNMUTE)
        if not paused and self._paused:
            self._paused = False
            self._notify(LifecycleEvent.RESUME)

    def _notify(self, event: LifecycleEvent) -> None:
        for wanted, callback in list(self._callbacks):
            if wanted is event:
                try:
                    callback(event)
                except Exception:
                    _log.exception("a platform.lifecycle callback for %s raised", event.value)
