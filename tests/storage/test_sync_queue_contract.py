"""The ``SyncQueue`` contract (``storage.sync_queue``), on SQLite and PostgreSQL: Meet
events request syncs exactly once, claims and their leases, dormancy and wake-ups, and the
reconciler's fair share of work per pass.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Iterator

import pytest
import sqlalchemy as sa

from bot.storage import Storage, StorageError, SummaryRecord, SyncQueue
from bot.storage.tables import meetings as meetings_table
from domain import Attendance, Meeting, MeetingStatus
from tests.storage.conftest import FakeClock
from tests.storage.helpers import ADA, BOB, MONTH, T0, make_meeting, meeting, race



def sync_all(store: Storage, *, dormant: bool | None = None) -> list[int]:
    """Run every due sync (as the worker would), oldest wait first; the ids in the order
    they were claimed."""
    order: list[int] = []
    while claims := store.sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0, limit=3):
        for claim in claims:
            assert claim.meeting.id is not None
            order.append(claim.meeting.id)
            store.sync_queue.finish_sync(claim, status=claim.meeting.status, dormant=dormant)
    return order


def catch_up(store: Storage, clock: FakeClock, *, limit: int = 500, per_organizer: int = 50) -> int:
    return store.sync_queue.request_catch_up(created_after=clock.now - MONTH, limit=limit, per_organizer=per_organizer)


def test_a_pass_takes_the_longest_waiting_first_and_the_next_carries_on(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    start = clock.now - timedelta(hours=5)
    ids = [meeting(store, n, start + timedelta(minutes=n)).id for n in range(6)]
    # Meetings 0 and 1 were synced just now: everyone else has waited longer.
    sync_queue.request_sync(ids[0])  # type: ignore[arg-type]
    sync_queue.request_sync(ids[1])  # type: ignore[arg-type]
    assert sync_all(store) == ids[:2]

    assert catch_up(store, clock, limit=2) == 2
    assert sync_all(store) == ids[2:4]  # never synced, the oldest made first
    clock.advance(minutes=1)
    assert catch_up(store, clock, limit=2) == 2
    assert sync_all(store) == ids[4:6]  # carries on where the last pass stopped
    clock.advance(minutes=1)
    assert catch_up(store, clock, limit=2) == 2
    assert sync_all(store) == ids[0:2]  # then round again, longest since its sync first


def test_one_organizers_many_meetings_cannot_crowd_out_another(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    start = clock.now - timedelta(hours=5)
    bobs = meeting(store, 0, start, organizer=BOB)
    sync_queue.request_sync(bobs.id)  # type: ignore[arg-type]
    sync_all(store)  # Bob's meeting was synced once, long ago...
    clock.advance(minutes=10)
    adas = [meeting(store, n, start + timedelta(minutes=n), organizer=ADA).id for n in range(1, 21)]
    # ...and Ada's twenty were never synced, so they have all waited longer than his.

    assert catch_up(store, clock, limit=10, per_organizer=4) == 5
    assert sync_all(store) == adas[:4] + [bobs.id]


def test_a_meeting_already_waiting_for_its_sync_is_not_asked_for_again(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    ids = [meeting(store, n, clock.now - timedelta(hours=1, minutes=-n)).id for n in range(4)]
    assert catch_up(store, clock, per_organizer=2) == 2
    assert catch_up(store, clock, per_organizer=2) == 2  # the next two; the first two are queued
    assert catch_up(store, clock, per_organizer=2) == 0
    claims = sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0, limit=10)
    assert [c.meeting.id for c in claims] == ids and {c.requested for c in claims} == {1}


def test_a_meeting_whose_sync_is_running_is_asked_for_again(store: Storage, sync_queue: SyncQueue,
                                                            clock: FakeClock) -> None:
    # The running sync may have read Meet before what the pass catches up on (someone
    # joined after its read): another sync follows it, and only one.
    ran = meeting(store, 0, clock.now - timedelta(hours=1)).id
    assert catch_up(store, clock) == 1
    [running] = sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0, limit=10)
    assert catch_up(store, clock) == 1
    sync_queue.finish_sync(running, status=running.meeting.status)
    assert catch_up(store, clock) == 0  # the one that follows is waiting in the queue
    clock.advance(seconds=1)
    [following] = sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0, limit=10)
    assert following.meeting.id == ran and following.requested == running.requested + 1
    sync_queue.finish_sync(following, status=following.meeting.status)
    assert sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0, limit=10) == []


def test_instances_asking_at_once_ask_for_each_meeting_once(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    for n in range(30):
        meeting(store, n, clock.now - timedelta(hours=1, minutes=-n))
    requested = race(6, lambda _: catch_up(store, clock))
    assert sum(requested) == 30
    claims = sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0, limit=100)
    assert len(claims) == 30 and {c.requested for c in claims} == {1}


def test_what_a_pass_looks_at(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    now = clock.now
    recent_waiting = meeting(store, 1, now - timedelta(days=3))
    old_ended = meeting(store, 2, now - timedelta(days=5), status=MeetingStatus.ENDED)
    old_ended_unfinished = meeting(store, 3, now - timedelta(days=5), status=MeetingStatus.ENDED)
    store.summaries.save_summary(SummaryRecord("conferenceRecords/c3", old_ended_unfinished.id or 0, "spaces/CHAT1/messages/S3",
                                     "hash", False, Attendance((), 0, frozenset())))
    very_old = meeting(store, 4, now - timedelta(days=40))
    woken_very_old = meeting(store, 5, now - timedelta(days=40), dormant_since=now - timedelta(days=20))
    sync_queue.wake_meetings([woken_very_old.id or 0])
    sync_all(store)  # the wake asked for a sync: done
    ended_yesterday = meeting(store, 6, now - timedelta(hours=20), status=MeetingStatus.ENDED)
    dormant = meeting(store, 7, now - timedelta(days=10), dormant_since=now - timedelta(days=3))

    clock.advance(minutes=5)
    catch_up(store, clock)
    looked_at = set(sync_all(store))
    assert looked_at == {recent_waiting.id, old_ended_unfinished.id, woken_very_old.id, ended_yesterday.id}
    assert old_ended.id not in looked_at and very_old.id not in looked_at and dormant.id not in looked_at


def test_a_meeting_without_a_card_is_not_looked_at(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    recorded = store.meetings.record_meeting(Meeting(
        meet_space="spaces/nocard", meeting_code="abc-defg-hij", meeting_uri="https://meet.google.com/abc-defg-hij",
        chat_space="spaces/CHAT1", organizer=ADA, title="No card", created_at=clock.now - timedelta(hours=1)))
    assert catch_up(store, clock) == 0
    assert recorded.id is not None and sync_queue.meetings_needing_sync() == 0


def test_a_card_its_meet_is_still_posting_is_left_to_it(store: Storage, clock: FakeClock) -> None:
    """A /meet records its meeting (and the card's client-assigned name) before trying the
    co-hosts and posting the card. A pass in between must not sync it: the sync would post
    the card first, drawn before the co-hosts were tried, and the /meet's post would then
    change nothing. Once the card is shown, or the answer's window is over (a crashed
    /meet), the reconciler looks at it."""
    young, shown = meeting(store, 1, clock.now), meeting(store, 2, clock.now)
    assert young.id is not None and shown.id is not None
    store.card_turns.note_card(shown.id, "posted-card")
    assert catch_up(store, clock) == 1 and sync_all(store) == [shown.id]
    clock.advance(seconds=31)
    assert catch_up(store, clock) == 2 and set(sync_all(store)) == {young.id, shown.id}


def test_a_sync_that_finds_it_dormant_records_it_and_one_that_does_not_clears_it(store: Storage, sync_queue: SyncQueue,
                                                                                 clock: FakeClock) -> None:
    made = meeting(store, 1, clock.now - timedelta(days=8))
    sync_queue.request_sync(made.id)  # type: ignore[arg-type]
    clock.advance(seconds=1)
    sync_all(store, dormant=True)
    found = store.meetings.get_meeting(made.id)  # type: ignore[arg-type]
    assert found is not None and found.dormant and found.dormant_since == clock.now
    clock.advance(hours=1)
    sync_queue.request_sync(made.id)  # type: ignore[arg-type]
    assert sync_all(store, dormant=True) == [made.id]  # still dormant: since when is kept
    assert store.meetings.get_meeting(made.id).dormant_since == found.dormant_since  # type: ignore[union-attr]
    clock.advance(seconds=1)
    sync_queue.request_sync(made.id)  # type: ignore[arg-type]
    assert sync_all(store, dormant=None) == [made.id]  # could not tell: unchanged
    assert store.meetings.get_meeting(made.id).dormant  # type: ignore[union-attr]
    clock.advance(seconds=1)
    sync_queue.request_sync(made.id)  # type: ignore[arg-type]
    assert sync_all(store, dormant=False) == [made.id]  # a conference was found
    assert not store.meetings.get_meeting(made.id).dormant  # type: ignore[union-attr]


def test_a_wake_during_a_sync_wins_over_the_sync_finding_it_dormant(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    made = meeting(store, 1, clock.now - timedelta(days=9), dormant_since=clock.now - timedelta(days=2))
    assert made.id is not None
    sync_queue.request_sync(made.id)  # a subscription's lifecycle event, say
    [claim] = sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0)
    clock.advance(seconds=2)
    assert sync_queue.wake_meetings([made.id]) == [made.id]  # Refresh, while that sync reads Meet
    sync_queue.finish_sync(claim, status=MeetingStatus.WAITING, dormant=True)
    woken = store.meetings.get_meeting(made.id)
    assert woken is not None and not woken.dormant and woken.woken_at == clock.now
    assert sync_queue.meetings_needing_sync() == 1  # the wake's own sync is still to come, to redraw the card


def test_waking_touches_only_dormant_meetings_and_asks_for_their_sync(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    awake = meeting(store, 1, clock.now - timedelta(days=1))
    sleeping = meeting(store, 2, clock.now - timedelta(days=9), dormant_since=clock.now - timedelta(days=2))
    assert sync_queue.wake_meetings([awake.id or 0, sleeping.id or 0, 999]) == [sleeping.id]
    assert sync_queue.wake_meetings([]) == []
    woken = store.meetings.get_meeting(sleeping.id)  # type: ignore[arg-type]
    assert woken is not None and not woken.dormant and woken.woken_at == clock.now
    assert store.meetings.get_meeting(awake.id).woken_at is None  # type: ignore[union-attr]
    [claim] = sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0)
    assert claim.meeting.id == sleeping.id
    assert sync_queue.wake_meetings([sleeping.id or 0]) == []  # awake already


def test_a_woken_meeting_left_unused_again_goes_dormant_again(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    made = meeting(store, 1, clock.now - timedelta(days=20), dormant_since=clock.now - timedelta(days=10))
    assert made.id is not None
    sync_queue.wake_meetings([made.id])
    sync_all(store, dormant=False)  # the wake's sync: awake
    clock.advance(days=8)
    sync_queue.request_sync(made.id)
    sync_all(store, dormant=True)  # the sync saw the same wake time the row has: recorded
    again = store.meetings.get_meeting(made.id)
    assert again is not None and again.dormant_since == clock.now


def test_take_meet_event_claims_once_and_requests_one_sync(store: Storage, sync_queue: SyncQueue) -> None:
    meeting = store.meetings.record_meeting(make_meeting(1))
    assert meeting.id is not None
    store.subscriptions.record_subscription(meeting.id, "subscriptions/s1", T0 + timedelta(days=7), "ACTIVE")

    assert sync_queue.take_meet_event("e1", subscription="subscriptions/s1", meet_space=None) == "sync-requested"
    assert sync_queue.take_meet_event("e1", subscription="subscriptions/s1", meet_space=None) == "duplicate"
    # No subscription known (an event of another subscription): found by its Meet space.
    assert sync_queue.take_meet_event("e2", subscription="subscriptions/other", meet_space="spaces/meet1") == "sync-requested"
    assert sync_queue.take_meet_event("e3", subscription=None, meet_space="spaces/unknown") == "unknown-meeting"
    assert sync_queue.take_meet_event("e3", subscription=None, meet_space="spaces/unknown") == "duplicate"
    assert sync_queue.meetings_needing_sync() == 1
    [claim] = sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0)
    assert claim.meeting.id == meeting.id and claim.requested == 2


def test_take_meet_event_keeps_no_claim_when_its_sync_request_fails(store: Storage, sync_queue: SyncQueue) -> None:
    """All or nothing: a claim kept without its sync request would make the redelivery a
    "duplicate" and lose the event. The database itself refuses the request (a trigger),
    so this holds however the claim and the request are sent (one statement on
    PostgreSQL, two in one transaction on SQLite)."""
    meeting = store.meetings.record_meeting(make_meeting(1))
    with refusing_sync_requests(store):
        with pytest.raises(StorageError, match="the database went away"):
            sync_queue.take_meet_event("e1", subscription=None, meet_space=meeting.meet_space)
    assert sync_queue.meetings_needing_sync() == 0
    assert sync_queue.take_meet_event("e1", subscription=None, meet_space=meeting.meet_space) == "sync-requested"
    assert sync_queue.meetings_needing_sync() == 1


@contextmanager
def refusing_sync_requests(store: Storage) -> Iterator[None]:
    """Every UPDATE of a meeting fails inside the database, for the block's duration."""
    postgres = store.engine.dialect.name == "postgresql"
    with store.engine.begin() as connection:
        if postgres:
            connection.exec_driver_sql("CREATE FUNCTION refuse_update() RETURNS trigger LANGUAGE plpgsql AS "
                                       "$$ BEGIN RAISE EXCEPTION 'the database went away'; END $$")
            connection.exec_driver_sql("CREATE TRIGGER refuse_update BEFORE UPDATE ON meetings "
                                       "FOR EACH ROW EXECUTE FUNCTION refuse_update()")
        else:
            connection.exec_driver_sql("CREATE TRIGGER refuse_update BEFORE UPDATE ON meetings "
                                       "BEGIN SELECT RAISE(ABORT, 'the database went away'); END")
    try:
        yield
    finally:
        with store.engine.begin() as connection:
            connection.exec_driver_sql("DROP TRIGGER refuse_update ON meetings" if postgres
                                       else "DROP TRIGGER refuse_update")
            if postgres:
                connection.exec_driver_sql("DROP FUNCTION refuse_update()")


