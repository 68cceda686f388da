"""``platform.social``: share and invite."""

from __future__ import annotations

from gameport._session import SessionGetter
from gameport.capabilities import Capability
from gameport.models.results import ShareContent, ShareResult


class Social:
    """Share (TikTok ``shareAppMessage``, Meta ``shareAsync``, web ``navigator.share``) and invite.

    Meta's ``shareAsync`` resolves whether or not the player shared, so its ``ShareResult.completed`` is None:
    never grant a reward for sharing there. TikTok has no invite: its adapter shares instead and reports
    ``method="share_as_invite"``. Cancelling the Python ``await`` does not close the platform's dialog.
    """

    def __init__(self, session: SessionGetter) -> None:
        self._session = session

    async def share(self, content: ShareContent) -> ShareResult:
        """Open the platform's share UI with ``content``.

        Raises:
            NotInitializedError, UnsupportedCapabilityError (SHARE), UserCancelledError, PlatformError.
        """
        return await self._session().require(Capability.SHARE).share(content)

    async def invite(self, content: ShareContent) -> ShareResult:
        """Open the platform's invite UI with ``content``.

        Raises:
            NotInitializedError, UnsupportedCapabilityError (INVITE), UserCancelledError, PlatformError.
        """
        return await self._session().require(Capability.INVITE).invite(content)
