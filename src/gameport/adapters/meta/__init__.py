"""Meta Instant Games (``FBInstant`` 8.0): the adapter, its ads, leaderboards, player data and sharing."""

from gameport.adapters.meta.adapter import MetaAdapter, adapter_class

__all__ = ["MetaAdapter", "adapter_class"]
