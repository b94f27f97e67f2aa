"""The rules a mutation run showed were unstated: each test names one rule and breaks it once.

Every token here is genuinely signed by the emulator's keys (published in Google's
certificate formats), so a refusal can only come from the rule the test is about.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
import requests

from bot.authorization.google_oauth import GoogleOAuthClient
from bot.config import GOOGLE_CHAT_ISSUER, Config
from bot.pubsub import MalformedPush, PushVerifier, parse_push
from bot.verification import (
    CLOCK_SKEW_SECONDS,
    MAX_TOKEN_BYTES,
    UNKNOWN_KID_REFETCH_SECONDS,
    CertificateCache,
    ChatRequestVerifier,
    VerificationError,
    _jwks_to_pem,
)
from emulator.signing import GOOGLE_SIGNER, generate_key
from tests.support import Emulator

PROJECT_NUMBER = "123456789012"
ENDPOINT = "https://meet-bot.example.com/"
PUSH_AUDIENCE = "https://meet-bot.example.com/pubsub/push"
PUSH_ACCOUNT = "pubsub-push@example-project.iam.gserviceaccount.com"
CLIENT_ID = "meet-bot.apps.googleusercontent.com"


def bearer(token: str) -> str:
    return f"Bearer {token}"


def id_claims(*, aud: str, email: str, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": "https://accounts.google.com", "aud": aud, "email": email, "email_verified": True, "sub": "1",
            "iat": now, "exp": now + 3600, **changes}


def chat_claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": GOOGLE_CHAT_ISSUER, "aud": PROJECT_NUMBER, "iat": now, "exp": now + 3600, **changes}


def chat_verifier(emulator: Emulator, audience: str) -> ChatRequestVerifier:
    return ChatRequestVerifier(Config(
        chat_audience=audience, chat_project_number=PROJECT_NUMBER, chat_endpoint_url=ENDPOINT,
        chat_certs_url=f"{emulator.url}/service_accounts/v1/metadata/x509/{GOOGLE_CHAT_ISSUER}",
        google_certs_url=f"{emulator.url}/oauth2/v1/certs"), CertificateCache())


# -- Chat: the configured mode decides which kind of token is Chat's ------------------
def test_project_number_mode_refuses_chats_endpoint_url_id_token(emulator: Emulator) -> None:
    """The same Google-signed ID token that endpoint-URL mode accepts as Chat's is not
    Chat's in project-number mode (an endpoint URL is configured there only for add-ons)."""
    token = emulator.state.keys.key_for(GOOGLE_SIGNER).sign(id_claims(aud=ENDPOINT, email=GOOGLE_CHAT_ISSUER))
    assert chat_verifier(emulator, "endpoint-url").verify(bearer(token)).kind == "chat"
    with pytest.raises(VerificationError, match="unexpected signer"):
        chat_verifier(emulator, "project-number").verify(bearer(token))


# -- clock skew: seconds, not minutes ----------------------------------------------------
def test_the_clock_skew_allowance_is_seconds() -> None:
    assert 0 < CLOCK_SKEW_SECONDS <= 30


def test_a_token_a_minute_early_is_refused(emulator: Emulator) -> None:
    now = int(time.time())
    token = emulator.state.keys.key_for(GOOGLE_CHAT_ISSUER).sign(chat_claims(iat=now + 60, exp=now + 3660))
    with pytest.raises(VerificationError, match="too early"):
        chat_verifier(emulator, "project-number").verify(bearer(token))


def test_a_token_a_minute_past_expiry_is_refused(emulator: Emulator) -> None:
    now = int(time.time())
    token = emulator.state.keys.key_for(GOOGLE_CHAT_ISSUER).sign(chat_claims(iat=now - 3660, exp=now - 60))
    with pytest.raises(VerificationError, match="expired"):
        chat_verifier(emulator, "project-number").verify(bearer(token))


