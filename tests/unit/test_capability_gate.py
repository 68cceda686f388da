"""The one capability gate: every refusal carries the adapter's precise reason and the fallback."""

from __future__ import annotations

import pytest

from gameport import Capability, GameConfig, Platform, PlatformName, UnsupportedCapabilityError
from gameport.capabilities import FALLBACKS, NO_SUCH_API, CapabilityGate
from gameport.testing.tiktok import fake_tiktok

TT_SANDBOX = "[platforms.tiktok.sandbox]\nclient_key = 'k'\n"


def test_decide_orders_reasons_no_api_then_switch_then_adapter() -> None:
    gate = CapabilityGate.decide(
        PlatformName.TIKTOK,
        declared={Capability.LOGIN, Capability.SHARE, Capability.REVISIT},
        missing={Capability.SHARE: "client lacks shareAppMessage", Capability.REVISIT: "old client"},
        features={"share": False, "login": True},
    )
    assert gate.available == {Capability.LOGIN}
    assert gate.reasons[Capability.SHARE] == "switched off by features['share'] in the configuration"
    assert gate.reasons[Capability.REVISIT] == "old client"
    assert gate.reasons[Capability.BANNER_AD] == NO_SUCH_API
    assert set(gate.reasons) | gate.available == set(Capability)
    with pytest.raises(UnsupportedCapabilityError) as caught:
        gate.require(Capability.REVISIT)
    error = caught.value
    assert (error.capability, error.platform, error.reason) == ("revisit", "tiktok", "old client")
    assert error.fallback == FALLBACKS[Capability.REVISIT]


def test_serving_adds_what_the_backend_serves_unless_switched_off() -> None:
    gate = CapabilityGate.decide(PlatformName.WEB, {Capability.LOGIN}, {}, {})
    served = gate.serving({Capability.LEADERBOARDS}, {})
    assert served.allows(Capability.LEADERBOARDS) and Capability.LEADERBOARDS not in served.reasons
    off = gate.serving({Capability.LEADERBOARDS}, {"leaderboards": False})
    assert not off.allows(Capability.LEADERBOARDS) and off.reasons[Capability.LEADERBOARDS] == NO_SUCH_API


async def test_an_old_tiktok_client_reason_reaches_the_game_through_the_facade() -> None:
    fake = fake_tiktok(clientVersion="40.0.0")
    p = Platform(fake.bridge(), GameConfig.from_toml(TT_SANDBOX))
    await p.init("tiktok")
    assert not p.supports(Capability.REVISIT)
    with pytest.raises(UnsupportedCapabilityError) as caught:
        await p.revisit.start()
    assert "canIUse" in caught.value.reason and "lacks" in caught.value.reason
    await p.close()


async def test_a_switched_off_login_keeps_the_backend_session_from_logging_in() -> None:
    config = GameConfig.from_toml(
        TT_SANDBOX + "backend_url = 'https://sandbox.example.test'\nfeatures = { login = false }\n"
    )
    bridge = fake_tiktok().bridge()
    p = Platform(bridge, config)
    await p.init("tiktok")
    session = p._current()
    assert session.backend is not None
    with pytest.raises(UnsupportedCapabilityError) as caught:
        await session.backend.login()
    assert caught.value.reason == "switched off by features['login'] in the configuration"
    assert "TTMinis.game.login" not in bridge.paths
    await p.close()
