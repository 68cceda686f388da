"""The pytest plugin for game authors (gameport.testing.pytest_plugin), run as a game's test suite would."""

from __future__ import annotations

import importlib.metadata

import pytest

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
