"""The Google Workspace Events API v1: subscriptions to a meeting space's Meet events.

Meet targets accept user authentication only, so every call runs with the organizer's
credentials. Events arrive through Pub/Sub push (``bot/pubsub.py``).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from google.auth.credentials import Credentials

from .discovery_gateway import DiscoveryGateway
from .errors import FailureKind, GoogleApiError
from .resources import Subscription, parse_subscription, subscription_of_operation

log = logging.getLogger(__name__)

MEET_EVENT_TYPES = (
    "google.workspace.meet.conference.v2.started",
    "google.workspace.meet.conference.v2.ended",
    "google.workspace.meet.participant.v2.joined",
    "google.workspace.meet.participant.v2.left",
    "google.workspace.meet.recording.v2.fileGenerated",
    "google.workspace.meet.transcript.v2.fileGenerated",
    "google.workspace.meet.smartNote.v2.fileGenerated",
)

# Smart notes' events are in Developer Preview: a project outside the Developer Preview
# Program may not subscribe to them. Without them nothing is lost but speed: the
# reconciler reads every conference's smart notes from Meet until they are ready.
SMART_NOTE_EVENT_TYPES = tuple(t for t in MEET_EVENT_TYPES if t.startswith("google.workspace.meet.smartNote."))
EVENT_TYPES_WITHOUT_SMART_NOTES = tuple(t for t in MEET_EVENT_TYPES if t not in SMART_NOTE_EVENT_TYPES)
# How Google refuses a request it will not carry out as asked (400, 403); anything else
# (409, quota, outages, a lost grant) is no answer about the event types.
_REFUSALS = (FailureKind.INVALID, FailureKind.PERMISSION)


def meet_target(space: str) -> str:
    return f"//meet.googleapis.com/{space}"


class EventsGateway(DiscoveryGateway):
    API, VERSION = "workspaceevents", "v1"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._smart_notes_refused = False  # learnt once per process, from Google's own answer
        self._lock = threading.Lock()

    @property
    def smart_notes_refused(self) -> bool:
        return self._smart_notes_refused

    def subscribe(self, credentials: Credentials, space: str, topic: str, ttl_seconds: int) -> Subscription | None:
        """Subscribe to every Meet event of ``space``; the Subscription (None while Google's
        Operation is still running).

        Refused (400 or 403) with smart notes' events among them, it asks once more without
        them: if that is accepted, this project may not have those (preview) types, and the
        process leaves them out from then on, saying so once. Refused again, the second
        answer is the one raised: the request's other parts were the problem."""
        if self._smart_notes_refused:
            return self._create(credentials, space, topic, ttl_seconds, EVENT_TYPES_WITHOUT_SMART_NOTES)
        try:
            return self._create(credentials, space, topic, ttl_seconds, MEET_EVENT_TYPES)
        except GoogleApiError as error:
            if error.kind not in _REFUSALS:
                raise
            refusal = error
        created = self._create(credentials, space, topic, ttl_seconds, EVENT_TYPES_WITHOUT_SMART_NOTES)
        with self._lock:
            first, self._smart_notes_refused = not self._smart_notes_refused, True
        if first:
            log.warning("this Google Cloud project may not subscribe to smart notes' events (a Developer Preview "
                        "feature); meetings are subscribed without them, and the reconciler reads smart notes from "
                        "Meet instead (they reach summaries within a reconciler pass)",
                        extra={"fields": {"eventTypes": list(SMART_NOTE_EVENT_TYPES), "status": refusal.status,
                                          "googleMessage": refusal.message}})
        return created

    def _create(self, credentials: Credentials, space: str, topic: str, ttl_seconds: int,
                event_types: tuple[str, ...]) -> Subscription | None:
        body = {"targetResource": meet_target(space), "eventTypes": list(event_types),
                "notificationEndpoint": {"pubsubTopic": topic}, "payloadOptions": {"includeResource": False},
                "ttl": f"{ttl_seconds}s"}
        return subscription_of_operation(self._execute(credentials, self._resource("subscriptions").create(body=body)))

    def find_subscription(self, credentials: Credentials, space: str) -> Subscription | None:
        """An existing subscription to the space's Meet events (after ALREADY_EXISTS)."""
        query = f'event_types:"{MEET_EVENT_TYPES[0]}" AND target_resource="{meet_target(space)}"'
        found = self._execute(credentials, self._resource("subscriptions").list(filter=query))
        subscriptions = [parse_subscription(item) for item in (found.get("subscriptions") or [])[:1]]
        return subscriptions[0] if subscriptions and subscriptions[0].name.startswith("subscriptions/") else None

    def get(self, credentials: Credentials, name: str) -> Subscription:
        return parse_subscription(self._execute(credentials, self._resource("subscriptions").get(name=name)))

    def renew(self, credentials: Credentials, name: str, ttl_seconds: int) -> Subscription | None:
        """A new ``ttl`` for the subscription; it as it is now (None while Google's
        Operation is still running)."""
        return subscription_of_operation(self._execute(credentials, self._resource("subscriptions").patch(
            name=name, updateMask="ttl", body={"ttl": f"{ttl_seconds}s"})))

    def reactivate(self, credentials: Credentials, name: str) -> Subscription | None:
        """Reactivate a suspended subscription; it as it is now (None while Google's
        Operation is still running)."""
        return subscription_of_operation(self._execute(credentials, self._resource("subscriptions").reactivate(
            name=name, body={})))

    def delete(self, credentials: Credentials, name: str) -> None:
        self._execute(credentials, self._resource("subscriptions").delete(name=name, allowMissing=True))
