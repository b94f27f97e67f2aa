"""Linking a Chat user's Google account: begin (the Chat prompt), start, finish, unlink.

    begin   a command needs Meet and the user has no grant: a pending authorization is
            stored (nonce, user, the command, Chat's configCompleteRedirectUrl, the PKCE
            verifier) and the prompt URL ``{PUBLIC_URL}/oauth2/start?state=…`` returned.
            ``begin_directory`` does the same to add ``directory.readonly`` to a linked
            user's grant (incremental authorization) for a meeting's waiting co-hosts.
    start   GET /oauth2/start: the state is checked and the browser sent to Google.
    finish  GET /oauth2/callback: state, Google's answer, scopes and identity are all
            checked before anything is stored; only then is the refresh token stored,
            encrypted. Every refusal stores nothing and explains itself on a page.
    unlink  /meetlogout: revoke at Google, delete the grant.

A state is single-use for codes: ``finish`` deletes the pending row atomically before it
looks at a code, so a replay finds nothing. Google's refusal (Cancel on the consent page:
``error=access_denied``, no code) leaves the row in place, so the same prompt's link
works again until it expires.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, ClassVar, Mapping, Protocol
from urllib.parse import urlencode

from ..config import Config
from domain import MeetRequest, PendingAuthorization, Person, UserGrant
from ..storage import Repositories, StorageError
from . import pages
from .credentials import OAuthCredentials
from .crypto import TokenCipher, UndecryptableToken
from .google_oauth import (
    DIRECTORY_REQUESTED_SCOPES,
    DIRECTORY_SCOPE,
    MEET_SCOPE,
    REQUESTED_SCOPES,
    GoogleOAuthClient,
    TokenExchangeError,
    TokenResponse,
    new_code_verifier,
)
from .pages import Page
from .redirects import is_chat_config_complete_url
from .state import InvalidState, StateSigner, new_nonce

log = logging.getLogger(__name__)

REQUIRED_SCOPES = frozenset({"openid", MEET_SCOPE})


def _scopes_for(pending: PendingAuthorization) -> tuple[str, ...]:
    """What the consent page asks for: linking asks for Meet; a directory grant asks only
    for directory.readonly (include_granted_scopes brings what was granted before)."""
    return DIRECTORY_REQUESTED_SCOPES if pending.directory_meeting is not None else REQUESTED_SCOPES


@dataclass(frozen=True)
class Redirect:
    url: str


@dataclass(frozen=True)
class Linked:
    """The grant is stored; ``pending`` says what to finish, ``redirect_url`` (validated)
    where to send the browser, or None for a plain success page."""

    pending: PendingAuthorization
    grant: UserGrant
    redirect_url: str | None


class Unlinked(str, enum.Enum):
    NOT_LINKED = "not_linked"  # there was nothing to unlink
    REVOKED = "revoked"  # Google confirmed, and the stored grant is gone
    DELETED_ONLY = "deleted_only"  # the stored grant is gone; Google did not confirm the revocation


class AccountLinking(Protocol):
    """What the app asks of account linking; ``Authorization`` when people link their
    accounts (AUTH_MODE=oauth), ``LinkingOff`` with domain-wide delegation."""

    # False: nobody links an account here (the service account acts for everyone), so
    # there is no prompt to send and no link to offer; callers say so in their own words.
    links_accounts: ClassVar[bool]

    def begin(self, user: Person, request: MeetRequest | None, *, event_format: str,
              config_complete_url: str | None) -> str: ...

    def begin_directory(self, user: Person, meeting_card: str) -> str: ...

    def start(self, state: str | None) -> Redirect | Page: ...

    def finish(self, args: Mapping[str, str]) -> Linked | Page: ...

    def unlink(self, person: Person) -> Unlinked: ...


class Authorization:
    links_accounts: ClassVar[bool] = True

    def __init__(self, config: Config, storage: Repositories, oauth: GoogleOAuthClient, cipher: TokenCipher,
                 signer: StateSigner, credentials: OAuthCredentials, clock: Callable[[], datetime]) -> None:
        self._config = config
        self._storage = storage
        self._oauth = oauth
        self._cipher = cipher
        self._signer = signer
        self.credentials = credentials
        self._clock = clock

    # -- begin ----------------------------------------------------------------------------
    def begin(self, user: Person, request: MeetRequest | None, *, event_format: str,
              config_complete_url: str | None) -> str:
        """Store a pending authorization for ``user`` and return the URL to prompt with."""
        now = self._clock()
        self._storage.grants.prune_pending_authorizations(now)  # keeps the table small, no cron needed
        nonce = new_nonce()
        self._storage.grants.add_pending_authorization(PendingAuthorization(
            nonce=nonce, user=user, request=request, event_format=event_format,
            config_complete_url=config_complete_url,
            code_verifier_ciphertext=self._cipher.encrypt(new_code_verifier()),
            created_at=now, expires_at=now + timedelta(seconds=self._signer.max_age_seconds)))
        return f"{self._config.public_url}/oauth2/start?{urlencode({'state': self._signer.sign(nonce, user.user_name)})}"

    def begin_directory(self, user: Person, meeting_card: str) -> str:
        """The URL asking ``user`` to allow directory lookups (``directory.readonly``,
        added to their grant incrementally) for the co-hosts waiting on ``meeting_card``."""
        now = self._clock()
        self._storage.grants.prune_pending_authorizations(now)
        nonce = new_nonce()
        self._storage.grants.add_pending_authorization(PendingAuthorization(
            nonce=nonce, user=user, request=None, event_format="classic", config_complete_url=None,
            code_verifier_ciphertext=self._cipher.encrypt(new_code_verifier()),
            created_at=now, expires_at=now + timedelta(seconds=self._signer.max_age_seconds),
            directory_meeting=meeting_card))
        return f"{self._config.public_url}/oauth2/start?{urlencode({'state': self._signer.sign(nonce, user.user_name)})}"

    # -- start ----------------------------------------------------------------------------
    def start(self, state: str | None) -> Redirect | Page:
        """Send the browser to Google's consent page, if the state is good."""
        try:
            claims = self._signer.verify(state)
        except InvalidState as error:
            return pages.invalid_state(str(error), expired=error.expired)
        pending = self._storage.grants.get_pending_authorization(claims.nonce)
        if pending is None or pending.expires_at <= self._clock():
            return pages.already_used()
        if pending.user.user_name != claims.user_name:
            return pages.mismatched_state()
        if not self._redirect_acceptable(pending.config_complete_url):
            return pages.bad_return_address()
        try:
            verifier = self._cipher.decrypt(pending.code_verifier_ciphertext)
        except UndecryptableToken:
            return pages.mismatched_state()
        assert state is not None  # verified above
        return Redirect(self._oauth.authorization_url(state=state, code_verifier=verifier,
                                                      login_hint=pending.user.email, scopes=_scopes_for(pending)))

    # -- finish ---------------------------------------------------------------------------
    def finish(self, args: Mapping[str, str]) -> Linked | Page:
        """Check everything, then store the grant. Any refusal stores nothing."""
        try:
            claims = self._signer.verify(args.get("state"))
        except InvalidState as error:
            log.warning("callback with a bad state", extra={"fields": {"reason": str(error)}})
            return pages.invalid_state(str(error), expired=error.expired)
        refusal = args.get("error")
        # Google's refusal (the person clicked Cancel) carries no code, so nothing can be
        # replayed with it: the pending authorization is only looked at, and the prompt's
        # link still works, as a person expects of a Configure button clicked again.
        # Anything carrying a code (even beside an error) takes (deletes) it first,
        # whatever follows: such a state can never be used twice.
        if refusal and "code" not in args:
            pending = self._storage.grants.get_pending_authorization(claims.nonce)
        else:
            pending = self._storage.grants.take_pending_authorization(claims.nonce)
        if pending is None or pending.expires_at <= self._clock():
            log.warning("callback for a used or expired state")
            return pages.already_used()
        if pending.user.user_name != claims.user_name:
            log.warning("callback whose state does not match its pending authorization")
            return pages.mismatched_state()
        if not self._redirect_acceptable(pending.config_complete_url):
            log.warning("pending authorization with a return address that is not Google Chat")
            return pages.bad_return_address()
        if refusal:
            minutes_left = max(1, int((pending.expires_at - self._clock()).total_seconds() // 60))
            if refusal == "access_denied":
                return pages.access_denied(minutes_left, directory=pending.directory_meeting is not None)
            return pages.google_error(refusal, minutes_left)
        code = args.get("code")
        if not code:
            return pages.missing_code()
        try:
            verifier = self._cipher.decrypt(pending.code_verifier_ciphertext)
        except UndecryptableToken:
            return pages.mismatched_state()

        try:
            tokens = self._oauth.exchange_code(code, verifier, _scopes_for(pending))
        except TokenExchangeError as failure:
            log.warning("code exchange failed", extra={"fields": {"reason": str(failure)}})
            return pages.exchange_failed(failure.transient)

        subject: str | None = None
        if tokens.id_token:
            try:
                subject = str(self._oauth.verify_id_token(tokens.id_token).get("sub") or "") or None
            except Exception as failure:  # noqa: BLE001 - any doubt about identity is a refusal
                log.warning("ID token rejected", extra={"fields": {"reason": str(failure)}})
                self._discard(tokens, None)
                return pages.unverified_identity()
            if subject is None or f"users/{subject}" != pending.user.user_name:
                # Someone else's Google account answered this user's link (a forwarded
                # link, or a browser signed in as another person): never store it.
                log.warning("callback for another account", extra={"fields": {"user": pending.user.user_name}})
                self._discard(tokens, subject)
                return pages.other_account()
        if not REQUIRED_SCOPES <= tokens.scopes:
            self._discard(tokens, subject)
            return pages.partial_scopes()
        if pending.directory_meeting is not None and DIRECTORY_SCOPE not in tokens.scopes:
            # Declined (unticked on the consent page): the link they have stays as it was.
            self._discard(tokens, subject)
            return pages.directory_declined()
        if subject is None:
            self._discard(tokens, None)
            return pages.unverified_identity()
        if not tokens.refresh_token:
            self._discard(tokens, subject)
            return pages.no_refresh_token()

        now = self._clock()
        grant = UserGrant(user_name=pending.user.user_name, google_subject=subject, email=pending.user.email,
                          scopes=tokens.scopes, refresh_token_ciphertext=self._cipher.encrypt(tokens.refresh_token),
                          created_at=now, updated_at=now)
        try:
            grant = self._storage.grants.save_grant(grant)
        except StorageError:
            log.exception("could not store a grant")
            self._discard(tokens, None)
            return pages.unavailable()
        self.credentials.remember(grant, tokens.access_token, tokens.expires_at)
        log.info("account linked", extra={"fields": {"user": grant.user_name}})
        return Linked(pending, grant, pending.config_complete_url)

    # -- unlink ---------------------------------------------------------------------------
    def unlink(self, person: Person) -> Unlinked:
        grant = self._storage.grants.get_grant(person.user_name)
        if grant is None:
            return Unlinked.NOT_LINKED
        self.credentials.forget_cached(person.user_name)
        try:
            refresh_token: str | None = self._cipher.decrypt(grant.refresh_token_ciphertext)
        except UndecryptableToken:
            refresh_token = None  # nobody can use it any more; deleting is all that is left
        confirmed = self._oauth.revoke(refresh_token) if refresh_token else False
        # Deleted whatever Google said: the user asked for it, and without our copy the
        # token is useless to anyone.
        self._storage.grants.delete_grant(person.user_name)
        self.credentials.forget_cached(person.user_name)
        log.info("account unlinked", extra={"fields": {"user": person.user_name, "revoked": confirmed}})
        return Unlinked.REVOKED if confirmed else Unlinked.DELETED_ONLY

    # -- helpers --------------------------------------------------------------------------
    def _redirect_acceptable(self, url: str | None) -> bool:
        return url is None or is_chat_config_complete_url(url, emulator_origin=self._config.emulator_chat_origin)

    def _discard(self, tokens: TokenResponse, subject: str | None) -> None:
        """Tokens we refuse to keep: revoke them at Google, unless that would also end a
        link we hold for that account (Google revokes a client's grant as a whole)."""
        if subject is not None and self._storage.grants.get_grant(f"users/{subject}") is not None:
            return
        token = tokens.refresh_token or tokens.access_token
        if token:
            self._oauth.revoke(token)


class LinkingIsOff(RuntimeError):
    """A link was asked for where nobody links accounts (a caller forgot ``links_accounts``)."""


class LinkingOff:
    """Account linking with domain-wide delegation: off. The browser routes answer that
    linking is not used here; nothing is ever stored, and nobody can be prompted."""

    links_accounts: ClassVar[bool] = False

    def begin(self, user: Person, request: MeetRequest | None, *, event_format: str,
              config_complete_url: str | None) -> str:
        raise LinkingIsOff("accounts are not linked with domain-wide delegation")

    def begin_directory(self, user: Person, meeting_card: str) -> str:
        raise LinkingIsOff("accounts are not linked with domain-wide delegation")

    def start(self, state: str | None) -> Redirect | Page:
        return pages.not_enabled()

    def finish(self, args: Mapping[str, str]) -> Linked | Page:
        return pages.not_enabled()

    def unlink(self, person: Person) -> Unlinked:
        return Unlinked.NOT_LINKED  # there is never a stored grant to remove
