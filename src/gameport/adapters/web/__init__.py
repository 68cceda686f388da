"""The plain web: browser storage, the page's lifecycle, ``navigator.share`` and a page ad provider."""

from gameport.adapters.web.adapter import PLAYER_ID_KEY, STORAGE_PREFIX, WebAdapter, adapter_class

__all__ = ["PLAYER_ID_KEY", "STORAGE_PREFIX", "WebAdapter", "adapter_class"]
