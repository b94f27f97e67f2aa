"""The OAuth ``state`` parameter: signed, short-lived, bound to one Chat user and one nonce.

The token only carries a random nonce and the Chat user name, signed with HMAC
(itsdangerous) and timestamped. Everything else about the pending command lives
server-side in a ``pending_authorizations`` row keyed by the nonce, which the callback
deletes atomically when it uses it: that is what makes a state single-use. The
signature lets forged states be refused without touching the database, and the user
name inside it must agree with the row (and later with the Google account's ``sub``).
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from typing import Callable

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

STATE_LIFETIME_SECONDS = 600  # ten minutes: enough to read a consent page, too short to hoard
_SALT = "meetbot.oauth.state"
_NONCE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
_USER = re.compile(r"^users/[A-Za-z0-9_-]{1,64}$")
MAX_STATE_LENGTH = 512  # a real state is ~150 characters; refuse anything far larger unread


class InvalidState(Exception):
    """Why a state is refused, in words fit for the person holding the link."""

    def __init__(self, reason: str, *, expired: bool = False) -> None:
        super().__init__(reason)
        self.expired = expired


@dataclass(frozen=True)
class StateClaims:
    nonce: str
    user_name: str


def new_nonce() -> str:
    return secrets.token_urlsafe(32)  # 256 bits, 43 characters


def _signer_with_clock(clock: Callable[[], float]) -> type[TimestampSigner]:
    class ClockedSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock())

    return ClockedSigner


class StateSigner:
    def __init__(self, keys: list[bytes] | list[str], *, max_age_seconds: int = STATE_LIFETIME_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        if not keys:
            raise ValueError("at least one signing key is required")
        # itsdangerous signs with the last key and accepts any of them (rotation).
        self._serializer = URLSafeTimedSerializer([key.encode() if isinstance(key, str) else key for key in keys], salt=_SALT, signer=_signer_with_clock(clock))
        self.max_age_seconds = max_age_seconds

    def sign(self, nonce: str, user_name: str) -> str:
        return self._serializer.dumps({"n": nonce, "u": user_name})

    def verify(self, token: str | None) -> StateClaims:
        """The claims of a genuine, unexpired state; InvalidState otherwise."""
        if not token:
            raise InvalidState("The link has no state parameter.")
        if len(token) > MAX_STATE_LENGTH:
            raise InvalidState("The link's state parameter is not one this app issued.")
        try:
            data = self._serializer.loads(token, max_age=self.max_age_seconds)
        except SignatureExpired:
            raise InvalidState("This link has expired.", expired=True) from None
        except BadSignature:
            raise InvalidState("The link's state parameter is not one this app issued.") from None
        if not isinstance(data, dict) or not isinstance(data.get("n"), str) or not isinstance(data.get("u"), str) \
                or not _NONCE.match(data["n"]) or not _USER.match(data["u"]):
            raise InvalidState("The link's state parameter is not one this app issued.")
        return StateClaims(nonce=data["n"], user_name=data["u"])
