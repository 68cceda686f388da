"""Meta's share and invite dialogs (``shareAsync``, ``inviteAsync``) for :class:`~.meta.MetaAdapter`.

Both take the same payload: a base64 ``data:`` image (required), text and optional ``data`` of at most
:data:`SHARE_DATA_LIMIT` characters as JSON, which gameport checks before calling Meta.
"""

from __future__ import annotations

import json
from typing import Final

from gameport.adapters.base import ErrorMap, map_errors
from gameport.bridge import Bridge
from gameport.errors import InvalidContentError
from gameport.models.results import ShareContent, ShareResult
from gameport.values import JsonObject

SHARE_DATA_LIMIT: Final = 1000
"""Characters of ``ShareContent.data`` as JSON that Meta accepts."""


def share_payload(content: ShareContent) -> JsonObject:
    """The ``shareAsync`` / ``inviteAsync`` payload of ``content``.

    Raises:
        InvalidContentError: no image, or ``data`` over :data:`SHARE_DATA_LIMIT` characters as JSON.
    """
    if not content.image:
        raise InvalidContentError("Meta needs ShareContent.image (a base64 data: URL)", platform="meta")
    payload: JsonObject = {"image": content.image, "text": content.text}
    if content.data is not None:
        if len(json.dumps(content.data, separators=(",", ":"))) > SHARE_DATA_LIMIT:
            raise InvalidContentError("ShareContent.data is over 1000 characters as JSON", platform="meta")
        payload["data"] = content.data
    return payload


async def share(bridge: Bridge, content: ShareContent, codes: ErrorMap) -> ShareResult:
    """``shareAsync``; ``completed`` is always None (Meta resolves whether or not the player shared).

    Raises:
        InvalidContentError: as :func:`share_payload`, before calling Meta.
        Whatever ``codes`` maps Meta's failure to; PlatformError for any other failure.
    """
    await _send(bridge, "FBInstant.shareAsync", content, codes)
    return ShareResult(completed=None, method="share")


async def invite(bridge: Bridge, content: ShareContent, codes: ErrorMap) -> ShareResult:
    """``inviteAsync``; resolving means the player sent the invite. Raises as :func:`share`."""
    await _send(bridge, "FBInstant.inviteAsync", content, codes)
    return ShareResult(completed=True, method="invite")


async def _send(bridge: Bridge, path: str, content: ShareContent, codes: ErrorMap) -> None:
    payload = share_payload(content)
    with map_errors(codes):
        await bridge.call(path, payload, timeout=None)  # a dialog: the player decides, no timeout
