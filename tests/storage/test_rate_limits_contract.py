"""The ``RateLimits`` contract (``storage.limits``), on SQLite and PostgreSQL: a sliding
window that holds across threads, workers and instances.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from bot.storage import ProcessedEvents, RateLimits, Storage
from bot.storage.tables import rate_limit_reservations
from tests.storage.conftest import FakeClock
from tests.storage.helpers import race

MINUTE = timedelta(minutes=1)


def reservations(store: Storage, key: str) -> int:
    with store.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(rate_limit_reservations)
                                  .where(rate_limit_reservations.c.key == key)).scalar_one()


def test_a_key_gets_its_limit_and_no_more(store: Storage, limits: RateLimits) -> None:
    taken = [limits.reserve("meet:users/1", limit=10, window=MINUTE) for _ in range(12)]
    assert all(isinstance(reservation, int) for reservation in taken[:10])
    assert len(set(taken[:10])) == 10
    assert taken[10:] == [None, None]
    assert reservations(store, "meet:users/1") == 10


def test_the_window_slides_by_one_minute_not_one_hour(store: Storage, limits: RateLimits, clock: FakeClock) -> None:
    for _ in range(10):
        assert limits.reserve("meet:users/1", limit=10, window=MINUTE) is not None
    clock.advance(seconds=59)
    assert limits.reserve("meet:users/1", limit=10, window=MINUTE) is None
    clock.advance(seconds=2)  # 61 s after the ten: they no longer count
    assert limits.reserve("meet:users/1", limit=10, window=MINUTE) is not None
    assert reservations(store, "meet:users/1") == 1  # the aged ones were pruned on the way


def test_a_reservation_stops_counting_exactly_one_window_after_it_was_made(limits: RateLimits, clock: FakeClock) -> None:
    assert limits.reserve("k", limit=1, window=MINUTE) is not None
    clock.advance(seconds=59.999)
    assert limits.reserve("k", limit=1, window=MINUTE) is None
    clock.advance(seconds=0.001)  # made at t, it counts during [t, t + window)
    assert limits.reserve("k", limit=1, window=MINUTE) is not None


def test_the_window_counts_each_reservation_from_its_own_time(limits: RateLimits, clock: FakeClock) -> None:
    for _ in range(5):
        assert limits.reserve("k", limit=10, window=MINUTE) is not None
    clock.advance(seconds=30)
    for _ in range(5):
        assert limits.reserve("k", limit=10, window=MINUTE) is not None
    clock.advance(seconds=31)  # the first five aged out, the last five are 31 s old
    assert [limits.reserve("k", limit=10, window=MINUTE) is not None for _ in range(6)] == [True] * 5 + [False]


def test_keys_are_limited_separately(limits: RateLimits) -> None:
    for _ in range(3):
        assert limits.reserve("meet:users/1", limit=3, window=MINUTE) is not None
    assert limits.reserve("meet:users/1", limit=3, window=MINUTE) is None
    assert limits.reserve("meet:users/2", limit=3, window=MINUTE) is not None


def test_a_released_place_can_be_taken_again(limits: RateLimits) -> None:
    first = limits.reserve("k", limit=1, window=MINUTE)
    assert first is not None and limits.reserve("k", limit=1, window=MINUTE) is None
    assert limits.release(first) is True
    assert limits.release(first) is False  # once
    assert limits.reserve("k", limit=1, window=MINUTE) is not None


def test_a_limit_of_zero_refuses_everything(store: Storage, limits: RateLimits) -> None:
    assert limits.reserve("k", limit=0, window=MINUTE) is None
    assert reservations(store, "k") == 0


def test_simultaneous_reservations_from_many_instances_take_exactly_the_limit(
        store: Storage, instances: list[Storage]) -> None:
    results = race(40, lambda i: instances[i % len(instances)].limits.reserve("meet:users/1", limit=10, window=MINUTE))
    granted = [result for result in results if result is not None]
    assert len(granted) == 10 and len(set(granted)) == 10
    assert reservations(store, "meet:users/1") == 10


def test_simultaneous_reservations_of_different_keys_do_not_take_each_others_places(
        store: Storage, instances: list[Storage]) -> None:
    results = race(40, lambda i: (i % 4, instances[i % len(instances)].limits.reserve(f"meet:users/{i % 4}", limit=10,
                                                                                window=MINUTE)))
    assert all(reservation is not None for _, reservation in results)
    assert [reservations(store, f"meet:users/{n}") for n in range(4)] == [10, 10, 10, 10]


# -- reserve_claiming: the place and the message's claim in one transaction ------------------

def test_reserve_claiming_takes_the_place_and_the_claim_together(
        store: Storage, limits: RateLimits, processed_events: ProcessedEvents) -> None:
    taken = limits.reserve_claiming("meet:users/1", limit=10, window=MINUTE, claim="meet-command:M1")

    assert isinstance(taken.id, int) and taken.duplicate is False
    assert reservations(store, "meet:users/1") == 1
    assert processed_events.mark_processed("meet-command:M1") is False  # claimed by it
    assert limits.release(taken.id) is True  # an ordinary place: it can be given back


def test_a_claim_taken_before_takes_no_place(store: Storage, limits: RateLimits,
                                             processed_events: ProcessedEvents) -> None:
    assert processed_events.mark_processed("meet-command:M1") is True

    again = limits.reserve_claiming("meet:users/1", limit=10, window=MINUTE, claim="meet-command:M1")

    assert again.id is None and again.duplicate is True
    assert reservations(store, "meet:users/1") == 0  # the place went with the refused claim


def test_a_full_window_refuses_without_taking_the_claim(store: Storage, limits: RateLimits,
                                                        processed_events: ProcessedEvents) -> None:
    assert limits.reserve("meet:users/1", limit=1, window=MINUTE) is not None

    refused = limits.reserve_claiming("meet:users/1", limit=1, window=MINUTE, claim="meet-command:M2")

    assert refused.id is None and refused.duplicate is False
    assert reservations(store, "meet:users/1") == 1
    assert processed_events.mark_processed("meet-command:M2") is True  # still free: a later delivery may try


def test_a_full_window_refuses_even_a_claim_taken_before(limits: RateLimits,
                                                         processed_events: ProcessedEvents) -> None:
    # The limit is checked first, as reserving and then claiming in turn did.
    assert processed_events.mark_processed("meet-command:M3") is True
    assert limits.reserve("meet:users/1", limit=1, window=MINUTE) is not None

    refused = limits.reserve_claiming("meet:users/1", limit=1, window=MINUTE, claim="meet-command:M3")

    assert refused.id is None and refused.duplicate is False


def test_simultaneous_deliveries_of_one_message_take_one_place(store: Storage, instances: list[Storage]) -> None:
    results = race(16, lambda i: instances[i % len(instances)].limits.reserve_claiming(
        "meet:users/1", limit=10, window=MINUTE, claim="meet-command:SAME"))

    winners = [result for result in results if result.id is not None]
    assert len(winners) == 1
    assert sum(result.duplicate for result in results) == 15
    assert reservations(store, "meet:users/1") == 1


def test_different_messages_racing_share_the_limit(store: Storage, instances: list[Storage]) -> None:
    results = race(16, lambda i: instances[i % len(instances)].limits.reserve_claiming(
        "meet:users/1", limit=10, window=MINUTE, claim=f"meet-command:M{i}"))

    assert sum(result.id is not None for result in results) == 10
    assert not any(result.duplicate for result in results)
    assert reservations(store, "meet:users/1") == 10
