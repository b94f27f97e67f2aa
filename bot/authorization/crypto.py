"""Encryption of refresh tokens at rest, and the keys that sign OAuth ``state``.

Refresh tokens are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from
``cryptography``) under ``TOKEN_ENCRYPTION_KEYS``: the first key encrypts, every key
decrypts (``MultiFernet``). Rotation: prepend a new key and deploy; rows written under
the old key keep decrypting, and ``TokenCipher.rotate`` re-encrypts a row under the new
key whenever the app touches it. Drop the old key only once nothing needs it.

The ``state`` signing keys are, unless ``STATE_SIGNING_KEY`` is set, derived from the
same keys with HKDF-SHA256 under a purpose label of their own: one secret less to
manage, and a leaked state key reveals nothing about the encryption keys.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

STATE_KEY_INFO = b"meetbot oauth-state signing key v1"


class UndecryptableToken(Exception):
    """No configured key opens this ciphertext (its key was removed, or it was altered)."""


class TokenCipher:
    def __init__(self, keys: tuple[str, ...] | list[str]) -> None:
        if not keys:
            raise ValueError("at least one Fernet key is required")
        fernets = [Fernet(key) for key in keys]
        self._newest = fernets[0]
        self._fernet = MultiFernet(fernets)

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as error:
            raise UndecryptableToken("no configured key decrypts this token") from error

    def rotate(self, ciphertext: str) -> str:
        """The same plaintext under the first (newest) key."""
        try:
            return self._fernet.rotate(ciphertext.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError) as error:
            raise UndecryptableToken("no configured key decrypts this token") from error

    def is_current(self, ciphertext: str) -> bool:
        """Whether the newest key alone opens it (no re-encryption needed)."""
        try:
            self._newest.decrypt(ciphertext.encode("ascii"))
        except (InvalidToken, UnicodeError):
            return False
        return True


def derive_state_keys(encryption_keys: tuple[str, ...] | list[str]) -> list[bytes]:
    """One signing key per encryption key, oldest first (itsdangerous's order: it signs
    with the last and accepts all), so a key rotation does not break links in flight."""
    derived = []
    for key in reversed(list(encryption_keys)):
        material = base64.urlsafe_b64decode(key.encode("ascii"))
        derived.append(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=STATE_KEY_INFO).derive(material))
    return derived
