"""Conference records, participants, sessions and artifacts: formation, filters, pagination, timelines."""

from __future__ import annotations

import re
from typing import Any

import pytest
from google.apps import meet_v2

from emulator.clock import parse_rfc3339, rfc3339
from emulator.meet.model import FILE_GENERATION_DELAYS
from tests.emulator.test_meet_support import (
    READONLY_SCOPE, advance, end, expect_error, join, leave, person, raw, validate,
)
from tests.support import Emulator

DAY = 24 * 3600


@pytest.fixture
def world(emulator: Emulator) -> dict[str, Any]:
    """Alice owns a space; Bob is another Workspace user."""
    _, alice = person(emulator, "alice@example.com", "Alice Liddell")
    _, bob = person(emulator, "bob@example.com", "Bob Builder")
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={}).execute()
    return {"alice": alice, "bob": bob, "meet": meet, "space": space}


def records(meet: Any, **kwargs: Any) -> list[dict[str, Any]]:
    return meet.conferenceRecords().list(**kwargs).execute().get("conferenceRecords", [])


# -- conference formation ------------------------------------------------------------------------
def test_first_join_starts_a_conference_record(emulator: Emulator, world: dict[str, Any]) -> None:
    meet, space = world["meet"], world["space"]
    joined = join(emulator, space["meetingCode"].upper(), user="alice@example.com")
    record = validate("ConferenceRecord", meet.conferenceRecords().get(name=joined["conferenceRecord"]).execute(),
                      optional=("endTime", "expireTime"))  # ongoing: no end, no expiry yet
    assert re.fullmatch(r"conferenceRecords/[A-Za-z0-9]+", record["name"])
    assert record["space"] == space["name"] and "endTime" not in record and "expireTime" not in record
    assert record["startTime"].endswith("Z") and record["startTime"] == joined["participantSession"]["startTime"]
    assert meet.spaces().get(name=space["name"]).execute()["activeConference"]["conferenceRecord"] == record["name"]


def test_one_participant_per_person_and_one_session_per_join(emulator: Emulator, world: dict[str, Any]) -> None:
    meet, space = world["meet"], world["space"]
    first = join(emulator, space["name"], user="alice@example.com")
    join(emulator, space["name"], user="bob@example.com")  # keeps the conference alive
    advance(emulator, 60)
    leave(emulator, space["name"], user="alice@example.com")
    advance(emulator, 60)
    again = join(emulator, space["name"], user="users/" + first["participant"]["signedinUser"]["user"].split("/")[1])
    assert again["conferenceRecord"] == first["conferenceRecord"]
    assert again["participant"]["name"] == first["participant"]["name"]
    assert again["participantSession"]["name"] != first["participantSession"]["name"]

    participants = meet.conferenceRecords().participants()
    alice = validate("Participant", participants.get(name=first["participant"]["name"]).execute(),
                     optional=("latestEndTime",))
    assert alice["earliestStartTime"] == first["participantSession"]["startTime"]
    assert "latestEndTime" not in alice  # in the call again
    sessions = participants.participantSessions().list(parent=alice["name"]).execute()["participantSessions"]
    validate("ListParticipantSessionsResponse", {"participantSessions": sessions})
    assert [s["name"] for s in sessions] == [again["participantSession"]["name"], first["participantSession"]["name"]]
    assert "endTime" not in sessions[0] and sessions[1]["endTime"] > sessions[1]["startTime"]
    one = participants.participantSessions().get(name=sessions[1]["name"]).execute()
    assert validate("ParticipantSession", one) == sessions[1]
    assert len(participants.list(parent=first["conferenceRecord"]).execute()["participants"]) == 2


