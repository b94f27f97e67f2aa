"""Redaction of log text and log records (bot.redaction, bot.log), on the exact shapes the
libraries write at DEBUG: requests-oauthlib's dict reprs and form bodies, urllib3's request
lines, http.client's wire dumps, token responses in JSON, SQLAlchemy rows."""

from __future__ import annotations

import base64
import io
import json
import logging
import sys
from typing import Any

import pytest

from bot.log import (CloudLoggingFormatter, ConsoleFormatter, config_secrets, configure_logging, install_redaction,
                     redact_record)
from bot.redaction import MASK, redact, redact_data, register_secrets
from bot.text import untrusted

ACCESS = "ya29.a0AfB_byC3x9Qm-_Zq7uJ2kLw0"
REFRESH = "1//0gXy7Zq_3kLmN-oP9rS2tUv"
CODE = "4/0AbCdEfGhIjKlMnOpQrStUvWxYz0123"
VERIFIER = "Zk3q9_xY-2mN8pQ4rS6tU7vW0xY1zA2bC3dE4fG5hI6jK7lM8nO9pQ0rS1tU2vW"
JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLWJ5dGVz"
FERNET = "gAAAAABnXyZ1234567890abcdefghijklmnopqrstuvwxyz-_ABCDEFG=="
BASIC = base64.b64encode(b"client.apps.googleusercontent.com:opaque-client-secret").decode()


@pytest.mark.parametrize("text, secret", [
    (f"Supplying headers {{'Accept': 'application/json'}} and data {{'grant_type': 'authorization_code', "
     f"'code_verifier': '{VERIFIER}', 'code': 'abc-not-google-shaped-{VERIFIER[:9]}'}}", VERIFIER),
    (f"Request body was grant_type=refresh_token&refresh_token=opaque{VERIFIER}&client_id=x", VERIFIER),
    (f'content {{"access_token": "opaque-{VERIFIER}", "expires_in": 3599}}', VERIFIER),
    (f'{{"message": "{{\\"id_token\\": \\"opaque-{VERIFIER}\\"}}"}}', VERIFIER),  # JSON inside JSON
    (f'http://127.0.0.1 "GET /oauth2/callback?state=s&code=opaque{VERIFIER}&scope=x HTTP/1.1" 302', VERIFIER),
    (f"send: b'POST /token HTTP/1.1\\r\\nAuthorization: Basic {BASIC}\\r\\n'", BASIC[8:40]),
    (f"{{'Authorization': 'Bearer opaque{VERIFIER}'}}", VERIFIER),
    (f"token used: {ACCESS}", ACCESS),
    (f"refresh with {REFRESH} please", REFRESH),
    (f"code {CODE} and the same URL-encoded 4%2F{CODE[2:]}", CODE[2:]),
    (f"id token {JWT}.", JWT),
    (f"Row ('users/1', '{FERNET}', 3)", FERNET[10:]),
    (f"RECONCILE_SECRET=opaque{VERIFIER} LOG_LEVEL=DEBUG", VERIFIER),
    (f"clientSecret: 'opaque{VERIFIER}'", VERIFIER),
    (f"postgresql+psycopg://meetbot:pw{VERIFIER}@10.0.0.1/db", VERIFIER),
    ('{"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n"}',
     "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"),
    ("Cookie: session=opaque-cookie-value-123", "opaque-cookie-value-123"),
])
def test_secrets_in_library_log_shapes_are_masked(text: str, secret: str) -> None:
    assert secret in text  # the case really holds the secret
    redacted = redact(text)
    assert secret not in redacted, redacted
    assert MASK in redacted


