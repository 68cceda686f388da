"""Which platform the game is running on.

Order, first match wins:

1. the name passed to ``platform.init(name)``;
2. the ``?gp_platform=<name>`` URL parameter (``location.search``);
3. a ``TTMinis.game`` global: ``tiktok``;
4. an ``FBInstant`` global, or a host name under ``fbsbx.com`` (where Meta serves Instant Games): ``meta``;
5. otherwise ``web``.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import parse_qs

from gameport.bridge import Bridge
from gameport.capabilities import PlatformName
from gameport.errors import ConfigError, GameportError

URL_PARAMETER: Final = "gp_platform"
"""The URL query parameter that picks the platform, e.g. ``index.html?gp_platform=meta``."""

SDK_GLOBALS: Final[dict[PlatformName, str]] = {
    PlatformName.TIKTOK: "TTMinis.game",
    PlatformName.META: "FBInstant",
}
"""The JavaScript global each platform SDK defines (the web platform has none)."""


def parse_platform(value: str, where: str) -> PlatformName:
    """``value`` as a :class:`PlatformName`.

    Raises:
        ConfigError: not a known platform name; the message names ``where`` it came from.
    """
    try:
        return PlatformName(value.strip().lower())
    except ValueError:
        choices = ", ".join(p.value for p in PlatformName)
        raise ConfigError(f"unknown platform {value!r} from {where}; expected one of: {choices}") from None


def url_query(bridge: Bridge) -> dict[str, str]:
    """The page's URL query parameters (first value of each), or ``{}`` where there is no ``location``."""
    search = _read_str(bridge, "location.search")
    return {key: values[0] for key, values in parse_qs(search.lstrip("?")).items()}


def detect_platform(bridge: Bridge, explicit: PlatformName | str | None = None) -> PlatformName:
    """The platform to use, by the order in the module docstring.

    Raises:
        ConfigError: ``explicit`` or the URL parameter names no known platform.
    """
    if explicit is not None:
        return parse_platform(str(explicit), "platform.init(name=...)")
    from_url = url_query(bridge).get(URL_PARAMETER)
    if from_url:
        return parse_platform(from_url, f"the ?{URL_PARAMETER}= URL parameter")
    if bridge.has(SDK_GLOBALS[PlatformName.TIKTOK]):
        return PlatformName.TIKTOK
    if bridge.has(SDK_GLOBALS[PlatformName.META]) or _is_fbsbx(_read_str(bridge, "location.hostname")):
        return PlatformName.META
    return PlatformName.WEB


def _is_fbsbx(host: str) -> bool:
    host = host.lower()
    return host == "fbsbx.com" or host.endswith(".fbsbx.com")


def _read_str(bridge: Bridge, path: str) -> str:
    # Detection must never fail because the page lacks a value (a worker has no document, tests no location).
    try:
        if not bridge.has(path):
            return ""
        value = bridge.get(path)
    except GameportError:
        return ""
    return value if isinstance(value, str) else ""
