"""The configuration's JSON Schema: the committed copy is current, and schema and parser agree on good and bad
files (checked with a real validator, ``jsonschema``)."""

from __future__ import annotations

import importlib.resources
import json
import math
import os
import re
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gameport import Capability, ConfigError, GameConfig, PlatformName
from gameport.config import AdPolicy, Environment, game_config
from gameport.config.parse import SECRET_WORDS, SETTINGS_FIELDS, TOP_KEYS
from gameport.config.schema import config_schema, schema_json

from .test_config import FULL

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "src" / "gameport" / "config" / "schema.json"
REGENERATE = "python -m gameport.config.schema > src/gameport/config/schema.json"
SCHEMA = config_schema()
# Editors' validators: the schema's own draft, and draft 7 for tools that predate 2020-12.
VALIDATORS = (jsonschema.Draft202012Validator(SCHEMA), jsonschema.Draft7Validator(SCHEMA))


def schema_errors(data: object) -> list[str]:
    """What the schema refuses in ``data``; both validators must agree."""
    verdicts = [sorted(e.message for e in validator.iter_errors(data)) for validator in VALIDATORS]
    assert verdicts[0] == verdicts[1]
    return verdicts[0]


def assert_both_accept(data: dict[str, Any]) -> None:
    assert schema_errors(data) == []
    GameConfig.from_dict(data)


def assert_both_refuse(data: object) -> None:
    assert len(schema_errors(data)) == 1  # one mistake each, so it is the one the schema names
    with pytest.raises(ConfigError):
        GameConfig.from_dict(data)


def block(**settings: object) -> dict[str, Any]:
    """A configuration with one platform block holding ``settings``."""
    return {"platforms": {"meta": {"sandbox": settings}}}


def test_the_committed_schema_file_is_current() -> None:
    if SCHEMA_FILE.read_text(encoding="utf-8") != schema_json():
        pytest.fail(f"src/gameport/config/schema.json is out of date; regenerate it with: {REGENERATE}")


def test_the_schema_is_a_valid_draft_2020_12_schema_shipped_with_the_package() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    shipped = importlib.resources.files("gameport.config").joinpath("schema.json").read_text(encoding="utf-8")
    assert json.loads(shipped) == SCHEMA


def test_the_module_prints_the_schema() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run(
        [sys.executable, "-m", "gameport.config.schema"], capture_output=True, text=True, check=True, env=env
    ).stdout
    assert out == schema_json()


