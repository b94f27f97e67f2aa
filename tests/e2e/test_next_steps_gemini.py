"""``SUMMARIZER=gemini`` end to end: the app asks the emulator's Vertex AI through the real
``google-genai`` SDK as its service account, and whatever the model does — a good answer,
malformed JSON, a safety block, a truncated answer, 429 or 500 for good, a stall past the
budget — the meeting ends with a correct digest (the extractive one when Gemini fails)
and exactly one summary.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest

from domain import Digest
from tests.e2e.conftest import Stack
from tests.e2e.test_lifecycle import Meeting, _lifecycle_stack
from tests.e2e.test_next_steps import end_with_transcript, owner_replies, planning_transcript
from tests.support import wait_until

VERTEX_METHOD = "projects.locations.publishers.models.generateContent"


@pytest.fixture(scope="module")
def gemini_stack() -> Iterator[Stack]:
    # The budget fits inside the test stack's 3 s sync lease (as the configuration demands).
    yield from _lifecycle_stack(pubsub=True, extra_env={"SUMMARIZER": "gemini", "SUMMARIZER_BUDGET_SECONDS": "2.5"})


@pytest.fixture
def stack(gemini_stack: Stack) -> Stack:
    gemini_stack.control("POST", "reset")
    return gemini_stack


def digest_of(stack: Stack, meeting: Meeting) -> Digest:
    stored = stack.storage.meetings.get_meeting_by_card_message(meeting.card_name)
    assert stored is not None and stored.id is not None

    def made() -> Digest | None:
        summaries = stack.storage.summaries.summaries_of(stored.id)  # type: ignore[arg-type]
        return summaries[0].digest if summaries and summaries[0].complete else None

    digest: Digest = wait_until(made, what="the digest and a complete summary")
    return digest


def roster(stack: Stack) -> dict[str, str]:
    """The participant ids the app sent Gemini, read off the request the emulator received."""
    [request] = stack.control("GET", "vertex/requests")["requests"]
    text = json.dumps(request["request"]["contents"])
    section = text.split("Participants (id: display name):", 1)[1].split("\\n\\n", 1)[0]
    return dict(line.split(": ", 1) for line in section.strip("\\n").split("\\n"))


def test_a_good_answer_becomes_the_digest(stack: Stack) -> None:
    stack.control("POST", "vertex/responses", {"responses": [{"json": {
        "action_items": [{"owner_participant": "p1", "task": "Draft the release notes", "due": None,
                          "entry_index": 3}],
        "decisions": [{"text": "Ship the redesign behind a feature flag", "entry_index": 4}],
        "key_points": [{"text": "The pilot cut drop-off by twelve percent", "entry_index": 1}]}}]})
    meeting = Meeting(stack, "Checkout launch")
    end_with_transcript(meeting, planning_transcript(meeting))
    digest = digest_of(stack, meeting)
    assert digest.summarizer == "gemini"
    [item] = digest.action_items
    assert item.owner.display_name == roster(stack)["p1"] and item.task == "Draft the release notes"
    assert [note.text for note in digest.decisions] == ["Ship the redesign behind a feature flag"]
    request = stack.control("GET", "vertex/requests")["requests"][0]
    assert request["principal"].endswith("gserviceaccount.com")  # the app's service account, never a user
    assert len(meeting.summaries()) == 1
    assert "Draft the release notes" in json.dumps(meeting.summaries()[0]["cardsV2"])


@pytest.mark.parametrize("failure", ["malformed", "safety_block", "safety_answer", "truncated", "quota", "error",
                                     "stall"])
def test_any_gemini_failure_ends_with_the_extractive_digest_and_one_summary(stack: Stack, failure: str) -> None:
    answers: dict[str, Any] = {
        "malformed": {"text": '{"action_items": [{"owner_participant": "p1", "task": '},
        "safety_block": {"blockReason": "SAFETY"},
        "safety_answer": {"finishReason": "SAFETY"},
        "truncated": {"finishReason": "MAX_TOKENS", "text": '{"action_items": ['},
    }
    if failure in answers:
        stack.control("POST", "vertex/responses", {"responses": [answers[failure]]})
    elif failure == "stall":
        stack.fault("aiplatform", VERTEX_METHOD, delayMs=6000, times=5)
    else:
        stack.fault("aiplatform", VERTEX_METHOD, status=429 if failure == "quota" else 500, times=50)
    meeting = Meeting(stack, "Checkout launch")
    end_with_transcript(meeting, planning_transcript(meeting))
    digest = digest_of(stack, meeting)
    assert digest.summarizer == "extractive"
    owners = {item.owner.display_name for item in digest.action_items}
    assert owners == {"Bob Brown", "Carol Chen"}  # the same next steps the offline summariser finds
    wait_until(lambda: owner_replies(meeting), what="the owners told")
    assert len(meeting.summaries()) == 1 and len(owner_replies(meeting)) == 1
    assert [c for c in stack.control("GET", "calls")["calls"] if c["method"] == VERTEX_METHOD]
