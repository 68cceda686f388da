"""Per-game configuration: per platform and per environment settings, in one TOML or JSON file.

:class:`GameConfig` is the whole file (``GameConfig.load("gameport.toml")``), :class:`PlatformSettings` what
one adapter receives, :class:`AdPolicy` the ad pacing of one block. ``schema.json`` beside this module is the
JSON Schema of the file, for editors.
"""

from gameport.config.ad_policy import AdPolicy
from gameport.config.game_config import GameConfig
from gameport.config.settings import Environment, PlatformSettings

__all__ = ["AdPolicy", "Environment", "GameConfig", "PlatformSettings"]
