"""Proving that a request comes from Google: Chat's bearer tokens and Pub/Sub's OIDC tokens.

Google Chat signs every request it sends to an HTTP endpoint app in one of three ways:

* project-number audience — a JWT issued by ``chat@system.gserviceaccount.com`` whose
  audience is the Cloud project number, checked against that account's x509 certificates;
* endpoint-URL audience — a Google ID token (issuer accounts.google.com) whose ``email``
  is ``chat@system.gserviceaccount.com`` and whose audience is the configured endpoint URL;
* Workspace add-on format — a Google ID token of the add-on's service account,
  ``service-{PROJECT_NUMBER}@gcp-sa-gsuiteaddons.iam.gserviceaccount.com``.

Any doubt is a refusal: no header, another scheme, a token too large to be Google's, an
algorithm other than RS256, an unknown key id, an expired or not-yet-valid token (``nbf``
included), one that claims to live longer than Google's hour, a wrong audience, issuer
or email, and a token of one kind with a body of the other format (``VerifiedCaller.
require_event_format``). The audience always comes from configuration, never
from the request's Host or forwarding headers.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import requests
from google.auth import exceptions as auth_exceptions
from google.auth import jwt

from .config import GOOGLE_CHAT_ISSUER, Config
from .text import untrusted

GOOGLE_ISSUERS = {"https://accounts.google.com", "accounts.google.com"}
MAX_TOKEN_BYTES = 8192  # Google's tokens are ~1 KB; anything this big is not one
CLOCK_SKEW_SECONDS = 10
# Google's ID tokens, Chat's JWTs and Pub/Sub's OIDC tokens are all issued for exactly one
# hour (exp - iat = 3600). The skew allowance on top only absorbs rounding by an issuer;
# a longer-lived token is refused, whatever else is right about it.
MAX_TOKEN_LIFETIME_SECONDS = 3600
UNKNOWN_KID_REFETCH_SECONDS = 60.0  # a rotated key is fetched early, at most this often


class VerificationError(Exception):
    """The request is not provably from Google; answer 401 and read nothing more."""


@dataclass(frozen=True)
class VerifiedCaller:
    kind: str  # "chat" (classic Chat app) or "addon" (Workspace add-on)
    claims: dict[str, Any]

    def require_event_format(self, event_format: str | None) -> None:
        """The body must be in the format this signer sends: Chat's own token (either
        audience) comes with classic interaction events, the add-on service agent's with
        add-on events. A token of one kind carrying a body of the other was not sent by
        Google like that: refuse it rather than guess (``event_format`` None: neither
        format, which the parser refuses anyway)."""
        if event_format is None:
            return
        expected = _FORMAT_OF_KIND.get(self.kind)
        if event_format != expected:
            raise VerificationError(f"token kind {self.kind!r} does not match the {event_format!r} event body "
                                    f"(that signer sends {expected!r} events)")


# The event format (``bot.chat_events.EventFormat`` values) each kind of signer sends.
_FORMAT_OF_KIND = {"chat": "classic", "addon": "addon"}


class CertificateCache:
    """Public certificates by URL, kept as long as the response's Cache-Control allows."""

    def __init__(self, session: requests.Session | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._session = session or requests.Session()
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, float, dict[str, str]]] = {}  # url -> (expires, fetched, certs)

    def certificates(self, url: str, *, wanted_kid: str | None = None) -> dict[str, str]:
        with self._lock:
            entry = self._entries.get(url)
            now = self._clock()
            fresh = entry is not None and entry[0] > now
            if fresh and entry is not None and (wanted_kid is None or wanted_kid in entry[2]):
                return entry[2]
            if fresh and entry is not None and now - entry[1] < UNKNOWN_KID_REFETCH_SECONDS:
                return entry[2]  # unknown kid, but we looked very recently: refuse, don't hammer
            certs, max_age = self._fetch(url)
            self._entries[url] = (now + max_age, now, certs)
            return certs

    def _fetch(self, url: str) -> tuple[dict[str, str], float]:
        try:
            response = self._session.get(url, timeout=5)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise VerificationError(f"could not fetch certificates from {url}: {error}") from error
        match = re.search(r"max-age=(\d+)", response.headers.get("Cache-Control", ""))
        max_age = float(match.group(1)) if match else 0.0
        if isinstance(document, dict) and isinstance(document.get("keys"), list):
            return _jwks_to_pem(document["keys"]), max_age
        if isinstance(document, dict) and all(isinstance(v, str) for v in document.values()):
            return dict(document), max_age
        raise VerificationError(f"unrecognised certificate document at {url}")


