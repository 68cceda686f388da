"""TikTok Mini Games (``TTMinis.game``): the adapter, its ads, its error codes and its [unconfirmed] table."""

from gameport.adapters.tiktok.adapter import TikTokAdapter, adapter_class

__all__ = ["TikTokAdapter", "adapter_class"]
