"""gameport: one typed async API for Python browser games on TikTok, Meta and the web."""

__version__ = "0.1.0"
