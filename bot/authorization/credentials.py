"""``OAuthCredentials``: Meet credentials from each user's stored, encrypted refresh token.

A grant is looked up only by the Chat user of a verified event, so nobody can act with
another person's grant. Access tokens are kept in memory only (per process, per user)
and refreshed by google-auth; transient token-endpoint failures are retried with
backoff and reported as "Google unavailable", never as a revocation. ``invalid_grant``
(revoked, expired, password changed) deletes the stored grant, and the user is asked
to link again.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any, Callable

import google.auth.transport.requests
import requests
from google.oauth2.credentials import Credentials

from ..config import Config
from domain import Person, UserGrant
from ..google.credentials import DIRECTORY_SCOPE, MissingScope, NeedsAuthorization
from ..google.errors import FailureKind, GoogleApiError, call_with_retries
from ..retry import attempt_timeout
from ..storage import Repositories
from .crypto import TokenCipher, UndecryptableToken
from .google_oauth import MEET_SCOPE

log = logging.getLogger(__name__)


class _TimedRequest(google.auth.transport.requests.Request):
    """google-auth's transport with our timeout (its default is 120 s; Chat waits 30)."""

    def __init__(self, session: requests.Session, timeout: float) -> None:
        super().__init__(session)
        self._timeout = timeout

    def __call__(self, url: str, method: str = "GET", body: Any = None, headers: Any = None,
                 timeout: float | None = None, **kwargs: Any) -> Any:
        return super().__call__(url, method=method, body=body, headers=headers,
                                timeout=attempt_timeout(min(timeout or self._timeout, self._timeout)), **kwargs)


class OAuthCredentials:
    def __init__(self, config: Config, storage: Repositories, cipher: TokenCipher, *,
                 session: requests.Session | None = None, cache_size: int = 1024,
                 sleep: Callable[[float], None] | None = None) -> None:
        self._config = config
        self._storage = storage
        self._cipher = cipher
        self._budget = config.sync_budget_seconds / 3  # leave most of Chat's deadline to Meet
        # The token endpoint answers in well under a second; a timeout of half the budget
        # leaves room to retry a stalled refresh (a full Meet timeout would use it all).
        self._request = _TimedRequest(session or requests.Session(), min(config.meet_timeout_seconds,
                                                                         self._budget / 2))
        self._sleep = sleep
        # user name -> (the grant's ciphertext when cached, credentials). The ciphertext
        # ties a cached token to one grant: relinking or unlinking elsewhere invalidates it.
        self._cache: OrderedDict[str, tuple[str, Credentials]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    # -- UserCredentialsProvider --------------------------------------------------------
    def for_user(self, person: Person) -> Credentials:
        grant = self._storage.grants.get_grant(person.user_name)
        if grant is None:
            raise NeedsAuthorization("no stored authorization")
        with self._lock:
            cached = self._cache.get(person.user_name)
            if cached is not None and cached[0] == grant.refresh_token_ciphertext and cached[1].valid:
                self._cache.move_to_end(person.user_name)
                return cached[1]
        credentials = self._credentials_for(grant)
        self._refresh(credentials, grant)
        self._remember(grant.user_name, grant.refresh_token_ciphertext, credentials)
        self._rotate_if_needed(grant)
        return credentials

    def for_directory(self, person: Person) -> Credentials:
        """The same credentials as for Meet, once the user's grant includes
        ``directory.readonly`` (granted incrementally: their token then carries both)."""
        grant = self._storage.grants.get_grant(person.user_name)
        if grant is None:
            raise NeedsAuthorization("no stored authorization")
        if DIRECTORY_SCOPE not in grant.scopes:
            raise MissingScope(DIRECTORY_SCOPE)
        return self.for_user(person)

    def invalidate(self, person: Person) -> None:
        with self._lock:
            cached = self._cache.pop(person.user_name, None)
        # Only the grant that failed: if the user linked again meanwhile, keep the new one.
        if cached is not None:
            self._storage.grants.delete_grant(person.user_name, only_if_ciphertext=cached[0])
        else:
            self._storage.grants.delete_grant(person.user_name)
        log.info("stored authorization invalidated", extra={"fields": {"user": person.user_name}})

    # -- used by linking ------------------------------------------------------------------
    def remember(self, grant: UserGrant, access_token: str, expiry: Any) -> None:
        """Cache the access token the code exchange just returned (no refresh needed)."""
        credentials = self._credentials_for(grant, access_token=access_token, expiry=expiry)
        self._remember(grant.user_name, grant.refresh_token_ciphertext, credentials)

    def forget_cached(self, user_name: str) -> None:
        with self._lock:
            self._cache.pop(user_name, None)

    # -- internals ------------------------------------------------------------------------
    def _credentials_for(self, grant: UserGrant, *, access_token: str | None = None,
                         expiry: Any = None) -> Credentials:
        if MEET_SCOPE not in grant.scopes:
            self._storage.grants.delete_grant(grant.user_name, only_if_ciphertext=grant.refresh_token_ciphertext)
            raise NeedsAuthorization("the stored authorization lacks the Meet scope")
        try:
            refresh_token = self._cipher.decrypt(grant.refresh_token_ciphertext)
        except UndecryptableToken:
            # Its key was removed from TOKEN_ENCRYPTION_KEYS (or the row was altered):
            # the grant is unusable, so ask the user to link again rather than fail forever.
            log.error("stored refresh token cannot be decrypted with the configured keys; asking the user to "
                      "link again", extra={"fields": {"user": grant.user_name}})
            self._storage.grants.delete_grant(grant.user_name, only_if_ciphertext=grant.refresh_token_ciphertext)
            raise NeedsAuthorization("the stored authorization cannot be decrypted") from None
        naive_expiry = expiry.replace(tzinfo=None) if expiry is not None and expiry.tzinfo else expiry
        return Credentials(token=access_token, expiry=naive_expiry,  # google-auth wants naive UTC
                           refresh_token=refresh_token, token_uri=self._config.token_uri,
                           client_id=self._config.oauth_client_id, client_secret=self._config.oauth_client_secret,
                           scopes=sorted(grant.scopes))

    def _refresh(self, credentials: Credentials, grant: UserGrant) -> None:
        try:
            call_with_retries(lambda: credentials.refresh(self._request), budget_seconds=self._budget,
                              sleep=self._sleep)
        except GoogleApiError as error:  # invalid_grant, or transient failures past the budget
            if error.kind is FailureKind.UNAUTHENTICATED:
                log.info("refresh token refused (invalid_grant): deleting the stored authorization",
                         extra={"fields": {"user": grant.user_name}})
                self._storage.grants.delete_grant(grant.user_name, only_if_ciphertext=grant.refresh_token_ciphertext)
                self.forget_cached(grant.user_name)
                raise NeedsAuthorization("the stored authorization was revoked or expired") from error
            raise

    def _remember(self, user_name: str, ciphertext: str, credentials: Credentials) -> None:
        with self._lock:
            self._cache[user_name] = (ciphertext, credentials)
            self._cache.move_to_end(user_name)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def _rotate_if_needed(self, grant: UserGrant) -> None:
        """Re-encrypt a row written under an older key, once it has proved usable."""
        if self._cipher.is_current(grant.refresh_token_ciphertext):
            return
        rotated = self._cipher.rotate(grant.refresh_token_ciphertext)
        if self._storage.grants.replace_grant_ciphertext(grant.user_name, grant.refresh_token_ciphertext, rotated):
            with self._lock:
                cached = self._cache.get(grant.user_name)
                if cached is not None and cached[0] == grant.refresh_token_ciphertext:
                    self._cache[grant.user_name] = (rotated, cached[1])
