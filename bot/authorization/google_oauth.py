"""Google's OAuth 2.0 endpoints, as the app uses them: authorize, exchange, verify, revoke.

The web flow runs through google-auth-oauthlib's ``Flow`` (client configuration built
from settings, PKCE with a verifier the app generates and keeps server-side, offline
access so Google issues a refresh token). Refreshing access tokens is left to
google-auth's ``Credentials`` (see ``credentials.py``).
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import requests
from google_auth_oauthlib.flow import Flow
from oauthlib.oauth2.rfc6749 import errors as oauth_errors

from ..config import Config
from ..google.credentials import DIRECTORY_SCOPE
from ..retry import attempt_timeout, retry_call
from ..verification import GOOGLE_ISSUERS, CertificateCache, VerificationError, verify_signed_token

log = logging.getLogger(__name__)

MEET_SCOPE = "https://www.googleapis.com/auth/meetings.space.created"
# openid costs the user nothing on the consent screen and yields an ID token whose
# ``sub`` proves which Google account consented (it equals the Chat user id).
REQUESTED_SCOPES = ("openid", MEET_SCOPE)
# Asked for incrementally, only when a mentioned co-host's email must come from the
# organization's directory (include_granted_scopes keeps Meet in the same grant).
DIRECTORY_REQUESTED_SCOPES = ("openid", DIRECTORY_SCOPE)
_SCOPE_ALIASES = {"https://www.googleapis.com/auth/userinfo.email": "email",
                  "https://www.googleapis.com/auth/userinfo.profile": "profile"}


class TokenExchangeError(Exception):
    """The authorization code could not be turned into tokens."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class TokenResponse:
    access_token: str
    expires_at: datetime | None  # timezone-aware UTC
    refresh_token: str | None
    scopes: frozenset[str]
    id_token: str | None


def new_code_verifier() -> str:
    """A PKCE code verifier (RFC 7636: 43-128 characters of [A-Za-z0-9-._~])."""
    return secrets.token_urlsafe(64)


def _normalise_scopes(raw: Any) -> frozenset[str]:
    if isinstance(raw, str):
        items = raw.split()
    elif isinstance(raw, (list, tuple, set, frozenset)):
        items = [str(item) for item in raw]
    else:
        items = []
    return frozenset(_SCOPE_ALIASES.get(item, item) for item in items)


def _allow_plain_http_to_the_emulator(config: Config) -> None:
    """oauthlib refuses non-https endpoints unless OAUTHLIB_INSECURE_TRANSPORT is set.

    Only the emulator on this machine is ever plain http (``Config.problems`` refuses
    http anywhere else), so the switch is flipped only then, for this process.
    """
    endpoints = (config.auth_uri, config.token_uri, config.redirect_uri)
    if any(url.startswith("http://") for url in endpoints) and config.google_api_endpoint and \
            config.google_api_endpoint.startswith(("http://127.0.0.1", "http://localhost")):
        os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"