def test_last_leave_ends_the_conference_and_a_rejoin_starts_a_new_record(emulator: Emulator,
                                                                          world: dict[str, Any]) -> None:
    meet, space = world["meet"], world["space"]
    first = join(emulator, space["name"], user="alice@example.com")
    join(emulator, space["name"], anonymous="Visitor")
    advance(emulator, 120)
    assert leave(emulator, space["name"], anonymous="Visitor")["conferenceEnded"] is False
    left = leave(emulator, space["name"], user="alice@example.com")
    assert left["conferenceEnded"] is True
    ended = validate("ConferenceRecord", meet.conferenceRecords().get(name=first["conferenceRecord"]).execute())
    assert ended["endTime"] == left["participantSession"]["endTime"]
    assert parse_rfc3339(ended["expireTime"]) - parse_rfc3339(ended["endTime"]) == pytest.approx(30 * DAY, abs=1e-3)
    assert "activeConference" not in meet.spaces().get(name=space["name"]).execute()
    participant = meet.conferenceRecords().participants().get(name=first["participant"]["name"]).execute()
    assert participant["latestEndTime"] == ended["endTime"]

    advance(emulator, 60)
    second = join(emulator, space["name"], user="alice@example.com")
    assert second["conferenceRecord"] != first["conferenceRecord"]
    assert second["participant"]["name"] != first["participant"]["name"]
    listed = records(meet)
    assert [r["name"] for r in listed] == [second["conferenceRecord"], first["conferenceRecord"]]  # newest first
    validate("ListConferenceRecordsResponse", {"conferenceRecords": listed})


def test_participants_are_typed_signed_in_anonymous_or_phone(emulator: Emulator, world: dict[str, Any]) -> None:
    meet, space = world["meet"], world["space"]
    signed = join(emulator, space["name"], user="bob@example.com")
    advance(emulator, 1)
    anonymous = join(emulator, space["name"], anonymous="Mystery Guest")
    advance(emulator, 1)
    generated = join(emulator, space["name"], anonymous=True)
    advance(emulator, 1)
    phone = join(emulator, space["name"], phone="+1 650-555-0199")
    advance(emulator, 1)
    dialled = join(emulator, space["name"], phone=True)
    listed = meet.conferenceRecords().participants().list(parent=signed["conferenceRecord"]).execute()["participants"]
    for participant in listed:
        validate("Participant", participant, optional=("latestEndTime",))
        assert len({"signedinUser", "anonymousUser", "phoneUser"} & set(participant)) == 1
    # Ordered by join time, most recent first.
    newest_first = (dialled, phone, generated, anonymous, signed)
    assert [p["name"] for p in listed] == [x["participant"]["name"] for x in newest_first]
    bob = emulator.state.find_user("bob@example.com")
    assert listed[-1]["signedinUser"] == {"user": bob.name, "displayName": "Bob Builder"}
    assert listed[-2]["anonymousUser"] == {"displayName": "Mystery Guest"}
    assert listed[-3]["anonymousUser"]["displayName"]
    masked = listed[1]["phoneUser"]["displayName"]
    assert "*" in masked and "0199" not in masked and masked.endswith("99")
    assert "phoneUser" in listed[0]


# -- filters -----------------------------------------------------------------------------------------
def test_conference_record_filters(emulator: Emulator, world: dict[str, Any]) -> None:
    meet, space = world["meet"], world["space"]
    other = meet.spaces().create(body={}).execute()
    old = join(emulator, space["name"], user="alice@example.com")["conferenceRecord"]
    end(emulator, space["name"])
    advance(emulator, DAY)
    cutoff = rfc3339(emulator.state.clock.time())
    advance(emulator, 60)
    elsewhere = join(emulator, other["name"], user="alice@example.com")["conferenceRecord"]
    end(emulator, other["name"])
    running = join(emulator, space["name"], user="alice@example.com")["conferenceRecord"]

    def names(text: str) -> list[str]:
        return [r["name"] for r in records(meet, filter=text)]

    assert names(f'space.name = "{space["name"]}"') == [running, old]
    assert names(f'space.meeting_code = "{other["meetingCode"].upper()}"') == [elsewhere]
    assert names(f"space.name != '{space['name']}'") == [elsewhere]
    assert names("end_time IS NULL") == [running]
    assert names(f'start_time >= "{cutoff}"') == [running, elsewhere]
    assert names(f'start_time<"{cutoff}"') == [old]
    assert names(f'start_time>="{cutoff}" AND end_time IS NULL') == [running]
    assert names(f'space.name = "{space["name"]}" AND end_time <= "{cutoff}"') == [old]
    assert names(f"start_time > {cutoff}") == [running, elsewhere]  # bare timestamps work too
    start = meet.conferenceRecords().get(name=old).execute()["startTime"]
    assert names(f'start_time = "{start}"') == [old]
    assert names("") == [running, elsewhere, old]