def test_a_clock_a_few_seconds_off_is_tolerated(emulator: Emulator) -> None:
    now = int(time.time())
    token = emulator.state.keys.key_for(GOOGLE_CHAT_ISSUER).sign(chat_claims(iat=now + 3, exp=now + 3603))
    assert chat_verifier(emulator, "project-number").verify(bearer(token)).kind == "chat"


# -- Pub/Sub push: the push identity ---------------------------------------------------
@pytest.fixture
def push_verifier(emulator: Emulator) -> PushVerifier:
    return PushVerifier(PUSH_AUDIENCE, PUSH_ACCOUNT, f"{emulator.url}/oauth2/v1/certs", CertificateCache())


def push_token(emulator: Emulator, **changes: Any) -> str:
    claims = {**id_claims(aud=PUSH_AUDIENCE, email=PUSH_ACCOUNT), **changes}
    claims = {name: value for name, value in claims.items() if value is not None}
    return emulator.state.keys.key_for(GOOGLE_SIGNER).sign(claims)


def test_the_genuine_push_identity_is_accepted(emulator: Emulator, push_verifier: PushVerifier) -> None:
    assert push_verifier.verify(bearer(push_token(emulator)))["email"] == PUSH_ACCOUNT


@pytest.mark.parametrize("verified", [None, False, "true", 1], ids=["absent", "false", "string", "one"])
def test_a_push_identity_must_be_verified_exactly_true(emulator: Emulator, push_verifier: PushVerifier,
                                                       verified: Any) -> None:
    """``email_verified`` absent, or anything but JSON true, is not a verified email."""
    with pytest.raises(VerificationError, match="not verified"):
        push_verifier.verify(bearer(push_token(emulator, email_verified=verified)))


def test_a_push_token_of_another_account_is_refused(emulator: Emulator, push_verifier: PushVerifier) -> None:
    with pytest.raises(VerificationError, match="unexpected push identity"):
        push_verifier.verify(bearer(push_token(emulator, email="someone@gmail.com")))


def test_a_push_token_for_another_audience_is_refused(emulator: Emulator, push_verifier: PushVerifier) -> None:
    with pytest.raises(VerificationError, match="wrong audience"):
        push_verifier.verify(bearer(push_token(emulator, aud="https://attacker.example/push")))


# -- Pub/Sub push: the envelope ----------------------------------------------------------
ATTRIBUTES = {"ce-id": "event-1", "ce-type": "google.workspace.meet.conference.v2.ended",
              "ce-source": "//workspaceevents.googleapis.com/subscriptions/sub-1",
              "ce-subject": "//meet.googleapis.com/spaces/abc", "ce-time": "2026-11-30T10:00:00.000Z"}
DATA = base64.b64encode(json.dumps({"conferenceRecord": {"name": "conferenceRecords/r1"}}).encode()).decode()


def envelope(attributes: dict[str, str] | None = None, data: Any = DATA) -> dict[str, Any]:
    return {"message": {"attributes": ATTRIBUTES if attributes is None else attributes, "data": data,
                        "messageId": "1"}, "subscription": "projects/p/subscriptions/s", "deliveryAttempt": 2}


def test_a_complete_envelope_is_read() -> None:
    event = parse_push(envelope())
    assert (event.id, event.subscription, event.meet_space, event.delivery_attempt) == (
        "event-1", "subscriptions/sub-1", "spaces/abc", 2)
    assert (event.type, event.source, event.subject, event.time) == (
        ATTRIBUTES["ce-type"], ATTRIBUTES["ce-source"], ATTRIBUTES["ce-subject"], ATTRIBUTES["ce-time"])
    assert event.data == {"conferenceRecord": {"name": "conferenceRecords/r1"}}


