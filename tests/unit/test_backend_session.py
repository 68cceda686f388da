"""The backend session: one login per platform's route, single-flight, bearer, 401 re-login, typed errors."""

from __future__ import annotations

import asyncio
import json

import pytest

from gameport import PlatformSettings
from gameport.adapters.meta import MetaAdapter
from gameport.adapters.tiktok import TikTokAdapter
from gameport.adapters.web import WebAdapter
from gameport.backend.session import BackendSession, open_backend_session
from gameport.bridge import HttpReply
from gameport.errors import BackendError, NetworkError, PlatformError
from gameport.testing import FakeBridge
from gameport.testing.meta import fake_meta
from gameport.testing.tiktok import fake_tiktok
from gameport.values import JsonObject

from .backend_doubles import BASE, FakeBackend, refusal
from .platform_doubles import WebPage


async def tiktok_session(
    backend: FakeBackend, timeouts: dict[str, float] | None = None
) -> tuple[BackendSession, FakeBridge]:
    bridge = fake_tiktok().bridge()
    bridge.http = backend
    settings = PlatformSettings(client_key="ck", backend_url=BASE + "/", timeouts=timeouts or {})
    adapter = TikTokAdapter(bridge, settings)
    await adapter.init()
    session = open_backend_session(bridge, adapter, settings)
    assert session is not None
    return session, bridge


async def test_no_backend_url_means_no_session() -> None:
    adapter = WebAdapter(FakeBridge(), PlatformSettings())
    assert open_backend_session(FakeBridge(), adapter, PlatformSettings()) is None


async def test_concurrent_requests_share_one_tiktok_login() -> None:
    backend = FakeBackend(login_delay=0.05)
    session, bridge = await tiktok_session(backend)
    read = f"{BASE}/api/leaderboards/b/scores?count=1&offset=0"
    answers = await asyncio.gather(*(session.request("GET", read) for _ in range(5)))
    assert all(a["total"] == 0 for a in answers)
    assert bridge.paths.count("TTMinis.game.login") == 1
    login = backend.logins
    assert [(r.method, r.url, r.body) for r in login] == [
        ("POST", f"{BASE}/api/tiktok/login", {"code": "mock-code-1"})
    ]
    token = next(iter(backend.sessions))
    assert {r.headers["Authorization"] for r in backend.requests[1:]} == {f"Bearer {token}"}
    assert (session.player_id, session.logins, await session.login()) == ("open-mock-code-1", 1, token)


async def test_a_401_logs_in_again_once_and_retries() -> None:
    backend = FakeBackend()
    session, bridge = await tiktok_session(backend)
    await session.login()
    backend.sessions.clear()  # the backend forgot every session (expiry, restart with a new database)
    answer = await session.request("POST", f"{BASE}/api/leaderboards/b/scores", {"score": 3})
    assert answer["entry"] == {"rank": 1, "player_id": "open-mock-code-2", "score": 3, "extra": None}
    assert session.logins == 2 and bridge.paths.count("TTMinis.game.login") == 2


async def test_a_second_401_is_a_backend_error_without_a_loop() -> None:
    backend = FakeBackend()
    backend.script["GET /api/leaderboards/b/scores"] = [refusal(401, "unauthorized")] * 2
    session, _ = await tiktok_session(backend)
    with pytest.raises(BackendError) as info:
        await session.request("GET", f"{BASE}/api/leaderboards/b/scores?count=1&offset=0")
    assert (info.value.status, info.value.code, info.value.platform) == (401, "unauthorized", "tiktok")
    assert info.value.url == f"{BASE}/api/leaderboards/b/scores?count=1&offset=0"
    assert session.logins == 2 and len(backend.requests) == 4


async def test_a_refused_login_is_typed_and_the_next_call_tries_again() -> None:
    backend = FakeBackend()
    backend.script["POST /api/tiktok/login"] = [refusal(401, "invalid_login_code", "login code refused")]
    session, _ = await tiktok_session(backend)
    with pytest.raises(BackendError, match="answered 401 invalid_login_code: login code refused") as info:
        await session.login()
    assert (info.value.status, info.value.code) == (401, "invalid_login_code")
    assert (await session.login()).startswith("gps_") and session.logins == 1


