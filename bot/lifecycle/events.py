"""Acting on one Workspace Event pushed by Pub/Sub.

Meet events only request a sync of their meeting (the sync reads the truth from Meet).
Subscription lifecycle events update the subscription's record and maintain it. The
event id is claimed first, so a duplicate delivery does nothing; if acting fails the
claim is released and the error answered, so Pub/Sub delivers the event again.
"""

from __future__ import annotations

import logging

from ..domain import Meeting
from ..pubsub import WorkspaceEvent
from ..services import Services
from .reading import parse_time
from .reconcile import ReconcileReport, maintain_subscription
from .worker import SyncWorker

log = logging.getLogger(__name__)

MEET_EVENT_PREFIX = "google.workspace.meet."
LIFECYCLE_PREFIX = "google.workspace.events.subscription.v1."


def _meeting_for(services: Services, event: WorkspaceEvent) -> Meeting | None:
    if event.subscription:
        record = services.storage.get_subscription(event.subscription)
        if record is not None:
            return services.storage.get_meeting(record.meeting_id)
    if event.meet_space:
        return services.storage.get_meeting_by_meet_space(event.meet_space)
    return None


def handle_event(services: Services, worker: SyncWorker, event: WorkspaceEvent) -> str:
    """Act on the event; a word saying what happened (for the log)."""
    if not services.storage.mark_processed("workspace-event:" + event.id):
        return "duplicate"
    try:
        if event.type.startswith(MEET_EVENT_PREFIX):
            meeting = _meeting_for(services, event)
            if meeting is None or meeting.id is None:
                return "unknown-meeting"
            services.storage.request_sync(meeting.id)
            worker.kick()
            return "sync-requested"
        if event.type.startswith(LIFECYCLE_PREFIX):
            return _lifecycle(services, event)
        return "ignored"
    except Exception:
        services.storage.forget_processed("workspace-event:" + event.id)
        raise


def _lifecycle(services: Services, event: WorkspaceEvent) -> str:
    name = event.subscription
    record = services.storage.get_subscription(name) if name else None
    if record is None:
        return "unknown-subscription"
    pushed = event.data.get("subscription") if isinstance(event.data.get("subscription"), dict) else {}
    kind = event.type[len(LIFECYCLE_PREFIX):]
    state = {"suspended": "SUSPENDED", "expired": "EXPIRED"}.get(kind, str(pushed.get("state") or record.state))
    services.storage.record_subscription(
        record.meeting_id, record.name, parse_time(pushed.get("expireTime")) or record.expire_time, state,
        pushed.get("suspensionReason") or record.suspension_reason)
    refreshed = services.storage.get_subscription(record.name)
    if refreshed is not None:
        maintain_subscription(services, refreshed, ReconcileReport())
    return f"subscription-{kind}"
