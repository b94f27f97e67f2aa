"""Hostile requests against the running app, over HTTP: each is refused with the right
status and leaves no trace: no processed event recorded, no sync requested, no Google
API call made, no message posted.

``POST /pubsub/push`` gets every token attack (the same checks for ``POST /`` are unit
tests in tests/bot/test_verification.py); both endpoints get bodies over the size
limit, deeply nested JSON and invalid UTF-8 with a genuine token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import tempfile
import time
from typing import Any, Callable, Iterator

import pytest
import requests
import sqlalchemy as sa

from bot.config import GOOGLE_CHAT_ISSUER
from local.stack import PROJECT_NUMBER, PUSH_SERVICE_ACCOUNT, LocalStack
from bot.storage.tables import meetings, processed_events
from emulator.signing import GOOGLE_SIGNER, generate_key
from tests.e2e.conftest import Stack


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    local = LocalStack(directory=tempfile.mkdtemp(prefix="meetbot-security-"), auto_consent=True,
                       auth_mode="delegation", reconcile_interval=0, extra_env={"LOG_LEVEL": "CRITICAL"}).start()
    try:
        yield Stack(local)
    finally:
        local.stop()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def push_claims(stack: Stack, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": "https://accounts.google.com", "aud": stack.local.app_url + "/pubsub/push",
            "email": PUSH_SERVICE_ACCOUNT, "email_verified": True, "sub": "1", "iat": now, "exp": now + 600,
            **changes}


def google_key(stack: Stack) -> Any:
    return stack.state.keys.key_for(GOOGLE_SIGNER)


def event_body(event_id: str = "attack-1") -> dict[str, Any]:
    data = base64.b64encode(json.dumps({"conferenceRecord": {"name": "conferenceRecords/x"}}).encode()).decode()
    return {"message": {"attributes": {"ce-id": event_id, "ce-type": "google.workspace.meet.conference.v2.ended",
                                       "ce-source": "//workspaceevents.googleapis.com/subscriptions/s1",
                                       "ce-subject": "//meet.googleapis.com/spaces/abc"},
                        "data": data, "messageId": "1"}, "subscription": "projects/p/subscriptions/s"}


def snapshot(stack: Stack) -> tuple[Any, ...]:
    """Everything an accepted request could have changed."""
    with stack.storage.engine.connect() as connection:
        processed = connection.execute(sa.select(sa.func.count()).select_from(processed_events)).scalar_one()
        rows = connection.execute(sa.select(meetings.c.id, meetings.c.sync_requested)).all()
    calls = len(stack.control("GET", "calls")["calls"])
    return processed, sorted(map(tuple, rows)), calls


def hs256_with_public_key(stack: Stack) -> str:
    key = google_key(stack)
    header = {"alg": "HS256", "typ": "JWT", "kid": key.kid}
    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(push_claims(stack)).encode())
    mac = hmac.new(key.certificate_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(mac)


def alg_none(stack: Stack) -> str:
    return (b64(json.dumps({"alg": "none", "typ": "JWT"}).encode()) + "."
            + b64(json.dumps(push_claims(stack)).encode()) + ".")


TOKEN_ATTACKS: dict[str, Callable[[Stack], str]] = {
    "alg-none": alg_none,
    "hs256-with-public-key": hs256_with_public_key,
    "wrong-audience": lambda s: google_key(s).sign(push_claims(s, aud="https://elsewhere.example.com/pubsub/push")),
    "wrong-issuer": lambda s: google_key(s).sign(push_claims(s, iss="https://evil.example.com")),
    "chat-issuer": lambda s: s.state.keys.key_for(GOOGLE_CHAT_ISSUER).sign(push_claims(s, iss=GOOGLE_CHAT_ISSUER)),
    "wrong-email": lambda s: google_key(s).sign(push_claims(s, email="attacker@evil-project.iam.gserviceaccount.com")),
    "unverified-email": lambda s: google_key(s).sign(push_claims(s, email_verified=False)),
    "expired": lambda s: google_key(s).sign(push_claims(s, iat=int(time.time()) - 7200, exp=int(time.time()) - 3600)),
    "future-iat": lambda s: google_key(s).sign(push_claims(s, iat=int(time.time()) + 900,
                                                           exp=int(time.time()) + 4500)),
    "unknown-kid": lambda s: generate_key("attacker").sign(push_claims(s)),
    "oversized-header": lambda s: (b64(json.dumps({"alg": "RS256", "kid": "k" * 10_000}).encode()) + "."
                                   + b64(json.dumps(push_claims(s)).encode()) + ".sig"),
    "garbage": lambda s: "not.a.jwt",
}


@pytest.mark.parametrize("attack", TOKEN_ATTACKS)
def test_push_token_attacks_are_refused_before_anything_happens(stack: Stack, attack: str) -> None:
    before = snapshot(stack)
    token = TOKEN_ATTACKS[attack](stack)
    response = requests.post(stack.local.app_url + "/pubsub/push", json=event_body(f"attack-{attack}"),
                             headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 401, (attack, response.status_code, response.text)
    assert snapshot(stack) == before


def test_the_genuine_token_is_accepted_so_the_attacks_prove_something(stack: Stack) -> None:
    before = snapshot(stack)
    token = google_key(stack).sign(push_claims(stack))
    response = requests.post(stack.local.app_url + "/pubsub/push", json=event_body("genuine-1"),
                             headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 204
    assert snapshot(stack)[0] == before[0] + 1  # the event id was recorded as processed


def chat_token(stack: Stack) -> str:
    now = int(time.time())
    return stack.state.keys.key_for(GOOGLE_CHAT_ISSUER).sign(
        {"iss": GOOGLE_CHAT_ISSUER, "aud": PROJECT_NUMBER, "iat": now, "exp": now + 600})


def hostile_bodies() -> dict[str, bytes]:
    deep = "[" * 100_000 + "]" * 100_000  # far past the parser's recursion limit
    return {
        "over-the-size-limit": b'{"type": "MESSAGE", "pad": "' + b"x" * 1_100_000 + b'"}',
        "deeply-nested": deep.encode(),
        "invalid-utf8": b'{"type": "MESSAGE", "message": {"text": "\xff\xfe\xc3\x28"}}',
        "not-json": b"\x00\x01\x02<xml/>",
        "json-but-not-an-object": b"[1, 2, 3]",
    }


@pytest.mark.parametrize("endpoint", ["/", "/pubsub/push"])
@pytest.mark.parametrize("name", list(hostile_bodies()))
def test_hostile_bodies_with_a_genuine_token_are_refused_without_side_effects(stack: Stack, endpoint: str,
                                                                             name: str) -> None:
    before = snapshot(stack)
    token = chat_token(stack) if endpoint == "/" else google_key(stack).sign(push_claims(stack))
    response = requests.post(stack.local.app_url + endpoint, data=hostile_bodies()[name], timeout=30,
                             headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    if name == "over-the-size-limit":
        assert response.status_code == 413
    elif endpoint == "/":
        assert response.status_code == 400, response.text  # never a 500
    else:
        assert response.status_code == 204  # genuine but unusable: acknowledged, never redelivered
    assert response.headers["Content-Type"].startswith("application/json") or response.status_code == 204
    assert snapshot(stack) == before


def test_an_unauthenticated_oversized_body_is_refused_before_it_is_read(stack: Stack) -> None:
    response = requests.post(stack.local.app_url + "/", data=b"x" * 2_000_000, timeout=30)
    assert response.status_code in (401, 413)
