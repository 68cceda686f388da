"""Suite-wide ordering: browser tests run last.

Playwright's sync API keeps its own event loop running in the main thread from the first browser test to the
end of the session, and pytest-asyncio cannot start a loop while it runs. Host async tests therefore go
first, in the same pytest run, so there is one run and one summary.
"""

from __future__ import annotations

from pathlib import Path

import pytest

BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: Path(str(item.fspath)).is_relative_to(BROWSER_TESTS))
