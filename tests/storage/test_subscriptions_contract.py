"""The ``Subscriptions`` contract (``storage.subscriptions``), on SQLite and PostgreSQL:
which subscriptions the reconciler renews, fairly between organizers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.storage import Storage, Subscriptions
from domain import Meeting, Person
from tests.storage.conftest import FakeClock

ADA = Person("users/111", "Ada Lovelace", "ada@example.com")
BOB = Person("users/222", "Bob Brown", "bob@example.com")


MONTH = timedelta(days=30)


def meeting(store: Storage, n: int, created_at: datetime, organizer: Person = ADA, **changes: object) -> Meeting:
    recorded = store.meetings.record_meeting(Meeting(
        meet_space=f"spaces/meet{n}", meeting_code=f"abc-defg-{n:03d}",
        meeting_uri=f"https://meet.google.com/abc-defg-{n:03d}", chat_space="spaces/CHAT1", organizer=organizer,
        title=f"Meeting {n}", created_at=created_at, card_message=f"spaces/CHAT1/messages/M{n}", **changes))
    assert recorded.id is not None
    return recorded


def test_subscriptions_of_dormant_meetings_lapse_and_the_rest_are_shared_fairly(store: Storage, subscriptions: Subscriptions,
                                                                               clock: FakeClock) -> None:
    now = clock.now
    soon = now + timedelta(hours=2)
    adas = [meeting(store, n, now - timedelta(days=1)) for n in range(6)]
    bobs = meeting(store, 10, now - timedelta(days=1), organizer=BOB)
    sleeping = meeting(store, 11, now - timedelta(days=9), dormant_since=now - timedelta(days=1))
    for index, made in enumerate(adas):
        subscriptions.record_subscription(made.id or 0, f"subscriptions/a{index}", soon + timedelta(minutes=index))
    subscriptions.record_subscription(bobs.id or 0, "subscriptions/b", soon + timedelta(hours=1))
    subscriptions.record_subscription(sleeping.id or 0, "subscriptions/z", now + timedelta(minutes=1))
    subscriptions.record_subscription(adas[5].id or 0, "subscriptions/later", now + timedelta(days=6))  # not due

    due = subscriptions.subscriptions_to_maintain(expiring_before=now + timedelta(hours=13), live_after=now - MONTH,
                                          limit=10, per_organizer=3)
    assert [s.name for s in due] == ["subscriptions/a0", "subscriptions/a1", "subscriptions/a2", "subscriptions/b"]
    capped = subscriptions.subscriptions_to_maintain(expiring_before=now + timedelta(hours=13), live_after=now - MONTH,
                                             limit=2, per_organizer=3)
    assert [s.name for s in capped] == ["subscriptions/a0", "subscriptions/a1"]
