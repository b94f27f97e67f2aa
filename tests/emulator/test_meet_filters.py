"""Meet list filters (AIP-160) through google-api-python-client against the running emulator.

Every example the reference gives for each method's ``filter`` (read here from the
discovery document itself, so a new example is tested as soon as the client library
ships it), then the grammar AIP-160 adds — OR binding tighter than AND, NOT and ``-``,
parentheses — and refusals: 400 INVALID_ARGUMENT in Google's error shape.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from emulator import discovery
from emulator.clock import rfc3339
from tests.emulator.test_meet_support import advance, end, expect_error, join, leave, person
from tests.support import Emulator

DAY = 24 * 3600


def documented_examples(method_id: str) -> list[str]:
    """The example filters in a method's ``filter`` description (`…` spans holding an operator)."""
    description = discovery.find_method("meet", method_id).parameters["filter"]["description"]
    spans = re.findall(r"`([^`]+)`", description)
    return [span for span in spans if re.search(r"[=<>]| IS NULL", span)]


def test_the_documented_examples_are_the_ones_tested() -> None:
    assert documented_examples("conferenceRecords.list") == [
        'space.name = "spaces/NAME"', 'space.meeting_code = "abc-mnop-xyz"',
        'start_time>="2024-01-01T00:00:00.000Z" AND start_time<="2024-01-02T00:00:00.000Z"', "end_time IS NULL"]
    assert documented_examples("conferenceRecords.participants.list") == ["latest_end_time IS NULL"]
    assert documented_examples("conferenceRecords.participants.participantSessions.list") == ["end_time IS NULL"]


@pytest.fixture
def history(emulator: Emulator) -> dict[str, Any]:
    """Three conferences: ``old`` (space A, ended a day ago), ``other`` (space B, ended),
    ``running`` (space A, still on)."""
    _, alice = person(emulator, "alice@example.com", "Alice Liddell")
    meet = emulator.meet(alice)
    space_a = meet.spaces().create(body={}).execute()
    space_b = meet.spaces().create(body={}).execute()
    old = join(emulator, space_a["name"], user="alice@example.com")["conferenceRecord"]
    end(emulator, space_a["name"])
    advance(emulator, DAY)
    cutoff = rfc3339(emulator.state.clock.time())
    advance(emulator, 60)
    other = join(emulator, space_b["name"], user="alice@example.com")["conferenceRecord"]
    end(emulator, space_b["name"])
    advance(emulator, 60)
    running = join(emulator, space_a["name"], user="alice@example.com")["conferenceRecord"]
    return {"meet": meet, "a": space_a, "b": space_b, "old": old, "other": other, "running": running,
            "cutoff": cutoff}


def names(meet: Any, text: str) -> set[str]:
    found = meet.conferenceRecords().list(filter=text).execute().get("conferenceRecords", [])
    return {record["name"] for record in found}


def test_conference_record_examples_as_documented(emulator: Emulator, history: dict[str, Any]) -> None:
    meet, a, b = history["meet"], history["a"], history["b"]
    old, other, running = history["old"], history["other"], history["running"]
    assert names(meet, f'space.name = "{a["name"]}"') == {old, running}
    assert names(meet, f'space.meeting_code = "{b["meetingCode"]}"') == {other}
    start = meet.conferenceRecords().get(name=other).execute()["startTime"]
    day_after = rfc3339(emulator.state.clock.time() + DAY)
    assert names(meet, f'start_time>="{start}" AND start_time<="{day_after}"') == {other, running}
    # The documented example's own form: milliseconds and an offset other than Z.
    assert names(meet, 'start_time>="2024-01-01T00:00:00.000-08:00" AND start_time<="2024-01-02T00:00:00.000Z"') \
        == set()
    assert names(meet, "end_time IS NULL") == {running}


def test_or_binds_tighter_than_and(emulator: Emulator, history: dict[str, Any]) -> None:
    meet, a, b = history["meet"], history["a"], history["b"]
    old, other, running = history["old"], history["other"], history["running"]
    # AIP-160: `x AND y OR z` is `x AND (y OR z)`, not `(x AND y) OR z`.
    text = f'space.name = "{b["name"]}" AND end_time IS NULL OR space.name = "{a["name"]}"'
    assert names(meet, text) == set()  # B AND (running OR A): B's conference is neither
    assert names(meet, f'(space.name = "{b["name"]}" AND end_time IS NULL) OR space.name = "{a["name"]}"') \
        == {old, running}
    assert names(meet, f'space.name = "{b["name"]}" OR end_time IS NULL') == {other, running}
    assert names(meet, f'space.name = "{a["name"]}" space.name = "{b["name"]}"') == set()  # juxtaposition: AND