@pytest.mark.parametrize("bad", [
    "space.colour = 'red'",
    "start_time >= 'yesterday'",
    "end_time IS NOT NULL",
    "end_time IS",
    "start_time >=",
    "space.name < 'spaces/x'",
    "earliest_start_time IS NULL",
    "(end_time IS NULL",
    "end_time IS NULL AND",
    "startTime > '2024-01-01T00:00:00Z'",
    'space.name = "unterminated',
])
def test_unparsable_conference_record_filter_is_400(emulator: Emulator, world: dict[str, Any], bad: str) -> None:
    error = expect_error(world["meet"].conferenceRecords().list(filter=bad), 400, "INVALID_ARGUMENT")
    assert error["message"].startswith("Invalid filter")


def test_participant_and_session_filters(emulator: Emulator, world: dict[str, Any]) -> None:
    meet, space = world["meet"], world["space"]
    alice = join(emulator, space["name"], user="alice@example.com")
    advance(emulator, 60)
    bob = join(emulator, space["name"], user="bob@example.com")
    advance(emulator, 60)
    leave(emulator, space["name"], user="bob@example.com")
    middle = rfc3339(emulator.state.clock.time())
    advance(emulator, 60)
    bob_again = join(emulator, space["name"], user="bob@example.com")
    guest = join(emulator, space["name"], anonymous="Guest")
    leave(emulator, space["name"], anonymous="Guest")
    record = alice["conferenceRecord"]
    participants = meet.conferenceRecords().participants()

    def people(text: str) -> list[str]:
        return [p["name"] for p in participants.list(parent=record, filter=text).execute().get("participants", [])]

    assert people("latest_end_time IS NULL") == [bob["participant"]["name"], alice["participant"]["name"]]
    assert people(f'earliest_start_time > "{middle}"') == [guest["participant"]["name"]]
    assert people(f'latest_end_time <= "{rfc3339(emulator.state.clock.time())}"') == [guest["participant"]["name"]]
    expect_error(participants.list(parent=record, filter="start_time IS NULL"), 400, "INVALID_ARGUMENT")

    sessions = participants.participantSessions()

    def bob_sessions(text: str) -> list[str]:
        found = sessions.list(parent=bob["participant"]["name"], filter=text).execute()
        return [s["name"] for s in found.get("participantSessions", [])]

    assert bob_sessions("end_time IS NULL") == [bob_again["participantSession"]["name"]]
    assert bob_sessions(f'start_time < "{middle}"') == [bob["participantSession"]["name"]]
    assert bob_sessions(f'end_time <= "{middle}" AND start_time >= "{alice["participantSession"]["startTime"]}"') == \
        [bob["participantSession"]["name"]]
    expect_error(sessions.list(parent=bob["participant"]["name"], filter="latest_end_time IS NULL"),
                 400, "INVALID_ARGUMENT")


# -- pagination ---------------------------------------------------------------------------------------
def _many_conferences(emulator: Emulator, space_name: str, count: int) -> None:
    state = emulator.state
    with state.lock:
        space = state.meet.get_space(space_name)
        user = state.find_user("alice@example.com")
        for _ in range(count):
            state.meet.join(space, user=user)
            state.clock.advance(1)
            state.meet.end_conference(space)


