"""Property test: random request bodies, headers and sessions on every backend and mock route get a 2xx or a
4xx, never a 5xx or a crash, with the backend on SQLite and on PostgreSQL. Both apps run in-process (httpx
ASGI transport, lifespans entered), wired to each other; one event loop (``asyncio.Runner``) per database."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from server_stack import make_config

from gameport.server.backend_app import create_backend_app, open_backend
from gameport.server.config import parse_config
from gameport.server.errors import ConfigError
from gameport.server.mock_platform_app import MockPlatform, create_mock_platform_app

BACKEND_POSTS = ["/api/tiktok/login", "/api/meta/nonce", "/api/meta/login", "/api/tiktok/orders",
                 "/api/meta/purchases", "/api/tiktok/webhook", "/api/web/login",
                 "/api/leaderboards/main/scores", "/api/leaderboards/-x/scores"]  # fmt: skip
BACKEND_GETS = [
    "/api/health",
    "/api/catalog",
    "/api/grants",
    "/api/orders/x",
    "/api/leaderboards/main/scores",
]
MOCK_POSTS = ["/v2/oauth/token/", "/v2/minis/trade_order/create/", "/v2/minis/trade_order/query/",
              "/v2/minis/utility/get_tier_infos/", "/v2/minis/utility/check_redeem_amounts/",
              "/mock/tiktok/login_code", "/mock/tiktok/pay", "/mock/tiktok/webhooks", "/mock/tiktok/alter",
              "/mock/tiktok/inject", "/mock/tiktok/fault", "/mock/meta/sign"]  # fmt: skip
FIELDS = ["code", "signed_player_info", "product_id", "signed_request", "trade_order_id", "outcome",
          "payload", "copies", "event", "token_amount", "order_info", "tier_ids", "token_amounts", "open_id",
          "status", "client_key", "content", "order_id", "refund_amount", "path", "age_s", "delete",
          "token_type", "token", "score", "extra"]  # fmt: skip

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=5).map(lambda d: json.dumps(d).encode()),
)
headers = st.fixed_dictionaries(
    {},
    optional={
        "Authorization": st.sampled_from(["Bearer ", "Bearer gps_x", "Basic x", "Bearer act.x", "SESSION"]),
        "TikTok-Signature": st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=120),
        "Content-Type": st.sampled_from(
            ["application/json", "application/x-www-form-urlencoded", "text/plain"]
        ),
    },
)


@dataclass
class Apps:
    runner: asyncio.Runner
    api: httpx.AsyncClient
    mock: httpx.AsyncClient
    session: str

    def request(self, client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.runner.run(client.request(method, url, **kwargs))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def apps(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Apps]:
    raw = make_config("http://mock")
    state = MockPlatform(client_key=raw["tiktok"]["client_key"], client_secret=raw["tiktok"]["client_secret"],
                         meta_app_secret=raw["meta"]["app_secret"])  # fmt: skip
    mock_app = create_mock_platform_app(state)
    if request.param == "sqlite":
        db = str(Path(tmp_path_factory.mktemp("fuzz")) / "ledger.sqlite3")
    else:
        db = request.getfixturevalue("pg").new_database()
    backend = open_backend(parse_config(raw), db, transport=httpx.ASGITransport(app=mock_app))
    backend_app = create_backend_app(backend)
    with asyncio.Runner() as runner:
        stack = AsyncExitStack()

        async def setup() -> Apps:
            await stack.enter_async_context(mock_app.router.lifespan_context(mock_app))
            await stack.enter_async_context(backend_app.router.lifespan_context(backend_app))
            api = await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=backend_app), base_url="http://api")
            )
            mock = await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=mock_app), base_url="http://mock")
            )
            state.codes["c"] = "fuzzer"
            session = (await api.post("/api/tiktok/login", json={"code": "c"})).json()["session"]
            return Apps(runner, api, mock, session)

        yield runner.run(setup())
        runner.run(stack.aclose())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(BACKEND_POSTS), body=bodies, hdrs=headers, use_session=st.booleans())
def test_backend_never_5xx(
    apps: Apps, route: str, body: bytes, hdrs: dict[str, str],
    use_session: bool,
) -> None:  # fmt: skip
    if use_session:
        hdrs = {**hdrs, "Authorization": f"Bearer {apps.session}"}
    response = apps.request(apps.api, "POST", route, content=body, headers=hdrs)
    assert 200 <= response.status_code < 500, (route, body, response.status_code, response.text)
    if response.status_code >= 400:
        assert isinstance(response.json()["error"]["code"], str)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    route=st.sampled_from(BACKEND_GETS),
    query=st.text(max_size=30) | st.integers(-5, 200_000).map(str),
    hdrs=headers,
    use_session=st.booleans(),
)
def test_backend_gets_never_5xx(
    apps: Apps, route: str, query: str, hdrs: dict[str, str], use_session: bool
) -> None:
    if use_session:
        hdrs = {**hdrs, "Authorization": f"Bearer {apps.session}"}
    params = {"platform": query, "count": query, "offset": query}
    response = apps.request(apps.api, "GET", route, params=params, headers=hdrs)
    assert 200 <= response.status_code < 500, (route, query, response.status_code)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(MOCK_POSTS), body=bodies, hdrs=headers)
def test_mock_never_5xx(apps: Apps, route: str, body: bytes, hdrs: dict[str, str]) -> None:
    # the mock has no backend URL here: webhook sends fail and are recorded, never raised
    response = apps.request(apps.mock, "POST", route, content=body, headers=hdrs)
    assert 200 <= response.status_code < 500, (route, body, response.status_code, response.text)


def test_a_valid_request_is_accepted_by_the_fuzzed_backend(
    apps: Apps,
) -> None:
    """Guards the property tests against passing only because everything is refused."""
    response = apps.request(apps.api, "POST", "/api/tiktok/orders", json={"product_id": "gems_100"},
                            headers={"Authorization": f"Bearer {apps.session}"})  # fmt: skip
    assert response.status_code == 200 and response.json()["trade_order_id"].startswith("tto_")
    assert apps.request(apps.api, "GET", "/api/health").json()["environment"] == "sandbox"


@pytest.mark.parametrize("digits", [7, 4301, 20_000])
def test_huge_leaderboard_query_numbers_are_a_400_not_a_500(apps: Apps, digits: int) -> None:
    auth = {"Authorization": f"Bearer {apps.session}"}
    for name in ("count", "offset"):
        url = f"/api/leaderboards/weekly/scores?{name}={'9' * digits}"
        response = apps.request(apps.api, "GET", url, headers=auth)
        assert response.status_code == 400 and response.json()["error"]["code"] == f"bad_{name}", (
            response.text
        )


def test_a_server_config_without_an_environment_is_refused() -> None:
    raw = make_config("http://mock")
    del raw["environment"]
    with pytest.raises(ConfigError, match="environment is required"):
        parse_config(raw)
