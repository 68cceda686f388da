"""Load the top-level ``build.py`` as a module, for tests of it and for its static-site server."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def load_build_script() -> Any:
    """``build.py`` imported under a private name (``build`` is also a PyPI package's name)."""
    spec = importlib.util.spec_from_file_location("gameport_build_script", ROOT / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
