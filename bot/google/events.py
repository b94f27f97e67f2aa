"""The Google Workspace Events API v1: subscriptions to a meeting space's Meet events.

Meet targets accept user authentication only, so every call runs with the organizer's
credentials. Events arrive through Pub/Sub push (``bot/pubsub.py``).
"""

from __future__ import annotations

from typing import Any

from google.auth.credentials import Credentials

from .discovery_gateway import DiscoveryGateway

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


class EventsGateway(DiscoveryGateway):
    API, VERSION = "workspaceevents", "v1"

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
