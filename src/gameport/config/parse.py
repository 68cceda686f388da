"""Parsing and validation of the game configuration file (see :class:`gameport.config.GameConfig`)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Final, NamedTuple
from urllib.parse import urlsplit

from gameport.capabilities import Capability, PlatformName
from gameport.config.ad_policy import AdPolicy
from gameport.config.settings import Environment, PlatformSettings, to_environment, to_platform
from gameport.errors import ConfigError

# The rules below, as constants that gameport.config.schema also builds the JSON Schema from.
SCHEMA_KEY: Final = "$schema"
"""Top-level key naming the file's JSON Schema, for editors; a string, otherwise ignored."""
TOP_KEYS: Final = frozenset(
    {SCHEMA_KEY, "environment", "app_version", "platforms", "production_hosts", "storage_limits"}
)
"""The keys allowed at the top level of the file."""
_STR_FIELDS: Final = ("client_key", "sdk_url", "backend_url", "leaderboard_url", "app_version")
_MAP_FIELDS: Final = ("placements", "products")
_URL_FIELDS: Final = ("sdk_url", "backend_url", "leaderboard_url")
SETTINGS_FIELDS: Final = frozenset({*_STR_FIELDS, *_MAP_FIELDS, "features", "timeouts", "ads"})
"""The keys allowed in a ``[platforms.<platform>.<environment>]`` block (fields of PlatformSettings)."""
POSITIVE_AD_FIELDS: Final = ("show_timeout", "load_timeout")
"""The ``ads`` keys that must be more than 0 (the others may be 0, which switches that rule off)."""
SECRET_WORDS: Final = ("secret", "password", "private_key")
"""A key containing one of these, in any case and at any depth, is refused as a secret."""
_SANDBOX_TOKEN: Final = re.compile(r"^(sandbox|staging|test|mock|localhost)")
_LOOPBACK: Final = frozenset({"127.0.0.1", "0.0.0.0", "::1"})


def parse_config(text: str, kind: str) -> object:
    """Parse ``text`` as ``"toml"`` or ``"json"``.

    Raises:
        ConfigError: the text is not valid in that format.
    """
    try:
        return tomllib.loads(text) if kind == "toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"the configuration is not valid {kind.upper()}: {exc}") from None


