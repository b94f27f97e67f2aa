"""Google API failures, classified once so handlers can explain them to people."""

from __future__ import annotations

import enum
import json
import socket
from typing import Any

import requests
from google.api_core import exceptions as core_exceptions
from google.auth import exceptions as auth_exceptions
from googleapiclient.errors import HttpError


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

    @property
    def transient(self) -> bool:
        return self.kind in (FailureKind.QUOTA, FailureKind.UNAVAILABLE, FailureKind.TIMEOUT)


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


def classify(error: BaseException) -> GoogleApiError:
    """Any exception from a Google client library, as a GoogleApiError."""
    if isinstance(error, GoogleApiError):
        return error
    if isinstance(error, HttpError):
        message, reason = _error_body(error.content)
        return GoogleApiError(kind_for_status(error.resp.status), error.resp.status, message, reason)
    if isinstance(error, core_exceptions.GoogleAPICallError):
        status = int(error.code) if error.code is not None else 500
        return GoogleApiError(kind_for_status(status), status, error.message or str(error))
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
