"""Meta's silent login: signed player info bound to a nonce, checked for shape before it leaves."""

from __future__ import annotations

import os

from gameport.bridge import Bridge
from gameport.errors import PlatformError
from gameport.models.results import LoginResult

PATH = "FBInstant.player.getSignedPlayerInfoAsync"


async def signed_login(bridge: Bridge, nonce: str | None, timeout: float) -> LoginResult:
    """``getSignedPlayerInfoAsync(nonce)`` -> a :class:`LoginResult` whose credential is the signature.

    Without ``nonce`` a random one is bound (``LoginResult.nonce`` says which). The info object is released
    before this returns.

    Raises:
        PlatformError: Meta failed, or answered a signature that is not ``<sig>.<payload>`` or no player id.
        BridgeTimeoutError: no answer within ``timeout`` seconds.
    """
    # os.urandom as secrets does, without secrets' base64 and hmac in the browser's stdlib download
    nonce = nonce if nonce is not None else os.urandom(16).hex()
    info = await bridge.create(PATH, nonce, timeout=timeout)
    try:
        signature = bridge.call_sync(info.member("getSignature"))
        player_id = bridge.call_sync(info.member("getPlayerID"))
    finally:
        bridge.release(info)
    sig, _, payload = signature.partition(".") if isinstance(signature, str) else ("", "", "")
    if not (isinstance(signature, str) and sig and payload and isinstance(player_id, str) and player_id):
        raise PlatformError(
            "Meta answered a malformed signed player info (expected '<sig>.<payload>' and a player id)",
            code=None,
            raw={"signature": signature, "player_id": player_id},
            path=PATH,
            platform="meta",
        )
    return LoginResult("meta", player_id, signature, "meta_signed_player_info", nonce)