def sync_requests(store: Storage, meeting_id: int) -> int:
    """The meeting's request counter as stored (what a sync claim would cover)."""
    with store.engine.connect() as connection:
        return int(connection.execute(sa.select(meetings_table.c.sync_requested)
                                      .where(meetings_table.c.id == meeting_id)).scalar_one())


def test_a_redelivered_meet_event_changes_nothing(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    """Pub/Sub delivers at least once: the second delivery is a "duplicate" even after the
    first one's sync ran, and asks for no sync of its own."""
    meeting = store.meetings.record_meeting(make_meeting(1))
    assert meeting.id is not None
    store.subscriptions.record_subscription(meeting.id, "subscriptions/s1", T0 + timedelta(days=7), "ACTIVE")
    assert sync_queue.take_meet_event("e1", subscription="subscriptions/s1", meet_space=meeting.meet_space) \
        == "sync-requested"
    assert sync_requests(store, meeting.id) == 1
    sync_all(store)
    clock.advance(minutes=5)
    for _ in range(3):
        assert sync_queue.take_meet_event("e1", subscription="subscriptions/s1", meet_space=meeting.meet_space) \
            == "duplicate"
    assert sync_requests(store, meeting.id) == 1
    assert sync_queue.meetings_needing_sync() == 0
    # The claim is the one a lifecycle event with the same id would have to make too.
    assert store.processed_events.mark_processed("e1") is False


def test_a_meet_event_finds_its_meeting_by_subscription_first_then_by_space(store: Storage,
                                                                           sync_queue: SyncQueue) -> None:
    first, second = store.meetings.record_meeting(make_meeting(1)), store.meetings.record_meeting(make_meeting(2))
    assert first.id is not None and second.id is not None
    store.subscriptions.record_subscription(first.id, "subscriptions/s1", T0 + timedelta(days=7), "ACTIVE")
    # The subscription names the meeting, whatever space the subject names.
    assert sync_queue.take_meet_event("e1", subscription="subscriptions/s1", meet_space=second.meet_space) \
        == "sync-requested"
    assert (sync_requests(store, first.id), sync_requests(store, second.id)) == (1, 0)
    # A subscription not (or no longer) recorded: the space decides.
    assert sync_queue.take_meet_event("e2", subscription="subscriptions/gone", meet_space=second.meet_space) \
        == "sync-requested"
    assert sync_queue.take_meet_event("e3", subscription=None, meet_space=second.meet_space) == "sync-requested"
    assert (sync_requests(store, first.id), sync_requests(store, second.id)) == (1, 2)


def test_a_meet_event_of_no_known_meeting_is_claimed_and_requests_nothing(store: Storage,
                                                                          sync_queue: SyncQueue) -> None:
    """Unknown subscription and space, or neither given: "unknown-meeting", and the claim
    stays (a redelivery would find nothing more: it is a "duplicate")."""
    meeting = store.meetings.record_meeting(make_meeting(1))
    assert meeting.id is not None
    cases = [("subscriptions/unknown", "spaces/unknown"), ("subscriptions/unknown", None), (None, "spaces/unknown"),
             (None, None), ("", "")]
    for n, (subscription, space) in enumerate(cases):
        assert sync_queue.take_meet_event(f"e{n}", subscription=subscription, meet_space=space) == "unknown-meeting"
        assert sync_queue.take_meet_event(f"e{n}", subscription=subscription, meet_space=space) == "duplicate"
    assert sync_requests(store, meeting.id) == 0
    assert sync_queue.meetings_needing_sync() == 0


def test_a_meet_event_for_a_deleted_meeting_requests_nothing(store: Storage, sync_queue: SyncQueue) -> None:
    """The meeting (a /meet whose join failed) is gone, and its subscription with it."""
    meeting = store.meetings.record_meeting(make_meeting(1))
    other = store.meetings.record_meeting(make_meeting(2))
    assert meeting.id is not None and other.id is not None
    store.subscriptions.record_subscription(meeting.id, "subscriptions/s1", T0 + timedelta(days=7), "ACTIVE")
    assert store.meetings.delete_meeting(meeting.id)
    assert sync_queue.take_meet_event("e1", subscription="subscriptions/s1", meet_space=meeting.meet_space) \
        == "unknown-meeting"
    assert sync_queue.take_meet_event("e1", subscription="subscriptions/s1", meet_space=meeting.meet_space) \
        == "duplicate"
    assert sync_requests(store, other.id) == 0
    assert sync_queue.meetings_needing_sync() == 0


def test_concurrent_deliveries_of_one_meet_event_request_one_sync(store: Storage, instances: list[Storage]) -> None:
    """Pub/Sub redelivering while the first delivery is still being handled, on several
    instances at once: exactly one of them takes the event."""
    meeting = store.meetings.record_meeting(make_meeting(1))
    assert meeting.id is not None
    store.subscriptions.record_subscription(meeting.id, "subscriptions/s1", T0 + timedelta(days=7), "ACTIVE")
    for round_ in range(5):
        outcomes = race(16, lambda i, round_=round_: instances[i % len(instances)].sync_queue.take_meet_event(
            f"e{round_}", subscription="subscriptions/s1", meet_space=meeting.meet_space))
        assert sorted(outcomes) == ["duplicate"] * 15 + ["sync-requested"]
    assert sync_requests(store, meeting.id) == 5


def test_concurrent_meet_events_of_one_meeting_each_request_a_sync(store: Storage, instances: list[Storage]) -> None:
    """Distinct events at once: none is lost (the counter is bumped in the database, not
    read and written back)."""
    meeting = store.meetings.record_meeting(make_meeting(1))
    assert meeting.id is not None
    store.subscriptions.record_subscription(meeting.id, "subscriptions/s1", T0 + timedelta(days=7), "ACTIVE")
    outcomes = race(16, lambda i: instances[i % len(instances)].sync_queue.take_meet_event(
        f"e{i}", subscription="subscriptions/s1", meet_space=None))
    assert outcomes == ["sync-requested"] * 16
    assert sync_requests(store, meeting.id) == 16


def recorded(store: Storage) -> int:
    meeting = store.meetings.record_meeting(make_meeting(1))
    assert meeting.id is not None
    return meeting.id


def test_finish_sync_keeps_a_later_readings_status(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    meeting_id = recorded(store)
    sync_queue.request_sync(meeting_id)
    [stale] = sync_queue.claim_syncs(lease_seconds=1, debounce_seconds=0)
    clock.advance(seconds=5)  # the lease runs out; the next sync reads "ended" and shows it
    sync_queue.request_sync(meeting_id)
    [fresh] = sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0)
    assert fresh.claimed_at > stale.claimed_at
    with store.card_turns.card_turn(meeting_id, fresh.claimed_at) as turn:
        turn.shown("ended")
    sync_queue.finish_sync(fresh, status=MeetingStatus.ENDED)
    sync_queue.finish_sync(stale, status=MeetingStatus.IN_PROGRESS)  # late, with its older reading
    meeting = store.meetings.get_meeting(meeting_id)
    assert meeting is not None and meeting.status is MeetingStatus.ENDED


# -- the order claims are served in: the oldest request first ------------------------------

def in_space(store: Storage, n: int, space: str, created_at: datetime) -> int:
    recorded = store.meetings.record_meeting(make_meeting(n, chat_space=space, created_at=created_at,
                                                          card_message=f"{space}/messages/M{n}"))
    assert recorded.id is not None
    return recorded.id


def claimed(sync_queue: SyncQueue, *, limit: int = 10, **options: object) -> list[int]:
    claims = sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0, limit=limit, **options)  # type: ignore[arg-type]
    return [claim.meeting.id or 0 for claim in claims]


