"""Platform detection: explicit > ?gp_platform= > TTMinis.game > FBInstant / fbsbx host > web."""

from __future__ import annotations

import pytest

from gameport import ConfigError, PlatformName
from gameport.adapters.detect import detect_platform, url_query
from gameport.testing import Call, FakeBridge
from gameport.values import Json


def page(search: str = "", hostname: str = "example.com", *sdk_globals: str) -> FakeBridge:
    def handler(call: Call) -> Json:
        return {"location.search": search, "location.hostname": hostname}.get(call.path)

    return FakeBridge(handler, globals={"location.search", "location.hostname", *sdk_globals})


def test_explicit_name_wins_over_everything() -> None:
    bridge = page("?gp_platform=meta", "x.fbsbx.com", "TTMinis.game", "FBInstant")
    assert detect_platform(bridge, "web") is PlatformName.WEB
    assert detect_platform(bridge, PlatformName.TIKTOK) is PlatformName.TIKTOK
    assert bridge.calls == []


def test_url_parameter_wins_over_globals_and_host() -> None:
    bridge = page("?level=2&gp_platform=META", "x.fbsbx.com", "TTMinis.game")
    assert detect_platform(bridge) is PlatformName.META
    assert detect_platform(page("?gp_platform=web", "x.fbsbx.com", "FBInstant")) is PlatformName.WEB


def test_tiktok_global_wins_over_meta_signals() -> None:
    assert detect_platform(page("", "x.fbsbx.com", "TTMinis.game", "FBInstant")) is PlatformName.TIKTOK


def test_a_tiktok_namespace_without_game_is_not_tiktok() -> None:
    assert detect_platform(page("", "example.com", "TTMinis.init")) is PlatformName.WEB


def test_fbinstant_global_means_meta() -> None:
    assert detect_platform(page("", "example.com", "FBInstant")) is PlatformName.META


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("apps-123.apps.fbsbx.com", "meta"),
        ("fbsbx.com", "meta"),
        ("notfbsbx.com", "web"),
        ("fbsbx.com.evil.io", "web"),
    ],
)
def test_fbsbx_host_means_meta(host: str, expected: str) -> None:
    assert detect_platform(page("", host)) is PlatformName(expected)


def test_nothing_found_means_web_even_without_location() -> None:
    assert detect_platform(page()) is PlatformName.WEB
    assert detect_platform(FakeBridge(globals=set())) is PlatformName.WEB


def test_unknown_names_are_config_errors_naming_their_source() -> None:
    with pytest.raises(ConfigError, match=r"'steam' from the \?gp_platform= URL parameter"):
        detect_platform(page("?gp_platform=steam"))
    with pytest.raises(ConfigError, match=r"'x' from platform.init"):
        detect_platform(page(), "x")


def test_an_empty_url_parameter_is_ignored() -> None:
    assert detect_platform(page("?gp_platform=", "example.com", "FBInstant")) is PlatformName.META


def test_url_query_takes_the_first_value_and_decodes() -> None:
    assert url_query(page("?a=1&a=2&name=J%C3%BCrgen+K")) == {"a": "1", "name": "Jürgen K"}
    assert url_query(FakeBridge(globals=set())) == {}
