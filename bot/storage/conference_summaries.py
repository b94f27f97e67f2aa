"""What the app posted about each conference of a meeting: the summary reply, its
attendance, artifacts and digest (also what /meetrecent shows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from domain import (
    ActionItem,
    Artifact,
    ArtifactKind,
    Attendance,
    Attendee,
    AttendeeKind,
    Digest,
    DigestOutcome,
    Note,
    Person,
    Speaker,
)
from bot.storage.database import Database
from bot.storage.errors import translate_errors
from bot.storage.tables import conference_summaries


@dataclass(frozen=True)
class SummaryRecord:
    conference_record: str
    meeting_id: int
    message_name: str
    content_hash: str
    complete: bool
    attendance: Attendance
    # For /meetrecent (None / empty for rows written before they were kept).
    started_at: datetime | None = None
    ended_at: datetime | None = None
    artifacts: tuple[Artifact, ...] = ()
    # Made once, when the transcript is ready (None: not yet, or next steps are off).
    digest: Digest | None = None
    owners_told: bool = False  # the reply mentioning the owners was posted


def _artifacts_to_json(artifacts: tuple[Artifact, ...]) -> list[dict[str, Any]]:
    return [{"kind": a.kind.value, "ready": a.ready, "url": a.url} for a in artifacts]


def _artifacts_from_json(data: Any) -> tuple[Artifact, ...]:
    return tuple(Artifact(ArtifactKind(a["kind"]), bool(a.get("ready")), a.get("url")) for a in data or ())


def _summary(row: Any) -> SummaryRecord:
    return SummaryRecord(row["conference_record"], row["meeting_id"], row["message_name"], row["content_hash"],
                         bool(row["complete"]), _attendance_from_json(row["attendance"]), row["started_at"],
                         row["ended_at"], _artifacts_from_json(row["artifacts"]),
                         _stored_digest(row["digest"]),
                         bool(row["owners_told"]))


def _stored_digest(data: Any) -> Digest | None:
    """A stored digest, or None for none (or for one written in a shape this version cannot
    read: the next sync makes it again rather than failing every time)."""
    if not isinstance(data, dict):
        return None
    try:
        return digest_from_json(data)
    except (KeyError, TypeError, ValueError):
        return None


def _speaker_to_json(speaker: Speaker) -> dict[str, Any]:
    return {"participant": speaker.participant, "name": speaker.display_name, "kind": speaker.kind.value,
            "user": speaker.user_name}


def _speaker_from_json(data: dict[str, Any]) -> Speaker:
    return Speaker(str(data["participant"]), str(data["name"]), AttendeeKind(data["kind"]), data.get("user"))


def _note_to_json(note: Note) -> dict[str, Any]:
    return {"text": note.text, "at": note.said_at.total_seconds()}


def _note_from_json(data: dict[str, Any]) -> Note:
    return Note(str(data["text"]), timedelta(seconds=float(data["at"])))


def digest_to_json(digest: Digest) -> dict[str, Any]:
    """What is kept of a transcript: only the digest the summary shows."""
    return {"outcome": digest.outcome.value, "language": digest.language, "summarizer": digest.summarizer,
            "items": [{"owner": _speaker_to_json(item.owner), "task": item.task, "at": item.said_at.total_seconds(),
                       "due": item.due.isoformat() if item.due else None} for item in digest.action_items],
            "decisions": [_note_to_json(note) for note in digest.decisions],
            "keyPoints": [_note_to_json(note) for note in digest.key_points]}


def digest_from_json(data: dict[str, Any]) -> Digest:
    items = tuple(ActionItem(_speaker_from_json(item["owner"]), str(item["task"]),
                             timedelta(seconds=float(item["at"])),
                             date.fromisoformat(item["due"]) if item.get("due") else None)
                  for item in data.get("items", []))
    return Digest(DigestOutcome(data["outcome"]), items,
                  tuple(_note_from_json(note) for note in data.get("decisions", [])),
                  tuple(_note_from_json(note) for note in data.get("keyPoints", [])),
                  data.get("language"), str(data.get("summarizer") or "extractive"))


def _attendance_to_json(attendance: Attendance) -> dict[str, Any]:
    @translate_errors
    def moment(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {"total": attendance.total, "signedIn": sorted(attendance.signed_in),
            "absent": [person.to_json() for person in attendance.absent],
            "absentTotal": attendance.absent_total, "attendees": [
        {"kind": a.kind.value, "name": a.display_name, "user": a.user_name, "joined": moment(a.first_joined),
         "left": moment(a.last_left), "sessions": a.sessions} for a in attendance.attendees]}


def _attendance_from_json(data: dict[str, Any]) -> Attendance:
    @translate_errors
    def moment(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    attendees = tuple(Attendee(AttendeeKind(a["kind"]), a["name"], a.get("user"), moment(a.get("joined")),
                               moment(a.get("left")), a.get("sessions")) for a in data.get("attendees", []))
    absent = tuple(Person.from_json(item) for item in data.get("absent", []))
    return Attendance(attendees, int(data.get("total", len(attendees))), frozenset(data.get("signedIn", [])),
                      absent, int(data.get("absentTotal", len(absent))))


class SqlSummaries:
    """``Summaries`` over SQLite or PostgreSQL."""

    def __init__(self, database: Database) -> None:
        self._db = database

    @translate_errors
    def get_summary(self, conference_record: str) -> SummaryRecord | None:
        query = sa.select(conference_summaries).where(conference_summaries.c.conference_record == conference_record)
        with self._db.reading(one_statement=True) as connection:
            row = connection.execute(query).mappings().one_or_none()
        return _summary(row) if row is not None else None

    @translate_errors
    def save_summary(self, record: SummaryRecord) -> None:
        values = {"conference_record": record.conference_record, "meeting_id": record.meeting_id,
                  "message_name": record.message_name, "content_hash": record.content_hash,
                  "complete": record.complete, "attendance": _attendance_to_json(record.attendance),
                  "started_at": record.started_at, "ended_at": record.ended_at,
                  "artifacts": _artifacts_to_json(record.artifacts),
                  "digest": digest_to_json(record.digest) if record.digest is not None else None,
                  "owners_told": record.owners_told,
                  "updated_at": self._db.now()}
        insert = self._db.insert(conference_summaries).values(values)
        insert = insert.on_conflict_do_update(index_elements=["conference_record"], set_={
            key: insert.excluded[key] for key in ("message_name", "content_hash", "complete", "attendance",
                                                  "started_at", "ended_at", "artifacts", "digest", "owners_told",
                                                  "updated_at")})
        with self._db.writing() as connection:
            connection.execute(insert)

    @translate_errors
    def summaries_of(self, meeting_id: int) -> list[SummaryRecord]:
        query = sa.select(conference_summaries).where(conference_summaries.c.meeting_id == meeting_id)
        with self._db.reading(one_statement=True) as connection:
            rows = list(connection.execute(query).mappings())
        return [_summary(row) for row in rows]

    @translate_errors
    def summaries_of_meetings(self, meeting_ids: list[int]) -> dict[int, list[SummaryRecord]]:
        """Every summary of each meeting, newest conference first (one query for /meetrecent)."""
        if not meeting_ids:
            return {}
        query = (sa.select(conference_summaries).where(conference_summaries.c.meeting_id.in_(meeting_ids))
                 .order_by(conference_summaries.c.started_at.desc()))
        found: dict[int, list[SummaryRecord]] = {meeting_id: [] for meeting_id in meeting_ids}
        with self._db.reading(one_statement=True) as connection:
            for row in connection.execute(query).mappings():
                found[row["meeting_id"]].append(_summary(row))
        return found