def _jwks_to_pem(keys: list[dict[str, Any]]) -> dict[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers

    def number(text: str) -> int:
        return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")

    pems: dict[str, str] = {}
    for key in keys:
        if key.get("kty") != "RSA" or "kid" not in key:
            continue
        public = RSAPublicNumbers(number(key["e"]), number(key["n"])).public_key()
        pems[key["kid"]] = public.public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return pems


def _segment(token: str, index: int) -> dict[str, Any]:
    try:
        part = token.split(".")[index]
        value = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, IndexError, UnicodeDecodeError):
        raise VerificationError("malformed token") from None
    if not isinstance(value, dict):
        raise VerificationError("malformed token")
    return value


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise VerificationError("missing Authorization header")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise VerificationError("Authorization is not a bearer token")
    token = token.strip()
    if len(token) > MAX_TOKEN_BYTES or token.count(".") != 2:
        raise VerificationError("malformed token")
    return token


def verify_signed_token(token: str, *, certs_url: str, audience: str, issuers: set[str],
                        cache: CertificateCache) -> dict[str, Any]:
    """Signature (RS256 only), key id, issuer, audience and time checks; returns the claims."""
    header = _segment(token, 0)
    if header.get("alg") != "RS256":
        raise VerificationError(f"unexpected algorithm {untrusted(header.get('alg'))}")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise VerificationError("token has no key id")
    certs = cache.certificates(certs_url, wanted_kid=kid)
    if kid not in certs:
        raise VerificationError("unknown key id")
    try:
        claims = jwt.decode(token, certs={kid: certs[kid]}, audience=audience,
                            clock_skew_in_seconds=CLOCK_SKEW_SECONDS)
    except (ValueError, auth_exceptions.GoogleAuthError) as error:
        raise VerificationError(f"token rejected: {untrusted(str(error), 200)}") from None
    if claims.get("iss") not in issuers:
        raise VerificationError(f"unexpected issuer {untrusted(claims.get('iss'))}")
    _check_validity_period(claims, now=time.time())
    return claims


def _check_validity_period(claims: dict[str, Any], *, now: float) -> None:
    """What google-auth leaves unchecked: ``nbf`` (with the same skew as ``iat`` and
    ``exp``) and the token's lifetime. Google's tokens live one hour; one that claims to
    live longer was not issued by Google, and would make a stolen token useful for longer."""
    not_before = claims.get("nbf")
    if not_before is not None:
        if isinstance(not_before, bool) or not isinstance(not_before, (int, float)):
            raise VerificationError("token's nbf is not a time")
        if not_before > now + CLOCK_SKEW_SECONDS:
            raise VerificationError("token not yet valid (nbf is in the future)")
    issued, expires = claims.get("iat"), claims.get("exp")
    if isinstance(issued, bool) or isinstance(expires, bool) or not isinstance(issued, (int, float)) \
            or not isinstance(expires, (int, float)):
        raise VerificationError("token's iat or exp is not a time")
    if expires - issued > MAX_TOKEN_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS:
        raise VerificationError(f"token lifetime too long ({int(expires - issued)} s; Google's tokens live "
                                f"{MAX_TOKEN_LIFETIME_SECONDS} s)")


class ChatRequestVerifier:
    def __init__(self, config: Config, cache: CertificateCache | None = None) -> None:
        self.config = config
        self.cache = cache or CertificateCache()
        number = config.chat_project_number
        self.addon_email = f"service-{number}@gcp-sa-gsuiteaddons.iam.gserviceaccount.com" if number else None

    def verify(self, authorization: str | None) -> VerifiedCaller:
        token = bearer_token(authorization)
        issuer = _segment(token, 1).get("iss")
        if issuer == GOOGLE_CHAT_ISSUER:
            if self.config.chat_audience != "project-number" or not self.config.chat_project_number:
                raise VerificationError("project-number tokens are not accepted by this configuration")
            claims = verify_signed_token(token, certs_url=self.config.chat_certs_url,
                                         audience=self.config.chat_project_number, issuers={GOOGLE_CHAT_ISSUER},
                                         cache=self.cache)
            return VerifiedCaller("chat", claims)
        if issuer in GOOGLE_ISSUERS:
            if not self.config.chat_endpoint_url:
                raise VerificationError("ID tokens need CHAT_ENDPOINT_URL as their audience")
            claims = verify_signed_token(token, certs_url=self.config.google_certs_url,
                                         audience=self.config.chat_endpoint_url, issuers=GOOGLE_ISSUERS,
                                         cache=self.cache)
            if claims.get("email_verified") is not True:
                raise VerificationError("email not verified")
            email = claims.get("email")
            if email == GOOGLE_CHAT_ISSUER and self.config.chat_audience == "endpoint-url":
                return VerifiedCaller("chat", claims)
            if self.addon_email is not None and email == self.addon_email:
                return VerifiedCaller("addon", claims)
            raise VerificationError(f"unexpected signer {untrusted(email)}")
        raise VerificationError(f"unexpected issuer {untrusted(issuer)}")
