"""The hand-off from creating a meeting to keeping it live."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from cards.join_card import join_card_message

from domain import Meeting
from ..storage import Repositories
from ..card_publishing import render_hash

if TYPE_CHECKING:
    from .worker import SyncWorker


class Lifecycle:
    def __init__(self, storage: Repositories) -> None:
        self.storage = storage
        self.worker: "SyncWorker | None" = None

    def card_posted(self, meeting: Meeting, card_message: str, thread_name: str | None,
                    posted_card: dict[str, Any] | None = None) -> Meeting:
        """The join card was just posted as ``card_message``: record where and what it
        shows, and have the meeting synced soon (which subscribes its space to Meet
        events), in one write; the meeting as recorded."""
        # A waiting card does not depend on the time, so this is the posted card's hash.
        card = posted_card if posted_card is not None else join_card_message(meeting, now=meeting.created_at)
        recorded = self.storage.meetings.attach_posted_card(meeting.stored_id, card_message, thread_name,
                                                            render_hash(card))
        self.wake_worker()
        return recorded

    def card_unconfirmed(self, meeting: Meeting) -> None:
        """The card's post timed out: nothing is noted as shown, so the first sync
        draws it, adopting the card by its client-assigned name or posting it."""
        if meeting.id is not None:
            self.sync_soon(meeting.id)

    def cohosts_changed(self, meeting: Meeting) -> None:
        """Co-hosts were added after the card was posted: the next sync redraws it."""
        if meeting.id is not None:
            self.sync_soon(meeting.id)

    def wake(self, meetings: Iterable[Meeting]) -> list[int]:
        """Someone showed interest (Refresh, /meetrecent): wake the dormant ones among
        ``meetings`` and have them synced soon (subscribed again, card live); their ids."""
        woken = self.storage.sync_queue.wake_meetings([m.id for m in meetings if m.dormant and m.id is not None])
        if woken:
            self.wake_worker()
        return woken

    def sync_soon(self, meeting_id: int) -> None:
        """Have the meeting synced soon: the request is stored (any process's worker or
        the reconciler takes it), and this process's worker is woken."""
        self.storage.sync_queue.request_sync(meeting_id)
        self.wake_worker()

    def wake_worker(self) -> None:
        """Something became due: this process's worker looks soon. Before a worker is
        attached (nothing in this process runs syncs) the stored request waits for one."""
        if self.worker is not None:
            self.worker.kick()
