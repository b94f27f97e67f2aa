"""Next steps from the transcript, end to end: people speak, the meeting ends, the clock
moves, and the one summary gains "Next steps" with the right owners, who are told once.

Real HTTP all the way: the emulator's Meet makes the transcript, its Pub/Sub pushes the
events, the app reads the entries with google-api-python-client and edits Chat.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import date, datetime, timedelta
from typing import Any, Iterator
from zoneinfo import ZoneInfo

import pytest

from domain import MeetingSettings
from bot.lifecycle.sync import owners_message_id
from cards.buttons import REFRESH
from tests.e2e.conftest import Stack
from tests.e2e.test_controls import click
from tests.e2e.test_lifecycle import Meeting, _lifecycle_stack, reconcile
from tests.support import wait_until


@pytest.fixture(scope="module")
def next_steps_stack() -> Iterator[Stack]:
    yield from _lifecycle_stack(pubsub=True)


@pytest.fixture
def stack(next_steps_stack: Stack) -> Stack:
    next_steps_stack.control("POST", "reset")
    return next_steps_stack


def planning_transcript(meeting: Meeting) -> list[dict[str, Any]]:
    alice, bob, carol = meeting.alice["name"], meeting.bob["name"], meeting.carol["name"]
    return [
        {"user": alice, "text": "Okay, let's get started. The main topic is the checkout redesign launch."},
        {"user": carol, "text": "The new flow cut drop-off by twelve percent in the pilot, which is great."},
        {"user": alice, "text": "Bob, could you draft the release notes by Friday?"},
        {"user": bob, "text": "Sure, will do."},
        {"user": alice, "text": "We agreed to ship the redesign behind a feature flag."},
        {"user": carol, "text": "I'll send the updated deck to the Acme team tomorrow."},
        {"user": bob, "text": "I already looked at the error dashboards last week, nothing alarming."},
        {"user": alice, "text": "Great, thanks everyone. Talk soon."},
    ]


def end_with_transcript(meeting: Meeting, transcript: list[dict[str, Any]]) -> None:
    meeting.join(user=meeting.alice["name"])
    meeting.join(user=meeting.bob["name"])
    meeting.join(user=meeting.carol["name"])
    meeting.end(transcript=transcript)
    meeting.flush()
    wait_until(meeting.summaries, what="the summary")
    meeting.stack.control("POST", "clock", {"advanceSeconds": 600})  # the transcript's file is generated
    meeting.flush()


def summary_sections(meeting: Meeting) -> dict[str, list[dict[str, Any]]]:
    summaries = meeting.summaries()
    assert len(summaries) == 1, [s["name"] for s in summaries]
    sections = summaries[0]["cardsV2"][0]["card"]["sections"]
    return {s.get("header", ""): s["widgets"] for s in sections}


def next_steps(meeting: Meeting) -> list[dict[str, Any]] | None:
    return summary_sections(meeting).get("Next steps")


def owner_replies(meeting: Meeting) -> list[dict[str, Any]]:
    return [m for m in meeting.app_messages() if m.get("clientAssignedMessageId", "").startswith("client-nextsteps-")]


def transcript_ready(meeting: Meeting) -> bool:
    widgets = next_steps(meeting)
    return widgets is not None and "when the transcript is ready" not in json.dumps(widgets)


def test_the_summary_gains_next_steps_with_owners_and_the_owners_are_told_once(stack: Stack) -> None:
    meeting = Meeting(stack, "Checkout launch")
    end_with_transcript(meeting, planning_transcript(meeting))
    wait_until(lambda: transcript_ready(meeting), what="next steps in the summary")
    widgets = next_steps(meeting)
    assert widgets is not None
    text = json.dumps(widgets)
    assert "Bob Brown" in text and "release notes" in text  # a request accepted with a yes is Bob's
    assert "Carol Chen" in text and "deck" in text
    assert "dashboards" not in text  # past events are not next steps
    sections = summary_sections(meeting)
    assert "feature flag" in json.dumps(sections.get("Decisions"))
    headers = list(sections)
    assert headers.index("Next steps") < headers.index("Recording, transcript and notes")  # above the files

    wait_until(lambda: owner_replies(meeting), what="the reply telling the owners")
    [reply] = owner_replies(meeting)
    assert f"<{meeting.bob['name']}>" in reply["text"] and f"<{meeting.carol['name']}>" in reply["text"]
    assert f"<{meeting.alice['name']}>" not in reply["text"]  # Alice owns nothing
    assert reply["thread"]["name"] == meeting.card()["thread"]["name"]
    # Once: later passes of the reconciler change nothing.
    reconcile(stack)
    reconcile(stack)
    assert len(owner_replies(meeting)) == 1 and len(meeting.summaries()) == 1
    # Every page of entries was read at the maximum page size; the text was never kept.
    reads = stack.calls("conferenceRecords.transcripts.entries.list")
    assert reads and all(call["query"].get("pageSize") == "100" for call in reads)


def test_duplicated_and_shuffled_events_and_a_lost_record_still_tell_the_owners_once(stack: Stack) -> None:
    stack.control("POST", "pubsub", {"duplicates": 2, "shuffle": True})
    try:
        meeting = Meeting(stack, "Checkout launch")
        end_with_transcript(meeting, planning_transcript(meeting))
        wait_until(lambda: owner_replies(meeting), what="the reply telling the owners")
    finally:
        stack.control("POST", "pubsub", {"reset": True})
    assert len(owner_replies(meeting)) == 1 and len(meeting.summaries()) == 1
    # A worker that died after posting the reply but before recording it: the next sync
    # posts it again with the same client-assigned id and request id, which Chat answers
    # with the message it already has (or 409), never a second one.
    storage = stack.storage
    stored = storage.meetings.get_meeting_by_card_message(meeting.card_name)
    assert stored is not None and stored.id is not None
    [record] = storage.summaries.summaries_of(stored.id)
    assert record.owners_told and record.complete
    storage.summaries.save_summary(dataclasses.replace(record, owners_told=False, complete=False))
    reconcile(stack)
    wait_until(lambda: (storage.summaries.get_summary(record.conference_record) or record).complete,
               what="the summary complete again")
    assert len(owner_replies(meeting)) == 1
    creates = [c for c in stack.calls("spaces.messages.create")
               if owners_message_id(record.conference_record) in json.dumps(c)]
    assert len(creates) == 2 and all(c["status"] in (200, 409) for c in creates)


def test_a_meeting_without_commitments_says_so_and_tells_nobody(stack: Stack) -> None:
    meeting = Meeting(stack, "Friday coffee")
    alice, bob = meeting.alice["name"], meeting.bob["name"]
    end_with_transcript(meeting, [
        {"user": alice, "text": "How was everyone's weekend?"},
        {"user": bob, "text": "Pretty good, we went hiking up near the lake. The weather was perfect."},
        {"user": alice, "text": "Nice, I went to my cousin's wedding, it was lovely."},
        {"user": bob, "text": "Have a good one, see you Monday."},
    ])
    wait_until(lambda: transcript_ready(meeting), what="next steps in the summary")
    assert "No next steps were said" in json.dumps(next_steps(meeting))
    reconcile(stack)
    assert owner_replies(meeting) == []


def test_a_transcript_the_summariser_cannot_read_gets_the_honest_line(stack: Stack) -> None:
    meeting = Meeting(stack, "Réunion")
    alice, bob = meeting.alice["name"], meeting.bob["name"]
    end_with_transcript(meeting, [
        {"user": alice, "text": "Bob, peux-tu préparer les notes de version pour vendredi ?", "languageCode": "fr-FR"},
        {"user": bob, "text": "Oui, je m'en occupe.", "languageCode": "fr-FR"},
    ])
    wait_until(lambda: transcript_ready(meeting), what="the Next steps section")
    text = json.dumps(next_steps(meeting))
    assert "fr-FR" in text and "Bob" not in text  # says it cannot read it, guesses nothing
    reconcile(stack)
    assert owner_replies(meeting) == []


def test_next_steps_turned_off_reads_no_transcript(stack: Stack) -> None:
    meeting = Meeting(stack, "Checkout launch")
    # The space turns next steps off after the meeting was made: the choice applies now.
    stack.storage.spaces.set_space_defaults(meeting.space["name"], MeetingSettings(next_steps=False))
    end_with_transcript(meeting, planning_transcript(meeting))
    wait_until(lambda: "being prepared" not in json.dumps(meeting.summaries()), what="the transcript's link")
    reconcile(stack)
    assert "Next steps" not in summary_sections(meeting)
    assert stack.calls("conferenceRecords.transcripts.entries.list") == []
    assert owner_replies(meeting) == []


def test_due_dates_are_read_in_the_organizers_time_zone(stack: Stack) -> None:
    # Kiritimati is UTC+14: for most of the UTC day it is already the next day there, so
    # "tomorrow" read in UTC would be a day early.
    zone = "Pacific/Kiritimati"
    hour = stack.state.clock.now().astimezone(ZoneInfo("UTC")).hour
    if hour < 11:  # from 10:00 UTC on, Kiritimati is a day ahead: move the clock there
        stack.control("POST", "clock", {"advanceSeconds": (11 - hour) * 3600})
    alice = stack.control("POST", "users", {"email": f"alice-tz-{id(stack)}@example.com",
                                            "displayName": "Alice Anders", "timeZone": zone})
    bob = stack.person("Bob Brown")
    space = stack.space(alice, bob)
    stack.say(space, alice, "/meet Invoices")
    card = wait_until(lambda: [m for m in stack.app_messages(space) if m.get("clientAssignedMessageId", "").startswith(
        "client-meet-")], what="the join card")[0]
    code = card["clientAssignedMessageId"][len("client-meet-"):]
    recorded = stack.storage.meetings.get_meeting_by_card_message(card["name"])
    # Chat documents the user's time zone on card clicks and dialogs only: the /meet had
    # none, and the app learns Alice's from her first click (Refresh).
    assert recorded is not None and recorded.time_zone is None
    click(stack, card["name"], alice, REFRESH, meeting=str(recorded.id))
    assert stack.storage.people.time_zone_of(alice["name"]) == zone
    stack.control("POST", "meet/join", {"space": code, "user": alice["name"]})
    stack.control("POST", "meet/join", {"space": code, "user": bob["name"]})
    ended = stack.control("POST", "meet/end", {"space": code, "transcript": [
        {"user": alice["name"], "text": "Bob, can you send the invoice to Acme tomorrow?"},
        {"user": bob["name"], "text": "Yes, I'll do that."}]})
    stack.control("POST", "pubsub/flush", {"timeoutSeconds": 10})
    stack.control("POST", "clock", {"advanceSeconds": 600})
    stack.control("POST", "pubsub/flush", {"timeoutSeconds": 10})
    name = ended["conferenceRecord"]["name"]

    def digest() -> Any:
        record = stack.storage.summaries.get_summary(name)
        return record.digest if record is not None else None

    [item] = wait_until(digest, what="the digest").action_items
    started = datetime.fromisoformat(ended["conferenceRecord"]["startTime"].replace("Z", "+00:00"))
    assert started.astimezone(ZoneInfo(zone)).date() != started.date()  # the zone matters here
    assert item.owner.display_name == "Bob Brown"
    assert item.due == started.astimezone(ZoneInfo(zone)).date() + timedelta(days=1)
    assert isinstance(item.due, date)


def test_no_transcript_text_reaches_a_log_line_at_debug(stack: Stack, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, the Google client libraries' included
    meeting = Meeting(stack, "Checkout launch")
    transcript = planning_transcript(meeting)
    end_with_transcript(meeting, transcript)
    wait_until(lambda: owner_replies(meeting), what="the reply telling the owners")
    # The emulator plays Google (it holds the transcript by definition); everything else
    # is the app and the libraries it uses.
    app_lines = [record.getMessage() + repr(getattr(record, "fields", "")) for record in caplog.records
                 if not record.name.startswith(("emulator", "werkzeug"))]
    assert any("digest made" in line for line in app_lines)  # the capture did see the app
    for line in transcript:
        fragment = line["text"][:40]
        assert not [logged for logged in app_lines if fragment in logged], fragment
