"""Secrets out of text: what every log line passes through before anyone sees it.

Two nets, both always on:

* by shape: credentials announce themselves in the text around them (``Bearer …``,
  ``Basic …``, ``code=…``, ``"refresh_token": "…"``, ``'client_secret': '…'``) or by their
  own form (JWTs ``eyJ….….…``, Google's ``ya29.…`` access tokens, ``1//…`` refresh tokens,
  ``4/…`` authorization codes, Fernet ciphertexts ``gAAAAA…``, PEM private keys, API keys,
  the password in a database URL). This catches what is issued while the app runs.
* by value: the configured secrets (OAuth client secret, reconcile secret, encryption
  and signing keys, the database password, service-account private keys) are registered
  at start-up and replaced wherever they appear, whatever surrounds them.

Redaction keeps the delimiters around a value, so JSON stays JSON and a URL stays a URL.
"""

from __future__ import annotations

import re
import threading
from typing import Any, Iterable
from urllib.parse import quote, quote_plus

MASK = "[REDACTED]"
MIN_REGISTERED_LENGTH = 8  # shorter "secrets" would mask ordinary words

# Keys whose value is a credential: an exact name, or an identifier ending in one of the
# sensitive words (camelCase, snake_case, kebab-case, UPPER_CASE alike: accessToken,
# refresh_token, RECONCILE_SECRET, x-goog-api-key, …). "pageToken" and the like are
# masked too: over-masking a cursor costs nothing, missing a credential costs everything.
_SENSITIVE_KEY = re.compile(r"(?:token|secret|password|passwd|pwd|verifier|assertion|private[_-]?key(?:[_-]?id)?|"
                            r"api[_-]?key|authorization|cookie|credentials?|signature)$|^(?:code|key|sig)$",
                            re.IGNORECASE)
# An identifier, then what joins it to its value: = or : with optional quotes (JSON, Python
# repr, escaped JSON inside JSON, form bodies, query strings, env dumps). A colon only joins
# a quoted key or a quoted value, so that prose ("authorization: encrypted grants") reads as
# written; HTTP headers are the schemes' and _CREDENTIAL_HEADER's business. Whether the
# identifier is sensitive is decided after the match: every quantifier here is possessive
# or bounded by a delimiter, so the time taken grows linearly with the text (no ReDoS).
_JOIN = r"(?:\\?[\"']\s*+[:=]\s*+\\?[\"']?|\s*+=\s*+\\?[\"']?|:\s*+\\?[\"'])"
_KEY_VALUE = re.compile(
    rf"(?<![A-Za-z0-9_.-])(?P<key>[A-Za-z0-9_.-]++)(?P<join>{_JOIN})(?P<value>[^\s\"'\\&,;)}}\[\]<>]++)")
# Headers whose whole value is a credential, as http.client or a dump of headers writes them.
_CREDENTIAL_HEADER = re.compile(r"(?P<head>\b(?:Cookie|Set-Cookie|X-Goog-Api-Key|X-Api-Key)\s*+:\s*+)"
                                r"(?P<value>[^\r\n\"'\\]++)", re.IGNORECASE)
_VALUES_KEPT = frozenset({"none", "null", "true", "false", "bearer", "basic"})

# An HTTP credential after its scheme; eight characters at least, so that prose ("a bearer
# token", "Basic auth") reads as written.
_AUTH_SCHEME = re.compile(r"(?P<scheme>\b(?:Bearer|Basic|Digest|Negotiate)\s+)"
                          r"(?P<value>[A-Za-z0-9\-._~+/]{8,}=*)", re.IGNORECASE)
