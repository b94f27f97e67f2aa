"""Signing keys and the certificate documents Google publishes for them.

Google signs three kinds of tokens the product verifies: Chat's own tokens (issuer
``chat@system.gserviceaccount.com``, certificates at the service account's x509
metadata URL), Google ID tokens (issuer ``https://accounts.google.com``, JWKS at
``/oauth2/v3/certs``) and service-account self-signed JWTs. The emulator holds one RSA
key per signer and serves each public half in the same formats, so google-auth verifies
emulator tokens exactly as it verifies Google's.
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import threading
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, jwt

GOOGLE_SIGNER = "accounts.google.com"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_pem: str
    certificate_pem: str
    public_numbers: rsa.RSAPublicNumbers

    def jwk(self) -> dict[str, str]:
        def b64(number: int) -> str:
            raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

        return {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": self.kid,
                "n": b64(self.public_numbers.n), "e": b64(self.public_numbers.e)}

    @functools.cached_property
    def _signer(self) -> crypt.RSASigner:
        # Parsing the PEM costs tens of milliseconds; signing with the parsed key, one.
        return crypt.RSASigner.from_string(self.private_pem, key_id=self.kid)

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(self._signer, claims).decode()


def generate_key(common_name: str) -> SigningKey:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_key = private_key.public_key()
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    kid = hashlib.sha1(der).hexdigest()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(private_key, hashes.SHA256())
    )
    return SigningKey(
        kid=kid,
        private_pem=private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        public_numbers=public_key.public_numbers(),
    )


class KeyRing:
    """One signing key per signer (a service-account email, or Google itself), made on demand."""

    def __init__(self) -> None:
        self._keys: dict[str, SigningKey] = {}
        self._lock = threading.Lock()

    def key_for(self, signer: str) -> SigningKey:
        with self._lock:
            if signer not in self._keys:
                self._keys[signer] = generate_key(signer)
            return self._keys[signer]

    def add(self, signer: str, key: SigningKey) -> None:
        with self._lock:
            self._keys[signer] = key

    def known(self, signer: str) -> SigningKey | None:
        with self._lock:
            return self._keys.get(signer)

    def x509_document(self, signer: str) -> dict[str, str]:
        key = self.key_for(signer)
        return {key.kid: key.certificate_pem}

    def jwks_document(self, signer: str) -> dict[str, list[dict[str, str]]]:
        return {"keys": [self.key_for(signer).jwk()]}
