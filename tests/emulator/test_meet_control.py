"""The Meet control plane, malformed input to the Meet API, the filter parser, page limits."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from emulator.aip160 import Junction, Restriction, Value
from emulator.app import google_apis
from emulator.discovery import api_methods
from emulator.errors import ApiError
from emulator.meet import filters
from tests.emulator.test_pagination import MEET_PAGE_LIMITS
from tests.emulator.test_meet_support import end, join, person, raw, validate
from tests.support import Emulator


@pytest.fixture
def space(emulator: Emulator) -> dict[str, Any]:
    _, alice = person(emulator, "alice@example.com", "Alice Liddell")
    created = emulator.meet(alice).spaces().create(body={}).execute()
    return {"creds": alice, **created}


def post(emulator: Emulator, path: str, body: Any = None, *, data: str | None = None) -> requests.Response:
    url = f"{emulator.url}/_emulator/meet/{path}"
    if data is not None:
        return requests.post(url, data=data, headers={"Content-Type": "application/json"}, timeout=10)
    return requests.post(url, json=body, timeout=10)


def assert_google_error(response: requests.Response, status: int, reason: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == status and error["status"] == reason and error["message"]
    return error


# -- every Meet method is served -------------------------------------------------------------------
def test_every_meet_method_has_a_handler() -> None:
    ids = {method.id for method in api_methods("meet")}
    assert len(ids) == 24
    assert {f"meet.{method_id}" for method_id in ids} <= google_apis().methods()


def test_page_limits_read_from_the_discovery_descriptions() -> None:
    parsed = {m.id: m.page_size_limits() for m in api_methods("meet") if "pageSize" in m.parameters}
    assert parsed == MEET_PAGE_LIMITS


# -- GET /_emulator/meet/spaces/{id} ---------------------------------------------------------------
def test_control_space_view_by_id_or_code(emulator: Emulator, space: dict[str, Any]) -> None:
    by_id = emulator.control("GET", f"meet/{space['name']}")
    by_code = emulator.control("GET", f"meet/spaces/{space['meetingCode'].upper()}")
    assert by_id == by_code
    validate("Space", by_id, optional=("gatewaySipAccess",))
    assert "activeConference" not in by_id
    joined = join(emulator, space["meetingCode"], anonymous=True)
    assert emulator.control("GET", f"meet/{space['name']}")["activeConference"] == {
        "conferenceRecord": joined["conferenceRecord"]}
    missing = requests.get(f"{emulator.url}/_emulator/meet/spaces/nope", timeout=10)
    assert_google_error(missing, 404, "NOT_FOUND")
    assert [s["name"] for s in emulator.control("GET", "meet/spaces")["spaces"]] == [space["name"]]


# -- join / leave / end ---------------------------------------------------------------------------------
def test_join_returns_participant_session_and_record(emulator: Emulator, space: dict[str, Any]) -> None:
    joined = join(emulator, space["meetingUri"], user="alice@example.com")
    validate("Participant", joined["participant"], optional=("latestEndTime",))
    validate("ParticipantSession", joined["participantSession"], optional=("endTime",))
    assert joined["participantSession"]["name"].startswith(joined["participant"]["name"] + "/participantSessions/")
    assert joined["participant"]["name"].startswith(joined["conferenceRecord"] + "/participants/")


@pytest.mark.parametrize("body,status,reason", [
    ({}, 400, "INVALID_ARGUMENT"),
    ({"space": "SPACE"}, 400, "INVALID_ARGUMENT"),  # nobody
    ({"space": "SPACE", "user": "alice@example.com", "anonymous": "Guest"}, 400, "INVALID_ARGUMENT"),
    ({"space": "SPACE", "user": "alice@example.com", "colour": "red"}, 400, "INVALID_ARGUMENT"),
    ({"space": 7, "user": "alice@example.com"}, 400, "INVALID_ARGUMENT"),
    ({"space": "SPACE", "anonymous": 3}, 400, "INVALID_ARGUMENT"),
    ({"space": "SPACE", "phone": ["+1"]}, 400, "INVALID_ARGUMENT"),
    ({"space": "SPACE", "user": 12}, 400, "INVALID_ARGUMENT"),
    ({"space": "spaces/unknown", "user": "alice@example.com"}, 404, "NOT_FOUND"),
    ({"space": "SPACE", "user": "nobody@example.com"}, 404, "NOT_FOUND"),
])
def test_join_rejects_bad_input(emulator: Emulator, space: dict[str, Any], body: dict[str, Any], status: int,
                                reason: str) -> None:
    body = {key: (space["name"] if value == "SPACE" else value) for key, value in body.items()}
    assert_google_error(post(emulator, "join", body), status, reason)
    assert "activeConference" not in emulator.control("GET", f"meet/{space['name']}")


@pytest.mark.parametrize("path", ["join", "leave", "end"])
def test_malformed_json_and_non_objects_are_400(emulator: Emulator, path: str) -> None:
    assert_google_error(post(emulator, path, data="{not json"), 400, "INVALID_ARGUMENT")
    assert_google_error(post(emulator, path, data="[1, 2]"), 400, "INVALID_ARGUMENT")


def test_leave_and_end_need_an_active_conference_and_a_participant(emulator: Emulator, space: dict[str, Any]) -> None:
    name = space["name"]
    assert_google_error(post(emulator, "leave", {"space": name, "user": "alice@example.com"}),
                        400, "FAILED_PRECONDITION")
    assert_google_error(post(emulator, "end", {"space": name}), 400, "FAILED_PRECONDITION")
    joined = join(emulator, name, user="alice@example.com")
    person(emulator, "bob@example.com")
    assert_google_error(post(emulator, "leave", {"space": name, "user": "bob@example.com"}), 400, "FAILED_PRECONDITION")
    assert_google_error(post(emulator, "leave", {"space": name, "anonymous": "Nobody"}), 400, "FAILED_PRECONDITION")
    assert_google_error(post(emulator, "leave", {"space": name}), 400, "INVALID_ARGUMENT")
    assert_google_error(post(emulator, "leave", {"space": name, "participant": 5}), 400, "INVALID_ARGUMENT")
    assert_google_error(post(emulator, "end", {"space": name, "recording": "yes"}), 400, "INVALID_ARGUMENT")
    assert_google_error(post(emulator, "end", {"space": name, "transcript": "hello"}), 400, "INVALID_ARGUMENT")
    assert_google_error(post(emulator, "end", {"space": name, "transcript": ["hello"]}), 400, "INVALID_ARGUMENT")
    assert_google_error(post(emulator, "end", {"space": name, "transcript": [{"user": "alice@example.com"}]}),
                        400, "INVALID_ARGUMENT")
    assert_google_error(post(emulator, "end", {"space": name, "transcript": [
        {"user": "alice@example.com", "text": "hi", "mood": "happy"}]}), 400, "INVALID_ARGUMENT")
    assert_google_error(post(emulator, "end", {"space": name, "transcript": [
        {"user": "bob@example.com", "text": "I was never here"}]}), 400, "FAILED_PRECONDITION")
    assert_google_error(post(emulator, "end", {"space": name, "smartNotes": True, "extra": 1}), 400, "INVALID_ARGUMENT")
    # None of that ended anything.
    assert emulator.control("GET", f"meet/{name}")["activeConference"]["conferenceRecord"] == joined["conferenceRecord"]
    left = emulator.control("POST", "meet/leave", {"space": name, "participant": joined["participant"]["name"]})
    assert left["conferenceEnded"] is True and left["participantSession"]["endTime"]


def test_end_reply_lists_the_artifacts(emulator: Emulator, space: dict[str, Any]) -> None:
    join(emulator, space["name"], user="alice@example.com")
    guest = join(emulator, space["name"], phone="+1 415-555-0100")
    reply = end(emulator, space["meetingCode"], recording=True, transcript=[
        {"phone": "+1 415-555-0100", "text": "Can you hear me?"},
        {"participant": guest["participant"]["name"], "text": "Hello?"}])
    validate("ConferenceRecord", reply["conferenceRecord"])
    assert [r["state"] for r in reply["recordings"]] == ["ENDED"]
    assert [t["state"] for t in reply["transcripts"]] == ["ENDED"]
    assert reply["smartNotes"] == []


# -- malformed requests to the API itself -----------------------------------------------------------
@pytest.mark.parametrize("method,path,status", [
    ("GET", "spaces/", 404),
    ("GET", "conferenceRecords/x/participants/", 404),
    ("GET", "conferenceRecords//participants", 404),
    ("GET", "conferenceRecords/nope/participants/nope/participantSessions/nope", 404),
    ("GET", "conferenceRecords/nope/transcripts/nope/entries", 404),
    ("DELETE", "conferenceRecords/nope", 405),
    ("GET", "spaces/abc?unknownParam=1", 400),
    ("GET", "conferenceRecords?pageSize=ten", 400),
])
def test_malformed_api_requests_get_google_errors(emulator: Emulator, space: dict[str, Any], method: str, path: str,
                                                  status: int) -> None:
    response = raw(emulator, space["creds"], method, path)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == status and error["status"] and error["message"]


def test_unknown_fields_in_member_and_patch_bodies(emulator: Emulator, space: dict[str, Any]) -> None:
    creds = space["creds"]
    response = raw(emulator, creds, "POST", f"{space['name']}/members", json={"email": "a@example.com", "nick": "A"})
    assert_google_error(response, 400, "INVALID_ARGUMENT")
    response = raw(emulator, creds, "PATCH", space["name"], json={"config": {"accessType": "OPEN", "volume": 11}})
    assert_google_error(response, 400, "INVALID_ARGUMENT")
    response = raw(emulator, creds, "POST", f"{space['name']}/members:batchUpdate", json={"requests": "all"})
    assert_google_error(response, 400, "INVALID_ARGUMENT")


# -- the filter parser on its own -----------------------------------------------------------------------
def test_filter_parser_accepts_the_documented_forms() -> None:
    fields = filters.CONFERENCE_RECORD_FIELDS
    named = filters.parse(' space.name = "spaces/NAME" ', fields)
    assert named.tree == Restriction("space.name", "=", Value("spaces/NAME", True))
    assert filters.matches(named, {"space.name": "spaces/NAME"}) and not filters.matches(named, {"space.name": "x"})
    coded = filters.parse("space.meeting_code = 'ABC-MNOP-XYZ'", fields)
    assert filters.matches(coded, {"space.meeting_code": "abc-mnop-xyz"})
    both = filters.parse('start_time>="2024-01-01T00:00:00.000Z" AND start_time<="2024-01-02T00:00:00.000Z"', fields)
    assert isinstance(both.tree, Junction) and both.tree.op == "AND"
    low, high = (both.values[id(child)] for child in both.tree.children)
    assert high - low == 24 * 3600 * 1_000_000
    assert filters.parse("end_time IS NULL", fields).tree == Restriction("end_time", "IS NULL", None)
    assert filters.parse("", fields).tree is None and filters.parse(None, fields).tree is None
    checked = filters.parse('start_time > "2024-01-01T00:00:00+02:00" AND end_time IS NULL', fields)
    assert filters.matches(checked, {"start_time": 1704060000.5, "end_time": None})
    assert not filters.matches(checked, {"start_time": 1704060000.5, "end_time": 1704060001.0})
    assert not filters.matches(checked, {"start_time": 1704000000.0, "end_time": None})


@pytest.mark.parametrize("text", [
    "OR", "AND end_time IS NULL", "end_time == 'x'", "space.name = spaces/x AND",
    "space.name ~ 'x'", "start_time > '2024-13-01T00:00:00Z'", "start_time > '2024-01-01T00:00:00'"])
def test_filter_parser_rejects_everything_else(text: str) -> None:
    with pytest.raises(ApiError) as raised:
        filters.parse(text, filters.CONFERENCE_RECORD_FIELDS)
    assert raised.value.code == 400 and raised.value.status == "INVALID_ARGUMENT"


# -- transcript languages and timing ------------------------------------------------------------------
def field_violations(error: dict[str, Any]) -> list[str]:
    return [violation["field"] for detail in error.get("details", [])
            for violation in detail.get("fieldViolations", [])]


@pytest.mark.parametrize("code", ["en_US", "english", "e", "en-", "-US", "fr-F", "en--US", "", 7, None])
def test_end_refuses_a_malformed_language_code_naming_the_line(emulator: Emulator, space: dict[str, Any],
                                                               code: Any) -> None:
    join(emulator, space["name"], user="alice@example.com")
    lines = [{"user": "alice@example.com", "text": "Hello"},
             {"user": "alice@example.com", "text": "Bonjour", "languageCode": code}]
    error = assert_google_error(post(emulator, "end", {"space": space["name"], "transcript": lines}),
                                400, "INVALID_ARGUMENT")
    assert "transcript[1].languageCode" in error["message"]
    assert field_violations(error) == ["transcript[1].languageCode"]
    assert "activeConference" in emulator.control("GET", f"meet/{space['name']}")  # nothing ended


@pytest.mark.parametrize("lines,field", [
    ([{"text": "a", "offsetSeconds": 0}, {"text": "b"}], "transcript[1].offsetSeconds"),  # all or none
    ([{"text": "a", "offsetSeconds": -1}], "transcript[0].offsetSeconds"),
    ([{"text": "a", "offsetSeconds": "10"}], "transcript[0].offsetSeconds"),
    ([{"text": "a", "offsetSeconds": True}], "transcript[0].offsetSeconds"),
    ([{"text": "a", "offsetSeconds": 0}, {"text": "b", "offsetSeconds": 3600}], "transcript[1].offsetSeconds"),
])
def test_end_refuses_bad_offsets_and_changes_nothing(emulator: Emulator, space: dict[str, Any],
                                                     lines: list[dict[str, Any]], field: str) -> None:
    join(emulator, space["name"], user="alice@example.com")
    emulator.control("POST", "clock", {"advanceSeconds": 600})  # a ten-minute call: 3600 s is past its end
    body = {"space": space["name"], "recording": True,
            "transcript": [{"user": "alice@example.com", **line} for line in lines]}
    error = assert_google_error(post(emulator, "end", body), 400, "INVALID_ARGUMENT")
    assert field_violations(error) == [field]
    record = emulator.control("GET", f"meet/{space['name']}")["activeConference"]["conferenceRecord"]
    conference = emulator.state.meet.find_conference(record.split("/")[-1])
    assert conference is not None and conference.end is None
    assert not any(conference.artifacts.values())  # the refused call started no recording either
