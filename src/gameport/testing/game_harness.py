"""The slow fixture of the pytest plugin: the author's built game in headless Chromium on gameport's JS mocks,
with the reference backend and the mock platform server running as real processes.

``gameport_game`` (marked ``gameport_slow``; ``-m "not gameport_slow"`` leaves it out) gives a test a
:class:`GameUnderTest`. Once per session it starts ``python -m gameport.server mock-platform`` and
``backend`` (SQLite in a temporary folder, the configuration of the ``gameport_server_config`` fixture,
which a ``conftest.py`` overrides to give the game's catalog), serves the built site (ini option
``gameport_site``, default ``dist``) on 127.0.0.1 and launches Chromium (``$GAMEPORT_CHROMIUM`` or
``/usr/bin/chromium``, through pytest-playwright's ``playwright`` fixture). Each test gets fresh browser
contexts, closed after it, and its own screenshot folder (printed in the test's report).

The page (ini option ``gameport_page``, default ``index.html``) is opened with the query parameters a
gameport page reads: ``mock=tiktok|meta`` (load that SDK mock; none: the web platform), ``platform_url``
(the mock platform server, where the mocks sign logins and payments), ``backend`` (the game's
``backend_url``) and ``gp_scenario`` (the mocks' scenario knobs, ``platformUrl`` included).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest

from gameport.testing.local_stack import (
    CHROMIUM_ARGS,
    chromium_path,
    running_servers,
    sandbox_server_config,
    serving_folder,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SLOW_MARKER = "gameport_slow"
FIXTURE = "gameport_game"
MOCKS = ("tiktok", "meta")
BOOT_TIMEOUT_MS = 90_000


@dataclass
class _Stack:
    browser: Browser
    site_url: str
    backend_url: str
    mock_url: str
    db: Path
    logs: Path


@dataclass
class GameUnderTest:
    """One test's view of the running game: open pages, read the backend's database, keep screenshots.

    ``site_url``, ``backend_url``, ``mock_url``: where the site, the backend and the mock platform server
    listen; ``db``: the backend's SQLite file; ``artifacts``: this test's screenshot folder.
    """

    stack: _Stack
    page_path: str
    artifacts: Path
    pages: list[Page] = field(default_factory=list)
    _errors: dict[int, list[str]] = field(default_factory=dict)
    _console: dict[int, list[str]] = field(default_factory=dict)

    @property
    def site_url(self) -> str:
        return self.stack.site_url

    @property
    def backend_url(self) -> str:
        return self.stack.backend_url

    @property
    def mock_url(self) -> str:
        return self.stack.mock_url

    @property
    def db(self) -> Path:
        return self.stack.db

    def url(self, platform: str = "web", *, scenario: dict[str, Any] | None = None, **query: str) -> str:
        """The page's URL on ``platform``'s mocks (``"web"``: no SDK mock) with the servers' URLs, the
        mocks' ``scenario`` knobs and any other ``query`` parameters.

        Raises:
            ValueError: an unknown platform.
        """
        if platform not in (*MOCKS, "web"):
            raise ValueError(f"unknown platform {platform!r}; expected tiktok, meta or web")
        params = {"platform_url": self.mock_url, "backend": self.backend_url}
        if platform != "web":
            params = {"mock": platform, **params}
        if scenario is not None:
            params["gp_scenario"] = json.dumps({"platformUrl": self.mock_url, **scenario})
        return f"{self.site_url}/{self.page_path}?{urlencode({**params, **query})}"

    def open(
        self,
        platform: str = "web",
        *,
        scenario: dict[str, Any] | None = None,
        ready: str | None = None,
        **query: str,
    ) -> Page:
        """A new page (in a new browser context) on :meth:`url`; with ``ready`` (a JavaScript expression),
        after it holds (90 s at most: Pyodide boots). Uncaught page errors are kept (:meth:`errors`), and
        the console's warnings and errors (:meth:`console`: Python's logging and tracebacks land there).

        Raises:
            playwright.sync_api.TimeoutError: ``ready`` never held.
        """
        context = self.stack.browser.new_context()
        page = context.new_page()
        errors = self._errors.setdefault(id(page), [])
        page.on("pageerror", lambda error: errors.append(str(error)))
        console = self._console.setdefault(id(page), [])
        kept = ("warning", "error")  # Python logging and tracebacks
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in kept else None)
        self.pages.append(page)
        page.goto(self.url(platform, scenario=scenario, **query))
        if ready is not None:
            page.wait_for_function(f"() => {ready}", timeout=BOOT_TIMEOUT_MS)
        return page

    def errors(self, page: Page) -> list[str]:
        """The uncaught errors of ``page`` so far."""
        return list(self._errors.get(id(page), []))

    def console(self, page: Page) -> list[str]:
        """The console's warnings and errors of ``page`` so far, as ``"<type>: <text>"``."""
        return list(self._console.get(id(page), []))

    def rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        """One query on the backend's SQLite database (``?`` parameters): what the backend really stored."""
        conn = sqlite3.connect(self.db)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def screenshot(self, page: Page, name: str, selector: str = "canvas:visible") -> bytes:
        """A PNG of ``selector`` in ``page``, also kept as ``artifacts/<name>.png``."""
        self.artifacts.mkdir(parents=True, exist_ok=True)
        return page.locator(selector).first.screenshot(path=self.artifacts / f"{name}.png")

    def close(self) -> None:
        for page in self.pages:
            page.context.close()
        self.pages.clear()


