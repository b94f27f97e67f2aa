"""GeminiSummarizer through the emulator's Vertex AI, over real HTTP with the real google-genai SDK.

Every failure ends in the fallback's digest (``summarizer == "extractive"``); the fallback
here is a small recording fake so each test can check it saw every line exactly once,
and a few tests use the real extractive summariser through ``build_summarizer``.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, Iterator

import pytest
from google import genai
from google.genai import types

from bot.config import Config
from bot.digest.factory import build_summarizer, vertex_credentials
from bot.digest.gemini import CLOUD_PLATFORM_SCOPE, SYSTEM_INSTRUCTION, GeminiSummarizer
from domain import (
    MAX_KEY_POINTS, ActionItem, AttendeeKind, Digest, DigestContext, DigestOutcome, Note, Speaker, TranscriptLine,
)
from tests.support import MEET_SCOPE, Emulator

METHOD = "projects.locations.publishers.models.generateContent"
PROJECT = "emulated-project"

ALICE = Speaker("conferenceRecords/c1/participants/a", "Alice Liddell", user_name="users/101")
BOB = Speaker("conferenceRecords/c1/participants/b", "Bob Builder", user_name="users/102")
GUEST = Speaker("conferenceRecords/c1/participants/g", "Guest 1", kind=AttendeeKind.ANONYMOUS)
# Wednesday 12 March 2025, 09:00 UTC = 10:00 in Paris.
CONTEXT = DigestContext(started_at=datetime(2025, 3, 12, 9, 0, tzinfo=timezone.utc), time_zone="Europe/Paris",
                        participants=(ALICE, BOB, GUEST))
SCRIPT = [
    (ALICE, "Good morning, let's start with the budget."),
    (BOB, "The budget is on track for the quarter."),
    (ALICE, "Bob, can you send the figures to finance by Friday?"),
    (BOB, "Yes, I'll send them."),
    (ALICE, "Then we launch on the first of April, agreed?"),
    (GUEST, "Agreed."),
]
SECRET_WORDS = "figures to finance"  # transcript text that must never reach a log


def transcript(script: list[tuple[Speaker, str]] = SCRIPT) -> list[TranscriptLine]:
    return [TranscriptLine(index, speaker, text, timedelta(seconds=30 * index + 5))
            for index, (speaker, text) in enumerate(script)]


class ReadOnce:
    """An iterable that may be iterated once only, as the lifecycle's stream of pages."""

    def __init__(self, lines: list[TranscriptLine]) -> None:
        self._lines, self._used = lines, False

    def __iter__(self) -> Iterator[TranscriptLine]:
        assert not self._used, "the transcript was read twice"
        self._used = True
        return iter(self._lines)


FALLBACK_DIGEST = Digest(outcome=DigestOutcome.READY, decisions=(Note("fallback's own", timedelta(0)),),
                         language="en-US", summarizer="extractive")


@dataclass
class RecordingFallback:
    """Stands in for the extractive summariser: records what it read, answers a fixed digest."""

    read_only: int | None = None  # stop reading after this many lines (as a summariser may)
    seen: list[int] = field(default_factory=list)
    name: str = "extractive"

    def summarize(self, lines: Iterable[TranscriptLine], context: DigestContext) -> Digest:
        for line in lines:
            self.seen.append(line.index)
            if self.read_only is not None and len(self.seen) >= self.read_only:
                break
        if not self.seen:
            return Digest(outcome=DigestOutcome.EMPTY, summarizer="extractive")
        return FALLBACK_DIGEST


# -- fixtures and helpers --------------------------------------------------------------------
@pytest.fixture
def credentials(emulator: Emulator) -> Any:
    return emulator.app_credentials([CLOUD_PLATFORM_SCOPE])


_clients: list[genai.Client] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _clients:
        _clients.pop().close()


def vertex(emulator: Emulator, credentials: Any) -> genai.Client:
    client = genai.Client(vertexai=True, project=PROJECT, location="global", credentials=credentials,
                          http_options=types.HttpOptions(base_url=emulator.url, timeout=10_000))
    _clients.append(client)
    return client


