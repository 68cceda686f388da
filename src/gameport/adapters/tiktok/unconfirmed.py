"""[unconfirmed] TikTok facts no retrievable TikTok page documents, in one table (reference section F).

Correct a value here, or give an adapter a corrected copy: ``TikTokAdapter(bridge, settings,
unconfirmed=dataclasses.replace(UNCONFIRMED, cancel_codes=frozenset({...})))``. The headless mock
(``js_bridge/mocks/ttminis.js``, ``TT_ERROR_CODES``) makes the same choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from gameport.models.ads import AdReason


@dataclass(frozen=True, slots=True)
class Unconfirmed:
    """TikTok facts no retrievable TikTok page documents, with the values this adapter assumes.

    Attributes (reference sections in brackets; every default is the headless mock's choice):
        cancel_codes: ``error_code`` values meaning "the player closed the dialog" (share, authorize,
            shortcut, entrance mission) [A.6, A.14: cancel arrives through ``fail``, code undocumented].
        storage_missing_codes: ``getStorage`` codes meaning "no such key", answered as None [A.11, wx style].
        storage_missing_text: the same for a failure without a code (wx ``"getStorage:fail data not found"``).
        storage_limit_codes: codes meaning "storage is full", raised as StorageLimitError [A.11: cap unknown].
        progress_scale: what ``setLoadingProgress({progress})`` calls complete [A.2]: 1.0 for a 0-1 range
            (the only known caller sends ``progress: 1`` when done), 100.0 for a 0-100 range.
        ad_no_fill_codes: ad ``onError`` / ``show()`` codes meaning "no ad to show" [A.7: 1004 is the
            WeChat/Douyin code]. ad_network_codes: the same for network failures [A.14: 10401].
        ad_rate_limit_codes: the same for "too frequent" [A.7: none documented].
    """

    cancel_codes: frozenset[str | int] = frozenset({90001})
    storage_missing_codes: frozenset[str | int] = frozenset({90005})
    storage_missing_text: str = "not found"
    storage_limit_codes: frozenset[str | int] = frozenset({90004})
    progress_scale: float = 1.0
    ad_no_fill_codes: frozenset[str | int] = frozenset({1004})
    ad_network_codes: frozenset[str | int] = frozenset({10401})
    ad_rate_limit_codes: frozenset[str | int] = frozenset()

    def ad_reason(self, code: str | int | None) -> AdReason:
        """The ad reason a TikTok ad error ``code`` stands for (UNKNOWN when the table has no entry)."""
        for codes, reason in (
            (self.ad_no_fill_codes, AdReason.NO_FILL),
            (self.ad_network_codes, AdReason.NETWORK),
            (self.ad_rate_limit_codes, AdReason.RATE_LIMITED),
        ):
            if code in codes:
                return reason
        return AdReason.UNKNOWN


UNCONFIRMED: Final = Unconfirmed()
"""[unconfirmed] THE table of TikTok assumptions; nothing outside it hard-codes an undocumented fact."""
