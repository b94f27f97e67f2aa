"""Per-user authorization (AUTH_MODE=oauth): stored grants and unfinished links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .meetings import MeetRequest, Person


@dataclass(frozen=True)
class UserGrant:
    """A user's stored authorization (AUTH_MODE=oauth). The refresh token is kept only as
    ciphertext: storage never sees it in the clear."""

    user_name: str  # users/{id}: whose grant; only ever looked up by a verified event's user
    google_subject: str  # the ID token's ``sub`` at linking time (equals the id in user_name)
    email: str | None
    scopes: frozenset[str]
    refresh_token_ciphertext: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PendingAuthorization:
    """A started but unfinished link: what the OAuth ``state`` stands for, server-side.

    Single use: the callback takes (deletes) it atomically before doing anything else.
    """

    nonce: str
    user: Person
    request: MeetRequest | None  # the command to finish after consent (None: just link)
    event_format: str  # "classic" or "addon"
    config_complete_url: str | None  # Chat's configCompleteRedirectUrl from the event
    code_verifier_ciphertext: str  # PKCE verifier, encrypted like refresh tokens
    created_at: datetime
    expires_at: datetime
    # Set when this asks for directory lookups (directory.readonly, granted incrementally)
    # because a meeting's mentioned co-hosts need them: that meeting's join card (its
    # message name), whose waiting co-hosts are added once the user grants it.
    directory_meeting: str | None = None
