"""Test doubles for game code and for gameport's own host tests: plain CPython, no browser.

* :class:`FakeBridge` (:mod:`gameport.testing.fake_bridge`): the bridge protocol with a scripted handler and
  a call log;
* :func:`~gameport.testing.fake_http.urllib_http`: real HTTP from a ``FakeBridge`` to a real server;
* :mod:`gameport.testing.tiktok` and :mod:`gameport.testing.meta`: host fakes of ``TTMinis.game`` and
  ``FBInstant`` that behave as the JavaScript mocks do (the same emulation table drives both).

Nothing here is shipped in the browser wheel.
"""

from gameport.testing.fake_bridge import (
    NO_ANSWER,
    Call,
    Callbacks,
    FakeBridge,
    Handler,
    HandlerResult,
    HttpHandler,
    SdkFailure,
)

__all__ = [
    "NO_ANSWER",
    "Call",
    "Callbacks",
    "FakeBridge",
    "Handler",
    "HandlerResult",
    "HttpHandler",
    "SdkFailure",
]
