"""The TikTok Open API client against the mock platform (in-process ASGI transport): OAuth, trade orders,
tiers, typed errors for documented codes, bounded retries only where safe, one token refresh at a time."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator

import httpx
import pytest

from gameport.server.errors import (
    AccessTokenInvalidError,
    DuplicateOrderError,
    OrderNotFoundError,
    PaymentsNotEnabledError,
    RateLimitedError,
    TierInvalidError,
    TikTokApiError,
    TikTokOAuthError,
    TikTokTransportError,
)
from gameport.server.fulfilment import user_access_token
from gameport.server.ledger import StoredTokens
from gameport.server.mock_platform_app import MockPlatform, create_mock_platform_app
from gameport.server.stores import open_stores
from gameport.server.tiktok_api import TikTokApiClient


@pytest.fixture
def state() -> MockPlatform:
    return MockPlatform(
        client_key="ck", client_secret=secrets.token_hex(16), meta_app_secret=secrets.token_hex(16)
    )


@pytest.fixture
async def client(state: MockPlatform) -> AsyncIterator[TikTokApiClient]:
    transport = httpx.ASGITransport(app=create_mock_platform_app(state))
    api = TikTokApiClient(client_key="ck", client_secret=state.client_secret, base_url="http://mock",
                          transport=transport, backoff_s=0.0)  # fmt: skip
    yield api
    await api.aclose()


async def test_code_exchange_is_one_time_and_refresh_rotates(
    client: TikTokApiClient, state: MockPlatform
) -> None:
    state.codes["c1"] = "open-1"
    tokens = await client.exchange_code("c1")
    assert tokens.open_id == "open-1"
    assert tokens.access_token.startswith("act.") and tokens.refresh_token.startswith("rft.")
    with pytest.raises(TikTokOAuthError) as info:
        await client.exchange_code("c1")
    assert (info.value.error, info.value.http_status) == ("invalid_grant", 400)
    fresh = await client.refresh(tokens.refresh_token)
    assert fresh.open_id == "open-1" and fresh.refresh_token != tokens.refresh_token


async def test_wrong_client_secret_is_invalid_client(state: MockPlatform) -> None:
    transport = httpx.ASGITransport(app=create_mock_platform_app(state))
    api = TikTokApiClient(client_key="ck", client_secret="wrong", base_url="http://mock", transport=transport)
    state.codes["c"] = "o"
    with pytest.raises(TikTokOAuthError) as info:
        await api.exchange_code("c")
    assert info.value.error == "invalid_client"
    await api.aclose()


async def _token(client: TikTokApiClient, state: MockPlatform) -> str:
    state.codes["code"] = "buyer"
    return (await client.exchange_code("code")).access_token


async def test_order_create_query_and_documented_errors(client: TikTokApiClient, state: MockPlatform) -> None:
    token = await _token(client, state)
    trade_order_id = await client.create_trade_order(
        token, token_amount=10, order_id="o1", product_name="Gems"
    )
    assert await client.query_trade_order(token, trade_order_id) == "PENDING"
    with pytest.raises(DuplicateOrderError) as dup:
        await client.create_trade_order(token, token_amount=10, order_id="o1", product_name="Gems")
    assert dup.value.code == "20021002" and dup.value.log_id
    with pytest.raises(OrderNotFoundError):
        await client.query_trade_order(token, "tto_missing")
    with pytest.raises(
        AccessTokenInvalidError
    ):  # pitfall 4: an app/client token is not the user's act. token
        await client.query_trade_order("clt.app-token", trade_order_id)
    state.faults["/v2/minis/trade_order/create/"] = [("20021001", 400)]
    with pytest.raises(PaymentsNotEnabledError):
        await client.create_trade_order(token, token_amount=10, order_id="o2", product_name="Gems")


async def test_tier_infos(client: TikTokApiClient, state: MockPlatform) -> None:
    token = await _token(client, state)
    infos = await client.get_tier_infos(token, ["1", "3"])
    assert (infos["3"].token_amount, infos["3"].currency, infos["3"].token_type) == (10, "USD", "BEANS")
    with pytest.raises(TierInvalidError):
        await client.get_tier_infos(token, ["999"])
    assert await client.check_redeem_amounts(token, [10, 50]) is True
    assert await client.check_redeem_amounts(token, [7]) is False


async def test_idempotent_query_retries_5xx_within_bound(
    client: TikTokApiClient, state: MockPlatform
) -> None:
    token = await _token(client, state)
    trade_order_id = await client.create_trade_order(token, token_amount=10, order_id="o", product_name="G")
    path = "/v2/minis/trade_order/query/"
    state.faults[path] = [("http_503", 503)] * 2
    assert await client.query_trade_order(token, trade_order_id) == "PENDING"  # 2 retries allowed
    state.faults[path] = [("http_503", 503)] * 3
    with pytest.raises(TikTokApiError) as info:
        await client.query_trade_order(token, trade_order_id)
    assert info.value.http_status == 503
    assert state.faults[path] == []


async def test_create_is_not_retried_on_5xx_but_is_on_429(
    client: TikTokApiClient, state: MockPlatform
) -> None:
    token = await _token(client, state)
    path = "/v2/minis/trade_order/create/"
    state.faults[path] = [("http_503", 503), ("http_503", 503)]
    with pytest.raises(TikTokApiError):
        await client.create_trade_order(token, token_amount=10, order_id="o", product_name="G")
    assert len(state.faults[path]) == 1, "a create with unknown outcome must not be repeated"
    state.faults[path] = [("rate_limit_exceeded", 429)]
    assert await client.create_trade_order(token, token_amount=10, order_id="o", product_name="G")
    state.faults[path] = [("rate_limit_exceeded", 429)] * 3
    with pytest.raises(RateLimitedError):
        await client.create_trade_order(token, token_amount=10, order_id="o3", product_name="G")


async def test_unreachable_server_is_a_transport_error() -> None:
    with socket_closed_port() as port:
        api = TikTokApiClient(client_key="ck", client_secret="s", base_url=f"http://127.0.0.1:{port}",
                              max_retries=1, backoff_s=0.0, timeout_s=5)  # fmt: skip
        with pytest.raises(TikTokTransportError):
            await api.query_trade_order("act.x", "t")
        await api.aclose()


class socket_closed_port:
    """A port nothing listens on (bound, never listening, released on exit)."""

    def __enter__(self) -> int:
        import socket

        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        port: int = self._sock.getsockname()[1]
        return port

    def __exit__(self, *exc: object) -> None:
        self._sock.close()


async def test_concurrent_refreshes_of_one_user_run_once_across_stores(
    any_db: str, state: MockPlatform
) -> None:
    """Two backend processes' stores (one database) refreshing one user's expired token at once: TikTok
    rotates the refresh token, so only one refresh may run; every caller gets the new access token."""
    transport = httpx.ASGITransport(app=create_mock_platform_app(state))
    api = TikTokApiClient(client_key="ck", client_secret=state.client_secret, base_url="http://mock",
                          transport=transport, backoff_s=0.0)  # fmt: skip
    first, second = open_stores(any_db), open_stores(any_db)
    try:
        state.codes["c"] = "open-r"
        tokens = await api.exchange_code("c")
        await first.sessions.save_tokens(StoredTokens(**{**vars(tokens), "access_expires_at": 0.0}))
        got = await asyncio.gather(
            *(user_access_token(s.sessions, api, "open-r") for s in [first, second] * 3)
        )
        assert len(set(got)) == 1 and got[0] != tokens.access_token
        saved = await second.sessions.load_tokens("open-r")
        assert saved is not None and saved.access_token == got[0] and saved.refresh_token in state.refresh
    finally:
        await api.aclose()
        await first.close()
        await second.close()
