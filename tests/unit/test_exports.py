"""The public surface: ``gameport.__all__`` is exactly the public names, and the stdlib stays intact."""

from __future__ import annotations

import platform as std_platform
import subprocess
import sys

import gameport


def test_all_is_exactly_the_sorted_public_names() -> None:
    public = sorted(
        name
        for name, value in vars(gameport).items()
        if not name.startswith("_")
        and getattr(value, "__module__", "gameport").startswith("gameport")
        and not isinstance(value, type(sys))
    )
    assert gameport.__all__ == sorted(gameport.__all__, key=lambda n: (not n.isupper(), n))
    assert sorted(gameport.__all__) == public


def test_every_exported_name_exists() -> None:
    for name in gameport.__all__:
        assert hasattr(gameport, name), name


def test_from_gameport_import_platform_leaves_the_stdlib_platform_module_alone() -> None:
    from gameport import Platform, platform

    assert isinstance(platform, Platform)
    assert sys.modules["platform"] is std_platform
    assert callable(sys.modules["platform"].system)


def test_no_module_is_named_platform() -> None:
    assert "gameport.platform" not in sys.modules
    assert gameport.platform.__class__.__module__ == "gameport._platform"


def test_importing_gameport_loads_no_platform_adapter_and_no_javascript() -> None:
    code = (
        "import sys, gameport; from gameport import platform; "
        "print(sorted(m for m in sys.modules if m == 'js' or m.startswith(('gameport.adapters.', "
        "'gameport.bridge.pyodide', 'pyodide'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    shared = ("ad_driver", "base", "detect", "payment_driver")  # the interfaces, no platform's module
    loaded = str([f"gameport.adapters.{name}" for name in shared])
    assert out.strip() == loaded
