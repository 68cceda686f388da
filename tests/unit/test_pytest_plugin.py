"""The pytest plugin for game authors (gameport.testing.pytest_plugin), run as a game's test suite would."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from gameport.testing.game_harness import GameUnderTest, _Stack

pytest_plugins = ["pytester"]

GAME_TESTS = """
import pytest

from gameport import Capability, GameConfig, PurchaseStatus
from gameport.testing.meta import FakeMeta
from gameport.testing.tiktok import FakeTikTok


@pytest.mark.gameport_platform("tiktok", clientVersion="40.0.0")
async def test_old_tiktok_client_has_no_revisit(gameport_platform):
    platform, fake = gameport_platform
    assert isinstance(fake, FakeTikTok)
    await platform.init()
    assert platform.name.value == "tiktok"
    assert platform.supports(Capability.REWARDED_AD)
    assert not platform.supports(Capability.REVISIT)


CONFIG = GameConfig.from_dict(
    {"platforms": {"meta": {"sandbox": {"placements": {"revive": "ad-1"}}}}}
)


@pytest.mark.gameport_platform("meta", config=CONFIG)
async def test_meta_scripted_no_fill(gameport_platform):
    platform, fake = gameport_platform
    assert isinstance(fake, FakeMeta)
    fake.script("ad.loadAsync", "no_fill")
    await platform.init()
    await platform.ready()
    result = await platform.ads.show_rewarded("revive")
    assert not result.rewarded and result.reason.value == "no_fill"
    await platform.close()


async def test_default_is_the_web_page(gameport_platform):
    platform, page = gameport_platform
    await platform.init()
    assert platform.name.value == "web"
    await platform.storage.set("save", {"level": 3})
    assert "level" in next(iter(page.storage.values()))
    assert not platform.supports(Capability.SHARE)  # no navigator.share on this page


async def test_factory_gives_several(gameport_platforms):
    (old, _), (new, _) = gameport_platforms("tiktok", clientVersion="40.0.0"), gameport_platforms("tiktok")
    await old.init()
    await new.init()
    assert (old.supports(Capability.REVISIT), new.supports(Capability.REVISIT)) == (False, True)
"""

INI = """
[pytest]
addopts = --strict-markers
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""


# In-process runs share pytest-playwright's global state with this run: leave that plugin out of them.
INNER = ("-q", "-p", "no:playwright")


def test_plugin_is_registered_through_the_pytest11_entry_point() -> None:
    found = [e for e in importlib.metadata.entry_points(group="pytest11") if e.name == "gameport"]
    assert [e.value for e in found] == ["gameport.testing.pytest_plugin"]


def test_fixtures_and_marker_give_working_platforms(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(test_game=GAME_TESTS)
    result = pytester.runpytest(*INNER)
    result.assert_outcomes(passed=4)


def test_marker_is_registered_for_strict_markers(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    result = pytester.runpytest("--markers", *INNER)
    result.stdout.fnmatch_lines(["@pytest.mark.gameport_platform(name='web', config=None, **knobs):*"])


def test_an_unknown_platform_or_knob_is_an_error(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(
        test_bad="""
import pytest

@pytest.mark.gameport_platform("steam")
def test_platform(gameport_platform):
    pass

@pytest.mark.gameport_platform("meta", noSuchKnob=1)
def test_knob(gameport_platform):
    pass
"""
    )
    result = pytester.runpytest(*INNER)
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*unknown platform 'steam'*", "*noSuchKnob*"])


SLOW_GAME_TEST = """
def test_plays(gameport_game):
    page = gameport_game.open("meta", scenario={"playerId": "p1"}, ready="window.ok === true")
"""


def test_gameport_game_is_marked_slow_so_that_a_fast_run_leaves_it_out(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(test_game=SLOW_GAME_TEST + "\n\ndef test_fast():\n    pass\n")
    result = pytester.runpytest("--collect-only", "-m", "not gameport_slow", *INNER)
    result.stdout.fnmatch_lines(["*1/2 tests collected (1 deselected)*"])
    result = pytester.runpytest("--markers", *INNER)
    result.stdout.fnmatch_lines(["@pytest.mark.gameport_slow:*gameport_game*"])


def test_gameport_game_fails_clearly_without_a_built_game_or_without_playwright(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(INI + "gameport_site = build/web\n")
    pytester.makepyfile(test_game=SLOW_GAME_TEST)
    result = pytester.runpytest(*INNER)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*build/web/index.html does not exist: build the game first*"])
    (pytester.path / "build" / "web").mkdir(parents=True)
    (pytester.path / "build" / "web" / "index.html").write_text("<!doctype html>")
    result = pytester.runpytest(*INNER)  # pytest-playwright left out: no browser to launch
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*gameport_game needs pytest-playwright*"])


def test_the_game_url_carries_the_mock_the_servers_and_the_scenario(tmp_path: Path) -> None:
    urls = ("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3")  # site, backend, mock
    stack = _Stack(None, *urls, tmp_path, tmp_path)  # type: ignore[arg-type]  # no browser: only URLs
    game = GameUnderTest(stack, "play/index.html", tmp_path)
    meta = parse_qs(urlsplit(game.url("meta", scenario={"playerId": "p1"}, lang="fr")).query)
    assert game.url("meta").startswith("http://127.0.0.1:1/play/index.html?")
    assert {k: v[0] for k, v in meta.items()} == {
        "mock": "meta", "platform_url": "http://127.0.0.1:3", "backend": "http://127.0.0.1:2", "lang": "fr",
        "gp_scenario": json.dumps({"platformUrl": "http://127.0.0.1:3", "playerId": "p1"}),
    }  # fmt: skip
    assert "mock" not in parse_qs(urlsplit(game.url("web")).query)
    with pytest.raises(ValueError, match="unknown platform 'steam'"):
        game.url("steam")
