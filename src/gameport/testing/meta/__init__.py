"""A host fake of Meta's ``FBInstant`` 8.0 (:func:`fake_meta`), behaving as the JS mock
``js_bridge/mocks/fbinstant.js``.
"""

from gameport.testing.meta.fake import (
    DEFAULT_SCENARIO,
    FB_CODE_CHOICES,
    FB_IMPLEMENTED_APIS,
    FakeMeta,
    fake_meta,
)

__all__ = ["DEFAULT_SCENARIO", "FB_CODE_CHOICES", "FB_IMPLEMENTED_APIS", "FakeMeta", "fake_meta"]
