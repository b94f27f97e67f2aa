"""The meeting controls' storage, on both backends: co-host outcomes, lock state,
meeting settings, people's emails, and summary times and links for /meetrecent."""

from __future__ import annotations

from datetime import timedelta

from domain import (
    AccessType,
    Artifact,
    ArtifactKind,
    Attendance,
    Cohost,
    CohostState,
    MeetingSettings,
    ModerationRestrictions,
    Person,
    Restriction,
)
from bot.storage import Storage, SummaryRecord
from tests.storage.test_store_contract import T0, make_meeting

BOB = Person("users/2", "Bob Brown", "bob@example.com")
CAROL = Person("users/3", "Carol Chen")
DAVE = Person("users/4", "Dave Dunn")


def test_cohost_outcomes_and_format_round_trip(store: Storage) -> None:
    meeting = store.record_meeting(make_meeting(event_format="addon", requested_cohosts=(BOB, CAROL, DAVE)))
    assert meeting.id is not None
    outcomes = (Cohost(BOB, CohostState.ADDED, member="spaces/meet1/members/x"),
                Cohost(CAROL, CohostState.NO_EMAIL, reason="no email <b>"),
                Cohost(DAVE, CohostState.NEEDS_DIRECTORY, reason="waits for the directory"))
    store.set_cohosts(meeting.id, outcomes)
    again = store.get_meeting(meeting.id)
    assert again is not None and again.cohosts == outcomes and again.event_format == "addon"


def test_a_meeting_recorded_before_the_controls_reads_as_classic_without_cohosts(store: Storage) -> None:
    meeting = store.record_meeting(make_meeting())
    assert meeting.id is not None
    again = store.get_meeting(meeting.id)
    assert again is not None and again.cohosts == () and again.event_format == "classic"
    assert again.unlocked_access_type is None


def test_lock_state_and_settings(store: Storage) -> None:
    meeting = store.record_meeting(make_meeting(access_type=AccessType.OPEN))
    assert meeting.id is not None
    locked = store.set_access(meeting.id, AccessType.RESTRICTED, AccessType.OPEN)
    assert locked.access_type is AccessType.RESTRICTED and locked.unlocked_access_type is AccessType.OPEN
    settings = MeetingSettings(access_type=AccessType.TRUSTED, moderation=True, auto_recording=True,
                               restrictions=ModerationRestrictions(chat=Restriction.HOSTS_ONLY, join_as_viewer=True),
                               post_summary=False, list_absent=False)
    saved = store.set_meeting_settings(meeting.id, settings)
    assert saved.settings == settings and saved.access_type is AccessType.TRUSTED
    assert saved.unlocked_access_type is AccessType.OPEN  # untouched by a settings write


def test_people_keep_the_latest_email(store: Storage) -> None:
    assert store.email_of(BOB.user_name) is None
    store.remember_person(BOB)
    store.remember_person(Person(BOB.user_name, "Bob", "Bob.New@Example.com"))
    store.remember_person(CAROL)  # no email: nothing to keep
    assert store.email_of(BOB.user_name) == "bob.new@example.com"
    assert store.email_of(CAROL.user_name) is None


def test_summaries_keep_times_and_links_newest_first(store: Storage) -> None:
    meeting = store.record_meeting(make_meeting())
    assert meeting.id is not None
    attendance = Attendance((), 0, frozenset())
    for index in range(2):
        start = T0 + timedelta(hours=index)
        store.save_summary(SummaryRecord(f"conferenceRecords/c{index}", meeting.id, f"spaces/x/messages/{index}",
                                         "hash", True, attendance, start, start + timedelta(minutes=42),
                                         (Artifact(ArtifactKind.RECORDING, True, "https://drive.google.com/r"),)))
    found = store.summaries_of_meetings([meeting.id, 999])
    assert [s.conference_record for s in found[meeting.id]] == ["conferenceRecords/c1", "conferenceRecords/c0"]
    assert found[999] == []
    latest = found[meeting.id][0]
    assert latest.ended_at - latest.started_at == timedelta(minutes=42)  # type: ignore[operator]
    assert latest.artifacts[0].url == "https://drive.google.com/r"