class GoogleOAuthClient:
    def __init__(self, config: Config, *, session: requests.Session | None = None,
                 certificates: CertificateCache | None = None, sleep: Callable[[float], None] | None = None) -> None:
        if not (config.oauth_client_id and config.oauth_client_secret):
            raise ValueError("an OAuth client id and secret are required")
        self._config = config
        self._client_id = config.oauth_client_id
        self._client_secret = config.oauth_client_secret
        self._session = session or requests.Session()
        self._certificates = certificates or CertificateCache(self._session)
        self._timeout = config.meet_timeout_seconds
        self._budget = config.sync_budget_seconds
        self._sleep = sleep
        _allow_plain_http_to_the_emulator(config)

    def _flow(self, code_verifier: str, scopes: tuple[str, ...] = REQUESTED_SCOPES) -> Flow:
        client_config = {"web": {
            "client_id": self._client_id,
            "client_secret": self._client_secret,
            "auth_uri": self._config.auth_uri,
            "token_uri": self._config.token_uri,
            "redirect_uris": [self._config.redirect_uri],
        }}
        return Flow.from_client_config(client_config, scopes=list(scopes),
                                       redirect_uri=self._config.redirect_uri, code_verifier=code_verifier,
                                       autogenerate_code_verifier=False)

    def authorization_url(self, *, state: str, code_verifier: str, login_hint: str | None,
                          scopes: tuple[str, ...] = REQUESTED_SCOPES) -> str:
        extra: dict[str, str] = {}
        if login_hint:
            extra["login_hint"] = login_hint
        url, _ = self._flow(code_verifier, scopes).authorization_url(
            state=state, access_type="offline", prompt="consent", include_granted_scopes="true", **extra)
        return str(url)

    def exchange_code(self, code: str, code_verifier: str, scopes: tuple[str, ...] = REQUESTED_SCOPES
                      ) -> TokenResponse:
        """The token response for an authorization code; transient failures are retried."""
        flow = self._flow(code_verifier, scopes)

        def attempt() -> dict[str, Any]:
            try:
                return dict(flow.fetch_token(code=code, timeout=attempt_timeout(self._timeout)))
            except Warning as changed:
                # oauthlib raises (not warns) when the granted scopes differ from the
                # requested ones, carrying the token response: the caller judges them.
                token = getattr(changed, "token", None)
                if token is None:
                    raise
                return dict(token)
            except (oauth_errors.TemporarilyUnavailableError, oauth_errors.ServerError) as error:
                raise TokenExchangeError(f"token endpoint unavailable: {error.error}", transient=True) from error
            except oauth_errors.OAuth2Error as error:
                raise TokenExchangeError(f"token endpoint refused the code: {error.error}", transient=False) from error
            except (requests.Timeout, requests.ConnectionError) as error:
                raise TokenExchangeError(f"token endpoint unreachable: {type(error).__name__}", transient=True) from error
            except ValueError as error:  # a body that is not a token response
                raise TokenExchangeError(f"unreadable token response: {error}", transient=True) from error

        retry_options: dict[str, Any] = {"sleep": self._sleep} if self._sleep else {}
        token = retry_call(attempt, is_transient=lambda e: isinstance(e, TokenExchangeError) and e.transient,
                           budget_seconds=self._budget / 2, **retry_options)
        expires_in = token.get("expires_in")
        expires_at = (datetime.now(timezone.utc) + timedelta(seconds=float(expires_in))
                      if isinstance(expires_in, (int, float, str)) and str(expires_in).replace(".", "", 1).isdigit()
                      else None)
        return TokenResponse(
            access_token=str(token.get("access_token") or ""),
            expires_at=expires_at,
            refresh_token=str(token["refresh_token"]) if token.get("refresh_token") else None,
            scopes=_normalise_scopes(token.get("scope")),
            id_token=str(token["id_token"]) if token.get("id_token") else None,
        )

    def verify_id_token(self, id_token: str) -> dict[str, Any]:
        """The claims of a Google ID token issued to this client; VerificationError otherwise."""
        return verify_signed_token(id_token, certs_url=self._config.google_certs_url, audience=self._client_id,
                                   issuers=GOOGLE_ISSUERS, cache=self._certificates)

    def revoke(self, token: str) -> bool:
        """Revoke a refresh (or access) token at Google: True when Google confirms it is
        gone (including "already invalid"), False when Google could not be reached."""

        def attempt() -> bool:
            try:
                response = self._session.post(self._config.revoke_uri, data={"token": token},
                                              timeout=attempt_timeout(self._timeout),
                                              headers={"Content-Type": "application/x-www-form-urlencoded"})
            except (requests.Timeout, requests.ConnectionError) as error:
                raise _TransientRevokeError(type(error).__name__) from error
            if response.status_code == 200:
                return True
            if response.status_code == 400:  # invalid_token: already revoked or expired
                return True
            if response.status_code == 429 or response.status_code >= 500:
                raise _TransientRevokeError(str(response.status_code))
            log.warning("revoke refused", extra={"fields": {"status": response.status_code}})
            return False

        retry_options: dict[str, Any] = {"sleep": self._sleep} if self._sleep else {}
        try:
            return retry_call(attempt, is_transient=lambda e: isinstance(e, _TransientRevokeError),
                              budget_seconds=self._budget / 2, **retry_options)
        except _TransientRevokeError as error:
            log.warning("revoke unavailable", extra={"fields": {"reason": str(error)}})
            return False


class _TransientRevokeError(Exception):
    pass


__all__ = ["DIRECTORY_REQUESTED_SCOPES", "DIRECTORY_SCOPE", "GoogleOAuthClient", "MEET_SCOPE", "REQUESTED_SCOPES",
           "TokenExchangeError", "TokenResponse", "VerificationError", "new_code_verifier"]
