"""The ``Summaries`` contract (``storage.summaries``), on SQLite and PostgreSQL: what was
posted about each conference, its digest (never more of the transcript), newest first.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import sqlalchemy as sa

from bot.storage import Storage, Summaries, SummaryRecord
from bot.storage.tables import conference_summaries
from domain import ActionItem, Artifact, ArtifactKind, Attendance, AttendeeKind, Digest, DigestOutcome, Note, Speaker
from tests.storage.helpers import T0, make_meeting


def test_summaries_keep_times_and_links_newest_first(store: Storage, summaries: Summaries) -> None:
    meeting = store.meetings.record_meeting(make_meeting())
    assert meeting.id is not None
    attendance = Attendance((), 0, frozenset())
    for index in range(2):
        start = T0 + timedelta(hours=index)
        summaries.save_summary(SummaryRecord(f"conferenceRecords/c{index}", meeting.id, f"spaces/x/messages/{index}",
                                         "hash", True, attendance, start, start + timedelta(minutes=42),
                                         (Artifact(ArtifactKind.RECORDING, True, "https://drive.google.com/r"),)))
    found = summaries.summaries_of_meetings([meeting.id, 999])
    assert [s.conference_record for s in found[meeting.id]] == ["conferenceRecords/c1", "conferenceRecords/c0"]
    assert found[999] == []
    latest = found[meeting.id][0]
    assert latest.ended_at - latest.started_at == timedelta(minutes=42)  # type: ignore[operator]
    assert latest.artifacts[0].url == "https://drive.google.com/r"


BOB = Speaker("conferenceRecords/c/participants/2", "Bob Brown", AttendeeKind.SIGNED_IN, "users/2")
GUEST = Speaker("conferenceRecords/c/participants/9", "Maria (Acme) <b>", AttendeeKind.ANONYMOUS)


DIGEST = Digest(
    DigestOutcome.READY,
    (ActionItem(BOB, "draft the release notes", timedelta(minutes=3, seconds=2.5), date(2026, 12, 4)),
     ActionItem(GUEST, "send the signed contract — 週次 🎉", timedelta(minutes=41))),
    (Note("ship behind a flag", timedelta(minutes=12)),),
    (Note("drop-off fell 12%", timedelta(seconds=30)),),
    language="en-US", summarizer="gemini")


def _summary(meeting_id: int, digest: Digest | None, told: bool = False) -> SummaryRecord:
    return SummaryRecord("conferenceRecords/c", meeting_id, "spaces/x/messages/s", "hash", False,
                         Attendance((), 0, frozenset()), T0, T0 + timedelta(hours=1), (), digest, told)


def test_a_digest_and_its_owners_told_round_trip(store: Storage, summaries: Summaries) -> None:
    meeting = store.meetings.record_meeting(make_meeting())
    assert meeting.id is not None
    summaries.save_summary(_summary(meeting.id, None))
    first = summaries.get_summary("conferenceRecords/c")
    assert first is not None and first.digest is None and not first.owners_told
    summaries.save_summary(_summary(meeting.id, DIGEST, told=True))
    again = summaries.get_summary("conferenceRecords/c")
    assert again is not None and again.digest == DIGEST and again.owners_told
    for outcome in (DigestOutcome.UNSUPPORTED_LANGUAGE, DigestOutcome.EMPTY):
        honest = Digest(outcome, language="fr-FR")
        summaries.save_summary(_summary(meeting.id, honest))
        kept = summaries.get_summary("conferenceRecords/c")
        assert kept is not None and kept.digest == honest and not kept.owners_told


def test_only_the_digest_is_stored_never_more_of_the_transcript(store: Storage, summaries: Summaries) -> None:
    meeting = store.meetings.record_meeting(make_meeting())
    assert meeting.id is not None
    summaries.save_summary(_summary(meeting.id, DIGEST))
    with store.engine.connect() as connection:
        row = connection.execute(sa.select(conference_summaries.c.digest)).scalar_one()
    stored = row if isinstance(row, dict) else json.loads(row)
    assert set(stored) == {"outcome", "language", "summarizer", "items", "decisions", "keyPoints"}
    assert [item["task"] for item in stored["items"]] == [item.task for item in DIGEST.action_items]
