"""Exactly-once rules of the summary and the per-person meeting rate, in one process.

The app and the emulator run in this process (a LocalStack: real HTTP, the real Google
client libraries), without Pub/Sub or a periodic reconciler, so nothing happens unless
the test asks: a sync is the test's own call, or ``/tasks/reconcile``. These were caught
only by the slow multi-process tests (the summary's client-assigned ``messageId``) or by
nothing at all (its 409 adoption, its completed short-circuit, the rate window).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from typing import Any, Iterator

import pytest
import requests

from bot.lifecycle.sync import MeetingSync
from emulator.state import Faults
from local.stack import LocalStack
from tests.e2e.conftest import Stack
from tests.security.conftest import signed_post

RECONCILE_SECRET = "test-reconcile-secret-0123456789-abcdefghij"
PER_MINUTE = 2


@pytest.fixture(scope="module")
def quiet_stack() -> Iterator[Stack]:
    directory = tempfile.mkdtemp(prefix="meetbot-exactly-once-")
    local = LocalStack(directory=directory, auto_consent=True, pubsub=False, reconcile_interval=0,
                       extra_env={"AUTH_MODE": "delegation", "RECONCILE_SECRET": RECONCILE_SECRET,
                                  "RATE_LIMIT_MEETINGS_PER_MINUTE": str(PER_MINUTE),
                                  "MEET_TIMEOUT_SECONDS": "2", "SYNC_BUDGET_SECONDS": "5"}).start()
    try:
        yield Stack(local)
    finally:
        local.stop()


@pytest.fixture
def stack(quiet_stack: Stack) -> Stack:
    quiet_stack.control("POST", "reset")
    return quiet_stack


def join_cards(stack: Stack, space: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in stack.app_messages(space) if (m.get("cardsV2") or [{}])[0].get("cardId") == "meeting"]


def card_title(message: dict[str, Any]) -> str:
    return str(message["cardsV2"][0]["card"]["header"]["title"])


def summaries(stack: Stack, space: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in stack.app_messages(space) if (m.get("cardsV2") or [{}])[0].get("cardId") == "summary"]


def reconcile(stack: Stack) -> None:
    """A reconciler pass, and every sync it asked for done: the app's background worker may
    have claimed one before the pass could (then the pass leaves it to the worker), and a
    test that looked at Chat right after the pass would race that worker."""
    response = requests.get(stack.local.app_url + "/tasks/reconcile",
                            headers={"Authorization": f"Bearer {RECONCILE_SECRET}"}, timeout=60)
    assert response.status_code == 200, response.text
    stack.wait_for_syncs("the pass's syncs done")


class EndedCall:
    """/meet in a fresh space, Alice joins and the call ends (by default without a
    recording: the summary is complete as soon as it is posted). Nothing has synced it since."""

    def __init__(self, stack: Stack, *, recording: bool = False) -> None:
        self.stack = stack
        self.alice, self.bob = stack.person("Alice Anders"), stack.person("Bob Brown")
        self.space = stack.space(self.alice, self.bob)
        stack.say(self.space, self.alice, "/meet Retro")
        self.card = join_cards(stack, self.space)[0]
        # Whatever /meet asked the worker to do is done now, so that from here on only the
        # test makes the app act (nothing else would: no Pub/Sub, no reconciler timer).
        stack.local.app.extensions["meetbot"].worker.drain(budget_seconds=10)
        stack.wait_for_syncs("the app to finish /meet's work")
        code = self.card["clientAssignedMessageId"][len("client-meet-"):]
        stack.control("POST", "meet/join", {"space": code, "user": self.alice["name"]})
        stack.control("POST", "meet/end", {"space": code, **({"recording": True} if recording else {})})
        self.meeting = stack.storage.meetings.get_meeting_by_card_message(self.card["name"])
        records = [c.name for c in stack.state.meet.conferences.values() if c.space.name == self.meeting.meet_space]
        assert len(records) == 1
        self.record = records[0]

    def summary_creates(self) -> list[dict[str, Any]]:
        return [c for c in self.stack.calls("spaces.messages.create") if "client-summary-" in json.dumps(c)]


def client_summary_id(record: str) -> str:
    """The contract (docs/DESIGN): one summary per conference, named by the conference alone."""
    return "client-summary-" + hashlib.sha256(record.encode()).hexdigest()[:40]


def test_the_summary_is_named_by_its_conference_alone(stack: Stack) -> None:
    call = EndedCall(stack)
    reconcile(stack)
    [summary] = summaries(stack, call.space)
    assert summary["clientAssignedMessageId"] == client_summary_id(call.record)
    assert summary["thread"]["name"] == call.card["thread"]["name"]
    # Its request id is the same name, so a retried post can never be a second message.
    [create] = [c for c in call.summary_creates() if c["status"] == 200]
    assert create["query"].get("requestId") == client_summary_id(call.record)


def test_a_summary_posted_before_a_crash_is_adopted_not_doubled(stack: Stack) -> None:
    """A worker posted the summary and died before recording it: the next sync's post
    meets Chat's 409 for the same client-assigned id, and takes that message over."""
    call = EndedCall(stack)
    services = stack.local.app.extensions["meetbot"].services
    services.chat.create_message(call.space["name"], {"text": "Summary (being written)"},
                                 thread_name=call.card["thread"]["name"], message_id=client_summary_id(call.record))
    reconcile(stack)
    assert [c["status"] for c in call.summary_creates()] == [200, 409]  # the earlier post, then the sync's
    [summary] = summaries(stack, call.space)  # the adopted message now shows the summary card
    assert summary["clientAssignedMessageId"] == client_summary_id(call.record)
    assert "Alice Anders" in json.dumps(summary["cardsV2"])
    stored = services.storage.summaries.get_summary(call.record)
    # Recorded by its client-assigned name, which Chat accepts wherever the message's name is.
    assert stored is not None and stored.complete
    assert stored.message_name in (summary["name"], f"{call.space['name']}/messages/{client_summary_id(call.record)}")
    assert len([m for m in stack.app_messages(call.space) if m["thread"]["name"] == call.card["thread"]["name"]
                and m["name"] != call.card["name"]]) == 1  # nothing else in the meeting's thread


