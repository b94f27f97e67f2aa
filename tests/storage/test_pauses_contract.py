"""The ``Pauses`` contract (``storage.pauses``), on SQLite and PostgreSQL: one pause
episode per meeting however often it is met, and what unlinking and linking again do.
"""

from __future__ import annotations

from datetime import timedelta

from bot.storage import Pauses, Storage, SummaryRecord
from domain import Attendance, MeetingStatus, Person
from tests.storage.conftest import FakeClock
from tests.storage.helpers import ORGANIZER, T0, make_meeting, race

OTHER = Person("users/999", "Grace Hopper", "grace@example.com")


def recorded(store: Storage, n: int, **changes: object) -> int:
    changes.setdefault("card_message", f"spaces/CHAT1/messages/M{n}")
    meeting = store.meetings.record_meeting(make_meeting(n, **changes))
    assert meeting.id is not None
    return meeting.id


def test_a_pause_is_one_episode_however_often_it_is_met(store: Storage, pauses: Pauses, clock: FakeClock) -> None:
    meeting_id = recorded(store, 1)
    assert pauses.pause_of(meeting_id) is None
    first = pauses.pause_meeting(meeting_id, ORGANIZER.user_name)
    assert (first.meeting_id, first.organizer_user_name, first.since, first.prompted) == \
        (meeting_id, ORGANIZER.user_name, T0, False)
    clock.advance(minutes=5)
    assert pauses.pause_meeting(meeting_id, ORGANIZER.user_name) == first  # the same episode
    assert pauses.pause_of(meeting_id) == first


def test_racing_workers_pause_one_episode(store: Storage, pauses: Pauses, clock: FakeClock) -> None:
    meeting_id = recorded(store, 1)
    episodes = race(8, lambda _: pauses.pause_meeting(meeting_id, ORGANIZER.user_name))
    assert len(set(episodes)) == 1


def test_the_prompt_is_recorded_on_its_episode_only(store: Storage, pauses: Pauses, clock: FakeClock) -> None:
    meeting_id = recorded(store, 1)
    first = pauses.pause_meeting(meeting_id, ORGANIZER.user_name)
    assert not pauses.mark_pause_prompted(meeting_id, first.since + timedelta(seconds=1))  # another episode
    assert pauses.pause_of(meeting_id).prompted is False  # type: ignore[union-attr]
    assert pauses.mark_pause_prompted(meeting_id, first.since)
    assert pauses.pause_of(meeting_id).prompted is True  # type: ignore[union-attr]
    assert pauses.pause_meeting(meeting_id, ORGANIZER.user_name).prompted  # met again: still told


def test_ending_a_pause_leaves_a_newer_episode_alone(store: Storage, pauses: Pauses, clock: FakeClock) -> None:
    meeting_id = recorded(store, 1)
    first = pauses.pause_meeting(meeting_id, ORGANIZER.user_name)
    assert pauses.end_pause(meeting_id, first.since)
    assert pauses.pause_of(meeting_id) is None
    assert not pauses.end_pause(meeting_id, first.since)
    clock.advance(hours=1)
    second = pauses.pause_meeting(meeting_id, ORGANIZER.user_name)
    assert second.since == first.since + timedelta(hours=1) and not second.prompted  # a new episode
    assert not pauses.end_pause(meeting_id, first.since)  # a late resume of the old one
    assert pauses.pause_of(meeting_id) == second


def test_unlinking_pauses_exactly_the_organizers_live_meetings_and_requests_their_syncs(
        store: Storage, pauses: Pauses, clock: FakeClock) -> None:
    waiting = recorded(store, 1)
    running = recorded(store, 2, status=MeetingStatus.IN_PROGRESS)
    ended = recorded(store, 3, status=MeetingStatus.ENDED)
    summarising = recorded(store, 4, status=MeetingStatus.ENDED)
    store.summaries.save_summary(SummaryRecord("conferenceRecords/c4", summarising, "spaces/CHAT1/messages/S4", "h", False,
                                     Attendance((), 0, frozenset())))
    old = recorded(store, 5, created_at=T0 - timedelta(days=40))
    no_card = store.meetings.record_meeting(make_meeting(6)).id  # its card was never posted
    someone_elses = recorded(store, 7, organizer=OTHER)
    clock.advance(minutes=1)
    before = store.sync_queue.meetings_needing_sync()

    paused = pauses.pause_organizer_meetings(ORGANIZER.user_name, live_after=clock.now - timedelta(days=30))
    assert paused == [waiting, running, summarising]
    assert store.sync_queue.meetings_needing_sync() == before + 3
    for meeting_id in (ended, old, no_card, someone_elses):
        assert meeting_id is not None and pauses.pause_of(meeting_id) is None
    assert all(pauses.pause_of(m).since == clock.now for m in paused)  # type: ignore[union-attr]
    # Unlinking again keeps the episodes (and their prompts) as they are.
    pauses.mark_pause_prompted(running, clock.now)
    clock.advance(minutes=1)
    pauses.pause_organizer_meetings(ORGANIZER.user_name, live_after=clock.now - timedelta(days=30))
    assert pauses.pause_of(running).prompted  # type: ignore[union-attr]


def test_linking_again_requests_a_sync_of_each_paused_meeting(store: Storage, pauses: Pauses) -> None:
    mine = [recorded(store, n) for n in (1, 2)]
    theirs = recorded(store, 3, organizer=OTHER)
    for meeting_id in mine:
        pauses.pause_meeting(meeting_id, ORGANIZER.user_name)
    pauses.pause_meeting(theirs, OTHER.user_name)
    before = store.sync_queue.meetings_needing_sync()
    assert sorted(pauses.resume_organizer_meetings(ORGANIZER.user_name)) == mine
    assert store.sync_queue.meetings_needing_sync() == before + 2
    assert all(pauses.pause_of(m) is not None for m in mine)  # the syncs end them, once they succeed
    assert pauses.resume_organizer_meetings("users/nobody") == []


def test_a_deleted_meeting_takes_its_pause_with_it(store: Storage, pauses: Pauses) -> None:
    meeting_id = recorded(store, 1)
    pauses.pause_meeting(meeting_id, ORGANIZER.user_name)
    assert store.meetings.delete_meeting(meeting_id)
    assert pauses.pause_of(meeting_id) is None
