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
from gameport.server.meta_webhook import sign_meta_webhook
from gameport.server.mock_platform_app import MockPlatform, MockPurchases, create_mock_platform_app
from gameport.server.unconfirmed import META_WEBHOOK_SIGNATURE_HEADER
from gameport.server.web_checkout import WEB_SIGNATURE_HEADER, sign_web_webhook

BACKEND_POSTS = ["/api/tiktok/login", "/api/meta/nonce", "/api/meta/login", "/api/tiktok/orders",
                 "/api/meta/purchases", "/api/tiktok/webhook", "/api/web/login",
                 "/api/leaderboards/main/scores", "/api/leaderboards/-x/scores", "/api/web/orders",
                 "/api/web/webhook", "/api/meta/webhook"]  # fmt: skip
BACKEND_GETS = [
    "/api/health",
    "/api/catalog",
    "/api/grants",
    "/api/orders/x",
    "/api/leaderboards/main/scores",
    "/api/meta/webhook",
]
MOCK_POSTS = ["/v2/oauth/token/", "/v2/minis/trade_order/create/", "/v2/minis/trade_order/query/",
              "/v2/minis/utility/get_tier_infos/", "/v2/minis/utility/check_redeem_amounts/",
              "/mock/tiktok/login_code", "/mock/tiktok/pay", "/mock/tiktok/webhooks", "/mock/tiktok/alter",
              "/mock/tiktok/inject", "/mock/tiktok/fault", "/mock/meta/sign", "/mock/web/pay",
              "/mock/web/webhooks", "/mock/meta/webhooks"]  # fmt: skip
FIELDS = ["code", "signed_player_info", "product_id", "signed_request", "trade_order_id", "outcome",
          "payload", "copies", "event", "token_amount", "order_info", "tier_ids", "token_amounts", "open_id",
          "status", "client_key", "content", "order_id", "refund_amount", "path", "age_s", "delete",
          "token_type", "token", "score", "extra", "price", "amount", "payment_id", "field", "value",
          "delay_ms", "webhook", "bad_signature", "entry", "object"]  # fmt: skip

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
        "Gameport-Signature": st.sampled_from(["", "t=1,s=" + "0" * 64, "t=99999999999,s=zz", "s=1"]),
        "X-Hub-Signature-256": st.sampled_from(["", "sha256=", "sha256=" + "a" * 64, "sha1=x"]),
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
    raw_config: dict[str, Any]

    def request(self, client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.runner.run(client.request(method, url, **kwargs))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def apps(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Apps]:
    raw = make_config("http://mock")
    state = MockPlatform(client_key=raw["tiktok"]["client_key"], client_secret=raw["tiktok"]["client_secret"],
                         meta_app_secret=raw["meta"]["app_secret"])  # fmt: skip
    mock_app = create_mock_platform_app(state, MockPurchases(web_secret=raw["web"]["webhook_secret"]))
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
            return Apps(runner, api, mock, session, raw)

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


webhook_values = st.fixed_dictionaries(
    {}, optional={"payment_id": json_values, "purchase_token": json_values, "product_id": json_values,
                  "player_id": json_values, "refund_id": json_values, "order_id": json_values}
)  # fmt: skip
signed_bodies = st.one_of(
    bodies,
    st.fixed_dictionaries({"order_id": json_values, "event": st.sampled_from(["paid", "refund", "x"]),
                           "payment_id": json_values}),
    st.builds(lambda field, value, entry: {"object": "payments", "entry": [{"id": entry, "changes": [
        {"field": field, "value": value}]}]}, st.sampled_from(["purchase", "refund", "x"]),
        webhook_values, json_values),
).map(lambda b: b if isinstance(b, bytes) else json.dumps(b).encode())  # fmt: skip


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=signed_bodies, web=st.booleans())
def test_correctly_signed_webhooks_never_5xx(apps: Apps, body: bytes, web: bool) -> None:
    """Past the signature check, the parsers meet arbitrary (signed) bodies."""
    if web:
        route = "/api/web/webhook"
        headers = {WEB_SIGNATURE_HEADER: sign_web_webhook(body, apps.raw_config["web"]["webhook_secret"])}
    else:
        route = "/api/meta/webhook"
        headers = {
            META_WEBHOOK_SIGNATURE_HEADER: sign_meta_webhook(body, apps.raw_config["meta"]["app_secret"])
        }
    response = apps.request(apps.api, "POST", route, content=body, headers=headers)
    assert 200 <= response.status_code < 500, (route, body, response.status_code, response.text)
    assert response.status_code != 401, response.text


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
