"""Server configuration: a JSON file, with secrets optionally overridden from the environment.

Shape (``environment``, required, is ``"sandbox"`` or ``"production"``; it must match the webhooks'
``is_sandbox``, and only a sandbox accepts the web platform's unsigned dev login)::

    {
      "environment": "sandbox",
      "tiktok": {"client_key": "...", "client_secret": "...", "api_base_url": "http://127.0.0.1:PORT",
                 "timeout_s": 10, "max_retries": 2, "webhook_tolerance_s": 300},
      "meta": {"app_id": "...", "app_secret": "...", "player_info_max_age_s": 300,
               "purchase_max_age_s": 604800, "webhook_verify_token": "..."},
      "web": {"checkout_url": "http://127.0.0.1:PORT", "webhook_secret": "...", "webhook_tolerance_s": 300},
      "risk": {"velocity_max": 10, "velocity_window_s": 3600},
      "pending_expiry_s": 86400,
      "database": "postgresql://gameport@db.internal/gameport",
      "catalog": [{"product_id": "gems_100", "title": "100 gems", "grants": {"gems": 100},
                   "tiktok_beans": 10, "meta_price": "0.99", "meta_currency": "USD",
                   "web_price": "0.99", "web_currency": "USD"}]
    }

``database`` (optional) is a SQLite file path or a ``postgresql://`` URL; the command line's ``--db`` wins.
``web`` is optional and sandbox-only: the base URL of the mock platform server (its ``/mock/web/pay`` sheet)
and the secret both servers sign web webhooks with; without it ``POST /api/web/orders`` answers 503.
``meta.webhook_verify_token`` is what Meta's webhook subscription handshake must echo; without it the
handshake is refused.

Environment overrides: ``GAMEPORT_TIKTOK_CLIENT_SECRET``, ``GAMEPORT_META_APP_SECRET``,
``GAMEPORT_TIKTOK_API_BASE_URL``, ``GAMEPORT_META_WEBHOOK_VERIFY_TOKEN``, ``GAMEPORT_WEB_WEBHOOK_SECRET``. The
file must never be shipped with the game.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog import Catalog
from .errors import ConfigError
from .risk import RiskSettings
from .unconfirmed import (
    META_PLAYER_INFO_MAX_AGE_S,
    META_PURCHASE_MAX_AGE_S,
    TIKTOK_API_BASE_URL,
    TIKTOK_WEBHOOK_TOLERANCE_S,
)


@dataclass(frozen=True)
class TikTokSettings:
    client_key: str
    client_secret: str
    api_base_url: str = TIKTOK_API_BASE_URL
    timeout_s: float = 10.0
    max_retries: int = 2
    webhook_tolerance_s: float = TIKTOK_WEBHOOK_TOLERANCE_S


@dataclass(frozen=True)
class MetaSettings:
    app_id: str
    app_secret: str
    player_info_max_age_s: float = META_PLAYER_INFO_MAX_AGE_S
    purchase_max_age_s: float = META_PURCHASE_MAX_AGE_S
    webhook_verify_token: str | None = None


@dataclass(frozen=True)
class WebSettings:
    """The sandbox web checkout; ``None`` fields mean it is not configured."""

    checkout_url: str | None = None
    webhook_secret: str | None = None
    webhook_tolerance_s: float = 300.0


@dataclass(frozen=True)
class ServerConfig:
    environment: str
    tiktok: TikTokSettings
    meta: MetaSettings
    catalog: Catalog
    risk: RiskSettings
    pending_expiry_s: float = 86400.0
    database: str | None = None
    web: WebSettings = WebSettings()


def _section(raw: dict[str, Any], name: str) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{name!r} must be an object")
    return value


def _text(section: dict[str, Any], name: str, env: str | None = None, default: str | None = None) -> str:
    value = os.environ.get(env) if env else None
    value = value or section.get(name, default)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"missing setting {name!r}" + (f" (or ${env})" if env else ""))
    return value


def _optional_text(section: dict[str, Any], name: str, env: str | None = None) -> str | None:
    value = (os.environ.get(env) if env else None) or section.get(name)
    if value is not None and (not isinstance(value, str) or not value):
        raise ConfigError(f"{name!r} must be a non-empty string")
    return value


def _number(section: dict[str, Any], name: str, default: float) -> float:
    value = section.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{name!r} must be a non-negative number")
    return float(value)


def parse_config(raw: object) -> ServerConfig:
    """Validate a decoded configuration object."""
    if not isinstance(raw, dict):
        raise ConfigError("configuration must be a JSON object")
    if "environment" not in raw:  # no default: it decides whether unsigned web dev logins are accepted
        raise ConfigError("environment is required: 'sandbox' or 'production'")
    environment = raw["environment"]
    if environment not in ("sandbox", "production"):
        raise ConfigError("environment must be 'sandbox' or 'production'")
    tt, meta, risk, web = (_section(raw, name) for name in ("tiktok", "meta", "risk", "web"))
    base_url = _text(tt, "api_base_url", "GAMEPORT_TIKTOK_API_BASE_URL", TIKTOK_API_BASE_URL)
    tiktok = TikTokSettings(
        client_key=_text(tt, "client_key"),
        client_secret=_text(tt, "client_secret", "GAMEPORT_TIKTOK_CLIENT_SECRET"),
        api_base_url=base_url.rstrip("/"),
        timeout_s=_number(tt, "timeout_s", 10.0),
        max_retries=int(_number(tt, "max_retries", 2)),
        webhook_tolerance_s=_number(tt, "webhook_tolerance_s", TIKTOK_WEBHOOK_TOLERANCE_S),
    )
    meta_settings = MetaSettings(
        app_id=_text(meta, "app_id", default="unset"),
        app_secret=_text(meta, "app_secret", "GAMEPORT_META_APP_SECRET"),
        player_info_max_age_s=_number(meta, "player_info_max_age_s", META_PLAYER_INFO_MAX_AGE_S),
        purchase_max_age_s=_number(meta, "purchase_max_age_s", META_PURCHASE_MAX_AGE_S),
        webhook_verify_token=_optional_text(
            meta, "webhook_verify_token", "GAMEPORT_META_WEBHOOK_VERIFY_TOKEN"
        ),
    )
    checkout_url = _optional_text(web, "checkout_url")
    web_settings = WebSettings(
        checkout_url=None if checkout_url is None else checkout_url.rstrip("/"),
        webhook_secret=_optional_text(web, "webhook_secret", "GAMEPORT_WEB_WEBHOOK_SECRET"),
        webhook_tolerance_s=_number(web, "webhook_tolerance_s", 300.0),
    )
    return ServerConfig(
        environment=environment,
        tiktok=tiktok,
        meta=meta_settings,
        catalog=Catalog.from_json(raw.get("catalog", [])),
        risk=RiskSettings(
            velocity_max=int(_number(risk, "velocity_max", 10)),
            velocity_window_s=_number(risk, "velocity_window_s", 3600.0),
        ),
        pending_expiry_s=_number(raw, "pending_expiry_s", 86400.0),
        database=_optional_text(raw, "database"),
        web=web_settings,
    )


def load_config(path: str | Path) -> ServerConfig:
    """Read and validate the configuration file."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read configuration {path}: {exc}") from exc
    return parse_config(raw)
