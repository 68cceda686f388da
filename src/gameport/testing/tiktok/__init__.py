"""A host fake of TikTok's ``TTMinis.game`` (:func:`fake_tiktok`), behaving as the JS mock
``js_bridge/mocks/ttminis.js``.
"""

from gameport.testing.tiktok.fake import DEFAULT_SCENARIO, TT_ERROR_CODES, FakeTikTok, fake_tiktok

__all__ = ["DEFAULT_SCENARIO", "TT_ERROR_CODES", "FakeTikTok", "fake_tiktok"]