@pytest.mark.parametrize("name", ["ce-id", "ce-type", "ce-source"])
@pytest.mark.parametrize("how", ["absent", "empty", "not text"])
def test_each_required_cloudevent_attribute_must_be_there(name: str, how: str) -> None:
    attributes = dict(ATTRIBUTES)
    if how == "absent":
        del attributes[name]
    else:
        attributes[name] = "" if how == "empty" else 7  # type: ignore[assignment]
    with pytest.raises(MalformedPush, match=f"missing CloudEvent attributes: {name}$"):
        parse_push(envelope(attributes))


@pytest.mark.parametrize("data", [
    DATA[:8] + "*" + DATA[8:],  # a character outside base64's alphabet, which a lenient decoder skips
    DATA[:8] + "\n" + DATA[8:],
    DATA.replace("+", "-").replace("/", "_") + "-_",  # URL-safe alphabet: not what Pub/Sub sends
], ids=["star", "newline", "urlsafe"])
def test_data_must_be_strict_base64(data: str) -> None:
    with pytest.raises(MalformedPush, match="not base64-encoded JSON"):
        parse_push(envelope(data=data))


# -- OAuth: an ID token is this client's, or nobody's --------------------------------------
def oauth_client(emulator: Emulator) -> GoogleOAuthClient:
    return GoogleOAuthClient(Config(oauth_client_id=CLIENT_ID, oauth_client_secret="secret",
                                    google_certs_url=f"{emulator.url}/oauth2/v1/certs"))


def test_the_callbacks_id_token_must_be_issued_to_this_client(emulator: Emulator) -> None:
    """Any site can get a Google-signed ID token for its own users: one issued to another
    client id proves nothing about who consented to ours."""
    key = emulator.state.keys.key_for(GOOGLE_SIGNER)
    client = oauth_client(emulator)
    assert client.verify_id_token(key.sign(id_claims(aud=CLIENT_ID, email="alice@example.com")))["sub"] == "1"
    with pytest.raises(VerificationError, match="wrong audience"):
        client.verify_id_token(key.sign(id_claims(aud="another-app.apps.googleusercontent.com",
                                                  email="alice@example.com")))


# -- the signed-token checks every caller shares ------------------------------------------
def test_both_spellings_of_googles_issuer_are_accepted(emulator: Emulator, push_verifier: PushVerifier) -> None:
    """Google's ID tokens say ``https://accounts.google.com`` or ``accounts.google.com``."""
    for issuer in ("https://accounts.google.com", "accounts.google.com"):
        assert push_verifier.verify(bearer(push_token(emulator, iss=issuer)))["iss"] == issuer


def test_a_google_signed_token_of_another_issuer_is_refused(emulator: Emulator, push_verifier: PushVerifier) -> None:
    """The Pub/Sub and OAuth paths have no issuer pre-check: the signed claims are checked."""
    with pytest.raises(VerificationError, match="unexpected issuer"):
        push_verifier.verify(bearer(push_token(emulator, iss="https://securetoken.google.com/other")))


@pytest.mark.parametrize("kid", [None, "", 7], ids=["absent", "empty", "not text"])
def test_a_token_without_a_usable_key_id_is_refused(emulator: Emulator, kid: Any) -> None:
    key = emulator.state.keys.key_for(GOOGLE_CHAT_ISSUER)
    genuine = key.sign(chat_claims())
    header = {"alg": "RS256", "typ": "JWT", **({} if kid is None else {"kid": kid})}
    encoded = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    token = encoded + genuine[genuine.index("."):]
    with pytest.raises(VerificationError, match="no key id"):
        chat_verifier(emulator, "project-number").verify(bearer(token))


def test_project_number_mode_without_a_project_number_accepts_no_chat_token(emulator: Emulator) -> None:
    """Its audience would be missing, and a token checked against no audience is anyone's."""
    verifier = ChatRequestVerifier(Config(
        chat_audience="project-number", chat_project_number=None, chat_endpoint_url=ENDPOINT,
        chat_certs_url=f"{emulator.url}/service_accounts/v1/metadata/x509/{GOOGLE_CHAT_ISSUER}",
        google_certs_url=f"{emulator.url}/oauth2/v1/certs"), CertificateCache())
    token = emulator.state.keys.key_for(GOOGLE_CHAT_ISSUER).sign(chat_claims(aud="999999999999"))
    with pytest.raises(VerificationError, match="not accepted by this configuration"):
        verifier.verify(bearer(token))


