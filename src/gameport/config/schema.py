"""The JSON Schema (draft 2020-12) of the configuration file, built from the config model itself.

Editors validate ``gameport.toml`` / ``gameport.json`` with it while the author types (see the README).
``schema.json`` beside this module is its committed copy; a unit test fails when the two differ. Regenerate::

    python -m gameport.config.schema > src/gameport/config/schema.json

The schema checks the shape: known keys, types, names of platforms, environments and capabilities, number
ranges, secret-looking keys in the free-form tables. What it cannot express, only ``GameConfig`` refuses at
load: production blocks pointing at sandbox hosts (and the reverse), ``backoff_max`` below ``backoff``,
infinite numbers, whole numbers written as ``1.0`` in ``storage_limits``.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
import sys
from enum import Enum
from typing import Any, Final, get_type_hints

from gameport.capabilities import Capability, PlatformName
from gameport.config.ad_policy import AdPolicy
from gameport.config.game_config import GameConfig
from gameport.config.parse import POSITIVE_AD_FIELDS, SCHEMA_KEY, SECRET_WORDS, SETTINGS_FIELDS, TOP_KEYS
from gameport.config.settings import Environment, PlatformSettings

DRAFT: Final = "https://json-schema.org/draft/2020-12/schema"
_PUBLIC_KEY: Final = {"$ref": "#/$defs/public_key"}


def _closed(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An object with exactly these optional keys (the parser refuses any other)."""
    return {"type": "object", "properties": properties, "additionalProperties": False, **extra}


def _free_map(value: dict[str, Any]) -> dict[str, Any]:
    """An object with any keys but secret-looking ones, every value matching ``value``."""
    return {"type": "object", "additionalProperties": value, "propertyNames": _PUBLIC_KEY}


# A PlatformSettings field's annotation -> the schema of its key in a platform block.
_BY_TYPE: Final[dict[object, dict[str, Any]]] = {
    str: {"type": "string"},
    str | None: {"type": "string"},
    dict[str, str]: _free_map({"type": "string"}),
    dict[str, bool]: _closed({c.value: {"type": "boolean"} for c in Capability}),
    dict[str, float]: _free_map({"type": "number", "exclusiveMinimum": 0}),
    AdPolicy: {"$ref": "#/$defs/ads"},
}


def _attributes(cls: type) -> dict[str, str]:
    """The ``Attributes:`` section of ``cls``'s docstring: name -> description on one line, plain text."""
    found: dict[str, str] = {}
    lines = (inspect.getdoc(cls) or "").splitlines()
    start = lines.index("Attributes:") + 1 if "Attributes:" in lines else len(lines)
    name = ""
    for line in lines[start:]:
        entry = re.match(r"    (\w+): (.*)", line)
        if entry:
            name = entry[1]
            found[name] = entry[2]
        elif line.startswith("        ") and name:
            found[name] += " " + line.strip()
        else:
            break
    return {key: re.sub(r":\w+:`~?([^`]+)`", r"`\1`", text).replace("``", "`") for key, text in found.items()}


def _described(schema: dict[str, Any], docs: dict[str, str], key: str) -> dict[str, Any]:
    return {**schema, "description": docs[key]} if key in docs else schema


def _default(cls: Any, name: str) -> dict[str, Any]:
    """``{"default": ...}`` for a dataclass field with a plain default value, else ``{}``."""
    default = next(f.default for f in dataclasses.fields(cls) if f.name == name)
    if default is dataclasses.MISSING:
        return {}
    return {"default": default.value if isinstance(default, Enum) else default}


def _settings_schema() -> dict[str, Any]:
    """A platform block: the parser's keys, typed by the annotations of the PlatformSettings fields."""
    hints, docs = get_type_hints(PlatformSettings), _attributes(PlatformSettings)
    properties = {name: _described(_BY_TYPE[hints[name]], docs, name) for name in SETTINGS_FIELDS}
    return _closed(properties, description="The settings of one platform in one environment.")


def _ads_schema() -> dict[str, Any]:
    docs, properties = _attributes(AdPolicy), {}
    for name in AdPolicy.field_names():
        low = "exclusiveMinimum" if name in POSITIVE_AD_FIELDS else "minimum"
        properties[name] = _described({"type": "number", low: 0, **_default(AdPolicy, name)}, docs, name)
    return _closed(properties, description="Ad pacing, in seconds; 0 switches a rule off.")


def config_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a game configuration file, as a JSON-ready dict.

    Raises:
        KeyError, TypeError: the parser accepts a key, or PlatformSettings has a field type, that this
            module does not know how to describe (extend it, then regenerate ``schema.json``).
    """
    env_names = [e.value for e in Environment]
    top: dict[str, dict[str, Any]] = {
        SCHEMA_KEY: {"type": "string", "description": "The path or URL of this JSON Schema, for editors."},
        "environment": {"enum": env_names, **_default(GameConfig, "environment")},
        "app_version": {"type": "string", **_default(GameConfig, "app_version")},
        "production_hosts": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "storage_limits": _closed({p.value: {"type": "integer", "minimum": 1} for p in PlatformName}),
        "platforms": _closed(
            {p.value: _closed({e: {"$ref": "#/$defs/settings"} for e in env_names}) for p in PlatformName}
        ),
    }
    docs = _attributes(GameConfig)
    secret = "|".join("".join(f"[{c.upper()}{c}]" if c.isalpha() else c for c in w) for w in SECRET_WORDS)
    return {
        "$schema": DRAFT,
        "title": "gameport game configuration",
        "description": "One game's configuration (gameport.toml / gameport.json); see gameport.GameConfig.",
        **_closed({key: _described(top[key], docs, key) for key in sorted(TOP_KEYS)}),
        "$defs": {
            "settings": _settings_schema(),
            "ads": _ads_schema(),
            "public_key": {
                "not": {"pattern": secret},
                "description": "Secrets never go in this file: it ships to every player's browser.",
            },
        },
    }


def schema_json() -> str:
    """:func:`config_schema` as the text of ``schema.json``: indented, sorted keys, trailing newline."""
    return json.dumps(config_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(schema_json())
