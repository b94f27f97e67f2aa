"""The ``Subscriptions`` contract (``storage.subscriptions``), on SQLite and PostgreSQL:
which subscriptions the reconciler renews, fairly between organizers.
"""

from __future__ import annotations

from datetime import timedelta

from bot.storage import Storage, Subscriptions
from tests.storage.conftest import FakeClock
from tests.storage.helpers import BOB, MONTH, meeting



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
