"""Google's published quotas: 429 RESOURCE_EXHAUSTED in Google's shape, per user, per project,
per Chat space; switched off, set small, refilled by the emulator's clock.

Limits: https://developers.google.com/workspace/meet/api/guides/limits and
https://developers.google.com/workspace/chat/limits (see emulator/quotas.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from tests.emulator.test_meet_support import advance, error_of, person
from tests.support import Emulator

CREATE_PER_USER = "meet.reduced_write_requests.per_user"


def create(meet: Any) -> int:
    try:
        meet.spaces().create(body={}).execute()
        return 200
    except HttpError as error:
        return error.resp.status


def refusal(call: Any) -> tuple[dict[str, Any], Any]:
    try:
        call.execute()
    except HttpError as error:
        assert error.resp.status == 429
        return error_of(error), error.resp
    raise AssertionError("expected 429")


def test_forty_spaces_create_in_a_burst_meet_the_per_user_quota(emulator: Emulator) -> None:
    _, alice = person(emulator, "alice@example.com")
    meet = emulator.meet(alice)
    statuses = [create(meet) for _ in range(40)]
    assert statuses == [200] * 10 + [429] * 30  # "reduced write requests": 10 per minute per user
    body, response = refusal(meet.spaces().create(body={}))
    assert body["status"] == "RESOURCE_EXHAUSTED" and body["code"] == 429
    assert body["message"] == (
        "Quota exceeded for quota metric 'Reduced write requests' and limit 'Reduced write requests per minute per "
        "user' of service 'meet.googleapis.com' for consumer 'project_number:123456789012'.")
    info, help_detail = body["details"]
    assert info["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
    assert info["reason"] == "RATE_LIMIT_EXCEEDED" and info["domain"] == "googleapis.com"
    assert info["metadata"] == {
        "quota_metric": "meet.googleapis.com/reduced_write_requests",
        "quota_limit": "ReducedWriteRequestsPerMinutePerUser", "quota_limit_value": "10",
        "quota_location": "global", "quota_unit": "1/min/{project}/{user}",
        "service": "meet.googleapis.com", "consumer": "projects/123456789012"}
    assert help_detail["@type"] == "type.googleapis.com/google.rpc.Help"
    assert "retry-after" not in {key.lower() for key in response}  # Google's quota refusals carry none
    # Refused calls are not counted; the window slides with the emulator's clock.
    statuses_recorded = [c["status"] for c in emulator.calls("meet") if c["method"] == "spaces.create"]
    assert statuses_recorded.count(200) == 10
    advance(emulator, 60)
    assert create(meet) == 200


def test_the_quota_is_per_user(emulator: Emulator) -> None:
    _, alice = person(emulator, "alice@example.com")
    _, bob = person(emulator, "bob@example.com")
    alice_meet, bob_meet = emulator.meet(alice), emulator.meet(bob)
    assert [create(alice_meet) for _ in range(11)][-1] == 429
    assert create(bob_meet) == 200


def test_a_small_limit_set_by_a_test_and_the_per_project_quota(emulator: Emulator) -> None:
    emulator.control("POST", "quotas", {"limits": {CREATE_PER_USER: 2, "meet.reduced_write_requests.per_project": 3}})
    _, alice = person(emulator, "alice@example.com")
    _, bob = person(emulator, "bob@example.com")
    alice_meet, bob_meet = emulator.meet(alice), emulator.meet(bob)
    assert [create(alice_meet) for _ in range(3)] == [200, 200, 429]
    assert create(bob_meet) == 200  # the project's third
    body, _ = refusal(bob_meet.spaces().create(body={}))
    assert body["details"][0]["metadata"]["quota_limit"] == "ReducedWriteRequestsPerMinutePerProject"
    assert body["details"][0]["metadata"]["quota_unit"] == "1/min/{project}"
    # Another OAuth client is another project.
    _, carol = person(emulator, "carol@example.com", client_id="other-app.apps.googleusercontent.com")
    assert create(emulator.meet(carol)) == 200
    # A reset restores the published limits.
    emulator.control("POST", "reset")
    limits = {q["id"]: q["limit"] for q in emulator.control("GET", "quotas")["quotas"]}
    assert limits[CREATE_PER_USER] == 10 and limits["meet.reduced_write_requests.per_project"] == 100


def test_reads_and_writes_are_counted_apart(emulator: Emulator) -> None:
    emulator.control("POST", "quotas", {"limits": {"meet.read_requests.per_user": 2,
                                                   "meet.write_requests.per_user": 1}})
    _, alice = person(emulator, "alice@example.com")
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={}).execute()
    meet.spaces().get(name=space["name"]).execute()
    meet.conferenceRecords().list().execute()
    body, _ = refusal(meet.spaces().get(name=space["name"]))
    assert body["details"][0]["metadata"]["quota_metric"] == "meet.googleapis.com/read_requests"
    meet.spaces().patch(name=space["name"], body={"config": {"accessType": "OPEN"}}, updateMask="config.accessType"
                        ).execute()
    body, _ = refusal(meet.spaces().endActiveConference(name=space["name"], body={}))
    assert body["details"][0]["metadata"]["quota_metric"] == "meet.googleapis.com/write_requests"


def test_switched_off_nothing_is_refused(emulator: Emulator) -> None:
    assert emulator.control("POST", "quotas", {"enabled": False})["enabled"] is False
    _, alice = person(emulator, "alice@example.com")
    meet = emulator.meet(alice)
    assert [create(meet) for _ in range(40)] == [200] * 40
    emulator.control("POST", "quotas", {"enabled": True})  # counting starts afresh
    assert [create(meet) for _ in range(11)] == [200] * 10 + [429]


def test_chat_per_space_writes_counted_by_default_and_switched_off(emulator: Emulator) -> None:
    state = emulator.state
    with state.lock:
        alice = state.add_user("alice@example.com", "Alice")
        team = state.chat.create_space("Team", "SPACE", [alice])
        other = state.chat.create_space("Other", "SPACE", [alice])
    chat = emulator.chat_discovery(emulator.app_credentials())
    messages = chat.spaces().messages()
    messages.create(parent=team.name, body={"text": "one"}).execute()
    body, _ = refusal(messages.create(parent=team.name, body={"text": "two"}))  # on by default, as at Google
    metadata = body["details"][0]["metadata"]
    assert metadata["quota_limit"] == "WritesPerSecondPerSpace" and metadata["quota_unit"] == "1/s/{space}"
    assert metadata["service"] == "chat.googleapis.com"
    messages.create(parent=other.name, body={"text": "elsewhere"}).execute()  # another space's second
    advance(emulator, 1)
    messages.create(parent=team.name, body={"text": "two, a second later"}).execute()
    emulator.control("POST", "quotas", {"chatSpaceQuotas": False})
    messages.create(parent=team.name, body={"text": "three, at once"}).execute()  # switched off
    emulator.control("POST", "quotas", {"chatSpaceQuotas": True})
    advance(emulator, 1)
    messages.create(parent=team.name, body={"text": "four"}).execute()
    refusal(messages.create(parent=team.name, body={"text": "five"}))


@pytest.mark.parametrize("body", [
    {"limits": {"meet.nonsense": 1}},
    {"limits": {CREATE_PER_USER: -1}},
    {"limits": {CREATE_PER_USER: "ten"}},
    {"enabled": "no"},
    {"quota": 1},
])
def test_control_plane_refuses_bad_settings(emulator: Emulator, body: dict[str, Any]) -> None:
    reply = emulator.control("POST", "quotas", body, expect=400)
    assert reply["error"]["status"] == "INVALID_ARGUMENT"
    assert emulator.control("GET", "quotas")["enabled"] is True
