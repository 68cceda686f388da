"""``platform.ads``: rewarded, interstitial and banner ads that report what really happened.

Expected outcomes (no fill, dismissed, capped, timed out, not supported on this platform) are
:class:`~gameport.models.ads.AdResult` values, never exceptions; exceptions mean a mistake in the calling code
or configuration. Grant a reward only when ``result.rewarded`` is True::

    result = await platform.ads.show_rewarded("revive")
    if result.rewarded:
        revive_player()
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from gameport._session import Session, SessionGetter
from gameport.adapters.ad_driver import AdDriver, AdFailure, AdOutcome
from gameport.capabilities import Capability
from gameport.config.ad_policy import AdPolicy
from gameport.errors import InvalidArgumentError
from gameport.features.ad_pacing import Backoff, Pacer
from gameport.features.ad_session import SessionAds
from gameport.models.ads import (
    AdEvent,
    AdKind,
    AdLoadResult,
    AdReason,
    AdResult,
    AdState,
    BannerPosition,
    BannerResult,
)

_log = logging.getLogger("gameport.features.ads")

_CAPABILITY = {
    AdKind.REWARDED: Capability.REWARDED_AD,
    AdKind.INTERSTITIAL: Capability.INTERSTITIAL_AD,
    AdKind.BANNER: Capability.BANNER_AD,
}

AdCallback = Callable[[AdEvent], None]
"""A game callback for ad state changes."""


class Ads:
    """Ads on the current platform. Placement names are the game's; ``placements`` in the configuration
    maps them to each platform's ad unit ids (the web platform passes the name to its provider as is).

    Args:
        session: returns the current session (raises NotInitializedError before ``platform.init()``).
        hold: pauses and mutes the game while an ad is on screen (``platform.lifecycle.hold``); calling
            what it returns ends that hold.
        clock: monotonic seconds, for pacing (tests pass their own).
    """

    def __init__(
        self,
        session: SessionGetter,
        hold: Callable[[], Callable[[], None]],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._session = session
        self._hold = hold
        self._clock = clock
        self._state: SessionAds | None = None
        self._callbacks: list[AdCallback] = []

    # -- full-screen ads --------------------------------------------------------------------------------

    async def show_rewarded(self, placement: str) -> AdResult:
        """Show a rewarded ad; ``result.rewarded`` says whether to grant the reward.

        Raises:
            InvalidArgumentError: ``placement`` is not a non-empty string.
            NotInitializedError: before ``platform.init()``.
            ConfigError: ``placements`` has no ad unit id for ``placement`` on this platform.
        """
        return await self._show(AdKind.REWARDED, placement)

    async def show_interstitial(self, placement: str) -> AdResult:
        """Show an interstitial ad (paced by the ``ads`` policy); never rewarded. Raises as show_rewarded."""
        return await self._show(AdKind.INTERSTITIAL, placement)

    async def preload(self, placement: str, kind: AdKind | str = AdKind.REWARDED) -> AdLoadResult:
        """Load an ad now so that the next show of ``placement`` starts at once.

        ``ready`` False is normal (no fill, back-off, no ``load()`` on this TikTok client, Meta's instance
        limit): the show then loads by itself. Raises as :meth:`show_rewarded`, and InvalidArgumentError for
        a ``kind`` that is not rewarded or interstitial.
        """
        ad_kind = _full_screen(kind)
        state, unit, refusal = self._prepare(ad_kind, placement)
        if refusal is None:
            refusal = state.backing_off(unit)
        if refusal is not None:
            return AdLoadResult(ad_kind, placement, False, *refusal)
        try:
            await state.driver().load(ad_kind, unit, state.pacer.policy.load_timeout)
        except AdFailure as failure:
            state.back_off(unit, failure.reason)
            return AdLoadResult(ad_kind, placement, False, failure.reason, failure.detail)
        state.backoff.succeeded(unit)
        self._emit(AdEvent(ad_kind, placement, AdState.LOADED))
        return AdLoadResult(ad_kind, placement, True)

    @property
    def showing(self) -> bool:
        """Whether a full-screen ad is running now (False before ``platform.init()``)."""
        return self._state is not None and self._state.busy

    # -- banners ----------------------------------------------------------------------------------------

    async def show_banner(
        self, placement: str, position: BannerPosition | str = BannerPosition.BOTTOM
    ) -> BannerResult:
        """Show a banner, best effort: a banner that does not fill is a result, not an error (Meta's
        banners are deprecated and stop filling on 31 Mar 2027).

        Raises:
            UnsupportedCapabilityError: the platform has no banners (TikTok, the web).
            InvalidArgumentError: ``position`` is not top or bottom. ConfigError, NotInitializedError.
        """
        try:
            where = BannerPosition(position)
        except ValueError:
            raise InvalidArgumentError(
                f"banner position must be 'top' or 'bottom', got {position!r}"
            ) from None
        state = self._current()
        state.session.require(Capability.BANNER_AD)
        driver = state.driver()
        unit = state.unit(placement)
        return await driver.show_banner(unit, where, state.pacer.policy.load_timeout)

    async def hide_banner(self) -> BannerResult:
        """Hide the banner, best effort. Raises UnsupportedCapabilityError as :meth:`show_banner`."""
        state = self._current()
        state.session.require(Capability.BANNER_AD)
        return await state.driver().hide_banner(state.pacer.policy.load_timeout)

    # -- events -----------------------------------------------------------------------------------------

    def on(self, callback: AdCallback) -> Callable[[], None]:
        """Call ``callback(event)`` on every ad state change; returns a function that unsubscribes.

        Raises:
            NotInitializedError: before ``platform.init()``.
        """
        self._session()
        self._callbacks.append(callback)

        def unsubscribe() -> None:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

        return unsubscribe

    # -- internals --------------------------------------------------------------------------------------

    def begin(self, session: Session) -> SessionAds:
        """A new session started now (``platform.init()``): pacing (the interstitial start delay) counts
        from here."""
        self._release()
        policy = session.settings.ads
        self._state = SessionAds(session, Pacer(policy, self._clock), Backoff(policy, self._clock))
        return self._state

    def _current(self) -> SessionAds:
        session = self._session()
        if self._state is None or self._state.session is not session:
            return self.begin(session)
        return self._state

    def _prepare(self, kind: AdKind, placement: str) -> tuple[SessionAds, str, tuple[AdReason, str] | None]:
        if not isinstance(placement, str) or not placement:
            raise InvalidArgumentError(f"an ad placement must be a non-empty string, got {placement!r}")
        state = self._current()
        session = state.session
        if not session.gate.allows(_CAPABILITY[kind]):
            detail = f"{kind.value} ads on {session.name.value}: {session.gate.reasons[_CAPABILITY[kind]]}"
            return state, placement, (AdReason.NOT_SUPPORTED, detail)
        return state, state.unit(placement), None

    async def _show(self, kind: AdKind, placement: str) -> AdResult:
        state, unit, refusal = self._prepare(kind, placement)
        if refusal is None and state.busy:
            refusal = AdReason.ANOTHER_AD_SHOWING, "another ad is on screen; gameport shows one at a time"
        if refusal is None:
            refusal = state.pacer.refusal(kind) or state.backing_off(unit)
        if refusal is not None:
            result = AdResult(kind, placement, False, False, *refusal)
            self._emit(AdEvent(kind, placement, AdState.FAILED, result))
            return result
        state.busy = True
        self._emit(AdEvent(kind, placement, AdState.REQUESTED))
        resume = self._hold()
        seen: set[AdState] = set()

        def notify(step: AdState) -> None:
            if step not in seen:
                seen.add(step)
                self._emit(AdEvent(kind, placement, step))

        try:
            outcome = await _run(state.driver(), state.pacer.policy, kind, unit, notify)
            return self._finish(state, kind, placement, unit, outcome, notify)
        finally:  # after the closing events: the game resumes once the ad is over, not before
            state.busy = False
            if self._state is state:  # a session closed meanwhile has a new lifecycle: leave it alone
                resume()

    def _finish(
        self,
        state: SessionAds,
        kind: AdKind,
        placement: str,
        unit: str,
        outcome: AdOutcome,
        notify: Callable[[AdState], None],
    ) -> AdResult:
        rewarded = kind is AdKind.REWARDED and outcome.ended and outcome.shown
        reason = None if outcome.ended and outcome.shown else (outcome.reason or AdReason.UNKNOWN)
        result = AdResult(kind, placement, outcome.shown, rewarded, reason, outcome.detail)
        if outcome.shown:
            state.pacer.ad_ended()
            state.backoff.succeeded(unit)
            notify(AdState.SHOWN)
        elif reason is not None:
            state.back_off(unit, reason)
        if rewarded:
            notify(AdState.REWARDED)
        self._emit(AdEvent(kind, placement, AdState.CLOSED if outcome.shown else AdState.FAILED, result))
        return result

    def _emit(self, event: AdEvent) -> None:
        for callback in list(self._callbacks):
            try:
                callback(event)
            except Exception:
                _log.exception("a platform.ads callback raised on %s", event.state.value)

    def _release(self) -> None:
        if self._state is not None:
            self._state.close()
        self._state = None

    def end(self) -> None:
        """Forget the session (``platform.close()``): release held ads and drop every callback."""
        self._release()
        self._callbacks.clear()


async def _run(
    driver: AdDriver, policy: AdPolicy, kind: AdKind, unit: str, notify: Callable[[AdState], None]
) -> AdOutcome:
    limit = policy.show_timeout + policy.load_timeout + 1.0  # drivers time out first; this is a backstop
    try:
        async with asyncio.timeout(limit):
            return await driver.show(
                kind, unit, load_timeout=policy.load_timeout, show_timeout=policy.show_timeout, notify=notify
            )
    except TimeoutError:
        return AdOutcome(False, False, AdReason.TIMEOUT, f"the ad did not finish within {limit:g} s")


def _full_screen(kind: AdKind | str) -> AdKind:
    try:
        found = AdKind(kind)
    except ValueError:
        found = AdKind.BANNER
    if found is AdKind.BANNER:
        raise InvalidArgumentError(f"preload takes 'rewarded' or 'interstitial', got {kind!r}")
    return found
