"""Coin Catch, the gameport demo game: ``world`` (rules, no I/O), ``services`` (gameport), ``app`` (loop)."""
