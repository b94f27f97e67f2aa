"""What the google-api-python-client gateways share (Meet v2, Workspace Events v1).

The service object is built once from the static discovery document; each call runs
with the acting user's credentials on a fresh ``httplib2.Http`` (it is not
thread-safe) whose timeout fits the request's deadline when a user is waiting, and is
retried on transient failures with backoff inside the budget.
"""

from __future__ import annotations

from typing import Any, Callable

import google_auth_httplib2
import httplib2
from google.auth.credentials import Credentials
from googleapiclient import discovery

from ..retry import attempt_timeout
from .errors import call_with_retries


class DiscoveryGateway:
    API: str
    VERSION: str

    def __init__(self, endpoint: str | None = None, *, timeout_seconds: float = 8.0, budget_seconds: float = 20.0,
                 sleep: Callable[[float], None] | None = None) -> None:
        options = {"api_endpoint": endpoint} if endpoint else None
        self._service = discovery.build(self.API, self.VERSION, http=httplib2.Http(), static_discovery=True,
                                        client_options=options, cache_discovery=False)
        self._timeout = timeout_seconds
        self._budget = budget_seconds
        self._sleep = sleep

    def _execute(self, credentials: Credentials, request: Any) -> dict[str, Any]:
        def attempt() -> dict[str, Any]:
            timeout = attempt_timeout(self._timeout)  # within the request's deadline, if a user waits
            http = google_auth_httplib2.AuthorizedHttp(credentials, http=httplib2.Http(timeout=timeout))
            return dict(request.execute(http=http) or {})

        return call_with_retries(attempt, budget_seconds=self._budget, sleep=self._sleep)