@pytest.mark.parametrize(
    ("reply", "status", "code", "message"),
    [
        (HttpReply(200, {"open_id": "x"}), 200, "malformed_response", "without a 'session' string"),
        (HttpReply(200, ["session"]), 200, "malformed_response", "without a JSON object"),
        (HttpReply(502, None, "<h1>Bad Gateway</h1>"), 502, None, "502: <h1>Bad Gateway</h1>"),
        (HttpReply(403, {"error": {"code": "dev_login_disabled", "message": "dev only"}}), 403,
         "dev_login_disabled", "403 dev_login_disabled: dev only"),
    ],
)  # fmt: skip
async def test_unusable_login_answers_are_backend_errors(
    reply: HttpReply, status: int, code: str | None, message: str
) -> None:
    backend = FakeBackend()
    backend.script["POST /api/tiktok/login"] = [reply]
    session, _ = await tiktok_session(backend)
    with pytest.raises(BackendError, match=message) as info:
        await session.login()
    assert (info.value.status, info.value.code) == (status, code)


async def test_meta_binds_the_backends_nonce_into_the_signed_player_info() -> None:
    signed: list[JsonObject] = []

    def signer(payload: JsonObject) -> str:
        signed.append(payload)
        return "sig." + json.dumps(payload)

    bridge = fake_meta(sign=signer).bridge()
    backend = FakeBackend()
    bridge.http = backend
    adapter = MetaAdapter(bridge, PlatformSettings(backend_url=BASE))
    await adapter.init()
    session = BackendSession(bridge, adapter, BASE, timeout=2)
    await session.login()
    assert [r.url for r in backend.requests] == [f"{BASE}/api/meta/nonce", f"{BASE}/api/meta/login"]
    assert signed == [{"player_id": "mock-player-1", "request_payload": "n1"}]
    assert backend.requests[1].body == {"signed_player_info": "sig." + json.dumps(signed[0])}
    assert session.player_id == "mock-player-1"


async def test_meta_login_fails_typed_when_meta_cannot_sign() -> None:
    bridge = fake_meta().bridge()  # no signer: the platform fails, as Meta's NETWORK_FAILURE would
    bridge.http = FakeBackend()
    adapter = MetaAdapter(bridge, PlatformSettings())
    await adapter.init()
    with pytest.raises(PlatformError):
        await BackendSession(bridge, adapter, BASE, timeout=2).login()


async def test_web_posts_its_dev_token() -> None:
    page = WebPage(storage={"gameport:web:player_id": "web-abc"})
    bridge = page.bridge()
    bridge.http = backend = FakeBackend()
    adapter = WebAdapter(bridge, PlatformSettings())
    await adapter.init()
    session = BackendSession(bridge, adapter, BASE, timeout=2)
    await session.login()
    assert backend.requests[0].body == {"token": "web-dev.web-abc"}
    assert session.player_id == "web-abc"


async def test_no_network_is_a_network_error_and_a_slow_backend_a_timeout() -> None:
    session, bridge = await tiktok_session(FakeBackend(), {"backend": 0.05})
    bridge.http = None
    with pytest.raises(NetworkError):
        await session.login()

    async def stuck(request: object) -> HttpReply:
        await asyncio.Event().wait()
        raise AssertionError

    bridge.http = stuck
    with pytest.raises(TimeoutError):
        await session.login()


async def test_a_cancelled_caller_does_not_cancel_the_shared_login() -> None:
    backend = FakeBackend(login_delay=0.05)
    session, _ = await tiktok_session(backend)
    first = asyncio.ensure_future(session.login())
    second = asyncio.ensure_future(session.login())
    await asyncio.sleep(0.01)
    first.cancel()
    assert (await second).startswith("gps_")
    assert session.logins == 1 and len(backend.logins) == 1


async def test_a_login_that_fails_after_its_only_waiter_left_is_tried_again() -> None:
    backend = FakeBackend(login_delay=0.05)
    backend.script["POST /api/tiktok/login"] = [refusal(503, "busy", "try later")]
    session, _ = await tiktok_session(backend)
    waiter = asyncio.ensure_future(session.login())
    await asyncio.sleep(0.01)
    waiter.cancel()
    await asyncio.sleep(0.1)  # the shared login fails with nobody waiting
    assert (await session.login()).startswith("gps_"), "not the stale 503"
    assert len(backend.logins) == 2
