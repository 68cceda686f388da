"""The platform adapters, imported lazily: only the chosen platform's module is ever loaded.

Each platform's module (``gameport.adapters.tiktok.adapter``, ``meta.adapter``, ``web.adapter``) ends with
``adapter_class = <Adapter>``.
"""

from __future__ import annotations

import importlib
from typing import Final

from gameport.adapters.base import Adapter, map_errors
from gameport.capabilities import PlatformName

ADAPTER_MODULES: Final[dict[PlatformName, str]] = {
    PlatformName.TIKTOK: "gameport.adapters.tiktok.adapter",
    PlatformName.META: "gameport.adapters.meta.adapter",
    PlatformName.WEB: "gameport.adapters.web.adapter",
}
"""Platform -> the module holding its adapter."""


def load_adapter(name: PlatformName | str) -> type[Adapter]:
    """Import the adapter module of platform ``name`` and return its ``adapter_class``.

    Raises:
        ValueError: ``name`` is not a known platform.
        TypeError: the module's ``adapter_class`` is not an :class:`Adapter` subclass.
    """
    try:
        platform = PlatformName(name)
    except ValueError:
        choices = ", ".join(p.value for p in PlatformName)
        raise ValueError(f"unknown platform {name!r}; expected one of: {choices}") from None
    module = importlib.import_module(ADAPTER_MODULES[platform])
    adapter_class: object = getattr(module, "adapter_class", None)
    if not (isinstance(adapter_class, type) and issubclass(adapter_class, Adapter)):
        raise TypeError(f"{module.__name__}.adapter_class must be an Adapter subclass")
    return adapter_class


__all__ = ["ADAPTER_MODULES", "Adapter", "load_adapter", "map_errors"]
