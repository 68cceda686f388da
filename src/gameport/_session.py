"""The state of an initialised platform, shared by the facade and its namespaces."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gameport.adapters.base import Adapter
from gameport.backend.leaderboards import BackendLeaderboards
from gameport.backend.session import BackendSession
from gameport.capabilities import Capability, CapabilityGate, PlatformName
from gameport.config.settings import Environment, PlatformSettings


@dataclass(frozen=True, slots=True)
class Session:
    """What ``platform.init()`` settled: the platform, its adapter and this session's capability gate.

    ``backend`` is the game-backend session when ``backend_url`` is configured; ``backend_leaderboards``
    serves LEADERBOARDS on platforms without their own when ``leaderboard_url`` is configured.
    """

    name: PlatformName
    adapter: Adapter
    gate: CapabilityGate
    settings: PlatformSettings
    environment: Environment
    storage_limit: int
    backend: BackendSession | None = None
    backend_leaderboards: BackendLeaderboards | None = None

    @property
    def capabilities(self) -> frozenset[Capability]:
        """Everything available in this session."""
        return self.gate.available

    def require(self, capability: Capability) -> Adapter:
        """The adapter, when ``capability`` is available in this session.

        Raises:
            UnsupportedCapabilityError: it is not; the error names the capability, the platform, the
                precise reason (client version, configuration, no such API) and the fallback.
        """
        self.gate.require(capability)
        return self.adapter


SessionGetter = Callable[[], Session]
"""Returns the current session, or raises NotInitializedError before ``platform.init()``."""
