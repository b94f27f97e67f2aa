"""Every way a request can fail to prove it comes from Google Chat, in all three modes.

Genuine tokens are signed by the emulator's keys, which it publishes in Google's
certificate formats; forged ones break exactly one property each.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import pytest

from bot.config import GOOGLE_CHAT_ISSUER, Config
from bot.verification import CertificateCache, ChatRequestVerifier, VerificationError
from emulator.signing import GOOGLE_SIGNER, generate_key
from tests.support import Emulator

PROJECT_NUMBER = "123456789012"
ENDPOINT = "https://meet-bot.example.com/"
ADDON_EMAIL = f"service-{PROJECT_NUMBER}@gcp-sa-gsuiteaddons.iam.gserviceaccount.com"


def config_for(emulator: Emulator, audience: str) -> Config:
    return Config(chat_audience=audience, chat_project_number=PROJECT_NUMBER, chat_endpoint_url=ENDPOINT,
                  chat_certs_url=f"{emulator.url}/service_accounts/v1/metadata/x509/{GOOGLE_CHAT_ISSUER}",
                  google_certs_url=f"{emulator.url}/oauth2/v1/certs")


def chat_claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": GOOGLE_CHAT_ISSUER, "aud": PROJECT_NUMBER, "iat": now, "exp": now + 3600, **changes}


def id_claims(email: str = GOOGLE_CHAT_ISSUER, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": "https://accounts.google.com", "aud": ENDPOINT, "email": email, "email_verified": True,
            "sub": "1", "iat": now, "exp": now + 3600, **changes}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
    return signing_input + "." + b64(signature)


@pytest.fixture
def verifiers(emulator: Emulator) -> dict[str, ChatRequestVerifier]:
    return {mode: ChatRequestVerifier(config_for(emulator, mode), CertificateCache())
            for mode in ("project-number", "endpoint-url")}


def bearer(token: str) -> str:
    return f"Bearer {token}"


# -- the genuine article, in each mode -------------------------------------------------
def test_project_number_token_is_accepted(emulator: Emulator, verifiers: dict[str, ChatRequestVerifier]) -> None:
    token = emulator.state.keys.key_for(GOOGLE_CHAT_ISSUER).sign(chat_claims())
    assert verifiers["project-number"].verify(bearer(token)).kind == "chat"


def test_endpoint_url_id_token_is_accepted(emulator: Emulator, verifiers: dict[str, ChatRequestVerifier]) -> None:
    token = emulator.state.keys.key_for(GOOGLE_SIGNER).sign(id_claims())
    assert verifiers["endpoint-url"].verify(bearer(token)).kind == "chat"


@pytest.mark.parametrize("mode", ["project-number", "endpoint-url"])
def test_addon_id_token_is_accepted(emulator: Emulator, verifiers: dict[str, ChatRequestVerifier], mode: str) -> None:
    token = emulator.state.keys.key_for(GOOGLE_SIGNER).sign(id_claims(ADDON_EMAIL))
    assert verifiers[mode].verify(bearer(token)).kind == "addon"


# -- refusals --------------------------------------------------------------------------
@pytest.mark.parametrize("header, reason", [
    (None, "missing Authorization"), ("", "missing Authorization"), ("Basic dXNlcjpwYXNz", "not a bearer token"),
    ("Bearer", "not a bearer token"), ("Bearer ", "not a bearer token"), ("Bearer a.b", "malformed token"),
    ("bearer x.y.z", "malformed token")])
def test_missing_or_malformed_header_is_refused(verifiers: dict[str, ChatRequestVerifier], header: str | None,
                                                reason: str) -> None:
    with pytest.raises(VerificationError, match=reason):
        verifiers["project-number"].verify(header)


def test_alg_none_is_refused(verifiers: dict[str, ChatRequestVerifier]) -> None:
    token = unsigned({"alg": "none", "typ": "JWT"}, chat_claims())
    with pytest.raises(VerificationError, match="algorithm"):
        verifiers["project-number"].verify(bearer(token))


def test_hs256_signed_with_the_public_certificate_is_refused(emulator: Emulator,
                                                             verifiers: dict[str, ChatRequestVerifier]) -> None:
    key = emulator.state.keys.key_for(GOOGLE_CHAT_ISSUER)
    header = {"alg": "HS256", "typ": "JWT", "kid": key.kid}
    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(chat_claims()).encode())
    mac = hmac.new(key.certificate_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    with pytest.raises(VerificationError, match="algorithm"):
        verifiers["project-number"].verify(bearer(signing_input + "." + b64(mac)))


def test_unknown_key_id_is_refused(verifiers: dict[str, ChatRequestVerifier]) -> None:
    rogue = generate_key("attacker")
    with pytest.raises(VerificationError, match="unknown key id"):
        verifiers["project-number"].verify(bearer(rogue.sign(chat_claims())))


def test_right_kid_wrong_key_is_refused(emulator: Emulator, verifiers: dict[str, ChatRequestVerifier]) -> None:
    genuine = emulator.state.keys.key_for(GOOGLE_CHAT_ISSUER)
    rogue = generate_key("attacker")
    from google.auth import crypt, jwt

    forged = jwt.encode(crypt.RSASigner.from_string(rogue.private_pem, key_id=genuine.kid), chat_claims()).decode()
    with pytest.raises(VerificationError, match="signature"):
        verifiers["project-number"].verify(bearer(forged))


def test_expired_token_is_refused(emulator: Emulator, verifiers: dict[str, ChatRequestVerifier]) -> None:
    now = int(time.time())
    token = emulator.state.keys.key_for(GOOGLE_CHAT_ISSUER).sign(chat_claims(iat=now - 7200, exp=now - 3600))
    with pytest.raises(VerificationError, match="expired"):
        verifiers["project-number"].verify(bearer(token))


def test_token_issued_in_the_future_is_refused(emulator: Emulator, verifiers: dict[str, ChatRequestVerifier]) -> None:
    now = int(time.time())
    token = emulator.state.keys.key_for(GOOGLE_CHAT_ISSUER).sign(chat_claims(iat=now + 600, exp=now + 4200))
    with pytest.raises(VerificationError, match="early"):
        verifiers["project-number"].verify(bearer(token))


@pytest.mark.parametrize("audience", ["999999999999", ENDPOINT, ""])
def test_wrong_audience_is_refused_in_project_number_mode(emulator: Emulator, verifiers: dict[str, ChatRequestVerifier],
                                                          audience: str) -> None:
    token = emulator.state.keys.key_for(GOOGLE_CHAT_ISSUER).sign(chat_claims(aud=audience))
    with pytest.raises(VerificationError, match="wrong audience"):
        verifiers["project-number"].verify(bearer(token))


def test_wrong_audience_is_refused_in_endpoint_mode(emulator: Emulator, verifiers: dict[str, ChatRequestVerifier]) -> None:
    token = emulator.state.keys.key_for(GOOGLE_SIGNER).sign(id_claims(aud="https://attacker.example/"))
    with pytest.raises(VerificationError, match="wrong audience"):
        verifiers["endpoint-url"].verify(bearer(token))


def test_issuer_other_than_google_is_refused(verifiers: dict[str, ChatRequestVerifier]) -> None:
    rogue = generate_key("attacker")
    with pytest.raises(VerificationError, match="issuer"):
        verifiers["project-number"].verify(bearer(rogue.sign(chat_claims(iss="https://attacker.example"))))


def test_project_number_token_refused_when_endpoint_mode_configured(emulator: Emulator,
                                                                    verifiers: dict[str, ChatRequestVerifier]) -> None:
    token = emulator.state.keys.key_for(GOOGLE_CHAT_ISSUER).sign(chat_claims())
    with pytest.raises(VerificationError, match="project-number tokens are not accepted"):
        verifiers["endpoint-url"].verify(bearer(token))


def test_id_token_of_another_google_account_is_refused(emulator: Emulator,
                                                       verifiers: dict[str, ChatRequestVerifier]) -> None:
    # Anyone can get a Google-signed ID token for their own account with our audience.
    token = emulator.state.keys.key_for(GOOGLE_SIGNER).sign(id_claims("someone@gmail.com"))
    with pytest.raises(VerificationError, match="signer"):
        verifiers["endpoint-url"].verify(bearer(token))


def test_addon_token_of_another_project_is_refused(emulator: Emulator, verifiers: dict[str, ChatRequestVerifier]) -> None:
    other = "service-111111111111@gcp-sa-gsuiteaddons.iam.gserviceaccount.com"
    token = emulator.state.keys.key_for(GOOGLE_SIGNER).sign(id_claims(other))
    with pytest.raises(VerificationError, match="signer"):
        verifiers["endpoint-url"].verify(bearer(token))


def test_unverified_email_is_refused(emulator: Emulator, verifiers: dict[str, ChatRequestVerifier]) -> None:
    token = emulator.state.keys.key_for(GOOGLE_SIGNER).sign(id_claims(email_verified=False))
    with pytest.raises(VerificationError, match="verified"):
        verifiers["endpoint-url"].verify(bearer(token))


def test_chat_issuer_signed_by_google_key_is_refused(emulator: Emulator, verifiers: dict[str, ChatRequestVerifier]) -> None:
    # The right claims signed by the wrong (though genuine) key: certificates are per issuer.
    token = emulator.state.keys.key_for(GOOGLE_SIGNER).sign(chat_claims())
    with pytest.raises(VerificationError, match="unknown key id"):
        verifiers["project-number"].verify(bearer(token))


def test_oversized_token_is_refused_without_fetching_certificates(verifiers: dict[str, ChatRequestVerifier]) -> None:
    token = unsigned({"alg": "RS256", "kid": "x" * 9000}, chat_claims(), b"sig")
    with pytest.raises(VerificationError, match="malformed"):
        verifiers["project-number"].verify(bearer(token))


def test_garbage_segments_are_refused(verifiers: dict[str, ChatRequestVerifier]) -> None:
    # The last: Chat's claims under a header that is not a JSON object.
    for token in ["a.b.c", "!!!.???.***", b64(b"[1,2]") + "." + b64(json.dumps(chat_claims()).encode()) + ".x"]:
        with pytest.raises(VerificationError, match="malformed token"):
            verifiers["project-number"].verify(bearer(token))


# -- certificate caching ---------------------------------------------------------------
class CountingSession:
    """A requests session that records every certificate fetch."""

    def __init__(self, fetches: list[str]) -> None:
        import requests

        self._session = requests.Session()
        self._fetches = fetches

    def get(self, url: str, timeout: float) -> Any:
        self._fetches.append(url)
        return self._session.get(url, timeout=timeout)


def test_certificates_are_fetched_once_within_max_age(emulator: Emulator) -> None:
    fetches: list[str] = []
    verifier = ChatRequestVerifier(config_for(emulator, "project-number"),
                                   CertificateCache(CountingSession(fetches)))  # type: ignore[arg-type]
    key = emulator.state.keys.key_for(GOOGLE_CHAT_ISSUER)
    for _ in range(5):
        verifier.verify(bearer(key.sign(chat_claims())))
    assert len(fetches) == 1


def test_unknown_kid_refetch_is_rate_limited(emulator: Emulator) -> None:
    fetches: list[str] = []
    moments = iter([0.0, 1.0, 2.0, 100.0, 101.0])

    cache = CertificateCache(CountingSession(fetches), clock=lambda: next(moments))  # type: ignore[arg-type]
    verifier = ChatRequestVerifier(config_for(emulator, "project-number"), cache)
    rogue = generate_key("attacker")
    for _ in range(3):  # at 0 (first fetch), 1 and 2 (too soon to refetch)
        with pytest.raises(VerificationError, match="unknown key id"):
            verifier.verify(bearer(rogue.sign(chat_claims())))
    assert len(fetches) == 1
    with pytest.raises(VerificationError, match="unknown key id"):  # at 100: a minute passed, one refetch allowed
        verifier.verify(bearer(rogue.sign(chat_claims())))
    assert len(fetches) == 2


# -- validity period: nbf and lifetime (what google-auth leaves unchecked) ------------------
TOKENS = {
    "project-number": lambda emulator, **claims: emulator.state.keys.key_for(GOOGLE_CHAT_ISSUER).sign(
        chat_claims(**claims)),
    "endpoint-url": lambda emulator, **claims: emulator.state.keys.key_for(GOOGLE_SIGNER).sign(id_claims(**claims)),
}


@pytest.mark.parametrize("mode", ["project-number", "endpoint-url"])
def test_token_not_yet_valid_is_refused(emulator: Emulator, verifiers: dict[str, ChatRequestVerifier],
                                        mode: str) -> None:
    token = TOKENS[mode](emulator, nbf=int(time.time()) + 120)
    with pytest.raises(VerificationError, match=r"not yet valid \(nbf is in the future\)"):
        verifiers[mode].verify(bearer(token))


@pytest.mark.parametrize("mode", ["project-number", "endpoint-url"])
def test_nbf_within_the_clock_skew_or_past_is_accepted(emulator: Emulator, verifiers: dict[str, ChatRequestVerifier],
                                                       mode: str) -> None:
    for not_before in (int(time.time()) + 5, int(time.time()) - 60):
        assert verifiers[mode].verify(bearer(TOKENS[mode](emulator, nbf=not_before))).kind == "chat"


@pytest.mark.parametrize("nbf", ["soon", True, [1], {"at": 0}])
def test_nbf_that_is_not_a_time_is_refused(emulator: Emulator, verifiers: dict[str, ChatRequestVerifier],
                                           nbf: Any) -> None:
    with pytest.raises(VerificationError, match="nbf is not a time"):
        verifiers["project-number"].verify(bearer(TOKENS["project-number"](emulator, nbf=nbf)))


@pytest.mark.parametrize("mode", ["project-number", "endpoint-url"])
def test_token_living_longer_than_googles_hour_is_refused(emulator: Emulator,
                                                          verifiers: dict[str, ChatRequestVerifier], mode: str) -> None:
    now = int(time.time())
    token = TOKENS[mode](emulator, iat=now - 60, exp=now + 7 * 24 * 3600)
    with pytest.raises(VerificationError, match=r"token lifetime too long \(604860 s"):
        verifiers[mode].verify(bearer(token))


def test_a_lifetime_of_one_hour_and_the_skew_is_accepted_and_a_second_more_is_not(
        emulator: Emulator, verifiers: dict[str, ChatRequestVerifier]) -> None:
    now = int(time.time())
    verifier = verifiers["project-number"]
    assert verifier.verify(bearer(TOKENS["project-number"](emulator, iat=now, exp=now + 3610))).kind == "chat"
    with pytest.raises(VerificationError, match="token lifetime too long"):
        verifier.verify(bearer(TOKENS["project-number"](emulator, iat=now, exp=now + 3611)))


# -- the token's kind decides the body's format -----------------------------------------------
@pytest.mark.parametrize("mode", ["project-number", "endpoint-url"])
def test_chat_token_goes_with_classic_events_only(emulator: Emulator, verifiers: dict[str, ChatRequestVerifier],
                                                  mode: str) -> None:
    caller = verifiers[mode].verify(bearer(TOKENS[mode](emulator)))
    caller.require_event_format("classic")
    with pytest.raises(VerificationError, match="token kind 'chat' does not match the 'addon' event body"):
        caller.require_event_format("addon")


def test_addon_token_goes_with_addon_events_only(emulator: Emulator, verifiers: dict[str, ChatRequestVerifier]) -> None:
    caller = verifiers["endpoint-url"].verify(bearer(emulator.state.keys.key_for(GOOGLE_SIGNER).sign(
        id_claims(ADDON_EMAIL))))
    caller.require_event_format("addon")
    with pytest.raises(VerificationError, match="token kind 'addon' does not match the 'classic' event body"):
        caller.require_event_format("classic")