def load_path(path: str) -> tuple[str, str]:
    """Read a ``.toml`` / ``.json`` file; return ``(kind, text)``.

    Raises:
        ConfigError: unknown extension or unreadable file.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in (".toml", ".json"):
        raise ConfigError(f"{path}: the configuration file must end in .toml or .json")
    try:
        return suffix[1:], Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration file ({exc.strerror})") from None


class ConfigParts(NamedTuple):
    """The validated fields of a :class:`~gameport.config.GameConfig`, in its field order."""

    environment: Environment
    app_version: str
    platforms: dict[PlatformName, dict[Environment, PlatformSettings]]
    production_hosts: tuple[str, ...]
    storage_limits: dict[PlatformName, int]


def validate(data: object) -> ConfigParts:
    """The fields of a game configuration from parsed data; refuses what ``GameConfig.from_dict`` lists."""
    top = _table(data, "the configuration")
    _refuse_secrets(top, "")
    for key in top:
        if key not in TOP_KEYS:
            raise ConfigError(f"{key}: unknown top-level key; expected one of: {', '.join(sorted(TOP_KEYS))}")
    if not isinstance(top.get(SCHEMA_KEY, ""), str):
        raise ConfigError(f"{SCHEMA_KEY}: expected a string (the path or URL of the JSON Schema)")
    environment = to_environment(top.get("environment", Environment.SANDBOX.value), "environment")
    app_version = _str(top.get("app_version", "0.0.0"), "app_version")
    hosts_raw = top.get("production_hosts", [])
    if not isinstance(hosts_raw, list) or not all(isinstance(h, str) and h for h in hosts_raw):
        raise ConfigError("production_hosts: expected a list of host names")
    hosts = tuple(h.lower() for h in hosts_raw)
    limits: dict[PlatformName, int] = {}
    for key, value in _table(top.get("storage_limits", {}), "storage_limits").items():
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ConfigError(f"storage_limits.{key}: expected a positive whole number of bytes")
        limits[to_platform(key, f"storage_limits.{key}")] = value
    platforms: dict[PlatformName, dict[Environment, PlatformSettings]] = {}
    for pname, envs in _table(top.get("platforms", {}), "platforms").items():
        platform = to_platform(pname, f"platforms.{pname}")
        platforms[platform] = {}
        for ename, block in _table(envs, f"platforms.{pname}").items():
            env = to_environment(ename, f"platforms.{pname}.{ename}")
            where = f"platforms.{pname}.{ename}"
            settings = _settings(_table(block, where), env, app_version, where)
            _refuse_mixing(settings, hosts, where)
            platforms[platform][env] = settings
    return ConfigParts(environment, app_version, platforms, hosts, limits)


def _settings(block: dict[str, object], env: Environment, app_version: str, where: str) -> PlatformSettings:
    for key in block:
        if key == "environment":
            raise ConfigError(f"{where}.environment: set by the table name; remove this key")
        if key not in SETTINGS_FIELDS:
            raise ConfigError(
                f"{where}.{key}: unknown field; expected one of: {', '.join(sorted(SETTINGS_FIELDS))}"
            )
    strs = {k: _str(block[k], f"{where}.{k}") for k in _STR_FIELDS if k in block}
    maps = {k: _str_map(block.get(k, {}), f"{where}.{k}") for k in _MAP_FIELDS}
    features: dict[str, bool] = {}
    for key, value in _table(block.get("features", {}), f"{where}.features").items():
        if key not in {c.value for c in Capability}:
            raise ConfigError(f"{where}.features.{key}: not a capability name (see gameport.Capability)")
        if not isinstance(value, bool):
            raise ConfigError(f"{where}.features.{key}: expected true or false")
        features[key] = value
    timeouts: dict[str, float] = {}
    for key, value in _table(block.get("timeouts", {}), f"{where}.timeouts").items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < float("inf"):
            raise ConfigError(f"{where}.timeouts.{key}: expected a positive number of seconds")
        timeouts[key] = float(value)
    return PlatformSettings(
        ads=_ad_policy(block.get("ads", {}), f"{where}.ads"),
        environment=env,
        client_key=strs.get("client_key"),
        sdk_url=strs.get("sdk_url"),
        placements=maps["placements"],
        products=maps["products"],
        backend_url=strs.get("backend_url"),
        leaderboard_url=strs.get("leaderboard_url"),
        features=features,
        app_version=strs.get("app_version", app_version),
        timeouts=timeouts,
    )


def _ad_policy(value: object, where: str) -> AdPolicy:
    pacing: dict[str, float] = {}
    for key, seconds in _table(value, where).items():
        if key not in AdPolicy.field_names():
            raise ConfigError(
                f"{where}.{key}: unknown field; expected one of: {', '.join(AdPolicy.field_names())}"
            )
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not 0 <= seconds < float("inf")
        ):
            raise ConfigError(f"{where}.{key}: expected a number of seconds >= 0")
        pacing[key] = float(seconds)
    policy = AdPolicy(**pacing)
    if any(getattr(policy, key) <= 0 for key in POSITIVE_AD_FIELDS):
        raise ConfigError(f"{where}: {' and '.join(POSITIVE_AD_FIELDS)} must be more than 0")
    if policy.backoff_max < policy.backoff:
        raise ConfigError(
            f"{where}: backoff_max ({policy.backoff_max:g}) is less than backoff ({policy.backoff:g})"
        )
    return policy


def _refuse_mixing(settings: PlatformSettings, production_hosts: tuple[str, ...], where: str) -> None:
    for key in _URL_FIELDS:
        url = getattr(settings, key)
        host = (urlsplit(url).hostname or "") if url else ""
        if not host:
            continue
        if settings.environment is Environment.PRODUCTION and _looks_like_test_host(host):
            raise ConfigError(
                f"{where}.{key}: a production block points at a sandbox/test endpoint ({host}); "
                "use the production URL here, or move this block to sandbox"
            )
        if settings.environment is Environment.SANDBOX and any(
            host == p or host.endswith("." + p) for p in production_hosts
        ):
            raise ConfigError(
                f"{where}.{key}: a sandbox block points at a production host ({host}, listed in "
                "production_hosts); use a sandbox endpoint here"
            )


def _looks_like_test_host(host: str) -> bool:
    host = host.lower()
    if host in _LOOPBACK or host.startswith("127."):
        return True
    return any(_SANDBOX_TOKEN.match(token) for token in re.split(r"[.\-_]", host))


def _refuse_secrets(value: object, where: str) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            path = f"{where}.{key}" if where else str(key)
            if any(word in str(key).lower() for word in SECRET_WORDS):
                raise ConfigError(
                    f"{path}: secrets never go in the client config (it ships to every player's browser); "
                    "keep them in your game backend's server-side settings"
                )
            _refuse_secrets(inner, path)


def _table(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table (mapping), got {type(value).__name__}")
    return {str(k): v for k, v in value.items()}


def _str(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string, got {type(value).__name__}")
    return value


def _str_map(value: object, where: str) -> dict[str, str]:
    return {k: _str(v, f"{where}.{k}") for k, v in _table(value, where).items()}
