"""Every exception gameport raises, under one base class.

Catch :class:`GameportError` to handle anything the SDK raises; catch a subclass to handle one case::

    GameportError                      base; ``.platform`` names the platform when known
    ├── NotInitializedError            a capability was used before ``await platform.init()``
    ├── ConfigError                    the game's configuration is invalid or mixes environments
    ├── InvalidArgumentError           a call's argument is out of range (also a ``ValueError``)
    │   └── InvalidContentError        share / invite content the platform refuses (Meta: no image, ...)
    ├── UnsupportedCapabilityError     not available here; ``.capability``, ``.fallback`` (what to do instead)
    ├── UserCancelledError             the player closed the platform's dialog
    ├── StorageError                   storage failed
    │   └── StorageLimitError          the value is larger than the platform stores
    ├── AnalyticsEventError            an event breaks the platforms' name/parameter limits
    ├── PlatformError                  the platform SDK reported a failure; ``.code``, ``.message``, ``.raw``
    ├── NetworkError                   an HTTP request got no answer (offline, refused, CORS/CSP); ``.url``
    ├── BackendError                   the game backend refused a request; ``.status``, ``.code``, ``.url``
    └── BridgeError                    the Python/JavaScript glue itself failed; ``.path``
        ├── JsPathError                a JavaScript name (SDK function, handle, global) does not exist
        ├── SdkLoadError               a platform SDK script failed to load or never defined its global
        └── BridgeTimeoutError         a call that waits without a person in the loop ran out of time
                                       (also a ``TimeoutError``)

Every message says what happened and, where there is one, what to do next.
"""

from __future__ import annotations

from gameport.values import Json


class GameportError(Exception):
    """Base class of every gameport error."""

    def __init__(self, message: str, *, platform: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.platform = platform


class PlatformError(GameportError):
    """The platform SDK answered with a failure.

    Attributes:
        code: the platform's own error code (Meta's ``"USER_INPUT"``, TikTok's ``102102``), or None when the
            payload carried none.
        message: the platform's message, or a description of the payload.
        raw: the failure payload exactly as the SDK produced it (JSON-like), for logs and support tickets.
        path: the JavaScript function that failed, e.g. ``"TTMinis.game.login"``.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | int | None,
        raw: Json,
        path: str,
        platform: str | None = None,
    ) -> None:
        super().__init__(message, platform=platform)
        self.code = code
        self.raw = raw
        self.path = path

    def __str__(self) -> str:
        return f"{self.path} failed with code {self.code!r}: {self.message}"


class BridgeError(GameportError):
    """The Python/JavaScript glue failed (not the platform): a bug or a broken page set-up."""

    def __init__(self, message: str, *, path: str = "", platform: str | None = None) -> None:
        super().__init__(message, platform=platform)
        self.path = path


class JsPathError(BridgeError):
    """A JavaScript name does not exist: an SDK function the client lacks, or a released handle."""


class SdkLoadError(BridgeError):
    """A platform SDK script failed to load, or loaded without defining its global in time."""


class BridgeTimeoutError(BridgeError, TimeoutError):
    """A call did not answer within its timeout.

    Attributes:
        timeout: the timeout in seconds that ran out.
    """

    def __init__(self, message: str, *, path: str, timeout: float, platform: str | None = None) -> None:
        super().__init__(message, path=path, platform=platform)
        self.timeout = timeout


class NotInitializedError(GameportError):
    """A capability was used before ``await platform.init()`` finished."""


class ConfigError(GameportError):
    """The game's configuration is invalid (for example, production settings pointing at a sandbox)."""


class InvalidArgumentError(GameportError, ValueError):
    """An argument is invalid (a NaN progress, a negative leaderboard offset, an empty storage key)."""


class InvalidContentError(InvalidArgumentError):
    """Share or invite content the platform refuses, found before calling it (Meta: no image, or ``data``
    over 1000 characters as JSON)."""


class UnsupportedCapabilityError(GameportError):
    """The platform cannot do this here (absent API, old client, or not configured).

    Attributes:
        capability: the :class:`~gameport.capabilities.Capability` asked for.
        fallback: what the game should do instead.
    """

    def __init__(self, capability: str, platform: str, fallback: str, reason: str = "") -> None:
        why = f" ({reason})" if reason else ""
        super().__init__(
            f"{capability} is not supported on {platform}{why}; instead: {fallback}. "
            f"Check platform.supports(Capability.{capability.upper()}) before calling.",
            platform=platform,
        )
        self.capability = capability
        self.fallback = fallback
        self.reason = reason


class UserCancelledError(GameportError):
    """The player closed a platform dialog (login, authorization, share, invite, shortcut, purchase)."""


class StorageError(GameportError):
    """A storage operation failed."""


class StorageLimitError(StorageError):
    """The value is larger than the platform stores (Meta: 1 MB per player)."""


class AnalyticsEventError(GameportError):
    """An analytics event breaks the platforms' limits (name 2-40 chars of ``[A-Za-z0-9 _-]``, ...)."""


class NetworkError(GameportError):
    """An HTTP request got no answer: offline, DNS failure, connection refused, or refused by the browser
    (CORS, the page's Content-Security-Policy ``connect-src``). Retrying later may help.

    Attributes:
        url: the URL requested.
    """

    def __init__(self, message: str, *, url: str, platform: str | None = None) -> None:
        super().__init__(message, platform=platform)
        self.url = url


class BackendError(GameportError):
    """The game backend answered with an HTTP error, or with an answer gameport cannot use.

    Attributes:
        status: the HTTP status (401, 400, 503, ...; the 2xx status for a malformed success answer).
        code: the backend's error code from ``{"error": {"code": ...}}`` (``"bad_score"``,
            ``"dev_login_disabled"``, ...); ``"malformed_response"`` for an answer without the expected
            fields; None when the body named no code.
        url: the URL requested.
    """

    def __init__(
        self, message: str, *, status: int, code: str | None, url: str, platform: str | None = None
    ) -> None:
        super().__init__(message, platform=platform)
        self.status = status
        self.code = code
        self.url = url
