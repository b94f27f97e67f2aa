"""No secret reaches a log line, at any level, from any logger (issue 14, attack 1).

Every logger in the process is set to DEBUG and every record captured (whole: message,
traceback, stack and extras), and the process's stdout and stderr too (what local mode's
handler writes, and anything printed). Then the flows that handle secrets run for real
through the emulator: a person links their Google account on the consent page (code,
PKCE verifier, access, refresh and ID tokens, the client secret in a Basic header),
``/meet``, Pub/Sub pushes and a reconciler pass (OIDC tokens, the reconcile secret),
an access token refreshed after it expired (the refresh token and client secret in a
form body), and ``/meetlogout`` (the refresh token revoked). Every secret value used
is collected from where it is issued (the emulator's token store, the app's
configuration and key file, spies on the verifier generator and on JWT decoding) and
searched for in everything captured.
"""

from __future__ import annotations

import base64
import json
import logging
import sys
import tempfile
from typing import Any, Iterator
from urllib.parse import parse_qs, quote, urlsplit

import google.auth.jwt
import pytest
import requests

import bot.authorization.linking as linking
from local.stack import LocalStack
from bot.log import configure_logging
from tests.e2e.conftest import Stack
from tests.support import wait_until

RECONCILE_SECRET = "reconcile-secret-for-the-log-test-0123456789"
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class CaptureEverything(logging.Handler):
    """Every record, in full: what any handler or formatter could write from it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.names: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        extras = {key: value for key, value in record.__dict__.items() if key not in _STANDARD}
        self.names.add(record.name)
        self.lines.append(" | ".join([record.name, record.getMessage(), str(record.exc_text or ""),
                                      str(record.stack_info or ""), json.dumps(extras, default=repr)]))


@pytest.fixture(scope="module")
def log_stack() -> Iterator[Stack]:
    local = LocalStack(directory=tempfile.mkdtemp(prefix="meetbot-security-logs-"), auto_consent=True,
                       auth_mode="oauth", reconcile_interval=0,
                       extra_env={"LOG_LEVEL": "DEBUG", "RECONCILE_SECRET": RECONCILE_SECRET}).start()
    try:
        yield Stack(local)
    finally:
        local.stop()


@pytest.fixture
def every_log_record() -> Iterator[CaptureEverything]:
    """All loggers at DEBUG, local mode's console handler on stderr, and a handler that
    keeps every record; everything put back afterwards."""
    root = logging.getLogger()
    loggers = [root] + [logger for logger in logging.root.manager.loggerDict.values()
                        if isinstance(logger, logging.Logger)]
    saved = [(logger, logger.level, logger.disabled, logger.propagate, logger.handlers[:]) for logger in loggers]
    capture = CaptureEverything()
    configure_logging("DEBUG", stream=sys.stderr, console=True)  # what `LOG_LEVEL=DEBUG python main.py` does
    root.addHandler(capture)
    for logger in loggers[1:]:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if not logger.propagate:  # a library that keeps its records from the root
            logger.addHandler(capture)
    try:
        yield capture
    finally:
        for logger, level, disabled, propagate, handlers in saved:
            logger.setLevel(level)
            logger.disabled, logger.propagate = disabled, propagate
            logger.handlers[:] = handlers
        logging.captureWarnings(False)


class Spies:
    """Secrets that no store keeps: the app's PKCE verifiers, and every JWT decoded in the
    process (Chat's and Pub/Sub's tokens, ID tokens, the app's signed assertions)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.verifiers: list[str] = []
        self.jwts: list[str] = []
        new_verifier, decode = linking.new_code_verifier, google.auth.jwt.decode

        def recording_verifier() -> str:
            self.verifiers.append(new_verifier())
            return self.verifiers[-1]

        def recording_decode(token: Any, *args: Any, **kwargs: Any) -> Any:
            self.jwts.append(token.decode() if isinstance(token, bytes) else str(token))
            return decode(token, *args, **kwargs)

        monkeypatch.setattr(linking, "new_code_verifier", recording_verifier)
        monkeypatch.setattr(google.auth.jwt, "decode", recording_decode)


def link_through_the_consent_page(stack: Stack, prompt_url: str) -> str:
    """The browser's way: /oauth2/start -> Google's consent page -> /oauth2/callback; the code."""
    consent = requests.get(prompt_url, allow_redirects=False, timeout=60)
    assert consent.status_code == 302, consent.text
    approved = requests.get(consent.headers["Location"], allow_redirects=False, timeout=60)
    assert approved.status_code == 302, approved.text
    callback = approved.headers["Location"]
    code = parse_qs(urlsplit(callback).query)["code"][0]
    finished = requests.get(callback, allow_redirects=True, timeout=60)
    assert finished.status_code == 200, finished.text
    return code


def reconcile(stack: Stack) -> None:
    response = requests.get(stack.local.app_url + "/tasks/reconcile", timeout=60,
                            headers={"Authorization": f"Bearer {RECONCILE_SECRET}"})
    assert response.status_code == 200, response.text


def spellings(secret: str) -> set[str]:
    """How a secret may be written: as is, URL-encoded, and (for a JWT) its payload and
    signature, which are the parts no other token shares."""
    found = {secret, quote(secret, safe=""), quote(secret, safe="/")}
    if secret.count(".") == 2 and secret.startswith("eyJ"):
        found.update(part for part in secret.split(".")[1:] if len(part) >= 16)
    return found


def test_no_secret_reaches_any_log_line_at_debug(log_stack: Stack, every_log_record: CaptureEverything,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capfd: pytest.CaptureFixture[str]) -> None:
    stack, spies = log_stack, Spies(monkeypatch)
    alice = stack.person("Alice Anders")
    space = stack.space(alice)

    # Linking: code, verifier, tokens, the client secret (Basic auth at the token endpoint).
    answer = stack.say(space, alice, "/meet Planning")
    code = link_through_the_consent_page(stack, stack.prompt_url(answer))
    card = wait_until(lambda: next((m for m in stack.app_messages(space) if m.get("cardsV2")), None),
                      what="the /meet card, posted once Alice linked her account")
    meeting_code = card["clientAssignedMessageId"][len("client-meet-"):]
    grant = stack.storage.grants.get_grant(alice["name"])
    assert grant is not None

    # Syncs: Pub/Sub pushes (OIDC tokens) and a reconciler pass (the reconcile secret).
    stack.control("POST", "meet/join", {"space": meeting_code, "user": alice["name"]})
    wait_until(lambda: "In the call (1)" in json.dumps(stack.app_messages(space)), what="the card showing the call")
    reconcile(stack)

    # An access token Google no longer takes: the app refreshes it (refresh token and
    # client secret in the request body), on the next sync a push asks for.
    tokens = stack.state.tokens
    [issued] = [g for g in tokens.grants.values() if g.user_name == alice["name"]]

    def alices_access_tokens() -> list[str]:
        return [t.token for t in list(tokens.access_tokens.values()) if t.grant is issued]

    first = len(alices_access_tokens())
    stack.control("POST", "clock", {"advanceSeconds": 3700})
    stack.control("POST", "meet/leave", {"space": meeting_code, "user": alice["name"]})
    wait_until(lambda: len(alices_access_tokens()) > first, what="an access token refreshed after it expired")

    # /meetlogout revokes the grant at Google.
    stack.say(space, alice, "/meetlogout")
    wait_until(lambda: issued.revoked, what="the grant revoked at Google")
    stack.local.app.extensions["meetbot"].worker.drain(budget_seconds=10)

    config = stack.local.config
    with open(config.chat_credentials_file or "", encoding="utf-8") as handle:
        private_key = json.load(handle)["private_key"]
    secrets: dict[str, str] = {
        "authorization code": code,
        "OAuth client secret": config.oauth_client_secret or "",
        "client id and secret (Basic)": base64.b64encode(
            f"{config.oauth_client_id}:{config.oauth_client_secret}".encode()).decode(),
        "reconcile secret": RECONCILE_SECRET,
        "refresh token": issued.refresh_token,
        "service account key": "".join(private_key.splitlines()[1:-1])[:64],
        **{f"encryption key {n}": key for n, key in enumerate(config.token_encryption_keys)},
        **{f"PKCE verifier {n}": verifier for n, verifier in enumerate(spies.verifiers)},
        **{f"access token {n}": token for n, token in enumerate(alices_access_tokens())},
        **{f"JWT {n}": token for n, token in enumerate(dict.fromkeys(spies.jwts))},
        **{f"code {n}": issued_code for n, issued_code in enumerate(tokens.codes)},
    }
    # The flows ran, and the capture saw the libraries' DEBUG lines that carry these values.
    assert spies.verifiers and len(alices_access_tokens()) >= 2 and spies.jwts
    assert any(json.loads(base64.urlsafe_b64decode(t.split(".")[1] + "==")).get("aud") == config.oauth_client_id
               for t in spies.jwts), "no ID token was seen"
    assert {"requests_oauthlib.oauth2_session", "urllib3.connectionpool", "sqlalchemy.engine.Engine",
            "google.auth.transport.requests", "googleapiclient.discovery"} <= every_log_record.names
    printed = capfd.readouterr()
    everything = "\n".join(every_log_record.lines) + printed.out + printed.err
    assert "Obtained token" in everything  # requests-oauthlib's line with the whole token response

    leaked = sorted(name for name, secret in secrets.items() if secret
                    for spelling in spellings(secret) if spelling in everything)
    assert not leaked, f"secrets in the logs: {sorted(set(leaked))}"
    assert "[REDACTED]" in everything
