"""The Google Workspace Events API v1: subscriptions to a meeting space's Meet events.

Meet targets accept user authentication only, so every call runs with the organizer's
credentials. Events arrive through Pub/Sub push (``bot/pubsub.py``).
"""

from __future__ import annotations

from typing import Any, Callable

import google_auth_httplib2
import httplib2
from google.auth.credentials import Credentials
from googleapiclient import discovery

from ..retry import attempt_timeout, retry_call
from .errors import GoogleApiError, classify

MEET_EVENT_TYPES = (
    "google.workspace.meet.conference.v2.started",
    "google.workspace.meet.conference.v2.ended",
    "google.workspace.meet.participant.v2.joined",
    "google.workspace.meet.participant.v2.left",
    "google.workspace.meet.recording.v2.fileGenerated",
    "google.workspace.meet.transcript.v2.fileGenerated",
    "google.workspace.meet.smartNote.v2.fileGenerated",
)


def meet_target(space: str) -> str:
    return f"//meet.googleapis.com/{space}"


class EventsGateway:
    def __init__(self, endpoint: str | None = None, *, timeout_seconds: float = 8.0, budget_seconds: float = 20.0,
                 sleep: Callable[[float], None] | None = None) -> None:
        options = {"api_endpoint": endpoint} if endpoint else None
        self._service = discovery.build("workspaceevents", "v1", http=httplib2.Http(), static_discovery=True,
                                        client_options=options, cache_discovery=False)
        self._timeout = timeout_seconds
        self._budget = budget_seconds
        self._sleep = sleep

    def _execute(self, credentials: Credentials, request: Any) -> dict[str, Any]:
        def attempt() -> dict[str, Any]:
            timeout = attempt_timeout(self._timeout)  # within the request's deadline, if a user waits
            http = google_auth_httplib2.AuthorizedHttp(credentials, http=httplib2.Http(timeout=timeout))
            try:
                return dict(request.execute(http=http) or {})
            except Exception as error:  # noqa: BLE001 - classified into GoogleApiError
                raise classify(error) from error

        extra = {"sleep": self._sleep} if self._sleep else {}
        return retry_call(attempt, is_transient=lambda e: isinstance(e, GoogleApiError) and e.transient,
                          budget_seconds=self._budget, **extra)

    def subscribe(self, credentials: Credentials, space: str, topic: str, ttl_seconds: int) -> dict[str, Any]:
        """Subscribe to every Meet event of ``space``; the Subscription (or the pending Operation)."""
        body = {"targetResource": meet_target(space), "eventTypes": list(MEET_EVENT_TYPES),
                "notificationEndpoint": {"pubsubTopic": topic}, "payloadOptions": {"includeResource": False},
                "ttl": f"{ttl_seconds}s"}
        operation = self._execute(credentials, self._service.subscriptions().create(body=body))
        return dict(operation.get("response") or {}) if operation.get("done") else operation

    def find_subscription(self, credentials: Credentials, space: str) -> dict[str, Any] | None:
        """An existing subscription to the space's Meet events (after ALREADY_EXISTS)."""
        query = f'event_types:"{MEET_EVENT_TYPES[0]}" AND target_resource="{meet_target(space)}"'
        found = self._execute(credentials, self._service.subscriptions().list(filter=query))
        subscriptions = found.get("subscriptions") or []
        return dict(subscriptions[0]) if subscriptions else None

    def get(self, credentials: Credentials, name: str) -> dict[str, Any]:
        return self._execute(credentials, self._service.subscriptions().get(name=name))

    def renew(self, credentials: Credentials, name: str, ttl_seconds: int) -> dict[str, Any]:
        operation = self._execute(credentials, self._service.subscriptions().patch(
            name=name, updateMask="ttl", body={"ttl": f"{ttl_seconds}s"}))
        return dict(operation.get("response") or {}) if operation.get("done") else operation

    def reactivate(self, credentials: Credentials, name: str) -> dict[str, Any]:
        operation = self._execute(credentials, self._service.subscriptions().reactivate(name=name, body={}))
        return dict(operation.get("response") or {}) if operation.get("done") else operation

    def delete(self, credentials: Credentials, name: str) -> None:
        self._execute(credentials, self._service.subscriptions().delete(name=name, allowMissing=True))
