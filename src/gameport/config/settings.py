"""The settings one adapter receives: one platform in one environment, and the names that pick them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from gameport.capabilities import PlatformName
from gameport.config.ad_policy import AdPolicy
from gameport.errors import ConfigError


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
        backend_url: the game backend (login exchange, orders); gameport logs into it for its backend
            features (:mod:`gameport.backend.session`).
        leaderboard_url: base URL of the leaderboard routes for platforms without leaderboards (TikTok,
            web), usually the same as ``backend_url``, which it needs for the session (``platform.init``
            raises ConfigError without it). None: LEADERBOARDS unsupported there. Ignored on Meta.
        features: switches that turn a capability off for this platform/environment (name -> enabled).
        app_version: reported as an analytics dimension.
        timeouts: seconds for non-interactive calls (``"sdk_load"``, ``"login"``, ...), overriding defaults.
        ads: ad pacing (frequency capping, ad timeouts, back-off): see :class:`~gameport.config.AdPolicy`.
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
    ads: AdPolicy = field(default_factory=AdPolicy)


def to_platform(value: object, where: str) -> PlatformName:
    """``value`` as a :class:`PlatformName`, or ConfigError naming ``where``."""
    try:
        return PlatformName(str(value))
    except ValueError:
        choices = ", ".join(p.value for p in PlatformName)
        raise ConfigError(f"{where}: unknown platform {value!r}; expected one of: {choices}") from None


def to_environment(value: object, where: str) -> Environment:
    """``value`` as an :class:`Environment`, or ConfigError naming ``where``."""
    try:
        return Environment(str(value))
    except ValueError:
        choices = ", ".join(e.value for e in Environment)
        raise ConfigError(f"{where}: unknown environment {value!r}; expected one of: {choices}") from None
