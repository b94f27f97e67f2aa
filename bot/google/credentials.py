"""Whose credentials a Meet call runs with: one interface, one implementation per mode.

The Meet REST API accepts only user credentials. Domain-wide delegation lets the app's
service account act as any user of the domain (``sub`` = the user's email); per-user
OAuth linking (``bot.authorization.credentials.OAuthCredentials``) is the other.

Directory lookups (the People API, to find a mentioned person's email) take one more
scope, ``directory.readonly``, asked for separately: in OAuth mode the user grants it
incrementally, only once a mention needs it; with delegation it is a token of its own,
so a domain whose administrator has not allowed that scope still creates meetings.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Mapping, Protocol, Sequence

from google.auth.credentials import Credentials
from google.oauth2 import service_account

from domain import Person

MEET_SCOPES = ("https://www.googleapis.com/auth/meetings.space.created",)
DIRECTORY_SCOPE = "https://www.googleapis.com/auth/directory.readonly"


# Builds a service account's credentials from its key (the JSON the Cloud console
# downloads) for some scopes. Production uses Google's own (``google_service_accounts``);
# local mode passes the emulator's in through ``create_app``, so nothing under ``bot/``
# ever imports the emulator (which is not deployed).
ServiceAccounts = Callable[[Mapping[str, Any], Sequence[str]], service_account.Credentials]


def google_service_accounts(token_uri: str | None = None) -> ServiceAccounts:
    """google-auth's service-account credentials; ``token_uri`` (GOOGLE_TOKEN_URI) replaces
    the key file's own when set."""
    def build(info: Mapping[str, Any], scopes: Sequence[str]) -> service_account.Credentials:
        key = {**info, "token_uri": token_uri} if token_uri else dict(info)
        return service_account.Credentials.from_service_account_info(key, scopes=list(scopes))

    return build


class NeedsAuthorization(Exception):
    """The user has not (or no longer) authorized the app to act for them."""


class MissingScope(Exception):
    """The user's authorization works but does not include a scope this needs (they can
    grant it incrementally)."""


class UserCredentialsProvider(Protocol):
    def for_user(self, person: Person) -> Credentials:
        """Credentials acting as ``person`` for Meet, or NeedsAuthorization."""

    def invalidate(self, person: Person) -> None:
        """Google refused ``person``'s credentials as no longer valid (``invalid_grant``):
        forget them, so the next command asks the user again instead of failing again."""

    def for_directory(self, person: Person) -> Credentials:
        """Credentials acting as ``person`` that read their organization's directory
        (``directory.readonly``): NeedsAuthorization without any, MissingScope when their
        authorization lacks that scope."""


class DelegatedCredentials:
    """Domain-wide delegation: the service account impersonates the user by email.

    Credentials are cached per user so their access tokens are reused until they
    expire, instead of one token request per Meet call.
    """

    def __init__(self, key_info: Mapping[str, Any], service_accounts: ServiceAccounts | None = None,
                 cache_size: int = 1024) -> None:
        self._base: Any = (service_accounts or google_service_accounts())(key_info, MEET_SCOPES)
        # Directory lookups get tokens of their own (not Meet's scope): an administrator
        # who has not allowed directory.readonly breaks only them, never Meet.
        self._directory_base = self._base.with_scopes([DIRECTORY_SCOPE])
        self._cache: dict[tuple[str, str], Credentials] = {}
        self._lock = threading.Lock()
        self._cache_size = cache_size

    def for_user(self, person: Person) -> Credentials:
        return self._subject(person, "meet", self._base)

    def for_directory(self, person: Person) -> Credentials:
        return self._subject(person, "directory", self._directory_base)

    def _subject(self, person: Person, purpose: str, base: Any) -> Credentials:
        if not person.email:
            raise NeedsAuthorization("the event carries no email for this user")
        key = (purpose, person.email)
        with self._lock:
            found = self._cache.get(key)
            if found is None:
                if len(self._cache) >= self._cache_size:
                    self._cache.pop(next(iter(self._cache)))
                found = base.with_subject(person.email)
                self._cache[key] = found
            return found

    def invalidate(self, person: Person) -> None:
        # Nothing is stored per user; a refusal here is the administrator's delegation
        # setup, so only the cached tokens go (the next call asks Google afresh).
        with self._lock:
            for purpose in ("meet", "directory"):
                self._cache.pop((purpose, person.email or ""), None)
