"""Whose credentials a Meet call runs with: one interface, one implementation per mode.

The Meet REST API accepts only user credentials. Domain-wide delegation lets the app's
service account act as any user of the domain (``sub`` = the user's email); per-user
OAuth linking (``bot.authorization.credentials.OAuthCredentials``) is the other.
"""

from __future__ import annotations

import threading
from typing import Protocol

from google.auth.credentials import Credentials
from google.oauth2 import service_account

from ..domain import Person

MEET_SCOPES = ("https://www.googleapis.com/auth/meetings.space.created",)


class NeedsAuthorization(Exception):
    """The user has not (or no longer) authorized the app to act for them."""


class UserCredentialsProvider(Protocol):
    def for_user(self, person: Person) -> Credentials:
        """Credentials acting as ``person`` for Meet, or NeedsAuthorization."""

    def invalidate(self, person: Person) -> None:
        """Google refused ``person``'s credentials as no longer valid (``invalid_grant``):
        forget them, so the next command asks the user again instead of failing again."""


class DelegatedCredentials:
    """Domain-wide delegation: the service account impersonates the user by email.

    Credentials are cached per user so their access tokens are reused until they
    expire, instead of one token request per Meet call.
    """

    def __init__(self, key_info: dict[str, str], token_uri: str | None = None, cache_size: int = 1024) -> None:
        if token_uri:  # the emulator (local mode and tests)
            from emulator.clients import service_account_credentials

            self._base = service_account_credentials(key_info, MEET_SCOPES, token_uri)
        else:
            self._base = service_account.Credentials.from_service_account_info(key_info, scopes=list(MEET_SCOPES))
        self._cache: dict[str, Credentials] = {}
        self._lock = threading.Lock()
        self._cache_size = cache_size

    def for_user(self, person: Person) -> Credentials:
        if not person.email:
            raise NeedsAuthorization("the event carries no email for this user")
        with self._lock:
            found = self._cache.get(person.email)
            if found is None:
                if len(self._cache) >= self._cache_size:
                    self._cache.pop(next(iter(self._cache)))
                found = self._base.with_subject(person.email)
                self._cache[person.email] = found
            return found

    def invalidate(self, person: Person) -> None:
        # Nothing is stored per user; a refusal here is the administrator's delegation
        # setup, so only the cached token goes (the next call asks Google afresh).
        with self._lock:
            self._cache.pop(person.email or "", None)
