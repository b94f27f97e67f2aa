"""The reconciler (App Engine cron, or a timer in local mode).

Keeps subscriptions alive for meetings in use, and catches up on anything events did
not bring: every meeting that is not over, or whose summary is not final, gets a sync.
With Pub/Sub not configured at all this alone keeps the product correct, only slower.
It is safe on several instances at once: syncs are claimed (SKIP LOCKED on
PostgreSQL), and subscription calls are idempotent.

It is fair and bounded: each pass takes the meetings (and subscriptions) that have
waited longest, at most ``RECONCILE_MEETINGS_PER_ORGANIZER`` of one organizer and
``RECONCILE_MEETINGS_PER_PASS`` in all, and the next pass carries on from there, so
however many meetings one person makes, everyone's are looked at every few passes.
Dormant meetings (``dormancy``) are not visited at all.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from domain import Meeting
from ..google.credentials import NeedsAuthorization
from ..google.errors import GoogleApiError
from ..google.resources import Subscription, SubscriptionState
from ..services import Services
from ..storage import AWAITING_ORGANIZER, SubscriptionRecord
from .subscriptions import EXPIRED, record_subscription

if TYPE_CHECKING:  # the sync (and so the worker) uses this module's prompt
    from .worker import SyncWorker

log = logging.getLogger(__name__)

RENEW_MARGIN = timedelta(hours=13)  # renew before the 12 h expiration reminder would fire
LIVE_FOR = timedelta(days=30)  # conference records live 30 days after the end
# Suspension reasons that reactivation can cure; the others need the organizer.
REACTIVATABLE = {"ENDPOINT_PERMISSION_DENIED", "ENDPOINT_NOT_FOUND", "ENDPOINT_RESOURCE_EXHAUSTED", "OTHER",
                 "SUSPENSION_REASON_UNSPECIFIED"}


@dataclass
class ReconcileReport:
    renewed: int = 0
    reactivated: int = 0
    resubscribed: int = 0
    needs_organizer: int = 0
    syncs_requested: int = 0
    syncs_run: int = 0
    errors: list[str] = field(default_factory=list)


def _relink_request_id(record: SubscriptionRecord) -> str:
    """One prompt per suspension: the same id for every try (a stalled post that lands
    late, a retry, the next pass, the lifecycle event and the reconciler at once), a new
    one once the subscription has been renewed or suspended for another reason."""
    expiry = record.expire_time.replace(tzinfo=None).isoformat(timespec="seconds")
    digest = hashlib.sha256(f"{record.name}|{record.suspension_reason}|{expiry}".encode()).hexdigest()
    return f"relink-{digest[:32]}"


# Why the organizer is asked to authorize again: what stopped, and what follows once they do.
SUBSCRIPTION_SUSPENDED = (("Google stopped sending this app live updates about this meeting because its access "
                           "to your Google account was withdrawn."),
                          "The card and summary are still brought up to date every few minutes.")
ORGANIZER_UNLINKED = (("This meeting's card and summary have stopped updating because this app no longer has "
                       "access to your Google account."),
                      "They then catch up by themselves.")


def ask_organizer_to_relink(services: Services, meeting: Meeting, request_id: str, *,
                            reason: tuple[str, str] = SUBSCRIPTION_SUSPENDED) -> GoogleApiError | None:
    """Tell the organizer, privately in the meeting's space, what stopped until they
    authorize the app again (with a fresh link when users link accounts, else to ask
    their administrator).

    The post carries ``request_id``, so however often it is tried, Chat shows one
    message. The error if it could not be posted (None once it is)."""
    stopped, afterwards = reason
    if services.authorization.links_accounts:
        url = services.authorization.begin(meeting.organizer, None, event_format="classic", config_complete_url=None)
        # The link lives minutes (a signed, single-use state); the page an expired one
        # opens says how to get a fresh one.
        remedy = f"<{url}|Authorize again> to bring them back."
    else:
        remedy = "Ask your administrator to restore it."
    # Posted in the meeting's own thread, which says which meeting; the title is not
    # repeated because Chat's text markup (<url|label>) cannot be escaped.
    text = f"{stopped} {remedy} {afterwards}"
    try:
        services.chat.create_message(meeting.chat_space, {"text": text,
                                                          "privateMessageViewer": {"name": meeting.organizer.user_name}},
                                     thread_name=meeting.thread_name, request_id=request_id)
    except GoogleApiError as error:
        log.warning("could not ask the organizer to re-link", extra={"fields": {"kind": error.kind.value}})
        return error
    return None


def reactivate(services: Services, credentials: Any, name: str) -> Subscription | None:
    """Reactivate a suspended subscription; the Subscription afterwards (None while
    Google's Operation is still running).

    Google refuses (400 FAILED_PRECONDITION) to reactivate one that is not suspended,
    which is what an earlier reactivation that timed out but landed leaves behind: then
    the subscription is read, and what Google says it is now is the answer."""
    try:
        return services.events.reactivate(credentials, name)
    except GoogleApiError as error:
        if error.status != 400:
            raise
        current = services.events.get(credentials, name)
        if current.state is SubscriptionState.SUSPENDED:
            raise  # still suspended: the cause persists
        return current


def maintain_subscription(services: Services, record: SubscriptionRecord, report: ReconcileReport) -> None:
    """Renew, reactivate or replace one subscription, as its state requires."""
    meeting = services.storage.meetings.get_meeting(record.meeting_id)
    if meeting is None or meeting.dormant or not services.config.pubsub_topic:
        return  # a dormant meeting's subscription is left to lapse; waking it subscribes again
    try:
        credentials = services.credentials.for_user(meeting.organizer)
    except NeedsAuthorization:
        report.needs_organizer += 1
        return
    ttl = services.config.subscription_ttl_seconds
    try:
        if record.state == SubscriptionState.ACTIVE and record.expire_time > services.clock():
            renewed = services.events.renew(credentials, record.name, ttl)
            report.renewed += 1
        elif record.state == SubscriptionState.SUSPENDED and (record.suspension_reason or "OTHER") in REACTIVATABLE:
            renewed = reactivate(services, credentials, record.name)
            report.reactivated += 1
        elif record.state == SubscriptionState.SUSPENDED:
            # Revoked scopes or a failed authorization: only the organizer can fix it.
            # Ask them once; later passes just try to reactivate. A post that failed for a
            # passing reason is tried again by the next pass (same request id: one message).
            failed = ask_organizer_to_relink(services, meeting, _relink_request_id(record))
            if failed is not None and failed.transient:
                report.errors.append(f"{record.name}: {failed.kind.value}")
                return
            services.storage.subscriptions.record_subscription(record.meeting_id, record.name, record.expire_time,
                                                 AWAITING_ORGANIZER, record.suspension_reason)
            report.needs_organizer += 1
            return
        elif record.state == AWAITING_ORGANIZER:
            try:
                renewed = reactivate(services, credentials, record.name)
            except GoogleApiError:
                return  # not fixed yet: stay quiet, the organizer was told
            report.reactivated += 1
        else:  # expired or deleted: the next sync subscribes afresh
            services.storage.subscriptions.record_subscription(record.meeting_id, record.name, record.expire_time, EXPIRED)
            services.storage.sync_queue.request_sync(record.meeting_id)
            report.resubscribed += 1
            return
    except GoogleApiError as error:
        report.errors.append(f"{record.name}: {error.kind.value}")
        if error.status == 404:  # gone at Google: replace it
            services.storage.subscriptions.record_subscription(record.meeting_id, record.name, record.expire_time,
                                                 SubscriptionState.DELETED.value)
            services.storage.sync_queue.request_sync(record.meeting_id)
        return
    if renewed is not None:  # else Google is still at it: the next pass finds how it went
        record_subscription(services, record.meeting_id, renewed, known=record)


def reconcile(services: Services, worker: SyncWorker, *, budget_seconds: float = 50.0) -> ReconcileReport:
    report = ReconcileReport()
    now = services.clock()
    config = services.config
    limit, per_organizer = config.reconcile_meetings_per_pass, config.reconcile_meetings_per_organizer
    if config.pubsub_topic:
        for record in services.storage.subscriptions.subscriptions_to_maintain(
                expiring_before=now + RENEW_MARGIN, live_after=now - LIVE_FOR, limit=limit,
                per_organizer=per_organizer):
            maintain_subscription(services, record, report)
    report.syncs_requested = services.storage.sync_queue.request_catch_up(
        created_after=now - LIVE_FOR, limit=limit, per_organizer=per_organizer,
        answer_window=timedelta(seconds=services.config.sync_budget_seconds))
    # Due syncs are claimed longest-waiting first; what the budget does not reach stays
    # requested and is first in line for the worker and the next pass.
    report.syncs_run = worker.drain(budget_seconds=budget_seconds)
    services.storage.processed_events.prune_processed(now - timedelta(days=8))  # Pub/Sub keeps messages 7 days at most
    return report


class PeriodicReconciler:
    """Runs the reconciler every ``interval`` seconds in a background thread: local mode,
    or any deployment without a cron."""

    def __init__(self, services: Services, worker: SyncWorker, interval: float) -> None:
        self.services, self.worker, self.interval = services, worker, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "PeriodicReconciler":
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="reconciler", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the loop (a reconciler that never started has nothing to stop)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                reconcile(self.services, self.worker, budget_seconds=self.interval)
            except Exception:  # noqa: BLE001 - try again next time
                log.exception("periodic reconcile failed")
