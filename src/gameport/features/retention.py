"""``platform.shortcut`` and ``platform.revisit``: the platforms' retention features."""

from __future__ import annotations

from gameport._session import SessionGetter
from gameport.capabilities import Capability
from gameport.models.results import ShortcutResult


class Shortcut:
    """The home-screen shortcut (TikTok ``addShortcut``, Meta ``createShortcutAsync``)."""

    def __init__(self, session: SessionGetter) -> None:
        self._session = session

    async def add(self) -> ShortcutResult:
        """Ask the player to add the shortcut; waits for as long as the prompt is open.

        Raises:
            NotInitializedError, UnsupportedCapabilityError (SHORTCUT), UserCancelledError, PlatformError.
        """
        return await self._session().require(Capability.SHORTCUT).add_shortcut()

    async def reward_available(self) -> bool:
        """Whether the platform says the player may claim a shortcut reward now.

        Raises:
            NotInitializedError, UnsupportedCapabilityError (SHORTCUT_REWARD), PlatformError.
        """
        return await self._session().require(Capability.SHORTCUT_REWARD).shortcut_reward_available()


class Revisit:
    """Revisit-from-profile (TikTok's entrance mission): the player reopens the game from their profile."""

    def __init__(self, session: SessionGetter) -> None:
        self._session = session

    async def start(self) -> None:
        """Start the mission (shows the platform's guide).

        Raises:
            NotInitializedError, UnsupportedCapabilityError (REVISIT), UserCancelledError, PlatformError.
        """
        await self._session().require(Capability.REVISIT).start_revisit()

    async def reward_available(self) -> bool:
        """Whether the platform says the player may claim the revisit reward now.

        Raises:
            NotInitializedError, UnsupportedCapabilityError (REVISIT), PlatformError.
        """
        return await self._session().require(Capability.REVISIT).revisit_reward_available()