def test_a_quiet_meetings_fresh_request_is_not_served_after_busier_ones_asked_later(
        store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    """"Synced longest ago first" put a meeting synced a moment ago behind every meeting
    that had waited longer, however much later they were asked for: the oldest request
    is served first instead."""
    busy = [in_space(store, n, "spaces/BUSY", clock.now - timedelta(hours=2)) for n in range(3)]
    quiet = in_space(store, 9, "spaces/QUIET", clock.now - timedelta(hours=1))
    sync_queue.request_sync(quiet)
    sync_all(store)  # the quiet meeting was synced just now; the busy ones never were
    clock.advance(seconds=5)
    sync_queue.request_sync(busy[0])
    sync_queue.request_sync(quiet)  # its next event
    for meeting_id in busy[1:] + busy * 3:  # asked for after it, some again and again
        sync_queue.request_sync(meeting_id)
    assert claimed(sync_queue) == [busy[0], quiet, *busy[1:]]


def test_a_request_asked_for_again_keeps_its_place(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    first, second = (in_space(store, n, "spaces/CHAT1", clock.now - timedelta(hours=1)) for n in range(2))
    sync_queue.request_sync(second)
    sync_queue.request_sync(first)
    sync_queue.request_sync(second)  # neither jumps ahead nor falls behind
    assert claimed(sync_queue) == [second, first]


def test_a_sync_put_back_keeps_its_place_for_when_its_pause_is_over(
        store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    early, late = (in_space(store, n, f"spaces/S{n}", clock.now - timedelta(hours=1)) for n in range(2))
    sync_queue.request_sync(early)
    [claim] = sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0)
    sync_queue.release_sync(claim, retry_after_seconds=2)  # Chat said 429: again in 2 s
    sync_queue.request_sync(late)
    [other] = sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0)
    assert other.meeting.id == late  # the pause holds the early one...
    sync_queue.finish_sync(other, status=MeetingStatus.WAITING)
    sync_queue.request_sync(late)
    clock.advance(seconds=3)
    assert claimed(sync_queue) == [early, late]  # ...then it goes before the later request


def test_failures_in_a_row_are_counted_until_a_sync_finishes(store: Storage, sync_queue: SyncQueue,
                                                             clock: FakeClock) -> None:
    meeting_id = in_space(store, 0, "spaces/S0", clock.now - timedelta(hours=1))
    sync_queue.request_sync(meeting_id)
    for failures in range(3):
        [claim] = sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0)
        assert claim.failures == failures  # the worker's next pause grows with it
        sync_queue.release_sync(claim, retry_after_seconds=1)
        assert sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0) == []  # held for the pause
        clock.advance(seconds=2)
    [claim] = sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0)
    sync_queue.finish_sync(claim, status=MeetingStatus.WAITING)
    sync_queue.request_sync(meeting_id)
    clock.advance(seconds=1)
    [claim] = sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0)
    assert claim.failures == 0  # a finished sync starts the count again


