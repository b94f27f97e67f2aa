"""Google API failures, classified once so handlers can explain them to people."""

from __future__ import annotations

import enum
import json
import socket
from typing import Any, Callable, TypeVar

import requests
from google.api_core import exceptions as core_exceptions
from google.auth import exceptions as auth_exceptions
from googleapiclient.errors import HttpError

from ..retry import retry_call

T = TypeVar("T")


class FailureKind(str, enum.Enum):
    PERMISSION = "permission"  # 403: not allowed (consumer account, API disabled, not a host)
    NOT_FOUND = "not_found"
    QUOTA = "quota"  # 429
    UNAVAILABLE = "unavailable"  # 5xx
    TIMEOUT = "timeout"
    INVALID = "invalid"  # 400: a bug or bad input
    UNAUTHENTICATED = "unauthenticated"  # 401 / invalid_grant: the authorization is gone
    CONFLICT = "conflict"  # 409


class GoogleApiError(Exception):
    def __init__(self, kind: FailureKind, status: int | None, message: str, reason: str | None = None) -> None:
        super().__init__(f"{kind.value} ({status}): {message}")
        self.kind, self.status, self.message, self.reason = kind, status, message, reason
        # True when an attempt timed out: Google may have carried out the call after we
        # stopped waiting, so a change must not be reported as "not made". Set for the
        # final error when an earlier attempt timed out and a later one failed otherwise.
        self.may_have_applied = kind is FailureKind.TIMEOUT
        # Seconds the service asked us to wait (a ``Retry-After`` header), when it said.
        self.retry_after: float | None = None

    @property
    def transient(self) -> bool:
        return self.kind in (FailureKind.QUOTA, FailureKind.UNAVAILABLE, FailureKind.TIMEOUT)


# The reason of a quota refusal the app makes itself, before calling (bot.google.pacing:
# the space's next write turn is further off than the call can wait). Transient (the
# work is retried later, after ``retry_after``), but not retried inside the call: waiting
# for the turn is exactly what the call declined to do.
PACED_REASON = "SPACE_WRITES_PACED"


def kind_for_status(status: int) -> FailureKind:
    if status == 401:
        return FailureKind.UNAUTHENTICATED
    if status == 403:
        return FailureKind.PERMISSION
    if status == 404:
        return FailureKind.NOT_FOUND
    if status == 409:
        return FailureKind.CONFLICT
    if status == 429:
        return FailureKind.QUOTA
    if status >= 500:
        return FailureKind.UNAVAILABLE
    return FailureKind.INVALID


def _error_body(content: Any) -> tuple[str, str | None]:
    try:
        error = json.loads(content)["error"]
        reasons = [d.get("reason") for d in error.get("details", []) if isinstance(d, dict) and d.get("reason")]
        return str(error.get("message", "")), (reasons[0] if reasons else error.get("status"))
    except (ValueError, KeyError, TypeError):
        return (content.decode("utf-8", "replace")[:200] if isinstance(content, bytes) else str(content)[:200]), None


def _retry_after(headers: Any) -> float | None:
    """``Retry-After`` in seconds (the delta form; an HTTP date is left unread)."""
    try:
        value = headers.get("retry-after") or headers.get("Retry-After")
        return max(0.0, float(value)) if value is not None else None
    except (AttributeError, TypeError, ValueError):
        return None


def _with_retry_after(failure: GoogleApiError, headers: Any) -> GoogleApiError:
    failure.retry_after = _retry_after(headers)
    return failure


def classify(error: BaseException) -> GoogleApiError:
    """Any exception from a Google client library, as a GoogleApiError."""
    if isinstance(error, GoogleApiError):
        return error
    if isinstance(error, HttpError):
        message, reason = _error_body(error.content)
        return _with_retry_after(GoogleApiError(kind_for_status(error.resp.status), error.resp.status, message, reason),
                                 error.resp)
    if isinstance(error, core_exceptions.GoogleAPICallError):
        status = int(error.code) if error.code is not None else 500
        return _with_retry_after(GoogleApiError(kind_for_status(status), status, error.message or str(error)),
                                 getattr(getattr(error, "response", None), "headers", None))
    if isinstance(error, auth_exceptions.RefreshError):
        text = str(error)
        if "invalid_grant" in text or "unauthorized_client" in text:
            return GoogleApiError(FailureKind.UNAUTHENTICATED, 400, text, "invalid_grant")
        return GoogleApiError(FailureKind.UNAVAILABLE, None, text)
    if isinstance(error, auth_exceptions.TransportError):
        return GoogleApiError(FailureKind.UNAVAILABLE, None, str(error))
    if isinstance(error, (socket.timeout, TimeoutError, requests.Timeout)):
        return GoogleApiError(FailureKind.TIMEOUT, None, "the request timed out")
    if isinstance(error, (ConnectionError, OSError, requests.ConnectionError)):
        return GoogleApiError(FailureKind.UNAVAILABLE, None, str(error))
    raise error


def call_with_retries(attempt: Callable[[], T], *, budget_seconds: float,
                      sleep: Callable[[float], None] | None = None) -> T:
    """One Google call as the gateways make it: every failure classified, transient ones
    retried with backoff within the budget (and the request's deadline); the error finally
    raised knows whether any attempt timed out (``may_have_applied``)."""
    timed_out = False

    def classified_attempt() -> T:
        nonlocal timed_out
        try:
            return attempt()
        except Exception as error:  # noqa: BLE001 - classified into GoogleApiError
            failure = classify(error)
            timed_out = timed_out or failure.kind is FailureKind.TIMEOUT
            if failure is error:
                raise
            raise failure from error

    extra: dict[str, Any] = {"sleep": sleep} if sleep else {}
    try:
        return retry_call(classified_attempt, is_transient=lambda e: isinstance(e, GoogleApiError) and e.transient
                          and e.reason != PACED_REASON,
                          budget_seconds=budget_seconds, **extra)
    except GoogleApiError as error:
        error.may_have_applied = error.may_have_applied or timed_out
        raise