def summarizer(emulator: Emulator, credentials: Any, fallback: RecordingFallback | None = None,
               **options: Any) -> GeminiSummarizer:
    options.setdefault("sleep", lambda seconds: None)  # backoff without waiting
    return GeminiSummarizer(vertex(emulator, credentials), fallback=fallback or RecordingFallback(), **options)


def queue(emulator: Emulator, *items: dict[str, Any]) -> None:
    emulator.control("POST", "vertex/responses", {"responses": list(items)})


def fault(emulator: Emulator, times: int, status: int | None = None, delay_ms: int = 0) -> None:
    body: dict[str, Any] = {"api": "aiplatform", "method": METHOD, "times": times}
    if status:
        body["status"] = status
    if delay_ms:
        body["delayMs"] = delay_ms
    emulator.control("POST", "faults", body)


def received(emulator: Emulator) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = emulator.control("GET", "vertex/requests")["requests"]
    return found


def prompt_of(request: dict[str, Any]) -> str:
    return "".join(part["text"] for content in request["request"]["contents"] for part in content["parts"])


def statuses(emulator: Emulator) -> list[int]:
    return [call["status"] for call in emulator.calls("aiplatform")]


GOOD_ANSWER: dict[str, Any] = {
    "action_items": [
        {"owner_participant": "p2", "task": "Send the figures to finance", "due": "2025-03-14", "entry_index": 3},
        {"owner_participant": "p1", "task": "Book the launch room", "due": None, "entry_index": 4},
    ],
    "decisions": [{"text": "Launch on 1 April", "entry_index": 5}],
    "key_points": [{"text": "The budget is on track", "entry_index": 1}],
}


def expect_fallback(digest: Digest, fallback: RecordingFallback, lines: int = len(SCRIPT)) -> None:
    assert digest == FALLBACK_DIGEST and digest.summarizer == "extractive"
    assert fallback.seen == list(range(lines))


# -- a good answer ---------------------------------------------------------------------------
def test_a_good_answer_becomes_the_digest(emulator: Emulator, credentials: Any) -> None:
    queue(emulator, {"json": GOOD_ANSWER})
    fallback = RecordingFallback()
    digest = summarizer(emulator, credentials, fallback).summarize(ReadOnce(transcript()), CONTEXT)

    lines = transcript()
    assert digest.summarizer == "gemini" and digest.outcome is DigestOutcome.READY
    assert digest.action_items == (
        ActionItem(owner=BOB, task="Send the figures to finance", said_at=lines[3].offset, due=date(2025, 3, 14)),
        ActionItem(owner=ALICE, task="Book the launch room", said_at=lines[4].offset, due=None),
    )
    assert digest.decisions == (Note("Launch on 1 April", lines[5].offset),)
    assert digest.key_points == (Note("The budget is on track", lines[1].offset),)
    assert digest.language == "en-US"
    assert fallback.seen == list(range(len(SCRIPT)))  # the fallback read every line too, in the same pass


