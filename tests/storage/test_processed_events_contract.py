"""The ``ProcessedEvents`` contract (``storage.processed_events``), on SQLite and
PostgreSQL: an event id is claimed exactly once, however many deliveries race.
"""

from __future__ import annotations

from datetime import timedelta

from bot.storage import ProcessedEvents
from tests.storage.conftest import FakeClock
from tests.storage.helpers import race


def test_mark_processed_claims_once(processed_events: ProcessedEvents) -> None:
    assert processed_events.mark_processed("event-1") is True
    assert processed_events.mark_processed("event-1") is False
    assert processed_events.mark_processed("event-2") is True


def test_forget_processed_allows_a_redelivery(processed_events: ProcessedEvents) -> None:
    assert processed_events.mark_processed("event-1") is True
    processed_events.forget_processed("event-1")
    processed_events.forget_processed("never-seen")  # no error
    assert processed_events.mark_processed("event-1") is True
    assert processed_events.mark_processed("event-1") is False


def test_prune_processed_forgets_only_old_claims(processed_events: ProcessedEvents, clock: FakeClock) -> None:
    processed_events.mark_processed("old")
    clock.advance(days=8)
    processed_events.mark_processed("new")

    assert processed_events.prune_processed(clock.now - timedelta(days=7)) == 1

    assert processed_events.mark_processed("old") is True
    assert processed_events.mark_processed("new") is False


def test_racing_claims_of_one_event_have_exactly_one_winner(processed_events: ProcessedEvents) -> None:
    for round_ in range(3):
        results = race(12, lambda _, round_=round_: processed_events.mark_processed(f"event-{round_}"))
        assert results.count(True) == 1, results


def test_racing_claims_of_different_events_all_win(processed_events: ProcessedEvents) -> None:
    assert race(12, lambda i: processed_events.mark_processed(f"event-{i}")) == [True] * 12