def test_conference_records_page_sizes_and_tokens(emulator: Emulator, world: dict[str, Any]) -> None:
    meet, space = world["meet"], world["space"]
    _many_conferences(emulator, space["name"], 101)
    first = meet.conferenceRecords().list().execute()
    assert len(first["conferenceRecords"]) == 25 and first["nextPageToken"]  # default 25
    coerced = meet.conferenceRecords().list(pageSize=1000).execute()
    assert len(coerced["conferenceRecords"]) == 100 and coerced["nextPageToken"]  # maximum 100
    seen, token = [], None
    while True:
        page = meet.conferenceRecords().list(pageSize=40, pageToken=token).execute()
        seen += page["conferenceRecords"]
        token = page.get("nextPageToken")
        if token is None:
            break
    assert len({r["name"] for r in seen}) == 101
    starts = [r["startTime"] for r in seen]
    assert starts == sorted(starts, reverse=True)  # start time, descending
    expect_error(meet.conferenceRecords().list(pageToken="AAAA"), 400, "INVALID_ARGUMENT")
    # A token is bound to its query.
    expect_error(meet.conferenceRecords().list(pageToken=first["nextPageToken"], filter="end_time IS NULL"),
                 400, "INVALID_ARGUMENT")
    tampered = first["nextPageToken"][:-2] + ("A" if first["nextPageToken"][-2] != "A" else "B") + \
        first["nextPageToken"][-1]
    expect_error(meet.conferenceRecords().list(pageToken=tampered), 400, "INVALID_ARGUMENT")
    expect_error(meet.conferenceRecords().list(pageSize=-1), 400, "INVALID_ARGUMENT")


def test_participants_and_sessions_page_limits(emulator: Emulator, world: dict[str, Any]) -> None:
    meet, space = world["meet"], world["space"]
    state = emulator.state
    with state.lock:
        live = state.meet.get_space(space["name"])
        for index in range(251):
            participant, _ = state.meet.join(live, anonymous=f"Guest {index}")
        for _ in range(120):
            state.meet.leave(live, participant)
            state.meet.join(live, anonymous="Guest 250")
        record = f"conferenceRecords/{live.active_conference}"
    participants = meet.conferenceRecords().participants()
    assert len(participants.list(parent=record).execute()["participants"]) == 100
    coerced = participants.list(parent=record, pageSize=999).execute()
    assert len(coerced["participants"]) == 250 and coerced["nextPageToken"]
    rest = participants.list(parent=record, pageSize=999, pageToken=coerced["nextPageToken"]).execute()
    assert len(rest["participants"]) == 1 and "nextPageToken" not in rest
    sessions = participants.participantSessions()
    assert len(sessions.list(parent=participant.name).execute()["participantSessions"]) == 100
    assert len(sessions.list(parent=participant.name, pageSize=500).execute()["participantSessions"]) == 121


# -- artifacts -----------------------------------------------------------------------------------------
def test_artifacts_move_started_ended_file_generated_on_the_clock(emulator: Emulator, world: dict[str, Any]) -> None:
    meet, space = world["meet"], world["space"]
    record = join(emulator, space["name"], user="alice@example.com")["conferenceRecord"]
    join(emulator, space["name"], user="bob@example.com")
    advance(emulator, 600)
    ended = end(emulator, space["name"], recording=True, smartNotes=True, transcript=[
        {"user": "alice@example.com", "text": "Hello Bob."}, {"user": "bob@example.com", "text": "Hi Alice."}])
    assert ended["conferenceRecord"]["endTime"]
    records_api = meet.conferenceRecords()
    kinds = [("recordings", records_api.recordings(), "Recording", "driveDestination"),
             ("transcripts", records_api.transcripts(), "Transcript", "docsDestination"),
             ("smartNotes", records_api.smartNotes(), "SmartNote", "docsDestination")]

    def states() -> dict[str, str]:
        found = {}
        for field, api, schema_name, destination in kinds:
            listed = api.list(parent=record).execute()[field]
            assert len(listed) == 1
            item = listed[0]
            if item["state"] == "FILE_GENERATED":
                validate(schema_name, item)
            else:
                validate(schema_name, item, optional=(destination,))
                assert destination not in item
            assert api.get(name=item["name"]).execute() == item
            found[field] = item["state"]
        return found

    assert states() == {"recordings": "ENDED", "transcripts": "ENDED", "smartNotes": "ENDED"}
    advance(emulator, FILE_GENERATION_DELAYS["transcript"])
    assert states() == {"recordings": "ENDED", "transcripts": "FILE_GENERATED", "smartNotes": "ENDED"}
    advance(emulator, FILE_GENERATION_DELAYS["recording"] - FILE_GENERATION_DELAYS["transcript"])
    assert states() == {"recordings": "FILE_GENERATED", "transcripts": "FILE_GENERATED", "smartNotes": "ENDED"}
    advance(emulator, FILE_GENERATION_DELAYS["smartNote"] - FILE_GENERATION_DELAYS["recording"])
    assert set(states().values()) == {"FILE_GENERATED"}

    recording = records_api.recordings().list(parent=record).execute()["recordings"][0]
    file_id = recording["driveDestination"]["file"]
    assert recording["driveDestination"]["exportUri"] == f"https://drive.google.com/file/d/{file_id}/view"
    assert recording["startTime"] == ended["conferenceRecord"]["startTime"]
    assert recording["endTime"] == ended["conferenceRecord"]["endTime"]
    transcript = records_api.transcripts().list(parent=record).execute()["transcripts"][0]
    document = transcript["docsDestination"]["document"]
    assert transcript["docsDestination"]["exportUri"] == f"https://docs.google.com/document/d/{document}/edit"
    notes = records_api.smartNotes().list(parent=record).execute()["smartNotes"][0]
    assert notes["docsDestination"]["document"] != document


