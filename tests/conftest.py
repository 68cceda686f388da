"""Suite-wide ordering: browser tests run last; and, for `build.py test`, a record of what failed.

Playwright's sync API keeps its own event loop running in the main thread from the first browser test to the
end of the session, and pytest-asyncio cannot start a loop while it runs. Host async tests therefore go
first, in the same pytest run, so there is one run and one summary.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .build_script import load_build_script

BROWSER_TESTS = Path(__file__).resolve().parent / "browser"
_BUILD = load_build_script()  # what to record and where come from build.py, which reads the record
_failures: list[dict[str, object]] = []


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: Path(str(item.fspath)).is_relative_to(BROWSER_TESTS))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.failed:
        crashed = _BUILD.RENDERER_CRASH in report.longreprtext  # Chromium's renderer died under the test
        _failures.append({"nodeid": report.nodeid, "when": report.when, "renderer_crash": crashed})


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        _failures.append({"nodeid": report.nodeid, "when": "collect", "renderer_crash": False})


def pytest_sessionfinish(session: pytest.Session) -> None:
    """With ``GAMEPORT_TEST_FAILURES`` set (by `build.py test`), write every failure there as JSON."""
    path = os.environ.get(_BUILD.FAILURES_ENV)
    if path:
        Path(path).write_text(json.dumps(_failures))
