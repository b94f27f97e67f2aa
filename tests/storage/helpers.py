"""Values and helpers the storage contract suites share.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Callable, TypeVar

from domain import AccessType, DialIn, Meeting, MeetingSettings, MeetingStatus, Person

if TYPE_CHECKING:
    from bot.storage import Storage

T = TypeVar("T")
ORGANIZER = ADA = Person("users/111", "Ada Lovelace", "ada@example.com")
BOB = Person("users/222", "Bob Brown", "bob@example.com")
MONTH = timedelta(days=30)


T0 = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)


def make_meeting(n: int = 1, *, chat_space: str = "spaces/CHAT1", created_at: datetime = T0,
                 **changes: object) -> Meeting:
    meeting = Meeting(
        meet_space=f"spaces/meet{n}",
        meeting_code=f"abc-defg-{n:03d}",
        meeting_uri=f"https://meet.google.com/abc-defg-{n:03d}",
        chat_space=chat_space,
        organizer=ORGANIZER,
        title=f"Weekly sync #{n}",
        created_at=created_at,
    )
    return meeting.with_changes(**changes)


def meeting(store: "Storage", n: int, created_at: datetime, organizer: Person = ADA, **changes: object) -> Meeting:
    """``make_meeting(n)`` recorded, its join card posted, for ``organizer``."""
    recorded = store.meetings.record_meeting(make_meeting(
        n, created_at=created_at, organizer=organizer, card_message=f"spaces/CHAT1/messages/M{n}", **changes))
    assert recorded.id is not None
    return recorded


def full_meeting() -> Meeting:
    """A meeting with every optional field set, including awkward text."""
    return make_meeting(
        7,
        title="Café <b>&</b> \"quotes\" — 週次 🎉",
        settings=MeetingSettings(access_type=AccessType.TRUSTED, auto_recording=True, auto_transcription=True,
                                 auto_smart_notes=False, moderation=True),
        access_type=AccessType.RESTRICTED,
        requested_cohosts=(Person("users/222", "Grace Hopper", "grace@example.com"), Person("users/333", "Alan", None)),
        dial_in=(DialIn("US", "+1 555-0100", "123456789#"), DialIn("SIP", "sip:123@meet.example", None)),
        thread_name="spaces/CHAT1/threads/T7",
        card_message="spaces/CHAT1/messages/M7",
        status=MeetingStatus.IN_PROGRESS,
        time_zone="America/Argentina/Buenos_Aires",
    )


def race(workers: int, action: Callable[[int], T]) -> list[T]:
    """Run ``action(i)`` on ``workers`` threads released at the same instant."""
    barrier = threading.Barrier(workers)

    def run(i: int) -> T:
        barrier.wait()
        return action(i)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, range(workers)))
