"""The ``Meetings`` contract (``storage.meetings``), on SQLite and PostgreSQL: round trips
into domain values, uniqueness as a domain error, the card, status, co-hosts, lock state
and settings on the meeting's row, the lookups that make /meet idempotent, UTC times.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from bot.storage import ConflictError, DuplicateMeetingError, MeetingNotFoundError, Meetings, Storage
from domain import (
    AccessType,
    Cohost,
    CohostState,
    MeetingSettings,
    MeetingStatus,
    ModerationRestrictions,
    Person,
    Restriction,
)
from bot.storage.tables import meetings as meetings_table
from tests.storage.conftest import FakeClock
from tests.storage.helpers import T0, full_meeting, make_meeting, race


def test_record_meeting_round_trips_every_field(meetings: Meetings) -> None:
    meeting = full_meeting()

    recorded = meetings.record_meeting(meeting)

    assert recorded.id is not None
    assert recorded == meeting.with_changes(id=recorded.id)
    assert meetings.get_meeting(recorded.id) == recorded
    assert meetings.get_meeting_by_meet_space("spaces/meet7") == recorded
    assert meetings.get_meeting_by_card_message("spaces/CHAT1/messages/M7") == recorded


def test_minimal_meeting_round_trips_with_defaults(meetings: Meetings) -> None:
    recorded = meetings.record_meeting(make_meeting(organizer=Person("users/9", "No Email")))

    loaded = meetings.get_meeting(recorded.id or 0)
    assert loaded == recorded
    assert loaded is not None
    assert loaded.settings == MeetingSettings()
    assert loaded.access_type is None
    assert loaded.requested_cohosts == () and loaded.dial_in == ()
    assert loaded.card_message is None and loaded.thread_name is None
    assert loaded.status is MeetingStatus.WAITING


def test_ids_are_distinct(meetings: Meetings) -> None:
    ids = {meetings.record_meeting(make_meeting(n)).id for n in range(5)}
    assert len(ids) == 5


def test_lookups_of_unknown_meetings_return_none(meetings: Meetings) -> None:
    assert meetings.get_meeting(12345) is None
    assert meetings.get_meeting_by_meet_space("spaces/nope") is None
    assert meetings.get_meeting_by_card_message("spaces/CHAT1/messages/nope") is None


def test_duplicate_meet_space_is_a_domain_error_and_keeps_the_first(store: Storage, meetings: Meetings) -> None:
    first = meetings.record_meeting(make_meeting(1))

    with pytest.raises(DuplicateMeetingError) as raised:
        meetings.record_meeting(make_meeting(1, title="Impostor", chat_space="spaces/OTHER"))

    assert raised.value.meet_space == "spaces/meet1"
    assert isinstance(raised.value, ConflictError)
    assert meetings.get_meeting_by_meet_space("spaces/meet1") == first
    # The store is still usable after the refused write (no poisoned transaction).
    assert meetings.record_meeting(make_meeting(2)).id is not None


def test_attach_card_after_posting(meetings: Meetings, clock: FakeClock) -> None:
    recorded = meetings.record_meeting(make_meeting(1))

    attached = meetings.attach_card(recorded.id or 0, "spaces/CHAT1/messages/M1", "spaces/CHAT1/threads/T1")

    assert attached == recorded.with_changes(card_message="spaces/CHAT1/messages/M1",
                                             thread_name="spaces/CHAT1/threads/T1")
    assert meetings.get_meeting_by_card_message("spaces/CHAT1/messages/M1") == attached
    assert meetings.get_meeting(recorded.id or 0) == attached


def test_attach_card_to_a_missing_meeting_raises(meetings: Meetings) -> None:
    with pytest.raises(MeetingNotFoundError):
        meetings.attach_card(999, "spaces/CHAT1/messages/M1", None)


def test_attach_posted_card_records_card_hash_and_asks_for_a_sync(store: Storage, meetings: Meetings,
                                                                  clock: FakeClock) -> None:
    recorded = meetings.record_meeting(make_meeting(1))
    other = meetings.record_meeting(make_meeting(2))
    assert store.sync_queue.meetings_needing_sync() == 0

    attached = meetings.attach_posted_card(recorded.id or 0, "spaces/CHAT1/messages/M1",
                                           "spaces/CHAT1/threads/T1", "hash-1")

    assert attached == recorded.with_changes(card_message="spaces/CHAT1/messages/M1",
                                             thread_name="spaces/CHAT1/threads/T1")
    assert meetings.get_meeting_by_card_message("spaces/CHAT1/messages/M1") == attached
    assert store.sync_queue.meetings_needing_sync() == 1  # this one, not the other
    with store.engine.connect() as connection:
        rows = {row.id: (row.card_hash, row.sync_requested) for row in connection.execute(
            sa.select(meetings_table.c.id, meetings_table.c.card_hash, meetings_table.c.sync_requested))}
    assert rows == {recorded.id: ("hash-1", 1), other.id: (None, 0)}


def test_attach_posted_card_to_a_missing_meeting_raises_and_asks_nothing(store: Storage, meetings: Meetings) -> None:
    with pytest.raises(MeetingNotFoundError):
        meetings.attach_posted_card(999, "spaces/CHAT1/messages/M1", None, "hash")
    assert store.sync_queue.meetings_needing_sync() == 0


def test_attach_posted_card_of_another_meetings_message_changes_nothing(store: Storage, meetings: Meetings) -> None:
    first = meetings.record_meeting(make_meeting(1, card_message="spaces/CHAT1/messages/M"))
    second = meetings.record_meeting(make_meeting(2))

    with pytest.raises(ConflictError):
        meetings.attach_posted_card(second.id or 0, "spaces/CHAT1/messages/M", None, "hash")

    assert meetings.get_meeting(second.id or 0) == second
    assert meetings.get_meeting_by_card_message("spaces/CHAT1/messages/M") == first
    assert store.sync_queue.meetings_needing_sync() == 0  # the one statement failed whole


def test_one_message_is_the_card_of_one_meeting_only(meetings: Meetings) -> None:
    first = meetings.record_meeting(make_meeting(1, card_message="spaces/CHAT1/messages/M"))
    second = meetings.record_meeting(make_meeting(2))

    with pytest.raises(ConflictError):
        meetings.attach_card(second.id or 0, "spaces/CHAT1/messages/M", None)

    assert meetings.get_meeting_by_card_message("spaces/CHAT1/messages/M") == first
    assert meetings.get_meeting(second.id or 0) == second


def test_set_status(meetings: Meetings) -> None:
    recorded = meetings.record_meeting(make_meeting(1))

    for status in (MeetingStatus.IN_PROGRESS, MeetingStatus.ENDED):
        updated = meetings.set_status(recorded.id or 0, status)
        assert updated == recorded.with_changes(status=status)
        assert meetings.get_meeting(recorded.id or 0) == updated

    with pytest.raises(MeetingNotFoundError):
        meetings.set_status(999, MeetingStatus.ENDED)


def test_delete_meeting_whose_card_could_not_be_posted(meetings: Meetings) -> None:
    recorded = meetings.record_meeting(make_meeting(1))
    other = meetings.record_meeting(make_meeting(2))

    assert meetings.delete_meeting(recorded.id or 0) is True

    assert meetings.get_meeting(recorded.id or 0) is None
    assert meetings.get_meeting_by_meet_space("spaces/meet1") is None
    assert meetings.recent_meetings("spaces/CHAT1") == [other]
    assert meetings.delete_meeting(recorded.id or 0) is False
    # Deleting frees the Meet space: a retry of the same creation can be recorded.
    assert meetings.record_meeting(make_meeting(1)).id != recorded.id


def test_recent_meetings_newest_first_limited_and_per_space(meetings: Meetings) -> None:
    for n in range(6):
        meetings.record_meeting(make_meeting(n, created_at=T0 + timedelta(minutes=n)))
    meetings.record_meeting(make_meeting(100, chat_space="spaces/OTHER", created_at=T0 + timedelta(hours=1)))
    # Recorded last but created earliest: ordering is by creation time, not insertion.
    meetings.record_meeting(make_meeting(50, created_at=T0 - timedelta(days=1)))

    recent = meetings.recent_meetings("spaces/CHAT1", limit=3)

    assert [m.meet_space for m in recent] == ["spaces/meet5", "spaces/meet4", "spaces/meet3"]
    everything = meetings.recent_meetings("spaces/CHAT1", limit=100)
    assert [m.meet_space for m in everything][-1] == "spaces/meet50"
    assert len(everything) == 7
    assert [m.meet_space for m in meetings.recent_meetings("spaces/OTHER")] == ["spaces/meet100"]
    assert meetings.recent_meetings("spaces/EMPTY") == []
    assert meetings.recent_meetings("spaces/CHAT1", limit=0) == []


def test_recent_meetings_break_ties_by_recording_order(meetings: Meetings) -> None:
    first = meetings.record_meeting(make_meeting(1))
    second = meetings.record_meeting(make_meeting(2))  # same created_at

    assert meetings.recent_meetings("spaces/CHAT1") == [second, first]


def test_concurrent_recording_from_many_threads(meetings: Meetings) -> None:
    recorded = race(8, lambda i: meetings.record_meeting(make_meeting(i)))

    assert len({m.id for m in recorded}) == 8
    assert len(meetings.recent_meetings("spaces/CHAT1", limit=50)) == 8


def test_concurrent_duplicates_have_exactly_one_winner(meetings: Meetings) -> None:
    def attempt(_: int) -> bool:
        try:
            meetings.record_meeting(make_meeting(1))
            return True
        except DuplicateMeetingError:
            return False

    assert sorted(race(8, attempt)) == [False] * 7 + [True]


def test_timestamps_come_back_as_the_same_instant_in_utc(meetings: Meetings) -> None:
    ist = timezone(timedelta(hours=5, minutes=30))
    created = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=ist)

    recorded = meetings.record_meeting(make_meeting(1, created_at=created))
    loaded = meetings.get_meeting(recorded.id or 0)

    assert loaded is not None
    assert loaded.created_at == created
    assert loaded.created_at.utcoffset() == timedelta(0)
    assert loaded.created_at == datetime(2026, 3, 28, 20, 0, 15, 123456, tzinfo=timezone.utc)
    assert recorded.created_at.utcoffset() == timedelta(0)
    assert recorded == loaded


def test_naive_datetimes_are_refused(store: Storage, meetings: Meetings) -> None:
    with pytest.raises(ValueError, match="naive"):
        meetings.record_meeting(make_meeting(1, created_at=datetime(2026, 1, 1, 12, 0)))
    with pytest.raises(ValueError, match="naive"):
        store.processed_events.prune_processed(datetime(2026, 1, 1))
    assert meetings.get_meeting_by_meet_space("spaces/meet1") is None


def test_ordering_uses_instants_across_time_zones(meetings: Meetings) -> None:
    # 10:00 in UTC-05:00 is later than 12:00 in UTC+01:00.
    meetings.record_meeting(make_meeting(1, created_at=datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=1)))))
    meetings.record_meeting(make_meeting(2, created_at=datetime(2026, 6, 1, 10, 0, tzinfo=timezone(timedelta(hours=-5)))))

    assert [m.meet_space for m in meetings.recent_meetings("spaces/CHAT1")] == ["spaces/meet2", "spaces/meet1"]


BOB = Person("users/2", "Bob Brown", "bob@example.com")
CAROL = Person("users/3", "Carol Chen")


DAVE = Person("users/4", "Dave Dunn")


def test_cohost_outcomes_and_format_round_trip(meetings: Meetings) -> None:
    meeting = meetings.record_meeting(make_meeting(event_format="addon", requested_cohosts=(BOB, CAROL, DAVE)))
    assert meeting.id is not None
    outcomes = (Cohost(BOB, CohostState.ADDED, member="spaces/meet1/members/x"),
                Cohost(CAROL, CohostState.NO_EMAIL, reason="no email <b>"),
                Cohost(DAVE, CohostState.NEEDS_DIRECTORY, reason="waits for the directory"))
    meetings.set_cohosts(meeting.id, outcomes)
    again = meetings.get_meeting(meeting.id)
    assert again is not None and again.cohosts == outcomes and again.event_format == "addon"


def test_a_meeting_recorded_before_the_controls_reads_as_classic_without_cohosts(meetings: Meetings) -> None:
    meeting = meetings.record_meeting(make_meeting())
    assert meeting.id is not None
    again = meetings.get_meeting(meeting.id)
    assert again is not None and again.cohosts == () and again.event_format == "classic"
    assert again.unlocked_access_type is None


def test_lock_state_and_settings(meetings: Meetings) -> None:
    meeting = meetings.record_meeting(make_meeting(access_type=AccessType.OPEN))
    assert meeting.id is not None
    locked = meetings.set_access(meeting.id, AccessType.RESTRICTED, AccessType.OPEN)
    assert locked.access_type is AccessType.RESTRICTED and locked.unlocked_access_type is AccessType.OPEN
    settings = MeetingSettings(access_type=AccessType.TRUSTED, moderation=True, auto_recording=True,
                               restrictions=ModerationRestrictions(chat=Restriction.HOSTS_ONLY, join_as_viewer=True),
                               post_summary=False, list_absent=False)
    saved = meetings.set_meeting_settings(meeting.id, settings)
    assert saved.settings == settings and saved.access_type is AccessType.TRUSTED
    assert saved.unlocked_access_type is AccessType.OPEN  # untouched by a settings write


def test_meeting_remembers_the_message_that_created_it(meetings: Meetings) -> None:
    recorded = meetings.record_meeting(make_meeting(1, source_message="spaces/CHAT1/messages/CMD1"))
    assert recorded.source_message == "spaces/CHAT1/messages/CMD1"
    assert meetings.get_meeting_by_source_message("spaces/CHAT1/messages/CMD1") == recorded
    assert meetings.get_meeting_by_source_message("spaces/CHAT1/messages/CMD2") is None


def test_one_message_creates_one_meeting_only(meetings: Meetings) -> None:
    meetings.record_meeting(make_meeting(1, source_message="spaces/CHAT1/messages/CMD1"))
    with pytest.raises(ConflictError):
        meetings.record_meeting(make_meeting(2, source_message="spaces/CHAT1/messages/CMD1"))
    # Meetings without a source message never collide.
    meetings.record_meeting(make_meeting(3))
    meetings.record_meeting(make_meeting(4))


def test_meetings_are_counted_per_organizer_within_the_window(meetings: Meetings) -> None:
    other = Person("users/999", "Someone Else")
    for n in range(3):
        meetings.record_meeting(make_meeting(n, created_at=T0 + timedelta(seconds=10 * n)))
    meetings.record_meeting(make_meeting(10, created_at=T0 + timedelta(seconds=5), organizer=other))
    meetings.record_meeting(make_meeting(11, created_at=T0 - timedelta(minutes=5)))
    organizer = make_meeting(0).organizer.user_name
    assert meetings.count_meetings_by_organizer(organizer, since=T0) == 3
    assert meetings.count_meetings_by_organizer(organizer, since=T0 + timedelta(seconds=15)) == 1
    assert meetings.count_meetings_by_organizer(other.user_name, since=T0) == 1
    assert meetings.count_meetings_by_organizer("users/nobody", since=T0) == 0
