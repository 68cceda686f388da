"""The same platform contract on every adapter, on CPython through FakeBridge and the host fakes.

tests/browser/test_platform_contract_browser.py runs these behaviours in Chromium through the real JS
mocks; keep the two in step.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from gameport import (
    AnalyticsEventError,
    GameConfig,
    InvalidArgumentError,
    LifecycleEvent,
    Platform,
    UnsupportedCapabilityError,
)
from gameport.adapters import load_adapter
from gameport.server.meta_signed import sign_meta_payload, verify_meta_signed
from gameport.server.nonce_store import MemoryNonceStore, NonceOutcome
from gameport.testing import FakeBridge
from gameport.testing.meta import fake_meta
from gameport.testing.tiktok import fake_tiktok

from .platform_doubles import WebPage

CONFIG = GameConfig.from_dict(
    {
        "environment": "sandbox",
        "app_version": "1.2.3",
        "platforms": {
            "tiktok": {"sandbox": {"client_key": "ck-public-test"}},
            "meta": {"sandbox": {}},
            "web": {"sandbox": {}},
        },
    }
)
META_SECRET = secrets.token_hex(16)  # generated per run; the signer stands in for Meta's servers


@dataclass
class Setup:
    bridge: FakeBridge
    pause: Callable[[], None]
    resume: Callable[[], None]


def make_setup(name: str) -> Setup:
    if name == "tiktok":
        tiktok = fake_tiktok()
        bridge = tiktok.bridge()
        return Setup(
            bridge, lambda: bridge.emit("TTMinis.game.onHide"), lambda: bridge.emit("TTMinis.game.onShow")
        )
    if name == "meta":
        meta = fake_meta(sign=lambda payload: sign_meta_payload(dict(payload), META_SECRET))
        bridge = meta.bridge()

        def resume() -> None:
            meta.visibility = "visible"
            bridge.emit("document.addEventListener")

        return Setup(bridge, lambda: bridge.emit("FBInstant.onPause"), resume)
    page = WebPage()
    bridge = page.bridge()

    def set_visibility(state: str) -> Callable[[], None]:
        def fire() -> None:
            page.visibility = state
            bridge.emit("document.addEventListener")

        return fire

    return Setup(bridge, set_visibility("hidden"), set_visibility("visible"))


@pytest.fixture(params=["tiktok", "meta", "web"])
def name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def started(name: str) -> tuple[Platform, Setup]:
    setup = make_setup(name)
    platform = Platform(bridge=setup.bridge, config=CONFIG)
    await platform.init(name)
    return platform, setup


async def test_init_names_the_platform_and_its_capabilities(name: str) -> None:
    platform, _ = await started(name)
    await platform.init(name)
    assert platform.name.value == name
    assert platform.capabilities <= load_adapter(name).CAPABILITIES
    assert platform.supports("login")
    await platform.close()


async def test_login_gives_a_credential_the_backend_can_verify(name: str) -> None:
    platform, _ = await started(name)
    login = await platform.login()
    assert login.platform == name and login.credential
    if name == "meta":
        payload = verify_meta_signed(login.credential, META_SECRET, max_age_s=60)
        assert payload["player_id"] == login.player_id
        assert payload["request_payload"] == login.nonce
    else:
        assert login.credential_kind == {"tiktok": "tiktok_code", "web": "web_dev_token"}[name]
    await platform.close()


async def test_login_binds_a_server_issued_nonce_that_the_server_then_accepts_once(name: str) -> None:
    store = MemoryNonceStore()
    issued = store.issue(ttl_s=60, now=time.time())
    platform, _ = await started(name)
    login = await platform.login(nonce=issued)
    if name == "meta":
        payload = verify_meta_signed(login.credential, META_SECRET, max_age_s=60)
        assert payload["request_payload"] == issued == login.nonce
        assert store.consume(str(payload["request_payload"]), now=time.time()) is NonceOutcome.OK
        assert store.consume(issued, now=time.time()) is NonceOutcome.REPLAYED
    else:
        assert login.nonce is None  # the credential cannot carry it, and the result does not pretend it does
    with pytest.raises(InvalidArgumentError):
        await platform.login(nonce="")
    await platform.close()


async def test_storage_round_trip(name: str) -> None:
    platform, _ = await started(name)
    value = {"level": 3, "items": ["sword", None], "ratio": 0.5}
    await platform.storage.set("save", value)
    assert await platform.storage.get("save") == value
    await platform.storage.delete("save")
    assert await platform.storage.get("save") is None
    assert await platform.storage.get("never-set") is None
    await platform.close()


async def test_lifecycle_pause_resume_and_no_listener_left_after_close(name: str) -> None:
    platform, setup = await started(name)
    seen: list[LifecycleEvent] = []
    platform.lifecycle.on("pause", seen.append)
    setup.pause()
    assert platform.lifecycle.paused and seen == [LifecycleEvent.PAUSE]
    setup.resume()
    assert not platform.lifecycle.paused
    await platform.close()
    assert setup.bridge.listeners() == 0
    setup.pause()
    assert seen == [LifecycleEvent.PAUSE]


async def test_unsupported_capability_names_capability_platform_and_fallback(name: str) -> None:
    platform, _ = await started(name)
    if name == "tiktok":
        old = fake_tiktok(clientVersion="40.0.0")
        platform = Platform(bridge=old.bridge(), config=CONFIG)
        await platform.init("tiktok")
    with pytest.raises(UnsupportedCapabilityError) as info:
        await platform.revisit.start()
    assert (info.value.capability, info.value.platform) == ("revisit", name)
    assert info.value.fallback and info.value.fallback in str(info.value)
    await platform.close()


async def test_analytics_limits_are_enforced_on_every_platform(name: str) -> None:
    platform, _ = await started(name)
    with pytest.raises(AnalyticsEventError):
        await platform.analytics.log("x")
    with pytest.raises(AnalyticsEventError):
        await platform.analytics.log("level_up", {"note": "y" * 100})
    await platform.analytics.log("level_up", {"level": 2})
    await platform.close()
