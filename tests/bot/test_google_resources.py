"""What Google's JSON means (bot/google/resources.py): each resource's parser, on the
shapes the APIs document and on answers that leave fields out."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.google.resources import (
    SubscriptionState,
    parse_artifact,
    parse_conference_record,
    parse_member,
    parse_membership,
    parse_participant,
    parse_participant_session,
    parse_space,
    parse_subscription,
    parse_transcript_entry,
    subscription_of_operation,
)
from domain import AccessType, ArtifactKind, AttendeeKind, DialIn, MemberRole, Person


def utc(hour: int, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime(2026, 11, 30, hour, minute, second, micro, tzinfo=timezone.utc)


# -- Meet ----------------------------------------------------------------------------------------
def test_a_space_with_its_settings_call_and_dial_in() -> None:
    space = parse_space({
        "name": "spaces/abc", "meetingCode": "abc-mnop-xyz", "meetingUri": "https://meet.google.com/abc-mnop-xyz",
        "config": {"accessType": "RESTRICTED", "moderation": "ON",
                   "artifactConfig": {"recordingConfig": {"autoRecordingGeneration": "ON"}}},
        "activeConference": {"conferenceRecord": "conferenceRecords/c1"},
        "phoneAccess": [{"regionCode": "US", "phoneNumber": "+1 555 0100", "pin": "123"}, {"regionCode": "FR"}],
        "gatewaySipAccess": [{"uri": "sip:abc@meet.example", "sipAccessCode": "9"}],
    })
    assert (space.name, space.meeting_code, space.meeting_uri) == (
        "spaces/abc", "abc-mnop-xyz", "https://meet.google.com/abc-mnop-xyz")
    assert space.access_type is AccessType.RESTRICTED
    assert space.settings is not None and space.settings.moderation is True and space.settings.auto_recording
    assert space.active_conference == "conferenceRecords/c1"
    assert space.dial_in == (DialIn("US", "+1 555 0100", "123"), DialIn("SIP", "sip:abc@meet.example", "9"))


def test_a_space_meet_said_little_about() -> None:
    space = parse_space({"name": "spaces/abc", "config": {}, "activeConference": {}})
    assert space.settings is None and space.access_type is None  # no config, nothing known of the settings
    assert space.active_conference is None  # an empty activeConference is no call
    assert (space.meeting_code, space.meeting_uri, space.dial_in) == ("", "", ())
    assert parse_space({"name": "spaces/abc", "config": {"accessType": "SOMETHING_NEW"}}).access_type is None


def test_members_are_cohosts_only_with_that_role() -> None:
    cohost = parse_member({"name": "spaces/abc/members/1", "email": "Bob@Example.com", "role": "COHOST"})
    assert (cohost.name, cohost.email, cohost.role) == ("spaces/abc/members/1", "Bob@Example.com", MemberRole.COHOST)
    assert parse_member({"email": "x@example.com", "role": "VIEWER"}).role is MemberRole.ROLE_UNSPECIFIED
    assert parse_member({}).email == "" and parse_member({}).name == ""


def test_conference_records_say_whether_they_ended() -> None:
    running = parse_conference_record({"name": "conferenceRecords/c1", "startTime": "2026-11-30T10:00:00Z"})
    assert running.started_at == utc(10) and running.ended_at is None and not running.ended
    ended = parse_conference_record({"name": "conferenceRecords/c1", "startTime": "2026-11-30T10:00:00Z",
                                     "endTime": "2026-11-30T11:30:00.123456789Z"})
    assert ended.ended and ended.ended_at == utc(11, 30, 0, 123456)


@pytest.mark.parametrize(("key", "kind"), [("signedinUser", AttendeeKind.SIGNED_IN),
                                           ("anonymousUser", AttendeeKind.ANONYMOUS),
                                           ("phoneUser", AttendeeKind.PHONE)])
def test_participants_of_each_kind(key: str, kind: AttendeeKind) -> None:
    participant = parse_participant({
        "name": "conferenceRecords/c1/participants/p1", key: {"user": "users/7", "displayName": "Ada"},
        "earliestStartTime": "2026-11-30T10:01:00Z", "latestEndTime": "2026-11-30T10:59:00Z"})
    assert participant.kind is kind and participant.display_name == "Ada"
    # Only a signed-in participant is a Chat user; the others' "user" means nothing.
    assert participant.user_name == ("users/7" if kind is AttendeeKind.SIGNED_IN else None)
    assert (participant.joined_at, participant.left_at) == (utc(10, 1), utc(10, 59))


def test_a_participant_meet_described_as_nobody_has_no_kind() -> None:
    participant = parse_participant({"name": "conferenceRecords/c1/participants/p1", "signedinUser": "odd"})
    assert participant.kind is None and participant.display_name == "" and participant.left_at is None


def test_sessions_and_transcript_entries() -> None:
    session = parse_participant_session({"name": "s1", "startTime": "2026-11-30T10:00:00Z"})
    assert session.started_at == utc(10) and session.ended_at is None
    entry = parse_transcript_entry({"participant": "conferenceRecords/c1/participants/p1", "text": "Hello",
                                    "startTime": "2026-11-30T10:00:05Z", "languageCode": "fr-FR"})
    assert (entry.participant, entry.text, entry.started_at, entry.language_code) == (
        "conferenceRecords/c1/participants/p1", "Hello", utc(10, 0, 5), "fr-FR")
    bare = parse_transcript_entry({"text": 42})
    assert (bare.participant, bare.text, bare.started_at, bare.language_code) == ("", "", None, None)


def test_an_artifact_has_its_link_only_once_generated() -> None:
    ready = parse_artifact(ArtifactKind.RECORDING, {
        "name": "conferenceRecords/c1/recordings/r1", "state": "FILE_GENERATED",
        "driveDestination": {"exportUri": "https://drive.google.com/r1"}})
    assert ready.ready and ready.url == "https://drive.google.com/r1"
    assert ready.name == "conferenceRecords/c1/recordings/r1"
    started = parse_artifact(ArtifactKind.TRANSCRIPT, {"name": "t1", "state": "STARTED",
                                                       "docsDestination": {"exportUri": "https://docs/t1"}})
    assert not started.ready and started.url is None
    # Transcripts and smart notes are Docs; a Drive link on them is not theirs.
    wrong = parse_artifact(ArtifactKind.SMART_NOTES, {"state": "FILE_GENERATED",
                                                      "driveDestination": {"exportUri": "x"}})
    assert wrong.ready and wrong.url is None


def test_a_malformed_time_is_an_error_not_a_silent_none() -> None:
    with pytest.raises(ValueError):
        parse_conference_record({"name": "conferenceRecords/c1", "startTime": "yesterday"})


# -- Workspace Events -------------------------------------------------------------------------------
def test_a_subscription_as_google_reports_it() -> None:
    subscription = parse_subscription({
        "name": "subscriptions/s1", "state": "SUSPENDED", "suspensionReason": "USER_SCOPE_REVOKED",
        "expireTime": "2026-11-30T12:00:00Z", "eventTypes": ["google.workspace.meet.conference.v2.started"],
        "targetResource": "//meet.googleapis.com/spaces/abc"})
    assert subscription.state is SubscriptionState.SUSPENDED and subscription.expire_time == utc(12)
    assert subscription.suspension_reason == "USER_SCOPE_REVOKED"
    assert subscription.event_types == ("google.workspace.meet.conference.v2.started",)
    assert subscription.target_resource == "//meet.googleapis.com/spaces/abc"


def test_a_state_left_out_is_unknown_and_a_new_one_unspecified() -> None:
    assert parse_subscription({"name": "subscriptions/s1"}).state is None
    assert parse_subscription({"name": "subscriptions/s1", "state": "RECONCILING"}).state \
        is SubscriptionState.STATE_UNSPECIFIED
    # Stored by value, compared with what storage hands back.
    assert SubscriptionState.ACTIVE == "ACTIVE" and SubscriptionState.ACTIVE.value == "ACTIVE"


def test_an_operation_gives_its_subscription_only_once_done() -> None:
    done = {"name": "operations/o1", "done": True, "response": {"name": "subscriptions/s1", "state": "ACTIVE"}}
    found = subscription_of_operation(done)
    assert found is not None and found.name == "subscriptions/s1" and found.state is SubscriptionState.ACTIVE
    assert subscription_of_operation({"name": "operations/o1", "done": False}) is None
    assert subscription_of_operation({"name": "operations/o1", "done": True, "error": {"code": 9}}) is None


# -- Chat ----------------------------------------------------------------------------------------------
def test_memberships_say_who_is_human_and_who_manages() -> None:
    manager = parse_membership({"member": {"name": "users/1", "displayName": "Ada", "type": "HUMAN"},
                                "role": "ROLE_MANAGER"})
    assert manager.person == Person("users/1", "Ada") and manager.human and manager.manager
    app = parse_membership({"member": {"name": "users/app", "type": "BOT"}, "role": "ROLE_MEMBER"})
    assert not app.human and not app.manager and app.person.display_name == ""
