"""Per-game configuration: per platform and per environment settings, in one file.

:class:`PlatformSettings` is what one adapter receives: the settings of one platform in one environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Environment(StrEnum):
    """Where the game runs: the platforms' sandbox (test users, mock payments) or production."""

    SANDBOX = "sandbox"
    PRODUCTION = "production"


@dataclass(frozen=True, slots=True)
class PlatformSettings:
    """The settings of one platform in one environment.

    Attributes:
        environment: sandbox or production.
        client_key: TikTok's client key (public; never put a secret here: this ships to the browser).
        sdk_url: where the platform SDK script is loaded from (None: already on the page, as in TikTok's
            native runtime).
        placements: game-level ad placement name -> the platform's ad unit id.
        products: game-level product name -> the platform's product id.
        backend_url: the game backend (login exchange, orders, leaderboards when the platform has none).
        leaderboard_url: a leaderboard service for platforms without one (None: unsupported there).
        features: switches that turn a capability off for this platform/environment (name -> enabled).
        app_version: reported as an analytics dimension.
        timeouts: seconds for non-interactive calls (``"sdk_load"``, ``"login"``, ...), overriding defaults.
    """

    environment: Environment = Environment.SANDBOX
    client_key: str | None = None
    sdk_url: str | None = None
    placements: dict[str, str] = field(default_factory=dict)
    products: dict[str, str] = field(default_factory=dict)
    backend_url: str | None = None
    leaderboard_url: str | None = None
    features: dict[str, bool] = field(default_factory=dict)
    app_version: str = "0.0.0"
    timeouts: dict[str, float] = field(default_factory=dict)