def test_transcript_entries(emulator: Emulator, world: dict[str, Any]) -> None:
    meet, space = world["meet"], world["space"]
    alice = join(emulator, space["name"], user="alice@example.com")
    bob = join(emulator, space["name"], user="bob@example.com")
    advance(emulator, 300)
    lines = [{"user": "alice@example.com" if i % 2 == 0 else "bob@example.com", "text": f"line {i}"} for i in range(12)]
    end(emulator, space["name"], transcript=lines)
    transcripts = meet.conferenceRecords().transcripts()
    transcript = transcripts.list(parent=alice["conferenceRecord"]).execute()["transcripts"][0]
    entries = transcripts.entries()
    first = entries.list(parent=transcript["name"]).execute()
    assert len(first["transcriptEntries"]) == 10 and first["nextPageToken"]  # default 10
    rest = entries.list(parent=transcript["name"], pageToken=first["nextPageToken"]).execute()
    every = first["transcriptEntries"] + rest["transcriptEntries"]
    assert [e["text"] for e in every] == [f"line {i}" for i in range(12)]  # start time, ascending
    for entry in every:
        validate("TranscriptEntry", entry)
        assert entry["languageCode"] == "en-US" and entry["endTime"] >= entry["startTime"]
    assert every[0]["participant"] == alice["participant"]["name"]
    assert every[1]["participant"] == bob["participant"]["name"]
    assert entries.get(name=every[3]["name"]).execute() == every[3]
    expect_error(entries.get(name=transcript["name"] + "/entries/nope"), 404, "NOT_FOUND")
    assert len(entries.list(parent=transcript["name"], pageSize=1000).execute()["transcriptEntries"]) == 12


def test_auto_artifacts_start_when_a_host_joins(emulator: Emulator, world: dict[str, Any]) -> None:
    meet = world["meet"]
    auto = meet.spaces().create(body={"config": {"artifactConfig": {
        "recordingConfig": {"autoRecordingGeneration": "ON"},
        "transcriptionConfig": {"autoTranscriptionGeneration": "ON"}}}}).execute()
    guests_only = join(emulator, auto["name"], anonymous="Early guest")["conferenceRecord"]
    assert "recordings" not in meet.conferenceRecords().recordings().list(parent=guests_only).execute()
    join(emulator, auto["name"], user="alice@example.com")  # the owner: privileged to record
    recording = meet.conferenceRecords().recordings().list(parent=guests_only).execute()["recordings"][0]
    validate("Recording", recording, optional=("endTime", "driveDestination"))
    assert recording["state"] == "STARTED" and "endTime" not in recording
    transcripts = meet.conferenceRecords().transcripts().list(parent=guests_only).execute()["transcripts"]
    assert [t["state"] for t in transcripts] == ["STARTED"]
    assert "smartNotes" not in meet.conferenceRecords().smartNotes().list(parent=guests_only).execute()
    ended = end(emulator, auto["name"], recording=True)  # already recording: no second one
    assert len(ended["recordings"]) == 1 and ended["recordings"][0]["state"] == "ENDED"
    advance(emulator, max(FILE_GENERATION_DELAYS.values()))
    assert meet.conferenceRecords().recordings().get(name=recording["name"]).execute()["state"] == "FILE_GENERATED"


