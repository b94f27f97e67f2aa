"""The Meet REST API v2, through google-api-python-client with its static discovery document.

The service object is built once; each call runs with the acting user's credentials on
a fresh ``httplib2.Http`` (it is not thread-safe) carrying the per-call timeout.
"""

from __future__ import annotations

from typing import Any, Callable

import google_auth_httplib2
import httplib2
from google.auth.credentials import Credentials
from googleapiclient import discovery

from ..retry import retry_call
from .errors import GoogleApiError, classify


class MeetGateway:
    def __init__(self, endpoint: str | None = None, *, timeout_seconds: float = 8.0, budget_seconds: float = 20.0,
                 sleep: Callable[[float], None] | None = None) -> None:
        options = {"api_endpoint": endpoint} if endpoint else None
        self._service = discovery.build("meet", "v2", http=httplib2.Http(), static_discovery=True,
                                        client_options=options, cache_discovery=False)
        self._timeout = timeout_seconds
        self._budget = budget_seconds
        self._sleep = sleep

    def _execute(self, credentials: Credentials, request: Any) -> dict[str, Any]:
        def attempt() -> dict[str, Any]:
            http = google_auth_httplib2.AuthorizedHttp(credentials, http=httplib2.Http(timeout=self._timeout))
            try:
                return dict(request.execute(http=http) or {})
            except Exception as error:  # noqa: BLE001 - classified into GoogleApiError
                raise classify(error) from error

        extra = {"sleep": self._sleep} if self._sleep else {}
        return retry_call(attempt, is_transient=lambda e: isinstance(e, GoogleApiError) and e.transient,
                          budget_seconds=self._budget, **extra)

    def create_space(self, credentials: Credentials, config: dict[str, Any]) -> dict[str, Any]:
        """``spaces.create``; note it is not idempotent, so only transient failures before
        Meet answered are retried (a 5xx means Meet did not create the space)."""
        body = {"config": config} if config else {}
        return self._execute(credentials, self._service.spaces().create(body=body))

    def get_space(self, credentials: Credentials, name: str) -> dict[str, Any]:
        return self._execute(credentials, self._service.spaces().get(name=name))
