"""What the google-api-python-client gateways share (Meet v2, Workspace Events v1).

The service object is built once from the static discovery document; each call runs
with the acting user's credentials and is retried on transient failures with backoff
inside the budget. Connections are kept per thread (``httplib2.Http`` is not
thread-safe), so a sync's dozen Meet calls share one TLS connection instead of opening
one each; every attempt sets its timeout to fit the request's deadline, and a failed
attempt drops its connections (a timed-out one may still have a response on its way).
"""

from __future__ import annotations

import threading
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
        self._resources: dict[tuple[str, ...], Any] = {}
        self._local = threading.local()
        self._budget = budget_seconds
        self._sleep = sleep

    def _resource(self, *path: str) -> Any:
        """The service's resource at ``path`` (``"spaces", "members"`` for
        ``service.spaces().members()``), built once. The client builds a resource afresh at
        every such call, every method of it from the discovery document: about a
        millisecond and a half of CPU, as much as the rest of a Meet call on our side.
        Nothing in a resource changes once built; each call brings its own ``Http``."""
        found = self._resources.get(path)
        if found is None:
            found = self._service
            for name in path:
                found = getattr(found, name)()
            self._resources[path] = found  # two threads may both build it: equal resources
        return found

    def _execute(self, credentials: Credentials, request: Any) -> dict[str, Any]:
        def attempt() -> dict[str, Any]:
            http = self._connections(attempt_timeout(self._timeout))  # within the request's deadline
            try:
                return dict(request.execute(http=google_auth_httplib2.AuthorizedHttp(credentials, http=http)) or {})
            except BaseException:
                self._drop_connections(http)
                raise

        return call_with_retries(attempt, budget_seconds=self._budget, sleep=self._sleep)

    def _connections(self, timeout: float) -> httplib2.Http:
        """This thread's ``Http``, its kept-alive connections set to ``timeout``."""
        http: httplib2.Http | None = getattr(self._local, "http", None)
        if http is None:
            http = self._local.http = httplib2.Http(timeout=timeout)
        http.timeout = timeout  # for connections opened from now on
        for connection in http.connections.values():
            connection.timeout = timeout
            if connection.sock is not None:
                connection.sock.settimeout(timeout)
        return http

    def _drop_connections(self, http: httplib2.Http) -> None:
        for connection in list(http.connections.values()):
            connection.close()
        http.connections.clear()