def add_options(parser: pytest.Parser) -> None:
    parser.addini("gameport_site", "the built game's folder gameport_game serves", default="dist")
    parser.addini("gameport_page", "the page gameport_game opens", default="index.html")


def mark_slow(items: list[pytest.Item]) -> None:
    for item in items:
        if FIXTURE in getattr(item, "fixturenames", ()):
            item.add_marker(SLOW_MARKER)


def _site(config: pytest.Config) -> tuple[Path, str]:
    site = (config.rootpath / str(config.getini("gameport_site"))).resolve()
    page = str(config.getini("gameport_page"))
    if not (site / page).is_file():
        pytest.fail(f"gameport_game: {site / page} does not exist: build the game first (ini gameport_site)")
    return site, page


@pytest.fixture(scope="session")
def gameport_site(request: pytest.FixtureRequest) -> tuple[Path, str]:
    """The built game's folder (ini ``gameport_site``) and its page (ini ``gameport_page``).

    Fails the test when the page does not exist (the game is not built)."""
    return _site(request.config)


@pytest.fixture(scope="session")
def gameport_server_config() -> dict[str, Any]:
    """The backend's and mock platform server's configuration: sandbox secrets made for this run and no
    products. Override it in ``conftest.py`` to give the game's catalog
    (``sandbox_server_config(catalog)`` from :mod:`gameport.testing.local_stack`)."""
    return sandbox_server_config([])


@pytest.fixture(scope="session")
def gameport_browser(request: pytest.FixtureRequest) -> Iterator[Browser]:
    """Headless Chromium (``$GAMEPORT_CHROMIUM`` or ``/usr/bin/chromium``) launched with gameport's flags."""
    try:
        playwright = request.getfixturevalue("playwright")
    except pytest.FixtureLookupError:
        pytest.fail("gameport_game needs pytest-playwright (pip install pytest-playwright)")
    if not chromium_path().exists():
        pytest.fail(f"gameport_game: no Chromium at {chromium_path()} (set GAMEPORT_CHROMIUM)")
    browser: Browser = playwright.chromium.launch(
        executable_path=str(chromium_path()), args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def gameport_stack(
    gameport_site: tuple[Path, str],
    tmp_path_factory: pytest.TempPathFactory,
    gameport_server_config: dict[str, Any],
    gameport_browser: Browser,
) -> Iterator[_Stack]:
    site, _ = gameport_site
    tmp = tmp_path_factory.mktemp("gameport_stack")
    config_path = tmp / "server-config.json"
    config_path.write_text(json.dumps(gameport_server_config))
    db = tmp / "ledger.sqlite3"
    with running_servers(config_path, db, logs=tmp) as servers, serving_folder(site) as url:
        yield _Stack(gameport_browser, url, servers.backend_url, servers.mock_url, db, tmp)
    if any(servers.exit_codes):
        pytest.fail(f"the servers did not stop cleanly: {servers.exit_codes} (logs in {tmp})")


@pytest.fixture
def gameport_game(
    request: pytest.FixtureRequest,
    gameport_site: tuple[Path, str],
    gameport_stack: _Stack,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[GameUnderTest]:
    """The built game, opened on demand with :meth:`GameUnderTest.open`; see the module's docstring."""
    _, page = gameport_site
    shots = tmp_path_factory.mktemp(f"shots-{request.node.name}"[:60], numbered=True)
    game = GameUnderTest(gameport_stack, page, shots)
    yield game
    game.close()
    if any(shots.iterdir()):
        request.node.add_report_section("teardown", "gameport screenshots", str(shots))
        print(f"\ngameport screenshots: {shots}")
