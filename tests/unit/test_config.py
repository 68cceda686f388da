"""GameConfig: loading TOML/JSON, per-platform/environment settings, and every refusal at load time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gameport import ConfigError, Environment, GameConfig, PlatformName, PlatformSettings

FULL = """
environment = "production"
app_version = "1.4.0"
production_hosts = ["api.mygame.com"]

[storage_limits]
tiktok = 2000

[platforms.tiktok.sandbox]
client_key = "sbaw123"
sdk_url = "https://developers.tiktok.com/js/minis.js"
backend_url = "https://sandbox.mygame.com"
features = { share = false }
timeouts = { sdk_load = 4, login = 2.5 }

[platforms.tiktok.production]
client_key = "aw123"
backend_url = "https://api.mygame.com"
app_version = "1.4.1"
placements = { extra_life = "ad-unit-1" }
products = { gems_100 = "prod-100" }
"""


def test_a_full_toml_file_loads_into_settings() -> None:
    config = GameConfig.from_toml(FULL)
    assert config.environment is Environment.PRODUCTION
    assert config.production_hosts == ("api.mygame.com",)
    assert config.storage_limits == {PlatformName.TIKTOK: 2000}
    prod = config.settings_for("tiktok")
    assert prod == PlatformSettings(
        environment=Environment.PRODUCTION,
        client_key="aw123",
        backend_url="https://api.mygame.com",
        app_version="1.4.1",
        placements={"extra_life": "ad-unit-1"},
        products={"gems_100": "prod-100"},
    )
    sandbox = config.settings_for(PlatformName.TIKTOK, "sandbox")
    assert sandbox.features == {"share": False}
    assert sandbox.timeouts == {"sdk_load": 4.0, "login": 2.5}
    assert sandbox.app_version == "1.4.0"


def test_json_and_files_load_the_same(tmp_path: Path) -> None:
    data = {"environment": "sandbox", "platforms": {"meta": {"sandbox": {"backend_url": "https://sb.x.com"}}}}
    from_json = GameConfig.from_json(json.dumps(data))
    path = tmp_path / "game.json"
    path.write_text(json.dumps(data))
    assert GameConfig.load(str(path)) == from_json
    toml_path = tmp_path / "game.toml"
    toml_path.write_text(FULL)
    assert GameConfig.load(str(toml_path)) == GameConfig.from_toml(FULL)
    assert from_json.settings_for("meta").backend_url == "https://sb.x.com"


def test_unlisted_platforms_get_defaults_with_the_app_version() -> None:
    config = GameConfig.from_toml('app_version = "2.0"')
    assert config.settings_for("web") == PlatformSettings(app_version="2.0")
    assert config.settings_for("meta", Environment.PRODUCTION).environment is Environment.PRODUCTION


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 1", "colour: unknown top-level key"),
        ('[platforms.steam.sandbox]\nclient_key = "x"', r"platforms.steam: unknown platform 'steam'"),
        (
            '[platforms.meta.staging]\nclient_key = "x"',
            r"platforms.meta.staging: unknown environment 'staging'",
        ),
        ('[platforms.meta.sandbox]\nclientkey = "x"', r"platforms.meta.sandbox.clientkey: unknown field"),
        ("[platforms.meta.sandbox]\nclient_key = 5", r"platforms.meta.sandbox.client_key: expected a string"),
        (
            "[platforms.meta.sandbox]\nplacements = { a = 1 }",
            r"platforms.meta.sandbox.placements.a: expected a string",
        ),
        ('[platforms.meta.sandbox]\nfeatures = { share = "no" }', r"features.share: expected true or false"),
        ("[platforms.meta.sandbox]\nfeatures = { teleport = false }", r"features.teleport: not a capability"),
        (
            "[platforms.meta.sandbox]\ntimeouts = { login = -1 }",
            r"timeouts.login: expected a positive number",
        ),
        (
            "[platforms.meta.sandbox]\ntimeouts = { login = true }",
            r"timeouts.login: expected a positive number",
        ),
        (
            '[platforms.meta.sandbox]\nenvironment = "production"',
            r"sandbox.environment: set by the table name",
        ),
        ('[platforms.meta]\nsandbox = "x"', r"platforms.meta.sandbox: expected a table"),
        ('environment = "live"', r"environment: unknown environment 'live'"),
        ("app_version = 3", r"app_version: expected a string"),
        ('production_hosts = "api.x.com"', r"production_hosts: expected a list"),
        ("[storage_limits]\nmeta = 0", r"storage_limits.meta: expected a positive whole number"),
        ("[storage_limits]\nsteam = 10", r"storage_limits.steam: unknown platform"),
        ("not toml at all =", r"not valid TOML"),
    ],
)
def test_invalid_configs_name_the_exact_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        GameConfig.from_toml(text)


def test_invalid_json_and_a_non_table_top_level_are_refused() -> None:
    with pytest.raises(ConfigError, match="not valid JSON"):
        GameConfig.from_json("{")
    with pytest.raises(ConfigError, match="the configuration: expected a table"):
        GameConfig.from_json("[1, 2]")


def test_files_with_other_extensions_or_missing_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"must end in \.toml or \.json"):
        GameConfig.load(str(tmp_path / "game.yaml"))
    with pytest.raises(ConfigError, match="cannot read"):
        GameConfig.load(str(tmp_path / "missing.toml"))


@pytest.mark.parametrize(
    "key_path",
    [
        "client_secret",
        "platforms.meta.sandbox.app_secret",
        "platforms.tiktok.production.client_secret",
        "platforms.tiktok.production.placements.MySecretUnit",
        "platforms.meta.sandbox.password",
    ],
)
def test_secrets_are_never_accepted(key_path: str) -> None:
    *tables, key = key_path.split(".")
    text = (f"[{'.'.join(tables)}]\n" if tables else "") + f'{key} = "s3cr3t"\n'
    with pytest.raises(ConfigError, match="secrets never go in the client config") as caught:
        GameConfig.from_toml(text)
    assert key_path in str(caught.value)


@pytest.mark.parametrize(
    ("field", "url"),
    [
        ("sdk_url", "https://sandbox.tiktok.example/js/minis.js"),
        ("backend_url", "https://staging-api.mygame.com"),
        ("backend_url", "http://localhost:8000"),
        ("backend_url", "http://127.0.0.1:8000/api"),
        ("leaderboard_url", "https://test.mygame.com/scores"),
        ("leaderboard_url", "https://scores.mock.mygame.com"),
        ("backend_url", "http://[::1]:8000"),
    ],
)
def test_a_production_block_pointing_at_a_test_endpoint_is_refused(field: str, url: str) -> None:
    text = f'[platforms.meta.production]\n{field} = "{url}"\n'
    with pytest.raises(
        ConfigError, match=rf"platforms.meta.production.{field}: a production block points at"
    ):
        GameConfig.from_toml(text)


@pytest.mark.parametrize(
    "url", ["https://api.mygame.com", "https://latest.mygame.com", "https://contest-api.mygame.com", "/api"]
)
def test_production_urls_that_merely_contain_test_letters_are_accepted(url: str) -> None:
    config = GameConfig.from_toml(f'[platforms.meta.production]\nbackend_url = "{url}"\n')
    assert config.settings_for("meta", "production").backend_url == url


@pytest.mark.parametrize(
    ("field", "url"),
    [
        ("backend_url", "https://api.mygame.com/v1"),
        ("leaderboard_url", "https://eu.api.mygame.com/scores"),
        ("sdk_url", "https://API.mygame.com/sdk.js"),
    ],
)
def test_a_sandbox_block_pointing_at_a_production_host_is_refused(field: str, url: str) -> None:
    text = f'production_hosts = ["api.mygame.com"]\n[platforms.tiktok.sandbox]\n{field} = "{url}"\n'
    with pytest.raises(
        ConfigError, match=rf"platforms.tiktok.sandbox.{field}: a sandbox block points at a production"
    ):
        GameConfig.from_toml(text)


def test_a_sandbox_block_on_another_host_is_fine() -> None:
    text = 'production_hosts = ["api.mygame.com"]\n[platforms.tiktok.sandbox]\nbackend_url = "https://notapi.mygame.com"\n'
    assert GameConfig.from_toml(text).settings_for("tiktok").backend_url == "https://notapi.mygame.com"


def test_settings_for_rejects_unknown_names() -> None:
    config = GameConfig()
    with pytest.raises(ConfigError, match="unknown platform"):
        config.settings_for("steam")
    with pytest.raises(ConfigError, match="unknown environment"):
        config.settings_for("web", "live")


def test_a_schema_key_for_editors_is_accepted_and_ignored() -> None:
    data = {"$schema": "./gameport.schema.json", "platforms": {"web": {"sandbox": {"client_key": "k"}}}}
    assert GameConfig.from_json(json.dumps(data)) == GameConfig.from_dict({"platforms": data["platforms"]})
    assert GameConfig.from_toml('"$schema" = "https://example.com/s.json"') == GameConfig()
    with pytest.raises(ConfigError, match=r"\$schema: expected a string"):
        GameConfig.from_json('{"$schema": 1}')