def test_a_complete_summary_is_never_read_or_posted_again(stack: Stack) -> None:
    """A sync of an ended meeting whose summary is complete (a Refresh, a late duplicate
    event) reads the live state for the card and leaves the summary alone: no attendance,
    artifact or Chat call for it."""
    call = EndedCall(stack)
    reconcile(stack)
    stored = stack.storage.summaries.get_summary(call.record)
    assert stored is not None and stored.complete
    before = len(stack.control("GET", "calls")["calls"])
    services = stack.local.app.extensions["meetbot"].services
    outcome = MeetingSync(services).sync(stack.storage.meetings.get_meeting_by_card_message(call.card["name"]))
    assert outcome.needs_more is False
    after = [c["method"] for c in stack.control("GET", "calls")["calls"][before:]]
    for method in after:
        assert not method.startswith(("conferenceRecords.participants", "conferenceRecords.recordings",
                                      "conferenceRecords.transcripts", "conferenceRecords.smartNotes",
                                      "spaces.members.list", "spaces.messages.create")), after
    assert len(summaries(stack, call.space)) == 1


def test_the_meeting_rate_is_per_minute(stack: Stack) -> None:
    """RATE_LIMIT_MEETINGS_PER_MINUTE meetings a minute, per person: the next /meet within
    the minute is refused; a minute later it works again (not an hour later)."""
    alice, bob = stack.person("Alice Anders"), stack.person("Bob Brown")
    space = stack.space(alice, bob)
    for _ in range(PER_MINUTE):
        stack.say(space, alice, "/meet Standup")
    assert len(join_cards(stack, space)) == PER_MINUTE
    stack.control("POST", "clock", {"advanceSeconds": 30})
    refused = stack.say(space, alice, "/meet One too many")
    assert len(join_cards(stack, space)) == PER_MINUTE, refused
    assert "minute" in json.dumps(refused["reply"]), refused  # it says why, and for how long
    stack.control("POST", "clock", {"advanceSeconds": 31})
    stack.say(space, alice, "/meet A minute later")
    assert len(join_cards(stack, space)) == PER_MINUTE + 1
    # Per person: Bob is not held back by Alice's meetings.
    stack.say(space, bob, "/meet Bob's")
    assert len(join_cards(stack, space)) == PER_MINUTE + 2


def test_a_meet_that_made_no_meeting_gives_its_place_back(stack: Stack) -> None:
    """Meet refused the space: nothing was created, so nothing counts against the minute."""
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    stack.fault("meet", "spaces.create", status=403, times=PER_MINUTE)
    for _ in range(PER_MINUTE):
        stack.say(space, alice, "/meet Refused by Meet")
    assert join_cards(stack, space) == []
    for _ in range(PER_MINUTE):
        stack.say(space, alice, "/meet Standup")
    assert len(join_cards(stack, space)) == PER_MINUTE


def test_a_redelivered_meet_takes_no_second_place(stack: Stack) -> None:
    """Chat delivering the same /meet again changes nothing, the minute's count included."""
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    stack.say(space, alice, "/meet Standup")
    event = stack.control("GET", "chat/deliveries")["deliveries"][-1]["event"]
    assert signed_post(stack, event).status_code == 200  # Chat delivers it again
    stack.say(space, alice, "/meet Retro")
    assert [card_title(m) for m in join_cards(stack, space)] == ["Standup", "Retro"]


def test_only_chats_409_means_posted_before(stack: Stack) -> None:
    """A create refused for another reason (permission) is not taken for an earlier post:
    nothing is adopted or edited, the summary stays to do, and is posted once allowed."""
    call = EndedCall(stack)
    stack.fault("chat", "spaces.messages.create", status=403, times=10_000)
    reconcile(stack)
    assert [c["status"] for c in call.summary_creates()] and all(c["status"] == 403 for c in call.summary_creates())
    edits = [c for c in stack.calls("spaces.messages.update") if "client-summary-" in c["path"]]
    assert edits == [] and stack.storage.summaries.get_summary(call.record) is None
    stack.state.faults = Faults()  # permission restored (the control plane has no call for it)
    reconcile(stack)
    assert len(summaries(stack, call.space)) == 1


def test_an_incomplete_summary_is_completed_in_place_by_a_later_sync(stack: Stack) -> None:
    """Posted while the recording is still being prepared, the summary is not complete:
    a later sync reads the artifacts again and edits the same message, once ready."""
    call = EndedCall(stack, recording=True)
    reconcile(stack)
    [first] = summaries(stack, call.space)
    assert "being prepared" in json.dumps(first["cardsV2"])
    assert not stack.storage.summaries.get_summary(call.record).complete  # type: ignore[union-attr]
    reconcile(stack)  # still being prepared: read again, and not edited, since nothing changed
    assert [c for c in stack.calls("spaces.messages.update") if c["path"].endswith(first["name"])] == []
    stack.control("POST", "clock", {"advanceSeconds": 600})  # Meet finishes the recording
    reconcile(stack)
    [summary] = summaries(stack, call.space)
    assert summary["name"] == first["name"] and "drive.google.com" in json.dumps(summary["cardsV2"])
    assert stack.storage.summaries.get_summary(call.record).complete  # type: ignore[union-attr]
    assert len([c for c in call.summary_creates() if c["status"] == 200]) == 1