def test_negation_and_comparisons(emulator: Emulator, history: dict[str, Any]) -> None:
    meet, a = history["meet"], history["a"]
    old, other, running, cutoff = history["old"], history["other"], history["running"], history["cutoff"]
    assert names(meet, "NOT end_time IS NULL") == {old, other}
    assert names(meet, "-end_time IS NULL") == {old, other}
    assert names(meet, f'NOT (space.name = "{a["name"]}" OR end_time IS NULL)') == {other}
    assert names(meet, f'space.name != "{a["name"]}"') == {other}
    assert names(meet, f'start_time > "{cutoff}"') == {other, running}
    assert names(meet, f'start_time < "{cutoff}"') == {old}
    assert names(meet, f"start_time >= {cutoff}") == {other, running}  # a bare timestamp
    # A comparison on an unset field is false, `!=` included (AIP-160): the running
    # conference has no end time.
    assert names(meet, f'end_time != "{cutoff}"') == {old, other}
    assert names(meet, f'space.meeting_code = "{a["meetingCode"].upper()}"') == {old, running}


def test_participant_and_session_examples(emulator: Emulator) -> None:
    _, alice = person(emulator, "alice@example.com", "Alice Liddell")
    person(emulator, "bob@example.com", "Bob Builder")
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={}).execute()
    first_alice = join(emulator, space["name"], user="alice@example.com")
    advance(emulator, 60)
    bob = join(emulator, space["name"], user="bob@example.com")
    advance(emulator, 60)
    leave(emulator, space["name"], user="bob@example.com")
    advance(emulator, 60)
    bob_again = join(emulator, space["name"], user="bob@example.com")
    guest = join(emulator, space["name"], anonymous="Guest")
    leave(emulator, space["name"], anonymous="Guest")
    participants = meet.conferenceRecords().participants()
    record = first_alice["conferenceRecord"]

    def people(text: str) -> set[str]:
        found = participants.list(parent=record, filter=text).execute().get("participants", [])
        return {p["name"] for p in found}

    alice_p, bob_p, guest_p = (x["participant"]["name"] for x in (first_alice, bob, guest))
    assert people("latest_end_time IS NULL") == {alice_p, bob_p}  # "returns active participants"
    assert people("NOT latest_end_time IS NULL") == {guest_p}
    assert people(f'latest_end_time IS NULL AND earliest_start_time > "{first_alice["participantSession"]["startTime"]}"'
                  ) == {bob_p}
    assert people(f'earliest_start_time <= "{first_alice["participantSession"]["startTime"]}" OR '
                  "NOT latest_end_time IS NULL") == {alice_p, guest_p}

    sessions = participants.participantSessions()

    def bob_sessions(text: str) -> set[str]:
        found = sessions.list(parent=bob_p, filter=text).execute().get("participantSessions", [])
        return {s["name"] for s in found}

    first, again = bob["participantSession"]["name"], bob_again["participantSession"]["name"]
    assert bob_sessions("end_time IS NULL") == {again}  # "returns active participant sessions"
    assert bob_sessions("-end_time IS NULL") == {first}
    assert bob_sessions(f'end_time IS NULL OR start_time < "{bob_again["participantSession"]["startTime"]}"') \
        == {first, again}


@pytest.mark.parametrize("bad", [
    "space.colour = 'red'",  # not a filterable field
    "startTime > '2024-01-01T00:00:00Z'",  # the JSON name is not the filter's
    "start_time >= 'yesterday'",  # not RFC 3339
    "space.name < 'spaces/x'",  # names compare with = and != only
    "space.name : 'spaces'",  # no has-operator
    "start_time IS NULL",  # IS NULL only where the reference shows it
    "end_time IS NOT NULL",
    "end_time IS",
    "start_time >=",
    "(end_time IS NULL",
    "end_time IS NULL)",
    "end_time IS NULL AND",
    "OR end_time IS NULL",
    "NOT",
    '"abc-mnop-xyz"',  # a bare value
    "abc",
    "timestamp(start_time) > 5",  # functions
    'space.name = "unterminated',
    "end_time IS NULL and start_time > '2024-01-01T00:00:00Z'",  # keywords are case-sensitive
    "start_time >>= '2024-01-01T00:00:00Z'",
])
def test_refusals_are_invalid_argument(emulator: Emulator, history: dict[str, Any], bad: str) -> None:
    error = expect_error(history["meet"].conferenceRecords().list(filter=bad), 400, "INVALID_ARGUMENT")
    assert error["message"].startswith("Invalid filter: ")
    violation = error["details"][0]
    assert violation["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    assert violation["fieldViolations"][0]["field"] == "filter"


@pytest.mark.parametrize("method,bad", [
    ("participants", "end_time IS NULL"),  # a session's field, not a participant's
    ("participants", "earliest_start_time IS NULL"),
    ("sessions", "latest_end_time IS NULL"),
    ("sessions", "start_time = 'spaces/x'"),
])
def test_refusals_per_method(emulator: Emulator, method: str, bad: str) -> None:
    _, alice = person(emulator, "alice@example.com", "Alice Liddell")
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={}).execute()
    joined = join(emulator, space["name"], user="alice@example.com")
    participants = meet.conferenceRecords().participants()
    call = participants.list(parent=joined["conferenceRecord"], filter=bad) if method == "participants" else \
        participants.participantSessions().list(parent=joined["participant"]["name"], filter=bad)
    expect_error(call, 400, "INVALID_ARGUMENT")