def test_int_enum_encoding_for_artifact_states(emulator: Emulator, world: dict[str, Any]) -> None:
    record = join(emulator, world["space"]["name"], user="alice@example.com")["conferenceRecord"]
    end(emulator, world["space"]["name"], recording=True)
    query = {"$alt": "json;enum-encoding=int"}
    listed = raw(emulator, world["alice"], "GET", f"{record}/recordings", params=query).json()["recordings"]
    assert listed[0]["state"] == 2  # ENDED
    advance(emulator, FILE_GENERATION_DELAYS["recording"])
    got = raw(emulator, world["alice"], "GET", listed[0]["name"], params=query).json()
    assert got["state"] == 3  # FILE_GENERATED
    assert raw(emulator, world["alice"], "GET", listed[0]["name"]).json()["state"] == "FILE_GENERATED"


def test_records_expire_thirty_days_after_the_end(emulator: Emulator, world: dict[str, Any]) -> None:
    meet, space = world["meet"], world["space"]
    record = join(emulator, space["name"], user="alice@example.com")["conferenceRecord"]
    end(emulator, space["name"], recording=True)
    advance(emulator, 30 * DAY - 60)
    assert meet.conferenceRecords().get(name=record).execute()["name"] == record
    advance(emulator, 120)
    expect_error(meet.conferenceRecords().get(name=record), 404, "NOT_FOUND")
    expect_error(meet.conferenceRecords().recordings().list(parent=record), 404, "NOT_FOUND")
    assert records(meet) == []


# -- visibility ----------------------------------------------------------------------------------------
def test_conference_records_visible_to_owner_members_and_participants_only(emulator: Emulator,
                                                                           world: dict[str, Any]) -> None:
    meet, space = world["meet"], world["space"]
    _, carol = person(emulator, "carol@example.com")
    record = join(emulator, space["name"], user="bob@example.com")["conferenceRecord"]
    end(emulator, space["name"])
    participant = meet.conferenceRecords().participants().list(parent=record).execute()["participants"][0]
    # Bob took part (same app, created scope): he sees the record.
    bob_meet = emulator.meet(world["bob"])
    assert [r["name"] for r in records(bob_meet)] == [record]
    assert bob_meet.conferenceRecords().participants().get(name=participant["name"]).execute() == participant
    # Carol neither owns, belongs to nor attended it.
    carol_meet = emulator.meet(carol)
    assert records(carol_meet) == []
    expect_error(carol_meet.conferenceRecords().get(name=record), 403, "PERMISSION_DENIED")
    expect_error(carol_meet.conferenceRecords().participants().list(parent=record), 403, "PERMISSION_DENIED")
    # Another app's created-scope token for the owner does not see it; a readonly one does.
    other = emulator.meet(emulator.authorize("alice@example.com", client_id="another.apps.googleusercontent.com"))
    assert records(other) == []
    reader = emulator.meet(emulator.authorize("alice@example.com", scopes=[READONLY_SCOPE],
                                              client_id="another.apps.googleusercontent.com"))
    assert [r["name"] for r in records(reader)] == [record]
    expect_error(meet.conferenceRecords().get(name="conferenceRecords/doesNotExist"), 404, "NOT_FOUND")
    expect_error(meet.conferenceRecords().participants().get(name=record + "/participants/none"), 404, "NOT_FOUND")