def test_endpoint_url_mode_without_an_endpoint_accepts_no_id_token(emulator: Emulator) -> None:
    verifier = ChatRequestVerifier(Config(
        chat_audience="endpoint-url", chat_project_number=PROJECT_NUMBER, chat_endpoint_url=None,
        google_certs_url=f"{emulator.url}/oauth2/v1/certs"), CertificateCache())
    token = emulator.state.keys.key_for(GOOGLE_SIGNER).sign(id_claims(aud="", email=GOOGLE_CHAT_ISSUER))
    with pytest.raises(VerificationError, match="CHAT_ENDPOINT_URL"):
        verifier.verify(bearer(token))


def test_a_verifier_made_without_a_cache_has_its_own(emulator: Emulator) -> None:
    config = Config(chat_audience="project-number", chat_project_number=PROJECT_NUMBER,
                    chat_certs_url=f"{emulator.url}/service_accounts/v1/metadata/x509/{GOOGLE_CHAT_ISSUER}")
    token = emulator.state.keys.key_for(GOOGLE_CHAT_ISSUER).sign(chat_claims())
    assert ChatRequestVerifier(config).verify(bearer(token)).kind == "chat"
    push = PushVerifier(PUSH_AUDIENCE, PUSH_ACCOUNT, f"{emulator.url}/oauth2/v1/certs")
    assert push.verify(bearer(push_token(emulator)))["email"] == PUSH_ACCOUNT


# -- certificates: Google's two formats, kept as long as Google says ----------------------
class Fetches:
    """A requests session that counts certificate fetches."""

    def __init__(self) -> None:
        self.session = requests.Session()
        self.urls: list[str] = []

    def get(self, url: str, timeout: float) -> Any:
        self.urls.append(url)
        return self.session.get(url, timeout=timeout)


def test_jwks_and_x509_documents_give_the_same_keys(emulator: Emulator) -> None:
    """``/oauth2/v3/certs`` is a JWK set, ``/oauth2/v1/certs`` PEM certificates: either
    verifies Google's ID tokens (keys of another type, or without a key id, are skipped)."""
    token = push_token(emulator)
    for path in ("/oauth2/v3/certs", "/oauth2/v1/certs"):
        verifier = PushVerifier(PUSH_AUDIENCE, PUSH_ACCOUNT, emulator.url + path, CertificateCache())
        assert verifier.verify(bearer(token))["email"] == PUSH_ACCOUNT
    jwks = requests.get(emulator.url + "/oauth2/v3/certs", timeout=10).json()["keys"]
    assert jwks, "the emulator publishes keys"
    odd = [{**jwks[0], "kty": "EC"}, {k: v for k, v in jwks[0].items() if k != "kid"}]
    assert _jwks_to_pem(odd) == {}
    assert set(_jwks_to_pem(jwks)) == {key["kid"] for key in jwks}


def test_certificates_are_kept_for_their_max_age_and_no_longer(emulator: Emulator) -> None:
    """Google sends ``max-age=21600``: certificates are used for that long, then fetched
    again; a known key id never causes a fetch inside that time."""
    now = [0.0]
    fetches = Fetches()
    cache = CertificateCache(fetches, clock=lambda: now[0])  # type: ignore[arg-type]
    verifier = PushVerifier(PUSH_AUDIENCE, PUSH_ACCOUNT, f"{emulator.url}/oauth2/v1/certs", cache)
    for moment in (0.0, 61.0, 21599.0):
        now[0] = moment
        verifier.verify(bearer(push_token(emulator)))
    assert len(fetches.urls) == 1
    now[0] = 21600.0
    verifier.verify(bearer(push_token(emulator)))
    assert len(fetches.urls) == 2


