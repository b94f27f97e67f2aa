"""Log flooding and forged log lines (issue 14, attack 6): whatever a request carries, the
log line it causes is short and one line, and nothing oversized is stored.

Values read from an unverified token (its ``iss``, its ``alg``) and from a push (its
CloudEvent attributes) reach the logs only through ``bot.text.untrusted`` (quoted,
escaped, cut) or not at all; a push whose attributes are longer than Pub/Sub allows is
acknowledged (redelivery would never fix it) and dropped before anything is stored.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from typing import Any, Iterator

import pytest
import requests

from bot.config import GOOGLE_CHAT_ISSUER
from bot.log import CloudLoggingFormatter, ConsoleFormatter
from local.stack import PROJECT_NUMBER
from bot.verification import VerificationError
from tests.e2e.conftest import Stack
from tests.security.test_push_and_bodies import event_body, google_key, push_claims, snapshot

MAX_LINE = 1_000  # far more than any refusal needs, far less than the values sent


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged(header: dict[str, Any], claims: dict[str, Any]) -> str:
    """A token nobody signed: what anyone can send."""
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}.{b64(b'not-a-signature')}"


@pytest.fixture
def app_lines(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.DEBUG, logger="bot"):
        yield caplog


def lines(captured: pytest.LogCaptureFixture, message: str) -> list[str]:
    """The matching records as production (JSON) and local mode (text) would write them."""
    found = [record for record in captured.records if record.getMessage() == message]
    assert found, f"no {message!r} record"
    return [formatter.format(record) for record in found for formatter in (CloudLoggingFormatter(), ConsoleFormatter())]


def assert_short_single_lines(written: list[str]) -> None:
    for line in written:
        assert "\n" not in line and "\r" not in line and "\u2028" not in line, line[:300]
        assert len(line) < MAX_LINE, f"{len(line)} characters: {line[:300]}"


def genuine_push_headers(stack: Stack) -> dict[str, str]:
    return {"Authorization": f"Bearer {google_key(stack).sign(push_claims(stack))}"}


def chat_claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": GOOGLE_CHAT_ISSUER, "aud": PROJECT_NUMBER, "iat": now, "exp": now + 600, **changes}


def post_chat(stack: Stack, token: str) -> requests.Response:
    return requests.post(stack.local.app_url + "/", json={"type": "MESSAGE"}, timeout=30,
                         headers={"Authorization": f"Bearer {token}"})


FORGED_LINE = "\n{\"severity\": \"CRITICAL\", \"message\": \"admin logged in\"}\r\n"


def test_an_issuer_of_100_kb_is_refused_in_a_short_line(security_stack: Stack,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    token = forged({"alg": "RS256", "kid": "k"}, chat_claims(iss="https://" + "i" * 100_000 + FORGED_LINE))
    verifier = security_stack.local.app.extensions["meetbot"].verifier
    with pytest.raises(VerificationError) as refused:
        verifier.verify(f"Bearer {token}")
    assert len(str(refused.value)) < 100 and "\n" not in str(refused.value)
    # Over HTTP the server refuses a header this long before the app sees it (gunicorn
    # does too): whatever is logged about it is short as well.
    with caplog.at_level(logging.WARNING):
        status = post_chat(security_stack, token).status_code
    assert status in (401, 431)
    assert caplog.records
    assert_short_single_lines([CloudLoggingFormatter().format(record) for record in caplog.records])


def test_the_largest_issuer_a_token_may_carry_is_cut_and_escaped(security_stack: Stack,
                                                                 app_lines: pytest.LogCaptureFixture) -> None:
    # Just under the app's token size limit, so the issuer itself is read and reported.
    repeat = 1
    while len(forged({"alg": "RS256", "kid": "k"}, chat_claims(iss=FORGED_LINE * (repeat + 1)))) < 8_192:
        repeat += 1
    token = forged({"alg": "RS256", "kid": "k"}, chat_claims(iss=FORGED_LINE * repeat))
    assert len(token) > 7_000
    assert post_chat(security_stack, token).status_code == 401
    written = lines(app_lines, "refused a Chat request")
    assert_short_single_lines(written)
    assert "unexpected issuer" in written[0] and "more characters" in written[0]


@pytest.mark.parametrize("endpoint", ["/", "/pubsub/push"])
def test_an_algorithm_with_line_breaks_cannot_forge_a_log_line(security_stack: Stack, endpoint: str,
                                                               app_lines: pytest.LogCaptureFixture) -> None:
    claims = chat_claims() if endpoint == "/" else push_claims(security_stack)
    token = forged({"alg": "RS256" + FORGED_LINE * 20, "kid": "k"}, claims)
    response = requests.post(security_stack.local.app_url + endpoint, json=event_body("alg-attack"), timeout=30,
                             headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    written = lines(app_lines, "refused a Chat request" if endpoint == "/" else "refused a push")
    assert_short_single_lines(written)
    assert "unexpected algorithm" in written[0]


@pytest.mark.parametrize("attribute", ["ce-id", "ce-type", "ce-source", "ce-subject"])
def test_a_push_with_an_attribute_longer_than_pubsub_allows_is_dropped(security_stack: Stack, attribute: str,
                                                                       app_lines: pytest.LogCaptureFixture) -> None:
    body = event_body("huge-attribute")
    body["message"]["attributes"][attribute] = "google.workspace.meet." + "x" * 200_000 + FORGED_LINE
    before = snapshot(security_stack)
    response = requests.post(security_stack.local.app_url + "/pubsub/push", json=body, timeout=30,
                             headers=genuine_push_headers(security_stack))
    # Acknowledged (Pub/Sub would redeliver a refusal forever), and nothing kept.
    assert response.status_code == 204
    assert snapshot(security_stack) == before
    written = lines(app_lines, "acknowledged a malformed push message")
    assert_short_single_lines(written)
    assert f"the {attribute} attribute is longer than Pub/Sub allows" in written[0]


def test_a_push_at_pubsubs_attribute_limit_is_still_taken(security_stack: Stack) -> None:
    event_id = "e" * 1024  # Pub/Sub's limit exactly: a genuine event could carry it
    before = snapshot(security_stack)
    response = requests.post(security_stack.local.app_url + "/pubsub/push", json=event_body(event_id), timeout=30,
                             headers=genuine_push_headers(security_stack))
    assert response.status_code == 204
    assert snapshot(security_stack)[0] == before[0] + 1  # recorded as processed: the bound is not too tight