@pytest.mark.parametrize("text", [
    '{"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}',
    "meetingCode abc-mnop-xyz for spaces/abc",
    '{"meetingCode": "abc-mnop-xyz", "token_type": "Bearer", "expires_in": 3599}',
    "Running upgrade 0002 -> 0003, Per-user authorization: encrypted grants",
    "Authorization is not a bearer token",
    "UPDATE user_grants SET refresh_token_ciphertext=? WHERE user_grants.user_name = ?",
])
def test_ordinary_text_reads_as_written(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize("flood", [
    "x" * 200_000,  # one long identifier
    "a=" * 100_000,
    "http" * 50_000 + "://",
    "-----BEGIN PRIVATE KEY-----" * 8_000,
    "Bearer " * 30_000,
    "eyJ" * 70_000,
])
def test_redaction_reads_hostile_text_in_one_pass(flood: str) -> None:
    # Quadratic backtracking would make each of these take hours, not milliseconds.
    assert len(redact(flood)) <= len(flood) + len(MASK)


def test_registered_values_are_masked_whatever_surrounds_them() -> None:
    secret = "plain-words-secret+/=value"
    register_secrets([secret, "short"])
    assert redact(f"x{secret}y and %s" % "plain-words-secret%2B%2F%3Dvalue") == f"x{MASK}y and {MASK}"
    assert redact("a short word") == "a short word"  # too short to register: it would mask prose


def test_structures_are_redacted_by_key_and_by_value() -> None:
    data = {"httpRequest": {"headers": {"Authorization": "Bearer x", "Content-Type": "application/json"},
                            "body": {"assertion": "anything", "grant_type": "jwt"},
                            "url": f"https://h/?token={ACCESS}"},
            "list": [ACCESS, 3, None], "count": 2, "object": Exception(f"refused {ACCESS}")}
    redacted = redact_data(data)
    text = json.dumps(redacted)
    assert ACCESS not in text and "anything" not in text and "Bearer x" not in text
    assert redacted["httpRequest"]["headers"]["Content-Type"] == "application/json" and redacted["count"] == 2
    assert redacted["object"] == f"refused {MASK}"


@pytest.fixture
def logging_restored() -> Any:
    """Whatever configure_logging changes (handlers, levels, warnings capture), put back."""
    loggers = [logging.getLogger()] + [logger for logger in logging.root.manager.loggerDict.values()
                                      if isinstance(logger, logging.Logger)]
    saved = [(logger, logger.level, logger.propagate, logger.handlers[:]) for logger in loggers]
    yield
    for logger, level, propagate, handlers in saved:
        logger.setLevel(level)
        logger.propagate = propagate
        logger.handlers[:] = handlers
    logging.captureWarnings(False)


def record(msg: object, *args: object, **extra: object) -> logging.LogRecord:
    install_redaction()
    return logging.getLogger("test.redaction").makeRecord("test.redaction", logging.WARNING, __file__, 1, msg, args,
                                                          None, extra=extra or None)


def test_every_record_any_logger_makes_is_redacted_with_its_arguments_and_extras() -> None:
    made = record("Obtained token %s.", {"access_token": "opaque-access", "refresh_token": REFRESH},
                  fields={"reason": f"Bearer {ACCESS}"})
    text = made.getMessage() + json.dumps(made.fields)  # type: ignore[attr-defined]
    assert "opaque-access" not in text and REFRESH not in text and ACCESS not in text
    assert made.args == ()


def test_tracebacks_are_redacted_and_the_exception_object_dropped() -> None:
    install_redaction()
    try:
        raise ValueError(f"could not refresh {REFRESH}")
    except ValueError:
        made = logging.getLogger("test.redaction").makeRecord(
            "test.redaction", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    assert made.exc_info is None and made.exc_text and "ValueError" in made.exc_text
    for formatter in (CloudLoggingFormatter(), ConsoleFormatter(), logging.Formatter()):
        line = formatter.format(made)
        assert REFRESH not in line and "ValueError" in line


def test_a_record_whose_arguments_do_not_fit_its_message_is_still_redacted() -> None:
    made = record("%s and %s", f"refresh_token={REFRESH}")  # one argument for two places
    assert REFRESH not in made.getMessage() and "and" in made.getMessage()


def test_records_not_made_by_a_logger_are_redacted_by_the_handler(logging_restored: None) -> None:
    stream = io.StringIO()
    configure_logging("DEBUG", stream=stream, console=True)
    queued = logging.makeLogRecord({"name": "q", "levelno": logging.WARNING, "levelname": "WARNING",
                                    "msg": "from a queue: %s", "args": (f"Bearer {ACCESS}",)})
    logging.getLogger().handle(queued)
    assert "from a queue" in stream.getvalue() and ACCESS not in stream.getvalue()


def test_huge_messages_are_bounded() -> None:
    made = record("%s", "x" * 1_000_000)
    assert len(made.getMessage()) < 20_000 and "more characters" in made.getMessage()
    redact_record(made)  # idempotent
    assert len(made.getMessage()) < 20_000


def test_config_secrets_include_keys_passwords_and_key_files(tmp_path: object) -> None:
    from bot.config import Config

    key_file = tmp_path / "key.json"  # type: ignore[operator]
    pem = "-----BEGIN PRIVATE KEY-----\n" + "A" * 64 + "\n-----END PRIVATE KEY-----\n"
    key_file.write_text(json.dumps({"type": "service_account", "private_key": pem, "private_key_id": "kid-0123456789"}))
    config = Config(oauth_client_secret="client-secret-value", reconcile_secret="reconcile-secret-value",
                    token_encryption_keys=("fernet-key-one-value",), chat_credentials_file=str(key_file),
                    database_url="postgresql://meetbot:db%2Fpassword@db/meetbot")
    found = config_secrets(config)
    for expected in ("client-secret-value", "reconcile-secret-value", "fernet-key-one-value", pem, "A" * 64,
                     "kid-0123456789", "db/password"):
        assert expected in found


@pytest.mark.parametrize("value, expected", [
    ("RS256\nINFO forged line", "'RS256\\nINFO forged line'"),
    ("a\u2028b\x1b[31m", "'a\\u2028b\\x1b[31m'"),
    (None, "None"),
    ({"a": 1}, "<dict of 1>"),
])
def test_untrusted_values_are_quoted_and_escaped(value: object, expected: str) -> None:
    assert untrusted(value) == expected


def test_untrusted_values_are_bounded_and_say_so() -> None:
    shown = untrusted("i" * 100_000, limit=10)
    assert shown == "'iiiiiiiiii'… (99990 more characters)"


def test_local_mode_refuses_an_unknown_log_level_with_one_message() -> None:
    from local.cli import local_logging

    with pytest.raises(SystemExit) as stopped:
        local_logging({"LOG_LEVEL": "chatty"})
    assert "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL (got 'chatty')" in str(stopped.value)


def test_local_mode_logs_readable_lines_to_stderr_at_the_level_asked(monkeypatch: pytest.MonkeyPatch,
                                                                      logging_restored: None) -> None:
    from local.cli import local_logging

    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    logging.getLogger("google").propagate = False  # what google-auth does when nobody configured "google"
    local_logging({"LOG_LEVEL": "debug"})
    logging.getLogger("google.auth.example").debug("refreshing with refresh_token=%s", REFRESH)
    logging.getLogger("bot.example").info("linked", extra={"fields": {"user": "users/1"}})
    written = stderr.getvalue().splitlines()
    assert any(" DEBUG google.auth.example: refreshing with refresh_token=[REDACTED]" in line for line in written)
    assert any(line.endswith('INFO bot.example: linked {"user": "users/1"}') for line in written)