def test_a_request_made_during_its_meetings_sync_queues_behind_those_already_waiting(
        store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    syncing, waiting = (in_space(store, n, f"spaces/S{n}", clock.now - timedelta(hours=1)) for n in range(2))
    sync_queue.request_sync(syncing)
    [claim] = sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0)
    sync_queue.request_sync(waiting)
    sync_queue.request_sync(syncing)  # an event the running sync may not have seen
    sync_queue.finish_sync(claim, status=MeetingStatus.IN_PROGRESS)
    assert sync_queue.meetings_needing_sync() == 2  # still pending, not lost...
    clock.advance(seconds=1)
    assert claimed(sync_queue) == [waiting, syncing]  # ...and queued from when its sync ended


def test_a_woken_meeting_queues_behind_the_requests_made_before(
        store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    asked = in_space(store, 1, "spaces/S1", clock.now - timedelta(hours=1))
    sleeping = store.meetings.record_meeting(make_meeting(2, chat_space="spaces/S2", card_message="spaces/S2/messages/M2",
                                                          created_at=clock.now - timedelta(days=40),
                                                          dormant_since=clock.now - timedelta(days=20)))
    sync_queue.request_sync(asked)
    assert sync_queue.wake_meetings([sleeping.id or 0]) == [sleeping.id]
    assert claimed(sync_queue) == [asked, sleeping.id]


def test_skipped_spaces_and_one_meeting_per_space(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    """The sync worker leaves out the spaces it has no write turn in soon, and takes one
    meeting per space at a time; what it leaves keeps its place."""
    made = clock.now - timedelta(hours=1)
    busy = [in_space(store, n, "spaces/BUSY", made) for n in range(3)]
    calm, other = in_space(store, 3, "spaces/CALM", made), in_space(store, 4, "spaces/OTHER", made)
    for meeting_id in [*busy, calm, other]:
        sync_queue.request_sync(meeting_id)
    assert claimed(sync_queue, skip_spaces={"spaces/BUSY"}, one_per_space=True) == [calm, other]
    assert claimed(sync_queue, one_per_space=True) == [busy[0]]
    assert claimed(sync_queue, limit=1) == [busy[1]]  # no spreading asked: the order alone


def test_instances_claiming_at_once_claim_each_meeting_once(store: Storage, sync_queue: SyncQueue,
                                                           clock: FakeClock) -> None:
    made = clock.now - timedelta(hours=1)
    ids = [in_space(store, n, f"spaces/S{n % 5}", made) for n in range(20)]
    for meeting_id in ids:
        sync_queue.request_sync(meeting_id)
    rounds: list[list[int]] = []
    while batch := race(4, lambda _: claimed(sync_queue, limit=2, one_per_space=True)):
        if not any(batch):
            break
        rounds.extend(batch)
    taken = [meeting_id for batch in rounds for meeting_id in batch]
    assert sorted(taken) == sorted(ids)  # every one claimed, none twice


def test_spaces_nobody_is_syncing_in_go_first(store: Storage, sync_queue: SyncQueue, clock: FakeClock) -> None:
    """A space takes one write a second: while one of its meetings is being synced (by any
    instance), or paused after a refusal, its next meeting would only wait for that turn,
    so a quiet space's meeting goes first however fresh its request; the worker may keep
    threads for those alone (``busy_limit``)."""
    made = clock.now - timedelta(hours=1)
    syncing, next_in_busy = in_space(store, 1, "spaces/BUSY", made), in_space(store, 2, "spaces/BUSY", made)
    paused, next_in_paused = in_space(store, 3, "spaces/PAUSED", made), in_space(store, 4, "spaces/PAUSED", made)
    for meeting_id in (syncing, paused):
        sync_queue.request_sync(meeting_id)
    [running, refused] = sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0)  # another instance's
    sync_queue.release_sync(refused, retry_after_seconds=5)  # Chat said 429
    sync_queue.request_sync(next_in_busy)
    sync_queue.request_sync(next_in_paused)
    quiet = in_space(store, 5, "spaces/QUIET", made)
    sync_queue.request_sync(quiet)  # the freshest request
    assert claimed(sync_queue, one_per_space=True, busy_limit=0) == [quiet]
    assert claimed(sync_queue, one_per_space=True) == [next_in_busy, next_in_paused]  # then the busy ones, in order
    assert running.meeting.id == syncing and refused.meeting.id == paused


def test_spaces_are_taken_in_turn_the_one_served_longest_ago_first(store: Storage, sync_queue: SyncQueue,
                                                                   clock: FakeClock) -> None:
    """A space with many requests (a burst of meetings ending) gets one sync per round,
    so a quiet space's fresh request waits for a round, not behind all its older ones."""
    made = clock.now - timedelta(hours=1)
    quiet = in_space(store, 1, "spaces/QUIET", made)
    burst = [in_space(store, n, "spaces/BURST", made) for n in range(2, 6)]
    sync_queue.request_sync(quiet)
    sync_all(store)  # the quiet space was served 10 s ago...
    clock.advance(seconds=9)
    for meeting_id in burst:
        sync_queue.request_sync(meeting_id)
    [first] = sync_queue.claim_syncs(lease_seconds=60, debounce_seconds=0, one_per_space=True)
    assert first.meeting.id == burst[0]
    sync_queue.finish_sync(first, status=MeetingStatus.ENDED)
    clock.advance(seconds=1)  # ...the burst's space a second ago
    sync_queue.request_sync(quiet)  # the freshest request of all
    assert claimed(sync_queue, one_per_space=True) == [quiet, burst[1]]