def test_an_unknown_key_id_is_looked_up_again_after_a_minute_exactly(emulator: Emulator) -> None:
    start = 1000.0  # a monotonic clock starts anywhere
    now = [start]
    fetches = Fetches()
    cache = CertificateCache(fetches, clock=lambda: now[0])  # type: ignore[arg-type]
    verifier = chat_verifier(emulator, "project-number")
    verifier.cache = cache
    rogue = generate_key("attacker")
    for moment in (start, start + UNKNOWN_KID_REFETCH_SECONDS - 1):
        now[0] = moment
        with pytest.raises(VerificationError, match="unknown key id"):
            verifier.verify(bearer(rogue.sign(chat_claims())))
    assert len(fetches.urls) == 1
    now[0] = start + UNKNOWN_KID_REFETCH_SECONDS
    with pytest.raises(VerificationError, match="unknown key id"):
        verifier.verify(bearer(rogue.sign(chat_claims())))
    assert len(fetches.urls) == 2
    assert 30 <= UNKNOWN_KID_REFETCH_SECONDS <= 600  # a rotated key is found soon, and Google is not hammered


def test_what_an_event_names_is_read_only_from_googles_own_prefixes() -> None:
    event = parse_push(envelope({**ATTRIBUTES, "ce-source": "//elsewhere.example/subscriptions/sub-1",
                                 "ce-subject": "//meet.googleapis.com/conferenceRecords/r1"}))
    assert event.subscription is None and event.meet_space is None
    nested = parse_push(envelope({**ATTRIBUTES, "ce-subject": "//meet.googleapis.com/spaces/abc/participants/p"}))
    assert nested.meet_space == "spaces/abc"


def test_optional_parts_of_an_envelope() -> None:
    bare = {name: value for name, value in ATTRIBUTES.items() if name not in {"ce-subject", "ce-time"}}
    event = parse_push({"message": {"attributes": bare}, "deliveryAttempt": "2"})
    assert (event.subject, event.time, event.data, event.delivery_attempt) == ("", None, {}, None)


@pytest.mark.parametrize("body, reason", [
    ([], "not a Pub/Sub push envelope"),
    ({"message": "x"}, "not a Pub/Sub push envelope"),
    ({"message": {"data": DATA}}, "no attributes"),
    ({"message": {"attributes": ["ce-id"]}}, "no attributes"),
    (envelope({**ATTRIBUTES, "ce-type": "joined\ud800"}), "not valid Unicode"),
    (envelope(data=7), "base64 text"),
    (envelope(data=base64.b64encode(b"[1, 2]").decode()), "JSON object"),
    (envelope(data=base64.b64encode(b'{"a": "\\u0000"}').decode()), "JSON object of valid Unicode"),
    (envelope(data=base64.b64encode(b"\xff\xfe").decode()), "not base64-encoded JSON"),
], ids=["list", "message not an object", "no attributes", "attributes not an object", "lone surrogate",
        "data not text", "data a list", "data with NUL", "data not UTF-8"])
def test_malformed_envelopes_are_named(body: Any, reason: str) -> None:
    with pytest.raises(MalformedPush, match=reason):
        parse_push(body)


def test_without_a_project_number_no_token_is_an_add_ons(emulator: Emulator) -> None:
    """No project number, no add-on service account to match: an ID token without an
    email (whose ``None`` would equal the missing address) is nobody's."""
    verifier = ChatRequestVerifier(Config(
        chat_audience="endpoint-url", chat_project_number=None, chat_endpoint_url=ENDPOINT,
        google_certs_url=f"{emulator.url}/oauth2/v1/certs"), CertificateCache())
    claims = {k: v for k, v in id_claims(aud=ENDPOINT, email="x").items() if k != "email"}
    with pytest.raises(VerificationError, match="unexpected signer None"):
        verifier.verify(bearer(emulator.state.keys.key_for(GOOGLE_SIGNER).sign(claims)))


