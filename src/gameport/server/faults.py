"""Test-only crash injection: ``GAMEPORT_SERVER_CRASH_AT=<point>`` makes the backend process die
(``os._exit``, no cleanup, like a power cut) the first time it reaches ``<point>``. Points:

* ``after_receipt``: a verified webhook was durably recorded, nothing was delivered yet.
* ``before_commit``: inside the delivery transaction, after every write, before ``COMMIT``.

Unset in production. Used by tests to prove that a restart loses nothing and delivers once.
"""

from __future__ import annotations

import os
import sys

CRASH_ENV = "GAMEPORT_SERVER_CRASH_AT"
CRASH_EXIT_CODE = 86


def armed(name: str) -> bool:
    """Whether this process is set to die at ``name`` (a seam that costs something is only set up then)."""
    return os.environ.get(CRASH_ENV) == name


def crash_point(name: str) -> None:
    """Die here if the environment asks for it."""
    if armed(name):
        sys.stderr.write(f"gameport-server: injected crash at {name}\n")
        sys.stderr.flush()
        os._exit(CRASH_EXIT_CODE)