# -- the GAPIC conference-records client ----------------------------------------------------------------
def test_gapic_conference_records_client_reads_everything(emulator: Emulator, world: dict[str, Any]) -> None:
    space = world["space"]
    joined = join(emulator, space["name"], user="alice@example.com")
    join(emulator, space["name"], phone="+44 20 7946 0018")
    advance(emulator, 90)
    end(emulator, space["name"], recording=True, smartNotes=True,
        transcript=[{"user": "alice@example.com", "text": "Minutes."}])
    advance(emulator, max(FILE_GENERATION_DELAYS.values()))
    client = meet_v2.ConferenceRecordsServiceClient(credentials=world["alice"], transport="rest",
                                                    client_options={"api_endpoint": emulator.url})
    listed = list(client.list_conference_records(request={"filter": f'space.name = "{space["name"]}"'}))
    assert [r.name for r in listed] == [joined["conferenceRecord"]]
    record = client.get_conference_record(name=joined["conferenceRecord"])
    assert record.space == space["name"] and record.end_time and record.expire_time
    people = list(client.list_participants(parent=record.name))
    kinds = {"signedin_user" if p.signedin_user.user else "phone_user" for p in people}
    assert kinds == {"signedin_user", "phone_user"}
    alice = client.get_participant(name=joined["participant"]["name"])
    assert alice.signedin_user.display_name == "Alice Liddell"
    sessions = list(client.list_participant_sessions(parent=alice.name))
    assert client.get_participant_session(name=sessions[0].name).start_time == sessions[0].start_time
    recording = list(client.list_recordings(parent=record.name))[0]
    assert recording.state == meet_v2.Recording.State.FILE_GENERATED and recording.drive_destination.file
    export_uri = client.get_recording(name=recording.name).drive_destination.export_uri
    assert export_uri.startswith("https://drive.google.com/")
    transcript = list(client.list_transcripts(parent=record.name))[0]
    assert client.get_transcript(name=transcript.name).docs_destination.document
    entry = list(client.list_transcript_entries(parent=transcript.name))[0]
    assert client.get_transcript_entry(name=entry.name).text == "Minutes."
    note = list(client.list_smart_notes(parent=record.name))[0]
    assert client.get_smart_note(name=note.name).state == meet_v2.SmartNote.State.FILE_GENERATED


# -- the observer hook ------------------------------------------------------------------------------------
def test_listeners_see_meet_events_in_order(emulator: Emulator, world: dict[str, Any]) -> None:
    space = world["space"]
    seen: list[tuple[str, dict[str, Any], str]] = []
    emulator.state.meet.add_listener(lambda kind, data, space_name: seen.append((kind, data, space_name)))
    alice = join(emulator, space["name"], user="alice@example.com")
    guest = join(emulator, space["name"], anonymous="Guest")
    leave(emulator, space["name"], anonymous="Guest")
    end(emulator, space["name"], recording=True, smartNotes=True,
        transcript=[{"user": "alice@example.com", "text": "x"}])
    advance(emulator, max(FILE_GENERATION_DELAYS.values()))
    record = alice["conferenceRecord"]
    prefix = "google.workspace.meet."
    assert [kind[len(prefix):] for kind, _, _ in seen] == [
        "conference.v2.started", "participant.v2.joined", "participant.v2.joined", "participant.v2.left",
        "participant.v2.left", "conference.v2.ended", "transcript.v2.fileGenerated", "recording.v2.fileGenerated",
        "smartNote.v2.fileGenerated"]
    assert all(space_name == space["name"] for _, _, space_name in seen)
    assert seen[0][1] == {"conferenceRecord": {"name": record}}
    assert seen[1][1] == {"participantSession": {"name": alice["participantSession"]["name"]}}
    assert seen[3][1] == {"participantSession": {"name": guest["participantSession"]["name"]}}
    assert seen[6][1]["transcript"]["name"].startswith(record + "/transcripts/")
    assert seen[7][1]["recording"]["name"].startswith(record + "/recordings/")
    assert seen[8][1]["smartNote"]["name"].startswith(record + "/smartNotes/")
    advance(emulator, 60)
    assert len(seen) == 9  # each fileGenerated goes out once


def test_resets_do_not_pile_up_clock_listeners(emulator: Emulator) -> None:
    clock = emulator.state.clock
    before = len(clock._listeners)
    for _ in range(5):
        emulator.state.reset()
    assert len(clock._listeners) == before