def test_a_token_of_exactly_the_size_limit_is_read_and_one_byte_more_is_not(emulator: Emulator) -> None:
    def segment(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    signed = segment({"alg": "RS256", "typ": "JWT", "kid": "no-such-key"}) + "." + segment(chat_claims()) + "."
    for size, reason in ((MAX_TOKEN_BYTES, "unknown key id"), (MAX_TOKEN_BYTES + 1, "malformed token")):
        token = signed + "A" * (size - len(signed))
        assert len(token) == size
        with pytest.raises(VerificationError, match=reason):
            chat_verifier(emulator, "project-number").verify(bearer(token))


def test_a_token_of_more_than_three_segments_is_malformed(emulator: Emulator) -> None:
    genuine = emulator.state.keys.key_for(GOOGLE_CHAT_ISSUER).sign(chat_claims())
    with pytest.raises(VerificationError, match="malformed token"):
        chat_verifier(emulator, "project-number").verify(bearer(genuine + ".extra"))


# -- fetching certificates: every failure is a refusal -------------------------------------
class Answers:
    """A requests session whose every GET gets one scripted answer (status, headers, body)."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.status, self.body, self.headers = status, body, headers or {}
        self.gets = 0

    def get(self, url: str, timeout: float) -> requests.Response:
        self.gets += 1
        response = requests.Response()
        response.status_code, response.url = self.status, url
        response.headers.update(self.headers)
        response._content = self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()
        return response


@pytest.mark.parametrize("answers, reason", [
    (Answers(500, {"error": {"code": 500, "message": "down"}}), "could not fetch certificates"),
    (Answers(200, b"<html>not json</html>"), "could not fetch certificates"),
    (Answers(200, ["a", "b"]), "unrecognised certificate document"),
    (Answers(200, {"kid": 7}), "unrecognised certificate document"),
], ids=["http error", "not JSON", "a list", "not certificates"])
def test_certificates_google_did_not_give_are_a_refusal(emulator: Emulator, answers: Answers, reason: str) -> None:
    verifier = PushVerifier(PUSH_AUDIENCE, PUSH_ACCOUNT, "https://www.googleapis.com/oauth2/v1/certs",
                            CertificateCache(answers))  # type: ignore[arg-type]
    with pytest.raises(VerificationError, match=reason):
        verifier.verify(bearer(push_token(emulator)))


def test_an_unreachable_certificate_url_is_a_refusal(emulator: Emulator) -> None:
    verifier = PushVerifier(PUSH_AUDIENCE, PUSH_ACCOUNT, "http://127.0.0.1:9/certs", CertificateCache())
    with pytest.raises(VerificationError, match="could not fetch certificates"):
        verifier.verify(bearer(push_token(emulator)))


def test_certificates_without_a_max_age_are_fetched_every_time(emulator: Emulator) -> None:
    certs = requests.get(f"{emulator.url}/oauth2/v1/certs", timeout=10).json()
    answers = Answers(200, certs, {"Cache-Control": "no-cache"})
    cache = CertificateCache(answers, clock=lambda: 0.0)  # type: ignore[arg-type]
    verifier = PushVerifier(PUSH_AUDIENCE, PUSH_ACCOUNT, "https://www.googleapis.com/oauth2/v1/certs", cache)
    for _ in range(2):
        verifier.verify(bearer(push_token(emulator)))
    assert answers.gets == 2


def test_certificates_asked_for_without_a_key_id_come_from_the_cache(emulator: Emulator) -> None:
    now = [1000.0]
    fetches = Fetches()
    cache = CertificateCache(fetches, clock=lambda: now[0])  # type: ignore[arg-type]
    url = f"{emulator.url}/oauth2/v1/certs"
    first = cache.certificates(url)
    now[0] += UNKNOWN_KID_REFETCH_SECONDS + 1  # past the unknown-kid window, well inside max-age
    assert cache.certificates(url) == first and len(fetches.urls) == 1