def test_the_request_carries_ids_roster_date_rules_and_schema(emulator: Emulator, credentials: Any) -> None:
    summarizer(emulator, credentials).summarize(transcript(), CONTEXT)
    [request] = received(emulator)
    assert request["model"] == f"projects/{PROJECT}/locations/global/publishers/google/models/gemini-2.5-flash"
    assert request["principal"] == emulator.state.config.app_service_account
    prompt = prompt_of(request)
    assert "p1: Alice Liddell\np2: Bob Builder\np3: Guest 1" in prompt
    assert "[2] p1: Bob, can you send the figures to finance by Friday?\n[3] p2: Yes, I'll send them." in prompt
    assert "2025-03-12 (Wednesday)" in prompt and "Europe/Paris" in prompt and "10:00" in prompt
    body = request["request"]
    assert body["systemInstruction"]["parts"][0]["text"] == SYSTEM_INSTRUCTION
    config = body["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    schema = config["responseSchema"]
    assert schema["required"] == ["action_items", "decisions", "key_points"]
    item = schema["properties"]["action_items"]["items"]
    assert set(item["properties"]) == {"owner_participant", "task", "due", "entry_index"}
    assert item["properties"]["due"]["nullable"] is True and item["properties"]["entry_index"]["type"] == "INTEGER"
    assert schema["properties"]["key_points"]["maxItems"] in (MAX_KEY_POINTS, str(MAX_KEY_POINTS))


def test_without_a_queued_answer_the_default_is_an_empty_gemini_digest(emulator: Emulator, credentials: Any) -> None:
    digest = summarizer(emulator, credentials).summarize(transcript(), CONTEXT)
    assert digest == Digest(outcome=DigestOutcome.READY, language="en-US", summarizer="gemini")


def test_a_due_date_before_the_meeting_is_dropped_not_the_item(emulator: Emulator, credentials: Any) -> None:
    answer = {**GOOD_ANSWER, "action_items": [{**GOOD_ANSWER["action_items"][0], "due": "2025-03-07"}]}
    queue(emulator, {"json": answer})
    digest = summarizer(emulator, credentials).summarize(transcript(), CONTEXT)
    assert digest.summarizer == "gemini"
    assert [(item.owner, item.due) for item in digest.action_items] == [(BOB, None)]


def test_long_texts_are_clipped_and_repeated_items_kept_once(emulator: Emulator, credentials: Any) -> None:
    item = GOOD_ANSWER["action_items"][0]
    answer = {"action_items": [{**item, "task": "Send   the figures\nto finance " + "x" * 500},
                               {**item, "task": "send the figures to finance"},
                               {**item, "task": "Send the figures to finance!"}],
              "decisions": [], "key_points": []}
    queue(emulator, {"json": answer})
    digest = summarizer(emulator, credentials, task_chars=60).summarize(transcript(), CONTEXT)
    assert len(digest.action_items) == 2
    assert digest.action_items[0].task.startswith("Send the figures to finance xxx")
    assert len(digest.action_items[0].task) <= 60 and "\n" not in digest.action_items[0].task
    assert digest.action_items[1].task == "send the figures to finance"


# -- failures end in the fallback's digest ---------------------------------------------------
@pytest.mark.parametrize("answer, reason", [
    ({"text": "{not json"}, "malformed_json"),
    ({"text": "Sure! Here are the items: none."}, "malformed_json"),
    ({"json": ["not", "an", "object"]}, "schema"),
    ({"blockReason": "SAFETY"}, "blocked"),
    ({"finishReason": "SAFETY"}, "safety"),
    ({"finishReason": "MAX_TOKENS", "text": '{"action_items": [{"owner_participant": "p2", "ta'}, "truncated"),
    ({"finishReason": "RECITATION", "text": "{}"}, "finish_reason"),
    ({"json": {**GOOD_ANSWER, "action_items": [{**GOOD_ANSWER["action_items"][0], "owner_participant": "p9"}]}},
     "unknown_owner"),
    ({"json": {**GOOD_ANSWER, "action_items": [{**GOOD_ANSWER["action_items"][0], "owner_participant": "Bob"}]}},
     "unknown_owner"),
    ({"json": {**GOOD_ANSWER, "action_items": [{**GOOD_ANSWER["action_items"][0], "due": "next Friday"}]}},
     "invalid_date"),
    ({"json": {**GOOD_ANSWER, "action_items": [{**GOOD_ANSWER["action_items"][0], "due": "2025-02-30"}]}},
     "invalid_date"),
    ({"json": {**GOOD_ANSWER, "decisions": [{"text": "Launch", "entry_index": 99}]}}, "invalid_index"),
    ({"json": {**GOOD_ANSWER, "key_points": [{"text": "Budget", "entry_index": True}]}}, "invalid_index"),
    ({"json": {**GOOD_ANSWER, "decisions": "Launch on 1 April"}}, "schema"),
    ({"json": {**GOOD_ANSWER, "action_items": [{**GOOD_ANSWER["action_items"][0], "task": 7}]}}, "schema"),
])
def test_a_bad_answer_falls_back_with_one_warning(emulator: Emulator, credentials: Any, caplog: Any,
                                                  answer: dict[str, Any], reason: str) -> None:
    queue(emulator, answer)
    fallback = RecordingFallback()
    with caplog.at_level(logging.INFO, logger="bot.digest.gemini"):
        digest = summarizer(emulator, credentials, fallback).summarize(ReadOnce(transcript()), CONTEXT)
    expect_fallback(digest, fallback)
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1 and warnings[0].fields["reason"] == reason  # type: ignore[attr-defined]
    assert statuses(emulator) == [200]  # a bad answer is not asked again
    for record in caplog.records:  # counts and reasons only: no transcript, no model text
        logged = record.getMessage() + json.dumps(getattr(record, "fields", {}), default=str)
        assert SECRET_WORDS not in logged and "Launch" not in logged and "Bob" not in logged


def test_429_is_retried_then_the_answer_is_used(emulator: Emulator, credentials: Any) -> None:
    fault(emulator, times=2, status=429)
    queue(emulator, {"json": GOOD_ANSWER})
    slept: list[float] = []
    digest = summarizer(emulator, credentials, sleep=slept.append).summarize(transcript(), CONTEXT)
    assert digest.summarizer == "gemini" and len(digest.action_items) == 2
    assert statuses(emulator) == [429, 429, 200]
    assert len(slept) == 2 and all(0 <= delay <= 8 for delay in slept)


@pytest.mark.parametrize("status", [500, 503])
def test_a_persistent_server_error_is_retried_a_bounded_number_of_times(emulator: Emulator, credentials: Any,
                                                                       caplog: Any, status: int) -> None:
    fault(emulator, times=50, status=status)
    fallback = RecordingFallback()
    with caplog.at_level(logging.WARNING, logger="bot.digest.gemini"):
        digest = summarizer(emulator, credentials, fallback, attempts=4).summarize(transcript(), CONTEXT)
    expect_fallback(digest, fallback)
    assert statuses(emulator) == [status] * 4
    [warning] = caplog.records
    assert warning.fields["reason"] == "unavailable" and warning.fields["status"] == status  # type: ignore[attr-defined]


def test_a_refused_call_is_not_retried(emulator: Emulator) -> None:
    emulator.add_user("alice@example.com")
    user = emulator.authorize("alice@example.com", scopes=[MEET_SCOPE])  # a user's token: never for Vertex
    fallback = RecordingFallback()
    digest = summarizer(emulator, user, fallback).summarize(transcript(), CONTEXT)
    expect_fallback(digest, fallback)
    assert statuses(emulator) == [403]


def test_a_stall_past_the_budget_falls_back_in_time(emulator: Emulator, credentials: Any, caplog: Any) -> None:
    fault(emulator, times=5, delay_ms=4000)
    queue(emulator, {"json": GOOD_ANSWER})
    fallback = RecordingFallback()
    with caplog.at_level(logging.WARNING, logger="bot.digest.gemini"):
        digest = summarizer(emulator, credentials, fallback, budget_seconds=1.5, sleep=time.sleep).summarize(
            transcript(), CONTEXT)
    # The stalled answer would have been good: a fallback for running out of time proves
    # the budget cut the call short (how fast is the benchmarks' business, not a test's).
    expect_fallback(digest, fallback)
    assert caplog.records[0].fields["reason"] in ("timeout", "budget")  # type: ignore[attr-defined]


def test_an_empty_transcript_asks_nothing(emulator: Emulator, credentials: Any) -> None:
    digest = summarizer(emulator, credentials).summarize(iter(()), CONTEXT)
    assert digest.outcome is DigestOutcome.EMPTY
    assert received(emulator) == []


def test_lines_the_fallback_did_not_read_still_reach_gemini(emulator: Emulator, credentials: Any) -> None:
    queue(emulator, {"json": GOOD_ANSWER})
    fallback = RecordingFallback(read_only=2)
    digest = summarizer(emulator, credentials, fallback).summarize(ReadOnce(transcript()), CONTEXT)
    assert digest.summarizer == "gemini" and fallback.seen == [0, 1]
    assert "[5] p3: Agreed." in prompt_of(received(emulator)[0])


def test_a_speaker_missing_from_the_participants_gets_an_id_too(emulator: Emulator, credentials: Any) -> None:
    carol = Speaker("conferenceRecords/c1/participants/c", "Carol Chen", user_name="users/103")
    queue(emulator, {"json": {"action_items": [{"owner_participant": "p4", "task": "Write the notes", "due": None,
                                                "entry_index": 6}], "decisions": [], "key_points": []}})
    lines = transcript(SCRIPT + [(carol, "I'll write the notes.")])
    digest = summarizer(emulator, credentials).summarize(lines, CONTEXT)
    assert [(item.owner, item.said_at) for item in digest.action_items] == [(carol, lines[6].offset)]
    assert "p4: Carol Chen" in prompt_of(received(emulator)[0])


# -- long transcripts ------------------------------------------------------------------------
def test_a_long_transcript_is_split_into_requests_and_merged(emulator: Emulator, credentials: Any) -> None:
    script = [(ALICE if n % 2 else BOB, f"Line number {n:02d} of a long meeting about many things.") for n in range(30)]
    lines = transcript(script)
    entry = len("[00] p1: ") + len(script[0][1]) + 1
    budget = entry * 10 + 5  # ten entries a request
    answers = []
    for first in range(0, 30, 10):
        answers.append({"json": {
            # The same commitment heard in every part: kept once, first said.
            "action_items": [{"owner_participant": "p2", "task": "Send the report", "due": None,
                              "entry_index": first + 2},
                             {"owner_participant": "p1", "task": f"Task from part {first // 10 + 1}",
                              "due": "2025-03-20", "entry_index": first + 9}],
            "decisions": [{"text": "Keep the weekly slot", "entry_index": first}],
            "key_points": [{"text": f"Point {first + k}", "entry_index": first + k} for k in range(3)],
        }})
    queue(emulator, *answers)
    fallback = RecordingFallback()
    digest = summarizer(emulator, credentials, fallback, chunk_chars=budget).summarize(ReadOnce(lines), CONTEXT)

    requests_ = received(emulator)
    assert len(requests_) == 3
    for number, request in enumerate(requests_):
        prompt = prompt_of(request)
        shown = [int(text.split("]")[0]) for text in prompt.split("\n[")[1:]]
        assert shown == list(range(number * 10, number * 10 + 10))
        assert "p1: Alice Liddell" in prompt
        assert ("Transcript part" in prompt) == (number > 0)
    assert digest.summarizer == "gemini" and fallback.seen == list(range(30))
    assert [item.task for item in digest.action_items] == [
        "Send the report", "Task from part 1", "Task from part 2", "Task from part 3"]
    assert digest.action_items[0].said_at == lines[2].offset
    assert digest.decisions == (Note("Keep the weekly slot", lines[0].offset),)
    assert len(digest.key_points) == MAX_KEY_POINTS
    # Each part of the meeting is represented, in the order things were said.
    assert [note.text for note in digest.key_points] == ["Point 0", "Point 1", "Point 10", "Point 11", "Point 20"]


def test_a_failing_part_of_a_long_transcript_falls_back_for_all(emulator: Emulator, credentials: Any) -> None:
    script = [(ALICE, f"Sentence {n:02d} said in a long meeting.") for n in range(20)]
    entry = len("[00] p1: ") + len(script[0][1]) + 1
    queue(emulator, {"json": {"action_items": [], "decisions": [], "key_points": []}}, {"text": "garbage"})
    fallback = RecordingFallback()
    digest = summarizer(emulator, credentials, fallback, chunk_chars=entry * 5).summarize(
        ReadOnce(transcript(script)), CONTEXT)
    expect_fallback(digest, fallback, lines=20)
    assert len(received(emulator)) == 2  # no request after the failure


def test_an_index_from_another_part_is_refused(emulator: Emulator, credentials: Any) -> None:
    script = [(ALICE, f"Sentence {n:02d} said in a long meeting.") for n in range(10)]
    entry = len("[00] p1: ") + len(script[0][1]) + 1
    queue(emulator, {"json": {"action_items": [], "decisions": [], "key_points": []}},
          {"json": {"action_items": [], "decisions": [{"text": "From part one", "entry_index": 1}], "key_points": []}})
    fallback = RecordingFallback()
    digest = summarizer(emulator, credentials, fallback, chunk_chars=entry * 5).summarize(transcript(script), CONTEXT)
    expect_fallback(digest, fallback, lines=10)


# -- the factory, with the real extractive summariser ---------------------------------------
def emulator_config(emulator: Emulator, **env: str) -> Config:
    return Config.from_env({"GOOGLE_API_ENDPOINT": emulator.url, "VERTEX_PROJECT": PROJECT, **env})


def test_factory_builds_the_extractive_summariser_by_default(emulator: Emulator) -> None:
    from bot.digest.extractive import ExtractiveSummarizer

    assert isinstance(build_summarizer(emulator_config(emulator)), ExtractiveSummarizer)


def test_factory_builds_gemini_on_the_emulator_with_the_app_key(emulator: Emulator, tmp_path: Any) -> None:
    from bot.digest.extractive import ExtractiveSummarizer

    key = tmp_path / "key.json"
    key.write_text(json.dumps(emulator.service_account_info(emulator.state.config.app_service_account)))
    config = emulator_config(emulator, SUMMARIZER="gemini", CHAT_CREDENTIALS_FILE=str(key),
                             GEMINI_MODEL="gemini-2.0-flash-001", VERTEX_LOCATION="europe-west1")
    built = build_summarizer(config)
    assert isinstance(built, GeminiSummarizer) and isinstance(built.fallback, ExtractiveSummarizer)
    assert built.budget_seconds == config.summarizer_budget_seconds
    queue(emulator, {"json": GOOD_ANSWER})
    digest = built.summarize(ReadOnce(transcript()), CONTEXT)
    assert digest.summarizer == "gemini" and [item.owner for item in digest.action_items] == [BOB, ALICE]
    [call] = emulator.calls("aiplatform")
    assert call["path"] == (f"/v1beta1/projects/{PROJECT}/locations/europe-west1/publishers/google/models/"
                            "gemini-2.0-flash-001:generateContent")
    assert call["principal"] == emulator.state.config.app_service_account
    assert CLOUD_PLATFORM_SCOPE in vertex_credentials(config).scopes  # type: ignore[attr-defined]


def test_gemini_failure_gives_the_real_extractive_digest(emulator: Emulator, credentials: Any) -> None:
    from bot.digest.extractive import ExtractiveSummarizer

    config = emulator_config(emulator, SUMMARIZER="gemini")
    built = build_summarizer(config, credentials)
    assert isinstance(built, GeminiSummarizer)
    queue(emulator, {"blockReason": "SAFETY"})
    expected = ExtractiveSummarizer().summarize(transcript(), CONTEXT)
    digest = built.summarize(ReadOnce(transcript()), CONTEXT)
    assert digest == expected and digest.summarizer == "extractive"


def test_with_the_real_extractive_fallback_an_empty_transcript_asks_nothing(emulator: Emulator,
                                                                           credentials: Any) -> None:
    built = build_summarizer(emulator_config(emulator, SUMMARIZER="gemini"), credentials)
    assert built.summarize(ReadOnce([]), CONTEXT) == Digest(DigestOutcome.EMPTY, summarizer="extractive")
    assert emulator.calls("aiplatform") == []


def test_with_the_real_extractive_fallback_a_long_transcript_is_still_chunked(emulator: Emulator,
                                                                              credentials: Any) -> None:
    built = build_summarizer(emulator_config(emulator, SUMMARIZER="gemini"), credentials)
    assert isinstance(built, GeminiSummarizer)
    built.chunk_chars = 400
    script = [(ALICE if n % 2 else BOB, f"Line number {n:02d}: I'll check item {n} by Friday.") for n in range(30)]
    digest = built.summarize(ReadOnce(transcript(script)), CONTEXT)
    assert digest == Digest(DigestOutcome.READY, language="en-US", summarizer="gemini")  # the default answers
    requests_ = received(emulator)
    assert len(requests_) > 3
    shown = [int(text.split("]")[0]) for request in requests_ for text in prompt_of(request).split("\n[")[1:]]
    assert shown == list(range(30))
