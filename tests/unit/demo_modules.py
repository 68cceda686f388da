"""Loads a module of the demo game (``demo_game/game/<name>.py``) on CPython for the demo's unit tests: the
game is not a package on the test path."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

GAME = Path(__file__).resolve().parents[2] / "demo_game" / "game"


def load_demo_module(name: str) -> Any:
    """A fresh import of ``demo_game/game/<name>.py`` as ``coin_catch_<name>``."""
    spec = importlib.util.spec_from_file_location(f"coin_catch_{name}", GAME / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module
