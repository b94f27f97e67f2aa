"""Acting on one Workspace Event pushed by Pub/Sub.

Meet events only request a sync of their meeting (the sync reads the truth from Meet):
the event id is claimed and the sync requested in one transaction, so a duplicate does
nothing and a failure leaves no claim behind. An event announcing a conference's files
(``fileGenerated``) asks only for that conference's files to be looked at
(``files_announced``); every other one for a full look at the meeting's live state. Subscription lifecycle events update the
subscription's record and maintain it; their id is claimed first and released if acting
fails. Either way a failure is answered with an error, so Pub/Sub delivers the event again.
"""

from __future__ import annotations

import logging
import re
from typing import Iterable

from ..google.credentials import NeedsAuthorization
from ..google.errors import FailureKind, GoogleApiError
from ..google.resources import SubscriptionState
from ..google.workspace_events import MEET_EVENT_TYPES
from ..pubsub import WorkspaceEvent
from ..services import Services
from .reconcile import ReconcileReport, maintain_subscription
from .subscriptions import record_subscription
from .worker import SyncWorker

log = logging.getLogger(__name__)

MEET_EVENT_PREFIX = "google.workspace.meet."
LIFECYCLE_PREFIX = "google.workspace.events.subscription.v1."
FILE_GENERATED_SUFFIX = ".fileGenerated"


def file_events(event_types: Iterable[str]) -> dict[str, str]:
    """Of these Meet event types, those that announce a conference's file, each with the
    payload field naming the artifact: the resource its type is about
    (``google.workspace.meet.recording.v2.fileGenerated`` -> ``recording``)."""
    return {kind: kind[len(MEET_EVENT_PREFIX):].split(".", 1)[0] for kind in event_types
            if kind.startswith(MEET_EVENT_PREFIX) and kind.endswith(FILE_GENERATED_SUFFIX)}


# The subscription's own (``MEET_EVENT_TYPES``): an event type is named in one place.
FILE_EVENTS = file_events(MEET_EVENT_TYPES)
# conferenceRecords/{id}/{recordings|transcripts|smartNotes}/{id}: the conference is the prefix.
_ARTIFACT_NAME = re.compile(r"(conferenceRecords/[A-Za-z0-9_-]{1,200})/(?:recordings|transcripts|smartNotes)/"
                            r"[A-Za-z0-9_-]{1,200}")


def handle_event(services: Services, worker: SyncWorker, event: WorkspaceEvent) -> str:
    """Act on the event; a word saying what happened (for the log)."""
    claim = "workspace-event:" + event.id
    if event.type.startswith(MEET_EVENT_PREFIX):
        outcome = services.storage.sync_queue.take_meet_event(claim, subscription=event.subscription,
                                                              meet_space=event.meet_space,
                                                              files_of=files_announced(event))
        if outcome == "sync-requested":
            worker.kick()
        return outcome
    if not services.storage.processed_events.mark_processed(claim):
        return "duplicate"
    if not event.type.startswith(LIFECYCLE_PREFIX):
        return "ignored"
    try:
        return _lifecycle(services, event)
    except Exception:
        services.storage.processed_events.forget_processed(claim)
        raise


def files_announced(event: WorkspaceEvent) -> str | None:
    """The conference record whose file the event announced (a recording, transcript or
    smart notes reaching FILE_GENERATED), or None: the event asks for a full look (any
    other event, or a payload that does not name an artifact as Meet does)."""
    field = FILE_EVENTS.get(event.type)
    resource = event.data.get(field) if field is not None else None
    name = resource.get("name") if isinstance(resource, dict) else None
    match = _ARTIFACT_NAME.fullmatch(name) if isinstance(name, str) else None
    return match.group(1) if match else None


def _lifecycle(services: Services, event: WorkspaceEvent) -> str:
    """A subscription's lifecycle event: read its current state, then maintain it.

    The pushed payload is a snapshot from when the event fired; by delivery the
    subscription may have been renewed or reactivated already, so it is never written
    back as-is (a late reminder would undo a renewal).
    """
    name = event.subscription
    record = services.storage.subscriptions.get_subscription(name) if name else None
    if record is None:
        return "unknown-subscription"
    meeting = services.storage.meetings.get_meeting(record.meeting_id)
    if meeting is None:
        return "unknown-meeting"
    if meeting.dormant:
        return "dormant"  # its subscription is meant to lapse: nothing to renew or tell anyone
    try:
        credentials = services.credentials.for_user(meeting.organizer)
        current = services.events.get(credentials, record.name)
    except NeedsAuthorization:
        return _organizer_gone(services, record.meeting_id)
    except GoogleApiError as error:
        if error.kind is FailureKind.UNAUTHENTICATED:  # the grant was revoked: no redelivery cures that
            services.credentials.invalidate(meeting.organizer)
            return _organizer_gone(services, record.meeting_id)
        if error.status != 404:
            raise  # answered with an error: Pub/Sub delivers the event again later
        services.storage.subscriptions.record_subscription(record.meeting_id, record.name, record.expire_time,
                                             SubscriptionState.DELETED.value)
        services.storage.sync_queue.request_sync(record.meeting_id)  # the next sync subscribes afresh
        return "subscription-gone"
    record_subscription(services, record.meeting_id, current, known=record)
    refreshed = services.storage.subscriptions.get_subscription(record.name)
    if refreshed is not None:
        maintain_subscription(services, refreshed, ReconcileReport())
    return "subscription-" + event.type.rsplit(".", 1)[-1]


def _organizer_gone(services: Services, meeting_id: int) -> str:
    """Nothing can be done with the subscription without the organizer; a sync of the
    meeting pauses it, so its card says so and the organizer is asked. Linking again
    brings the subscription back (``bot.lifecycle.paused``)."""
    services.storage.sync_queue.request_sync(meeting_id)
    return "organizer-unlinked"