_SHAPES = [
    # PEM private keys, also with escaped newlines (inside JSON or a repr) or cut short (then
    # up to the closing quote, or the end). One scan per key: the text is read once.
    re.compile(r"-----BEGIN[A-Z ]{0,20}PRIVATE KEY-----[^\"']*?(?:-----END[A-Z ]{0,20}PRIVATE KEY-----|(?=[\"'])|\Z)"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*"),  # JWT / JWS
    re.compile(r"\bya29\.[A-Za-z0-9_\-.]+"),  # Google OAuth access token
    re.compile(r"(?<![A-Za-z0-9/])1//[A-Za-z0-9_\-]{10,}"),  # Google refresh token
    re.compile(r"(?<![A-Za-z0-9/%])4(?:/|%2F)[A-Za-z0-9_\-]{20,}", re.IGNORECASE),  # Google authorization code
    re.compile(r"\bgAAAAA[A-Za-z0-9_\-]{20,}=*"),  # Fernet ciphertext (the stored tokens)
    re.compile(r"\bAIza[0-9A-Za-z_\-]{35}"),  # Google API key
    re.compile(r"\bGOCSPX-[A-Za-z0-9_\-]{10,}"),  # Google OAuth client secret
]
# user:password@ in any URL (database URLs, proxies).
_URL_PASSWORD = re.compile(r"(?<![A-Za-z0-9+.\-])(?P<head>[A-Za-z][A-Za-z0-9+.\-]*+://[^:/@\s\"']*+:)"
                           r"(?P<value>[^@/\s\"']++)(?=@)")


class _Registry:
    """The configured secret values, and the spellings they may appear in."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: tuple[str, ...] = ()

    def add(self, values: Iterable[str | None]) -> None:
        spellings: set[str] = set(self._values)
        for value in values:
            if not value or len(value) < MIN_REGISTERED_LENGTH:
                continue
            spellings.update({value, quote(value, safe=""), quote_plus(value)})
        with self._lock:
            # Longest first, so a secret containing another is masked whole.
            self._values = tuple(sorted(spellings, key=len, reverse=True))

    @property
    def values(self) -> tuple[str, ...]:
        return self._values


_registry = _Registry()


def register_secrets(values: Iterable[str | None]) -> None:
    """Mask these exact values (and their URL-encoded spellings) everywhere."""
    _registry.add(values)


def _mask_value(match: re.Match[str]) -> str:
    if not _SENSITIVE_KEY.search(match.group("key")):
        return match.group(0)
    value = match.group("value")
    if value.lower() in _VALUES_KEPT or value.isdigit() or value == "?" or value.startswith(("%(", ":")):
        return match.group(0)  # ``"code": 404``, SQL's ``token = ?``: not secrets
    return match.group(0)[: match.start("value") - match.start(0)] + MASK


def redact(text: str) -> str:
    """``text`` with every secret it holds replaced by ``[REDACTED]``."""
    if not text:
        return text
    for value in _registry.values:
        if value in text:
            text = text.replace(value, MASK)
    for shape in _SHAPES:
        text = shape.sub(MASK, text)
    text = _AUTH_SCHEME.sub(lambda m: m.group("scheme") + MASK, text)
    text = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
    text = _CREDENTIAL_HEADER.sub(lambda m: m.group("head") + MASK, text)
    return _KEY_VALUE.sub(_mask_value, text)


_SCALARS = (bool, int, float, type(None))


def redact_data(value: Any, _depth: int = 0) -> Any:
    """A copy of a structure (what a log record's extras hold) with every string redacted,
    the value of every sensitive key masked, and any other object replaced by its redacted
    text (a formatter would print that text anyway)."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, str):
        return redact(value)
    if _depth > 20:
        return MASK  # deeper than any log payload should be: safer to drop than to walk
    if isinstance(value, dict):
        return {key: (MASK if isinstance(key, str) and _is_sensitive_key(key) and not isinstance(item, _SCALARS)
                      and item != "" else redact_data(item, _depth + 1))
                for key, item in value.items()}
    if isinstance(value, tuple):
        return tuple(redact_data(item, _depth + 1) for item in value)
    if isinstance(value, (list, set, frozenset)):
        return [redact_data(item, _depth + 1) for item in value]
    if isinstance(value, (bytes, bytearray)):
        return redact(bytes(value).decode("utf-8", "replace"))
    return redact(str(value))


def _is_sensitive_key(key: str) -> bool:
    return bool(_SENSITIVE_KEY.search(key))
