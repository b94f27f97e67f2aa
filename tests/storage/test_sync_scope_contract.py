"""The ``SyncQueue`` contract, on SQLite and PostgreSQL: what a sync request asks to be
looked at. An event announcing a conference's files asks only for that conference
(``take_meet_event(files_of=…)``); anything else asks for a full look at the live state.
A claim carries what the requests it covers asked for (``SyncClaim.files_of``: None for a
full look, else the union of their conferences), and keeps it until a sync covering
them finishes.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from bot.storage import Storage, SyncClaim, SyncQueue
from bot.storage.tables import file_sync_requests, meetings
from domain import MeetingStatus
from tests.storage.conftest import FakeClock
from tests.storage.helpers import MONTH, T0, meeting, race

R1, R2, R3 = "conferenceRecords/c1", "conferenceRecords/c2", "conferenceRecords/c3"


def watched(store: Storage, clock: FakeClock, n: int = 1) -> int:
    """A meeting with its join card and an active subscription ``subscriptions/s{n}``."""
    recorded = meeting(store, n, clock.now - timedelta(hours=1))
    assert recorded.id is not None
    store.subscriptions.record_subscription(recorded.id, f"subscriptions/s{n}", T0 + timedelta(days=7), "ACTIVE")
    return recorded.id


def event(sync_queue: SyncQueue, event_id: str, files_of: str | None = None, n: int = 1) -> str:
    return sync_queue.take_meet_event(event_id, subscription=f"subscriptions/s{n}", meet_space=None,
                                      files_of=files_of)


def claim(sync_queue: SyncQueue) -> SyncClaim:
    [only] = sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0, limit=10)
    return only


def noted(store: Storage, meeting_id: int) -> list[int]:
    """The requests of the meeting that ``file_sync_requests`` still holds (their numbers)."""
    with store.engine.connect() as connection:
        return sorted(connection.execute(sa.select(file_sync_requests.c.request)
                                         .where(file_sync_requests.c.meeting_id == meeting_id)).scalars())


def test_a_file_event_asks_only_for_its_conference(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    watched(store, clock)
    assert event(sync_queue, "e1", R1) == "sync-requested"
    assert claim(sync_queue).files_of == frozenset({R1})


def test_file_events_coalesce_into_the_union_of_their_conferences(store: Storage, sync_queue: SyncQueue,
                                                                  clock: FakeClock) -> None:
    watched(store, clock)
    event(sync_queue, "recording", R1)
    event(sync_queue, "transcript", R1)
    event(sync_queue, "other conference", R2)
    assert event(sync_queue, "recording", R1) == "duplicate"  # a redelivery adds nothing
    taken = claim(sync_queue)
    assert taken.files_of == frozenset({R1, R2}) and taken.requested == 3
    sync_queue.finish_sync(taken, status=MeetingStatus.ENDED)
    assert sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0) == []


def test_any_full_request_among_them_makes_a_full_look(store: Storage, sync_queue: SyncQueue,
                                                       clock: FakeClock) -> None:
    meeting_id = watched(store, clock)
    asks = [
        lambda key: event(sync_queue, f"left{key}"),  # a Meet event that names no files
        lambda key: sync_queue.request_sync(meeting_id),  # the app itself (a card drawn late, a lifecycle event)
        lambda key: sync_queue.request_catch_up(created_after=clock.now - MONTH),  # the reconciler
    ]
    for n, full in enumerate(asks):
        for full_first in (True, False):
            if full_first:
                full(f"{n}{full_first}")
            event(sync_queue, f"file{n}{full_first}", R1)
            if not full_first:
                full(f"{n}{full_first}")
            taken = claim(sync_queue)
            assert taken.files_of is None, (n, full_first)
            sync_queue.finish_sync(taken, status=MeetingStatus.ENDED)
            clock.advance(seconds=1)


def test_an_ordinary_request_is_a_full_look(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    meeting_id = watched(store, clock)
    sync_queue.request_sync(meeting_id)
    assert claim(sync_queue).files_of is None


def test_a_request_made_during_a_sync_is_not_covered_by_it_whatever_it_asks(
        store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    watched(store, clock)
    # A file-only sync running; a full request arrives: the next sync is a full look.
    event(sync_queue, "file1", R1)
    running = claim(sync_queue)
    event(sync_queue, "joined")
    sync_queue.finish_sync(running, status=MeetingStatus.ENDED)
    clock.advance(seconds=1)
    following = claim(sync_queue)
    assert running.files_of == frozenset({R1}) and following.files_of is None
    # A full sync running; a file event arrives: the next sync looks at that conference only.
    event(sync_queue, "file2", R2)
    sync_queue.finish_sync(following, status=MeetingStatus.ENDED)
    clock.advance(seconds=1)
    assert claim(sync_queue).files_of == frozenset({R2})


def test_a_claim_that_expires_or_is_put_back_keeps_what_was_asked(store: Storage, sync_queue: SyncQueue,
                                                                  clock: FakeClock) -> None:
    watched(store, clock)
    event(sync_queue, "file1", R1)
    first = claim(sync_queue)
    clock.advance(seconds=61)  # its process died mid-sync: the lease runs out
    second = claim(sync_queue)
    assert second.files_of == first.files_of == frozenset({R1}) and second.requested == first.requested
    sync_queue.release_sync(second, retry_after_seconds=5)  # a passing failure
    event(sync_queue, "file2", R2)  # asked again meanwhile
    clock.advance(seconds=6)
    third = claim(sync_queue)
    assert third.files_of == frozenset({R1, R2})
    sync_queue.finish_sync(first, status=MeetingStatus.ENDED)  # the first sync finishing late covers its own
    sync_queue.finish_sync(third, status=MeetingStatus.ENDED)
    assert sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0) == []


def test_the_reconciler_makes_a_waiting_file_only_request_a_full_look(
        store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    """A pass catches up on what events may have missed; a sync waiting only to look at
    files would not read the live state, so the pass asks for one that does, and only once."""
    watched(store, clock)
    event(sync_queue, "file1", R1)
    assert sync_queue.request_catch_up(created_after=clock.now - MONTH) == 1
    assert sync_queue.request_catch_up(created_after=clock.now - MONTH) == 0  # a full look is waiting now
    taken = claim(sync_queue)
    assert taken.files_of is None and taken.requested == 2


def test_a_wake_up_asks_for_a_full_look(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    meeting_id = watched(store, clock)
    sync_queue.request_sync(meeting_id)
    sync_queue.finish_sync(claim(sync_queue), status=MeetingStatus.WAITING, dormant=True)
    clock.advance(seconds=1)
    event(sync_queue, "file1", R1)
    assert sync_queue.wake_meetings([meeting_id]) == [meeting_id]
    assert claim(sync_queue).files_of is None


def test_each_meeting_is_told_its_own_conferences(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    first, second = watched(store, clock, 1), watched(store, clock, 2)
    event(sync_queue, "a", R1, n=1)
    event(sync_queue, "b", R2, n=2)
    event(sync_queue, "c", R3, n=2)
    claims = {c.meeting.id: c.files_of for c in sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0)}
    assert claims == {first: frozenset({R1}), second: frozenset({R2, R3})}


def test_a_deleted_meeting_takes_what_it_was_asked_with_it(store: Storage, sync_queue: SyncQueue,
                                                           clock: FakeClock) -> None:
    meeting_id = watched(store, clock)
    event(sync_queue, "file1", R1)
    assert noted(store, meeting_id) == [1]
    assert store.meetings.delete_meeting(meeting_id)
    assert noted(store, meeting_id) == []
    assert sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0) == []
    assert event(sync_queue, "file2", R2) == "unknown-meeting"


def test_concurrent_file_events_of_one_meeting_are_each_recorded(store: Storage, instances: list[Storage],
                                                                 clock: FakeClock) -> None:
    """Events at once on several instances: each request and the conference it names are
    recorded together, none lost."""
    watched(store, clock)
    records = [f"conferenceRecords/c{i}" for i in range(16)]
    outcomes = race(16, lambda i: instances[i % len(instances)].sync_queue.take_meet_event(
        f"e{i}", subscription="subscriptions/s1", meet_space=None, files_of=records[i]))
    assert outcomes == ["sync-requested"] * 16
    taken = claim(store.sync_queue)
    assert taken.requested == 16 and taken.files_of == frozenset(records)


def test_the_finish_covering_file_requests_takes_their_rows_and_only_theirs(
        store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    meeting_id = watched(store, clock)
    event(sync_queue, "file1", R1)
    event(sync_queue, "file2", R2)
    running = claim(sync_queue)
    event(sync_queue, "file3", R3)  # made while the sync runs: not covered by it
    sync_queue.finish_sync(running, status=MeetingStatus.ENDED)
    assert noted(store, meeting_id) == [3]
    clock.advance(seconds=1)
    following = claim(sync_queue)
    assert following.files_of == frozenset({R3})
    sync_queue.finish_sync(following, status=MeetingStatus.ENDED)
    assert noted(store, meeting_id) == []


def test_rows_a_finish_left_behind_go_with_the_next_finish(store: Storage, sync_queue: SyncQueue,
                                                           clock: FakeClock) -> None:
    """An instance of an older version (a rolling deploy) finishes a sync without deleting
    its rows; the next finish of the meeting, even one of an older claim finishing late,
    takes every row at or below the meeting's ``sync_done``."""
    meeting_id = watched(store, clock)
    event(sync_queue, "file1", R1)
    first = claim(sync_queue)
    clock.advance(seconds=61)  # its lease runs out
    event(sync_queue, "file2", R2)
    second = claim(sync_queue)
    assert second.requested == 2
    with store.engine.begin() as connection:  # the older version's finish: the counters only
        connection.execute(sa.update(meetings).where(meetings.c.id == meeting_id)
                           .values(sync_done=second.requested, sync_claimed_until=None))
    assert noted(store, meeting_id) == [1, 2]
    sync_queue.finish_sync(first, status=MeetingStatus.ENDED)  # covers request 1 only, late
    assert noted(store, meeting_id) == []
    assert sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0) == []


def test_a_refresh_waits_only_for_a_full_look(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    """``card_reading`` and the reconciler's catch-up share what "a full look is pending"
    means: a request that asked only for a conference's files will not change the card, so
    the card's reading is still the newest; any other request makes it old."""
    meeting_id = watched(store, clock)
    with store.card_turns.card_turn(meeting_id, T0) as turn:
        turn.shown("h1")
    event(sync_queue, "file1", R1)
    assert store.card_turns.card_reading(meeting_id) == T0
    event(sync_queue, "joined")
    assert store.card_turns.card_reading(meeting_id) is None
    sync_queue.finish_sync(claim(sync_queue), status=MeetingStatus.ENDED)
    assert store.card_turns.card_reading(meeting_id) == T0
    clock.advance(seconds=1)
    event(sync_queue, "file2", R2)
    sync_queue.request_catch_up(created_after=clock.now - MONTH)  # makes the waiting files' request a full look
    assert store.card_turns.card_reading(meeting_id) is None
