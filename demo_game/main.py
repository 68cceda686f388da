"""Coin Catch, the gameport demo game: boot.js writes the ``game`` package next to this file in Pyodide's
file system and runs this with top-level await. The game runs until the page closes."""

import os
import sys

if os.getcwd() not in sys.path:
    sys.path.insert(0, os.getcwd())

from game.app import main

await main()  # noqa: F704