def test_a_long_clock_jump_announces_files_before_the_record_expires(emulator: Emulator,
                                                                     world: dict[str, Any]) -> None:
    space = world["space"]
    seen: list[str] = []
    emulator.state.meet.add_listener(lambda kind, data, space_name: seen.append(kind.rsplit(".", 1)[-1]))
    record = join(emulator, space["name"], user="alice@example.com")["conferenceRecord"]
    end(emulator, space["name"], recording=True)
    advance(emulator, 31 * DAY)
    assert seen == ["started", "joined", "left", "ended", "fileGenerated"]
    expect_error(world["meet"].conferenceRecords().get(name=record), 404, "NOT_FOUND")


def test_transcript_entries_carry_each_lines_language(emulator: Emulator, world: dict[str, Any]) -> None:
    meet, space = world["meet"], world["space"]
    alice = join(emulator, space["name"], user="alice@example.com")
    join(emulator, space["name"], user="bob@example.com")
    advance(emulator, 120)
    end(emulator, space["name"], transcript=[
        {"user": "alice@example.com", "text": "Good morning."},  # default: en-US
        {"user": "bob@example.com", "text": "Bonjour à tous.", "languageCode": "fr-FR"},
        {"user": "bob@example.com", "text": "Guten Morgen.", "languageCode": "de"},
        {"user": "alice@example.com", "text": "你好", "languageCode": "ZH-hant-tw"},  # canonical case comes back
    ])
    transcripts = meet.conferenceRecords().transcripts()
    transcript = transcripts.list(parent=alice["conferenceRecord"]).execute()["transcripts"][0]
    entries = transcripts.entries().list(parent=transcript["name"]).execute()["transcriptEntries"]
    assert [e["languageCode"] for e in entries] == ["en-US", "fr-FR", "de", "zh-Hant-TW"]
    for entry in entries:
        validate("TranscriptEntry", entry)
        assert transcripts.entries().get(name=entry["name"]).execute()["languageCode"] == entry["languageCode"]
    # The GAPIC client reads the same field.
    client = meet_v2.ConferenceRecordsServiceClient(
        credentials=world["alice"], transport="rest", client_options={"api_endpoint": emulator.url})
    listed = list(client.list_transcript_entries(parent=transcript["name"]))
    assert [e.language_code for e in listed] == ["en-US", "fr-FR", "de", "zh-Hant-TW"]


def test_transcript_lines_with_offsets_start_when_they_were_said(emulator: Emulator, world: dict[str, Any]) -> None:
    meet, space = world["meet"], world["space"]
    alice = join(emulator, space["name"], user="alice@example.com")
    join(emulator, space["name"], user="bob@example.com")
    advance(emulator, 600)
    end(emulator, space["name"], transcript=[
        {"user": "alice@example.com", "text": "Let's start.", "offsetSeconds": 5},
        {"user": "alice@example.com", "text": "Wrapping up.", "offsetSeconds": 590.5},
        {"user": "bob@example.com", "text": "Status: all green.", "offsetSeconds": 60},
    ])
    record = meet.conferenceRecords().get(name=alice["conferenceRecord"]).execute()
    start = parse_rfc3339(record["startTime"])
    transcripts = meet.conferenceRecords().transcripts()
    transcript = transcripts.list(parent=alice["conferenceRecord"]).execute()["transcripts"][0]
    entries = transcripts.entries().list(parent=transcript["name"]).execute()["transcriptEntries"]
    # Listed by start time; each lasts until the next one starts, the last until the end.
    assert [e["text"] for e in entries] == ["Let's start.", "Status: all green.", "Wrapping up."]
    spans = [(parse_rfc3339(e["startTime"]) - start, parse_rfc3339(e["endTime"]) - start) for e in entries]
    assert spans[:2] == [(5.0, 60.0), (60.0, 590.5)]
    assert spans[2][0] == 590.5 and spans[2][1] == pytest.approx(600.0, abs=1.0)  # the clock also runs
