"""The frozen results and inputs of the platform API. Plain data: no JavaScript objects inside."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from gameport.values import Json, JsonObject


@dataclass(frozen=True, slots=True)
class LoginResult:
    """What a silent login gives.

    Attributes:
        platform: ``"tiktok"``, ``"meta"`` or ``"web"``.
        player_id: the player id when the client can know it (Meta's ``player.getID()``, the web platform's
            local id); None on TikTok, where only the backend learns the ``open_id`` from ``credential``.
        credential: what your backend verifies: TikTok's one-time login ``code``, Meta's signed player info
            (``"<sig>.<payload>"``), or the web platform's unsigned dev token.
        credential_kind: ``"tiktok_code"``, ``"meta_signed_player_info"`` or ``"web_dev_token"``.
        nonce: the nonce bound into Meta's signed payload (``request_payload``), for replay protection.
    """

    platform: str
    player_id: str | None
    credential: str
    credential_kind: str
    nonce: str | None = None


@dataclass(frozen=True, slots=True)
class AuthorizeResult:
    """Explicit authorization (TikTok): the scopes the player granted, and a code for the backend."""

    granted_scopes: tuple[str, ...]
    code: str | None = None


@dataclass(frozen=True, slots=True)
class LaunchData:
    """How the game was opened: TikTok's ``scene`` / ``query``; Meta's entry point and its data."""

    entry_point: str | None = None
    query: dict[str, str] = field(default_factory=dict)
    data: Json = None


class LifecycleEvent(StrEnum):
    """Lifecycle changes reported by ``platform.lifecycle``."""

    PAUSE = "pause"
    RESUME = "resume"
    MUTE = "mute"
    UNMUTE = "unmute"


@dataclass(frozen=True, slots=True)
class ShareContent:
    """What to share or invite with. Each platform uses what it can (see ``platform.social``).

    Attributes:
        text: the message (Meta: required).
        image: a base64 ``data:`` URL (Meta: required for share and invite; TikTok ignores it: its title and
            image come from the platform's configuration).
        title: TikTok's share title (may be overridden by platform configuration).
        data: payload delivered back to the receiver's launch data (Meta ``data``, at most 1000 characters as
            JSON; TikTok ``query`` as ``k=v&...`` of the top-level string values).
    """

    text: str
    image: str | None = None
    title: str | None = None
    data: JsonObject | None = None


@dataclass(frozen=True, slots=True)
class ShareResult:
    """The outcome of share or invite.

    Attributes:
        completed: True when the platform says the player shared; None when the platform cannot tell
            (Meta's ``shareAsync`` resolves whether or not the player shared: never reward on it).
        method: ``"share"``, ``"invite"``, or ``"share_as_invite"`` when invite fell back to share.
    """

    completed: bool | None
    method: str


@dataclass(frozen=True, slots=True)
class ShortcutResult:
    """The outcome of asking to add the home-screen shortcut. ``added`` False: declined or unavailable."""

    added: bool


@dataclass(frozen=True, slots=True)
class LeaderboardEntry:
    """One leaderboard row. ``player_id`` only: names and photos are not available client-side (Meta 8.0)."""

    player_id: str
    score: int
    rank: int | None = None
    extra: str | None = None