def _objects(schema: object) -> Iterator[dict[str, Any]]:
    if isinstance(schema, dict):
        yield schema
        for value in schema.values():
            yield from _objects(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _objects(value)


def test_the_schema_lists_exactly_what_the_parser_accepts() -> None:
    settings, ads = SCHEMA["$defs"]["settings"], SCHEMA["$defs"]["ads"]
    assert set(SCHEMA["properties"]) == TOP_KEYS
    assert set(settings["properties"]) == SETTINGS_FIELDS
    assert tuple(sorted(ads["properties"])) == tuple(sorted(AdPolicy.field_names()))
    assert set(settings["properties"]["features"]["properties"]) == {c.value for c in Capability}
    platforms = SCHEMA["properties"]["platforms"]["properties"]
    names = {p.value for p in PlatformName}
    assert set(platforms) == set(SCHEMA["properties"]["storage_limits"]["properties"]) == names
    assert all(set(envs["properties"]) == {e.value for e in Environment} for envs in platforms.values())
    # Every object with named keys refuses others, as the parser does, and no named key looks like a secret.
    for obj in _objects(SCHEMA):
        if "properties" in obj:
            assert obj["additionalProperties"] is False
            assert not [k for k in obj["properties"] if any(w in k.lower() for w in SECRET_WORDS)]
    described = [settings["properties"], ads["properties"], SCHEMA["properties"]]
    assert all(prop.get("description") for props in described for prop in props.values())


def _readme_examples() -> list[str]:
    return re.findall(r"```toml\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL)


def test_the_readme_example_starts_with_the_editor_directive_and_is_valid() -> None:
    examples = _readme_examples()
    assert examples and examples[0].startswith("#:schema ")
    for text in examples:
        assert_both_accept(tomllib.loads(text))


EVERY_FIELD: dict[str, Any] = {
    "$schema": "./gameport.schema.json",
    "environment": "production",
    "app_version": "2.0.0",
    "production_hosts": ["api.mygame.com"],
    "storage_limits": {p.value: 1 for p in PlatformName},
    "platforms": {
        p.value: {
            "sandbox": {"backend_url": "https://sandbox.mygame.com"},
            "production": {
                "client_key": "aw1",
                "sdk_url": "https://cdn.platform.com/sdk.js",
                "backend_url": "https://api.mygame.com",
                "leaderboard_url": "https://api.mygame.com",
                "app_version": "2.0.1",
                "placements": {"revive": "unit-1"},
                "products": {"gems_100": "prod-100"},
                "features": {c.value: False for c in Capability},
                "timeouts": {"sdk_load": 4, "login": 2.5},
                "ads": {**{name: 0 for name in AdPolicy.field_names()}, "show_timeout": 1, "load_timeout": 1},
            },
        }
        for p in PlatformName
    },
}


@pytest.mark.parametrize(
    "data",
    [
        {},
        EVERY_FIELD,
        tomllib.loads(FULL),
        tomllib.loads(textwrap.dedent(re.findall(r"::\n\n((?:    .*\n|\n)+)", game_config.__doc__ or "")[0])),
        block(ads={"backoff": 5, "backoff_max": 5}),
        block(placements={}, timeouts={}, features={}),
    ],
    ids=["empty", "every-field", "test-config-full", "game-config-docstring", "equal-backoffs", "empty-maps"],
)
def test_good_configurations_pass_both(data: dict[str, Any]) -> None:
    assert_both_accept(data)


BAD_STRUCTURE: dict[str, object] = {
    "not-a-table": [1, 2],
    "unknown-top-key": {"colour": 1},
    "schema-not-a-string": {"$schema": 1},
    "unknown-environment": {"environment": "live"},
    "hosts-not-a-list": {"production_hosts": "api.x.com"},
    "empty-host": {"production_hosts": [""]},
    "host-not-a-string": {"production_hosts": [1]},
    "zero-storage-limit": {"storage_limits": {"meta": 0}},
    "fractional-storage-limit": {"storage_limits": {"meta": 1.5}},
    "storage-limit-as-text": {"storage_limits": {"meta": "10"}},
    "storage-limit-of-unknown-platform": {"storage_limits": {"steam": 10}},
    "unknown-platform": {"platforms": {"steam": {}}},
    "unknown-block-environment": {"platforms": {"meta": {"staging": {}}}},
    "platform-not-a-table": {"platforms": {"meta": []}},
    "block-not-a-table": {"platforms": {"meta": {"sandbox": "x"}}},
    "unknown-field": block(clientkey="x"),
    "environment-in-a-block": block(environment="production"),
    "placement-not-a-string": block(placements={"a": 1}),
    "feature-not-a-bool": block(features={"share": "no"}),
    "unknown-capability": block(features={"teleport": False}),
    "negative-timeout": block(timeouts={"login": -1}),
    "zero-timeout": block(timeouts={"login": 0}),
    "timeout-as-text": block(timeouts={"login": "2"}),
    "unknown-ads-field": block(ads={"gap": 1}),
    "negative-ads-value": block(ads={"backoff": -1}),
    "zero-show-timeout": block(ads={"show_timeout": 0}),
    "zero-load-timeout": block(ads={"load_timeout": 0}),
    "ads-value-as-text": block(ads={"backoff": "1"}),
    "secret-placement": block(placements={"MySecretUnit": "x"}),
    "secret-product": block(products={"PRIVATE_KEY": "x"}),
    "secret-timeout": block(timeouts={"password_wait": 1}),
    "secret-top-key": {"client_secret": "x"},
}


@pytest.mark.parametrize("data", BAD_STRUCTURE.values(), ids=BAD_STRUCTURE.keys())
def test_structural_mistakes_fail_both(data: object) -> None:
    assert_both_refuse(data)


@pytest.mark.parametrize("key", sorted(TOP_KEYS))
def test_every_top_level_key_of_the_wrong_type_fails_both(key: str) -> None:
    assert_both_refuse({key: True})


@pytest.mark.parametrize("value", [True, 5, None, []], ids=["bool", "int", "null", "list"])
@pytest.mark.parametrize("field", sorted(SETTINGS_FIELDS))
def test_every_block_field_of_the_wrong_type_fails_both(field: str, value: object) -> None:
    assert_both_refuse(block(**{field: value}))


SEMANTIC_ONLY: dict[str, dict[str, Any]] = {
    "production-block-on-a-sandbox-host": {
        "platforms": {"meta": {"production": {"backend_url": "https://sandbox.mygame.com"}}}
    },
    "sandbox-block-on-a-production-host": {
        "production_hosts": ["api.mygame.com"],
        "platforms": {"meta": {"sandbox": {"backend_url": "https://api.mygame.com"}}},
    },
    "backoff-max-below-backoff": block(ads={"backoff": 10, "backoff_max": 5}),
    "infinite-timeout": block(timeouts={"login": math.inf}),
    "whole-storage-limit-written-as-a-float": {"storage_limits": {"meta": 1.0}},
}


@pytest.mark.parametrize("data", SEMANTIC_ONLY.values(), ids=SEMANTIC_ONLY.keys())
def test_rules_the_schema_cannot_express_are_left_to_the_parser(data: dict[str, Any]) -> None:
    # Documented in gameport.config.schema: the schema checks shape, the parser also checks meaning.
    assert schema_errors(data) == []
    with pytest.raises(ConfigError):
        GameConfig.from_dict(data)
