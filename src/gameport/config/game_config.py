"""Per-game configuration: per platform and per environment settings, in one file.

:class:`PlatformSettings` is what one adapter receives: the settings of one platform in one environment.
:class:`GameConfig` is the whole file (TOML or JSON), validated when it is loaded::

    environment = "sandbox"            # which block is active
    app_version = "1.4.0"
    production_hosts = ["api.mygame.com"]

    [platforms.tiktok.sandbox]
    client_key = "sbawxxxx"
    backend_url = "https://sandbox.mygame.com"

    [platforms.tiktok.production]
    client_key = "awxxxx"
    backend_url = "https://api.mygame.com"
    features = { share = false }

    [storage_limits]                   # optional, bytes of JSON per value
    tiktok = 10000000

This file ships to the browser: secrets never go in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gameport.capabilities import PlatformName
from gameport.config.parse import load_path, parse_config, validate
from gameport.config.settings import Environment, PlatformSettings, to_environment, to_platform


@dataclass(frozen=True, slots=True)
class GameConfig:
    """One game's configuration for every platform and environment.

    Attributes:
        environment: the active environment (used when ``platform.init`` is not told otherwise).
        app_version: reported as an analytics dimension; a block's own ``app_version`` wins.
        platforms: platform -> environment -> settings, exactly as the file lists them.
        production_hosts: hosts of your production services; a sandbox block pointing at one is refused.
        storage_limits: platform -> the largest value ``platform.storage.set`` accepts, in bytes of JSON.
    """

    environment: Environment = Environment.SANDBOX
    app_version: str = "0.0.0"
    platforms: dict[PlatformName, dict[Environment, PlatformSettings]] = field(default_factory=dict)
    production_hosts: tuple[str, ...] = ()
    storage_limits: dict[PlatformName, int] = field(default_factory=dict)

    @classmethod
    def from_toml(cls, text: str) -> GameConfig:
        """Load and validate a TOML configuration.

        Raises:
            ConfigError: invalid TOML, or any rule of :meth:`from_dict` broken.
        """
        return cls.from_dict(parse_config(text, "toml"))

    @classmethod
    def from_json(cls, text: str) -> GameConfig:
        """Load and validate a JSON configuration (same shape as the TOML one).

        Raises:
            ConfigError: invalid JSON, or any rule of :meth:`from_dict` broken.
        """
        return cls.from_dict(parse_config(text, "json"))

    @classmethod
    def load(cls, path: str) -> GameConfig:
        """Load a ``.toml`` or ``.json`` file.

        Raises:
            ConfigError: unreadable file, unknown extension, or invalid content.
        """
        kind, text = load_path(path)
        return cls.from_dict(parse_config(text, kind))

    @classmethod
    def from_dict(cls, data: object) -> GameConfig:
        """Validate already-parsed configuration data.

        Refused, with a :class:`~gameport.errors.ConfigError` naming the exact key: unknown top-level keys,
        platforms, environments or fields; wrong types; any key that looks like a secret; a production block
        whose URLs point at sandbox/test endpoints (hosts with ``sandbox``, ``staging``, ``test``, ``mock``,
        ``localhost``, loopback addresses); a sandbox block whose URLs point at one of ``production_hosts``.
        A top-level ``$schema`` string (the JSON Schema an editor validates the file with) is ignored.
        """
        return cls(*validate(data))

    def settings_for(
        self, platform: PlatformName | str, environment: Environment | str | None = None
    ) -> PlatformSettings:
        """The settings of ``platform`` in ``environment`` (default: the active one).

        A platform or environment the file does not list gets default settings, with this config's
        ``app_version``.

        Raises:
            ConfigError: ``platform`` or ``environment`` is not a known name.
        """
        name = to_platform(platform, "platform")
        env = self.environment if environment is None else to_environment(environment, "environment")
        found = self.platforms.get(name, {}).get(env)
        if found is not None:
            return found
        return PlatformSettings(environment=env, app_version=self.app_version)
