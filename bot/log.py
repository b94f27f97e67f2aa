"""Logging: redacted at the source, JSON on stdout (production) or text on stderr (local).

Redaction. ``install_redaction()`` makes every record that any logger creates (the
app's, Google's client libraries', requests-oauthlib's, urllib3's, SQLAlchemy's,
Werkzeug's…) pass through ``bot.redaction`` before any handler sees it: the formatted
message (arguments included), the traceback, the stack and every ``extra`` field. It is
done where records are made (``Logger.makeRecord``) rather than in one handler, because
libraries add handlers of their own (google-api-core's structured logger, Werkzeug's
console handler, Python's last-resort handler) that a filter on our handler would miss.
Wire-level debugging that bypasses logging (``http.client``'s ``print``, httplib2's
``debuglevel``) is switched off. Records that are not made by a logger (rebuilt from a
queue) are redacted by a filter on our own handlers.

Cloud Logging. Each production line is one JSON object with ``severity``, ``message``
and, inside a request that carried ``X-Cloud-Trace-Context``,
``logging.googleapis.com/trace`` so the log lines of one request are grouped under its
trace in the Cloud console.
"""

from __future__ import annotations

import contextvars
import http.client
import json
import logging
import sys
import threading
import time
from typing import IO, Any, Iterable
from urllib.parse import unquote

from .redaction import redact, redact_data, register_secrets

_trace: contextvars.ContextVar[tuple[str, str | None] | None] = contextvars.ContextVar("trace", default=None)

TRACE_KEY = "logging.googleapis.com/trace"
SPAN_KEY = "logging.googleapis.com/spanId"
# Longest message or extra string kept: enough for a SQL statement or a token response,
# short enough that no request can make one log line megabytes long.
MAX_MESSAGE_CHARS = 16_000
MAX_FIELD_CHARS = 4_000
MAX_TRACEBACK_CHARS = 32_000  # a deep stack fits; an exception quoting a huge body is cut
REDACTED_FLAG = "meetbot_redacted"

# What a bare LogRecord carries; anything else on a record came in as ``extra``.
_RECORD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
_exception_formatter = logging.Formatter()


def set_trace(header: str | None, project: str | None) -> None:
    """Remember the request's trace (``TRACE_ID/SPAN_ID;o=1``) for the lines it logs."""
    if not header or not project:
        _trace.set(None)
        return
    trace_id, _, rest = header.partition("/")
    span = rest.split(";", 1)[0] or None
    if trace_id and all(c in "0123456789abcdefABCDEF" for c in trace_id):
        _trace.set((f"projects/{project}/traces/{trace_id}", span))
    else:
        _trace.set(None)


# -- redaction -------------------------------------------------------------------------------
# Text past the limit that is still redacted before the cut, so that a secret straddling
# the cut is masked whole rather than its first half shown.
_CUT_MARGIN = 2_000


def _clean(text: str, limit: int) -> str:
    """``text`` redacted and cut to ``limit`` characters, saying how much was cut."""
    if len(text) <= limit:
        return redact(text)
    kept = redact(text[: limit + _CUT_MARGIN])[:limit]
    return f"{kept}… [{len(text) - limit} more characters]"


