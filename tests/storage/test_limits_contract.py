"""The storage contract for rate limits and bounded pending authorizations, on SQLite
and on PostgreSQL.

Rate limits: at most ``limit`` reservations of a key in any sliding window, even when
many threads with connections of their own (as workers and instances have) reserve at
the same instant. Pending authorizations: one per person and purpose, the newest.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Iterator

import pytest
import sqlalchemy as sa

from domain import MeetRequest, PendingAuthorization, Person
from bot.storage import Storage, open_storage
from bot.storage.tables import pending_authorizations, rate_limit_reservations
from tests.storage.conftest import FakeClock
from tests.storage.test_grants_contract import ALICE, BOB, T0, pending
from tests.storage.test_store_contract import race

MINUTE = timedelta(minutes=1)


def reservations(store: Storage, key: str) -> int:
    with store.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(rate_limit_reservations)
                                  .where(rate_limit_reservations.c.key == key)).scalar_one()


# -- rate limits ----------------------------------------------------------------------------

def test_a_key_gets_its_limit_and_no_more(store: Storage) -> None:
    taken = [store.reserve("meet:users/1", limit=10, window=MINUTE) for _ in range(12)]
    assert all(isinstance(reservation, int) for reservation in taken[:10])
    assert len(set(taken[:10])) == 10
    assert taken[10:] == [None, None]
    assert reservations(store, "meet:users/1") == 10


def test_the_window_slides_by_one_minute_not_one_hour(store: Storage, clock: FakeClock) -> None:
    for _ in range(10):
        assert store.reserve("meet:users/1", limit=10, window=MINUTE) is not None
    clock.advance(seconds=59)
    assert store.reserve("meet:users/1", limit=10, window=MINUTE) is None
    clock.advance(seconds=2)  # 61 s after the ten: they no longer count
    assert store.reserve("meet:users/1", limit=10, window=MINUTE) is not None
    assert reservations(store, "meet:users/1") == 1  # the aged ones were pruned on the way


def test_a_reservation_stops_counting_exactly_one_window_after_it_was_made(store: Storage, clock: FakeClock) -> None:
    assert store.reserve("k", limit=1, window=MINUTE) is not None
    clock.advance(seconds=59.999)
    assert store.reserve("k", limit=1, window=MINUTE) is None
    clock.advance(seconds=0.001)  # made at t, it counts during [t, t + window)
    assert store.reserve("k", limit=1, window=MINUTE) is not None


def test_the_window_counts_each_reservation_from_its_own_time(store: Storage, clock: FakeClock) -> None:
    for _ in range(5):
        assert store.reserve("k", limit=10, window=MINUTE) is not None
    clock.advance(seconds=30)
    for _ in range(5):
        assert store.reserve("k", limit=10, window=MINUTE) is not None
    clock.advance(seconds=31)  # the first five aged out, the last five are 31 s old
    assert [store.reserve("k", limit=10, window=MINUTE) is not None for _ in range(6)] == [True] * 5 + [False]


def test_keys_are_limited_separately(store: Storage) -> None:
    for _ in range(3):
        assert store.reserve("meet:users/1", limit=3, window=MINUTE) is not None
    assert store.reserve("meet:users/1", limit=3, window=MINUTE) is None
    assert store.reserve("meet:users/2", limit=3, window=MINUTE) is not None


def test_a_released_place_can_be_taken_again(store: Storage) -> None:
    first = store.reserve("k", limit=1, window=MINUTE)
    assert first is not None and store.reserve("k", limit=1, window=MINUTE) is None
    assert store.release(first) is True
    assert store.release(first) is False  # once
    assert store.reserve("k", limit=1, window=MINUTE) is not None


def test_a_limit_of_zero_refuses_everything(store: Storage) -> None:
    assert store.reserve("k", limit=0, window=MINUTE) is None
    assert reservations(store, "k") == 0


@pytest.fixture
def instances(store: Storage, clock: FakeClock) -> Iterator[list[Storage]]:
    """Eight more Storages on the same database, each with its own pool: as separate
    gunicorn workers or App Engine instances would be."""
    url = store.engine.url.render_as_string(hide_password=False)
    opened = [open_storage(url, clock=clock, pool_size=5) for _ in range(8)]
    try:
        yield opened
    finally:
        for storage in opened:
            storage.close()


def test_simultaneous_reservations_from_many_instances_take_exactly_the_limit(
        store: Storage, instances: list[Storage]) -> None:
    results = race(40, lambda i: instances[i % len(instances)].reserve("meet:users/1", limit=10, window=MINUTE))
    granted = [result for result in results if result is not None]
    assert len(granted) == 10 and len(set(granted)) == 10
    assert reservations(store, "meet:users/1") == 10


def test_simultaneous_reservations_of_different_keys_do_not_take_each_others_places(
        store: Storage, instances: list[Storage]) -> None:
    results = race(40, lambda i: (i % 4, instances[i % len(instances)].reserve(f"meet:users/{i % 4}", limit=10,
                                                                                window=MINUTE)))
    assert all(reservation is not None for _, reservation in results)
    assert [reservations(store, f"meet:users/{n}") for n in range(4)] == [10, 10, 10, 10]


# -- pending authorizations: one per person and purpose ---------------------------------------

def meet_request(user: Person, *, space: str = "spaces/CHAT1", message: str = "M1") -> MeetRequest:
    return MeetRequest(organizer=user, chat_space=space, argument_text=f"Meeting {message}", mentions=(),
                       source_message=f"{space}/messages/{message}", thread_name=None, event_format="classic")


def pending_rows(store: Storage) -> list[sa.Row]:  # type: ignore[type-arg]
    with store.engine.connect() as connection:
        return list(connection.execute(sa.select(pending_authorizations.c.nonce, pending_authorizations.c.user_name,
                                                 pending_authorizations.c.purpose)
                                       .order_by(pending_authorizations.c.purpose)).all())


def test_the_newest_meet_of_a_person_in_a_space_replaces_the_one_before(store: Storage) -> None:
    for n in range(60):
        store.add_pending_authorization(pending(f"{n:043d}", request=meet_request(ALICE, message=f"M{n}")))
    assert [(row.nonce, row.purpose) for row in pending_rows(store)] == [(f"{59:043d}", "meet:spaces/CHAT1")]
    assert store.get_pending_authorization(f"{58:043d}") is None  # the older link leads nowhere now
    newest = store.take_pending_authorization(f"{59:043d}")
    assert newest is not None and newest.request is not None
    assert newest.request.source_message == "spaces/CHAT1/messages/M59"


def test_pending_authorizations_of_other_spaces_people_and_purposes_stay(store: Storage) -> None:
    store.add_pending_authorization(pending("a" * 43, request=meet_request(ALICE)))
    store.add_pending_authorization(pending("b" * 43, request=meet_request(ALICE, space="spaces/CHAT2")))
    store.add_pending_authorization(pending("c" * 43, user=BOB, request=meet_request(BOB)))
    bare = PendingAuthorization(nonce="d" * 43, user=ALICE, request=None, event_format="classic",
                                config_complete_url=None, code_verifier_ciphertext="v", created_at=T0,
                                expires_at=T0 + timedelta(minutes=10))
    store.add_pending_authorization(bare)
    store.add_pending_authorization(PendingAuthorization(
        nonce="e" * 43, user=ALICE, request=None, event_format="classic", config_complete_url=None,
        code_verifier_ciphertext="v", created_at=T0, expires_at=T0 + timedelta(minutes=10),
        directory_meeting="spaces/CHAT1/messages/client-meet-abc-defg-hij"))
    store.add_pending_authorization(PendingAuthorization(  # a second bare link replaces the first
        nonce="f" * 43, user=ALICE, request=None, event_format="classic", config_complete_url=None,
        code_verifier_ciphertext="v", created_at=T0, expires_at=T0 + timedelta(minutes=10)))
    assert [(row.nonce[0], row.user_name, row.purpose) for row in pending_rows(store)] == [
        ("e", ALICE.user_name, "directory:spaces/CHAT1/messages/client-meet-abc-defg-hij"),
        ("f", ALICE.user_name, "link"),
        ("a", ALICE.user_name, "meet:spaces/CHAT1"),
        ("c", BOB.user_name, "meet:spaces/CHAT1"),
        ("b", ALICE.user_name, "meet:spaces/CHAT2"),
    ]


def test_simultaneous_prompts_of_one_person_leave_one_pending_authorization(
        store: Storage, instances: list[Storage]) -> None:
    race(24, lambda i: instances[i % len(instances)].add_pending_authorization(
        pending(f"{i:043d}", request=meet_request(ALICE, message=f"M{i}"))))
    rows = pending_rows(store)
    assert len(rows) == 1
    survivor = store.get_pending_authorization(rows[0].nonce)
    assert survivor is not None and survivor.request is not None
    assert survivor.request.source_message == f"spaces/CHAT1/messages/M{int(rows[0].nonce)}"
