"""The limits of gameport's backend leaderboards, shared by the client and the reference backend.

The client checks them before sending (an :class:`~gameport.errors.InvalidArgumentError` instead of a round
trip); the backend (``gameport.server``) checks them again, because it trusts no client.
"""

from __future__ import annotations

import re
from typing import Final, TypeGuard

BOARD_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
"""A board name: 1-64 ASCII letters, digits, ``_ . : -``, starting with a letter or digit (so it is safe in a
URL path segment as it is)."""

MAX_SCORE: Final = 2**53 - 1
"""The largest score (and ``-MAX_SCORE`` the smallest): JavaScript's safe integers, so a score survives JSON
and JavaScript numbers exactly."""

MAX_EXTRA_BYTES: Final = 2048
"""The longest ``extra`` string, in bytes of UTF-8 (Meta's own limit for entry extra data)."""

MAX_COUNT: Final = 100
"""The most entries one read returns."""

MAX_OFFSET: Final = 100_000
"""The largest offset a read accepts."""


def board_name_ok(board: object) -> TypeGuard[str]:
    """Whether ``board`` is a valid board name (see :data:`BOARD_NAME`)."""
    return isinstance(board, str) and BOARD_NAME.fullmatch(board) is not None


def score_ok(score: object) -> TypeGuard[int]:
    """Whether ``score`` is an ``int`` (not a ``bool``) within ``-MAX_SCORE..MAX_SCORE``."""
    return isinstance(score, int) and not isinstance(score, bool) and -MAX_SCORE <= score <= MAX_SCORE


def extra_ok(extra: object) -> TypeGuard[str | None]:
    """Whether ``extra`` is None or a string of at most :data:`MAX_EXTRA_BYTES` bytes of UTF-8."""
    if extra is None:
        return True
    if not isinstance(extra, str):
        return False
    try:
        return len(extra.encode("utf-8")) <= MAX_EXTRA_BYTES
    except UnicodeEncodeError:  # lone surrogates cannot be stored or sent as JSON text
        return False