def _bounded_data(value: Any) -> Any:
    if isinstance(value, str):
        if len(value) <= MAX_FIELD_CHARS:
            return value
        return f"{value[:MAX_FIELD_CHARS]}… [{len(value) - MAX_FIELD_CHARS} more characters]"
    if isinstance(value, dict):
        return {key: _bounded_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_bounded_data(item) for item in value]
    return value


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redact ``record`` in place (once): message with its arguments, traceback, stack and
    extras. The arguments are folded into the message, the exception into its text."""
    if record.__dict__.get(REDACTED_FLAG):
        return record
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a bad format string must not print its arguments raw
        message = f"{record.msg} (arguments that did not fit the message: {record.args!r})"
    record.msg = _clean(message, MAX_MESSAGE_CHARS)
    record.args = ()
    if record.exc_info:
        # Exception messages carry URLs and bodies; only the redacted text survives (the
        # standard Formatter prints exc_text when it is set).
        record.exc_text = record.exc_text or _exception_formatter.formatException(record.exc_info)
        record.exc_info = None
    if record.exc_text:
        record.exc_text = _clean(record.exc_text, MAX_TRACEBACK_CHARS)
    if record.stack_info:
        record.stack_info = _clean(record.stack_info, MAX_TRACEBACK_CHARS)
    for key in [key for key in record.__dict__ if key not in _RECORD_ATTRIBUTES]:
        record.__dict__[key] = _bounded_data(redact_data(record.__dict__[key]))
    record.__dict__[REDACTED_FLAG] = True
    return record


class RedactingFilter(logging.Filter):
    """For records that did not come from ``Logger.makeRecord`` (``makeLogRecord``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


_install_lock = threading.Lock()
_installed = False


def install_redaction(secrets: Iterable[str | None] = ()) -> None:
    """Redact every log record of every logger from now on (idempotent), masking
    ``secrets`` by value besides the shapes ``bot.redaction`` knows."""
    global _installed
    register_secrets(secrets)
    with _install_lock:
        if _installed:
            return
        make_record = logging.Logger.makeRecord

        def redacting_make_record(self: logging.Logger, *args: Any, **kwargs: Any) -> logging.LogRecord:
            return redact_record(make_record(self, *args, **kwargs))

        logging.Logger.makeRecord = redacting_make_record  # type: ignore[method-assign]
        _installed = True
    _silence_wire_debugging()


def _silence_wire_debugging() -> None:
    """http.client's debug output is ``print()`` of raw requests (Authorization headers,
    token bodies), outside logging and its redaction: keep it off."""
    http.client.HTTPConnection.debuglevel = 0
    try:
        import httplib2
    except ImportError:  # pragma: no cover - a dependency of google-api-python-client
        return
    httplib2.debuglevel = 0


def config_secrets(config: Any) -> list[str]:
    """Every secret value a ``Config`` holds or points at, for redaction by value."""
    values: list[str] = [config.oauth_client_secret, config.reconcile_secret, config.state_signing_key,
                         *config.token_encryption_keys]
    values.extend(_key_file_secrets(text=config.delegation_credentials_json))
    for path in {config.chat_credentials_file, config.delegation_credentials_file} - {None}:
        values.extend(_key_file_secrets(path=path))
    password = _database_password(config.database_url)
    if password:
        values.append(password)
    return [value for value in values if value]


def _key_file_secrets(*, path: str | None = None, text: str | None = None) -> list[str]:
    """A service-account key's private key (and its id); nothing for anything else."""
    try:
        if path is not None:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        document = json.loads(text or "null")
    except (OSError, ValueError):
        return []
    if not isinstance(document, dict):
        return []
    found: list[str] = []
    for key in ("private_key", "private_key_id"):
        value = document.get(key)
        if isinstance(value, str) and value:
            found.append(value)
            if key == "private_key":  # the PEM body lines, which a repr or a wrap may split
                found.extend(line for line in value.splitlines() if len(line) >= 40 and "-----" not in line)
    return found


def _database_password(url: str | None) -> str | None:
    if not url or "://" not in url:
        return None
    credentials = url.split("://", 1)[1].split("@", 1)
    if len(credentials) != 2 or ":" not in credentials[0]:
        return None
    return unquote(credentials[0].split(":", 1)[1]) or None


# -- output ----------------------------------------------------------------------------------
class CloudLoggingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        redact_record(record)
        entry: dict[str, Any] = {
            "severity": record.levelname,
            "message": record.getMessage(),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "logger": record.name,
        }
        trace = _trace.get()
        if trace:
            entry[TRACE_KEY] = trace[0]
            if trace[1]:
                entry[SPAN_KEY] = trace[1]
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_text:
            entry["stack_trace"] = record.exc_text
        return json.dumps(entry, default=str)


class ConsoleFormatter(logging.Formatter):
    """One readable line per record for a developer's terminal, the app's fields appended."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict) and fields:
            line += " " + json.dumps(fields, default=str)
        return line


def configure_logging(level: str = "INFO", *, stream: IO[str] | None = None, console: bool = False) -> None:
    """Send every logger's records at ``level`` and above to one handler, redacted:
    Cloud Logging JSON on stdout by default, readable lines when ``console``."""
    install_redaction()
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(ConsoleFormatter() if console else CloudLoggingFormatter())
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.captureWarnings(True)  # warnings too go through the handler, redacted
    debugging = logging.getLevelName(level) == logging.DEBUG
    # Werkzeug logs each request line (query strings and all): only when debugging.
    logging.getLogger("werkzeug").setLevel(level if debugging else "WARNING")
    # google-auth stops "google" propagating to the root unless someone configured it
    # (and may have done so already, e.g. reading Secret Manager): configure it, so that
    # Google's client libraries log through this handler.
    google = logging.getLogger("google")
    google.setLevel(level)
    google.propagate = True
    if debugging:
        # SQLAlchemy quiets itself to WARNING; statements (with their parameters hidden,
        # see bot.storage.engine) help a developer, result rows are only noise.
        logging.getLogger("sqlalchemy.engine").setLevel("INFO")
