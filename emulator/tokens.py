"""OAuth 2.0 grants and access tokens, as Google's authorization server keeps them.

Access tokens are opaque (``ya29.…``) and expire after a configurable lifetime so that
refresh paths get exercised; refresh tokens (``1//…``) stand for a grant of scopes to
one OAuth client by one user and die when revoked. Service accounts are registered
with a public key; they obtain tokens with the JWT-bearer grant (optionally with
``sub`` for domain-wide delegation) or present self-signed JWTs directly.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from google.auth import exceptions as auth_exceptions
from google.auth import jwt

from .clock import Clock

SCOPE_PREFIX = "https://www.googleapis.com/auth/"
MEET_CREATED_SCOPE = SCOPE_PREFIX + "meetings.space.created"
CHAT_BOT_SCOPE = SCOPE_PREFIX + "chat.bot"


def expand_scope(scope: str) -> str:
    """Google accepts short scope names (``chat.bot``) as well as full URLs."""
    if scope.startswith(("https://", "openid")) or scope in {"email", "profile"}:
        return scope
    return SCOPE_PREFIX + scope


@dataclass(frozen=True)
class Principal:
    """Who a request acts for: a user through an OAuth client, or a service account."""

    kind: str  # "user" or "service_account"
    email: str
    scopes: frozenset[str]
    client_id: str
    user_name: str | None = None  # "users/{id}" for a user (also under delegation)
    service_account: str | None = None  # the acting or delegating service account

    @property
    def is_user(self) -> bool:
        return self.kind == "user"

    @property
    def is_app(self) -> bool:
        """App authentication: a service account acting as itself (Chat's ``chat.bot``)."""
        return self.kind == "service_account"


@dataclass
class Grant:
    """What a user allowed one OAuth client: backs a refresh token."""

    refresh_token: str
    user_name: str
    email: str
    client_id: str
    scopes: frozenset[str]
    revoked: bool = False


@dataclass
class AuthorizationCode:
    code: str
    grant: Grant
    redirect_uri: str
    code_challenge: str | None
    code_challenge_method: str | None
    expires_at: float
    used: bool = False


@dataclass
class AccessToken:
    token: str
    principal: Principal
    expires_at: float
    grant: Grant | None = None
    revoked: bool = False


@dataclass
class ServiceAccount:
    email: str
    client_id: str
    project_id: str
    certificate_pem: str
    kid: str
    delegation: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    # The scopes an administrator allowed this client for domain-wide delegation (Admin
    # console, "Domain-wide delegation"); None: any scope (the emulator's default).
    delegated_scopes: frozenset[str] | None = None


@dataclass
class OAuthClient:
    """An OAuth client registered as in the Cloud console's Credentials page (type *Web
    application*): its secret, checked at ``/token``, and its authorized redirect URIs,
    the only ones its consent page redirects to."""

    client_id: str
    client_secret: str = field(repr=False)
    redirect_uris: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"clientId": self.client_id, "redirectUris": list(self.redirect_uris)}  # never the secret


class TokenStore:
    def __init__(self, clock: Clock, access_token_lifetime: int = 3599,
                 service_accounts: dict[str, ServiceAccount] | None = None) -> None:
        self.clock = clock
        self.access_token_lifetime = access_token_lifetime
        self._lock = threading.RLock()
        self.access_tokens: dict[str, AccessToken] = {}
        self.grants: dict[str, Grant] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        # Service accounts are configuration, not state: they outlive a reset.
        self.service_accounts: dict[str, ServiceAccount] = service_accounts if service_accounts is not None else {}

    # -- issuing ---------------------------------------------------------------------
    def issue_access_token(self, principal: Principal, grant: Grant | None = None) -> AccessToken:
        with self._lock:
            token = AccessToken(
                token="ya29." + secrets.token_urlsafe(32),
                principal=principal,
                expires_at=self.clock.time() + self.access_token_lifetime,
                grant=grant,
            )
            self.access_tokens[token.token] = token
            return token

    def grant_for_user(self, *, user_name: str, email: str, client_id: str, scopes: frozenset[str]) -> Grant:
        """A new grant (Google issues a fresh refresh token on each offline consent)."""
        with self._lock:
            grant = Grant("1//" + secrets.token_urlsafe(40), user_name, email, client_id, scopes)
            self.grants[grant.refresh_token] = grant
            return grant

    def granted_scopes(self, user_name: str, client_id: str) -> frozenset[str]:
        """Every scope ``user_name`` has granted ``client_id`` in grants still alive."""
        with self._lock:
            return frozenset().union(*(grant.scopes for grant in self.grants.values()
                                       if grant.user_name == user_name and grant.client_id == client_id
                                       and not grant.revoked))

    def user_token(self, grant: Grant) -> AccessToken:
        principal = Principal("user", grant.email, grant.scopes, grant.client_id, user_name=grant.user_name)
        return self.issue_access_token(principal, grant)

    def new_code(self, grant: Grant, redirect_uri: str, challenge: str | None, method: str | None) -> AuthorizationCode:
        with self._lock:
            code = AuthorizationCode(
                "4/" + secrets.token_urlsafe(32), grant, redirect_uri, challenge, method, self.clock.time() + 600
            )
            self.codes[code.code] = code
            return code

    # -- looking up ------------------------------------------------------------------
    def lookup(self, token: str) -> AccessToken | None:
        """The live access token, or None when unknown, expired or revoked."""
        with self._lock:
            found = self.access_tokens.get(token)
        if found is None or found.revoked or (found.grant is not None and found.grant.revoked):
            return None
        if found.expires_at <= self.clock.time():
            return None
        return found

    def is_expired(self, token: str) -> bool:
        with self._lock:
            found = self.access_tokens.get(token)
        return found is not None and found.expires_at <= self.clock.time()

    def self_signed_principal(self, assertion: str) -> Principal | None:
        """A service account's self-signed JWT used directly as a bearer token."""
        try:
            unverified = jwt.decode(assertion, verify=False)
        except (ValueError, auth_exceptions.GoogleAuthError):
            return None
        account = self.service_accounts.get(str(unverified.get("iss", "")))
        if account is None or unverified.get("sub", account.email) != account.email:
            return None
        try:
            claims = jwt.decode(assertion, certs={account.kid: account.certificate_pem}, verify=True)
        except (ValueError, auth_exceptions.GoogleAuthError):
            return None
        # iat/exp were checked against real time by jwt.decode: the client minted the
        # JWT with its own clock, which the emulator's offset does not move.
        scopes = frozenset(expand_scope(s) for s in str(claims.get("scope", "")).split())
        return Principal("service_account", account.email, scopes, account.client_id, service_account=account.email)

    # -- revoking --------------------------------------------------------------------
    def revoke(self, token: str) -> bool:
        """Revoke an access or refresh token; revoking either ends the whole grant."""
        with self._lock:
            if token in self.grants:
                self.grants[token].revoked = True
                return True
            found = self.access_tokens.get(token)
            if found is None:
                return False
            found.revoked = True
            if found.grant is not None:
                found.grant.revoked = True
            return True
