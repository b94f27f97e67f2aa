"""Reading a meeting's state from the Meet REST API into domain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Iterator

from google.auth.credentials import Credentials


from ..google.timestamps import parse_time
from domain import (
    CallState,
    Artifact,
    ArtifactKind,
    Attendance,
    Attendee,
    AttendeeKind,
    DEFAULT_LANGUAGE,
    MeetingStatus,
    Speaker,
    TranscriptLine,
)
from ..google.meet import MeetGateway

# How many attendees get their sessions counted (one API call each) and listed by
# name; beyond this the summary says "and N more", so a 1,000-person meeting costs a
# bounded number of calls and bounded memory.
DETAILED_ATTENDEES = 60


@dataclass(frozen=True)
class LiveState:
    status: MeetingStatus
    call: CallState
    latest_record: str | None
    ended_records: tuple[dict[str, Any], ...]  # conference records that ended, newest first


def read_live_state(meet: MeetGateway, credentials: Credentials, space: str, *,
                    organizer: str | None = None) -> LiveState:
    """What the join card shows: the latest conference's state and, while it runs, who is
    in it in the order they joined (the organizer, ``users/{id}``, first when present)."""
    records = list(meet.conference_records(credentials, space))  # newest first
    ended = tuple(record for record in records if record.get("endTime"))
    if not records:
        return LiveState(MeetingStatus.WAITING, CallState(), None, ended)
    latest = records[0]
    started = parse_time(latest.get("startTime"))
    if latest.get("endTime"):
        return LiveState(MeetingStatus.ENDED, CallState(started, parse_time(latest["endTime"])), latest["name"], ended)
    participants = list(meet.participants(credentials, latest["name"], only_present=True))
    participants.sort(key=lambda p: (organizer is None or _user_of(p) != organizer,
                                     parse_time(p.get("earliestStartTime")) or _LATEST))
    present = [_display_name(p) for p in participants]
    return LiveState(MeetingStatus.IN_PROGRESS, CallState(started, None, tuple(present)), latest["name"], ended)


_LATEST = datetime.max.replace(tzinfo=timezone.utc)  # a participant with no start time: listed last


def _user_of(participant: dict[str, Any]) -> str | None:
    user = (participant.get("signedinUser") or {}).get("user")
    return str(user) if user else None


def _display_name(participant: dict[str, Any]) -> str:
    for key, prefix in (("signedinUser", ""), ("anonymousUser", "Guest: "), ("phoneUser", "Phone: ")):
        if isinstance(participant.get(key), dict):
            return prefix + str(participant[key].get("displayName") or "Unknown")
    return "Unknown"


def _attendee(participant: dict[str, Any], sessions: int | None) -> Attendee:
    if isinstance(participant.get("signedinUser"), dict):
        user = participant["signedinUser"]
        kind, name, user_name = AttendeeKind.SIGNED_IN, str(user.get("displayName") or "Unknown"), user.get("user")
    elif isinstance(participant.get("phoneUser"), dict):
        kind, name, user_name = AttendeeKind.PHONE, str(participant["phoneUser"].get("displayName") or ""), None
    else:
        kind, name, user_name = AttendeeKind.ANONYMOUS, str((participant.get("anonymousUser") or {}).get(
            "displayName") or "Guest"), None
    return Attendee(kind, name, user_name, parse_time(participant.get("earliestStartTime")),
                    parse_time(participant.get("latestEndTime")), sessions)


def read_attendance(meet: MeetGateway, credentials: Credentials, record: str) -> Attendance:
    """Attendees of an ended conference, streamed page by page: memory stays bounded."""
    earliest: list[tuple[str, dict[str, Any]]] = []
    signed_in: set[str] = set()
    total = 0
    for participant in meet.participants(credentials, record):
        total += 1
        user = (participant.get("signedinUser") or {}).get("user")
        if user:
            signed_in.add(user)
        earliest.append((str(participant.get("earliestStartTime") or ""), participant))
        if len(earliest) > DETAILED_ATTENDEES * 2:  # keep only the earliest joiners
            earliest.sort(key=lambda item: item[0])
            del earliest[DETAILED_ATTENDEES:]
    earliest.sort(key=lambda item: item[0])
    detailed = [
        _attendee(participant, _count(meet.participant_sessions(credentials, participant["name"])))
        for _, participant in earliest[:DETAILED_ATTENDEES]
    ]
    return Attendance(tuple(detailed), total, frozenset(signed_in))


def _count(items: Iterable[Any]) -> int:
    return sum(1 for _ in items)


_ARTIFACT_SOURCES = (
    ("recordings", ArtifactKind.RECORDING, "driveDestination", "exportUri"),
    ("transcripts", ArtifactKind.TRANSCRIPT, "docsDestination", "exportUri"),
    ("smartNotes", ArtifactKind.SMART_NOTES, "docsDestination", "exportUri"),
)


def read_artifacts(meet: MeetGateway, credentials: Credentials, record: str) -> tuple[Artifact, ...]:
    found = meet.artifacts(credentials, record)
    artifacts: list[Artifact] = []
    for key, kind, destination, uri in _ARTIFACT_SOURCES:
        for item in found.get(key, []):
            ready = item.get("state") == "FILE_GENERATED"
            url = (item.get(destination) or {}).get(uri) if ready else None
            artifacts.append(Artifact(kind, ready, url, item.get("name")))
    return tuple(artifacts)


# -- transcripts ---------------------------------------------------------------------------
def read_speakers(meet: MeetGateway, credentials: Credentials, record: str) -> dict[str, Speaker]:
    """Every participant of the conference, by resource name: who each transcript entry's
    ``participant`` is. Grows with the people in the call, not with what they said.
    Names are Meet's as they are (possibly empty): the cards say "Guest" or "Phone"."""
    speakers: dict[str, Speaker] = {}
    for participant in meet.participants(credentials, record):
        name = str(participant["name"])
        for key, kind in (("signedinUser", AttendeeKind.SIGNED_IN), ("anonymousUser", AttendeeKind.ANONYMOUS),
                          ("phoneUser", AttendeeKind.PHONE)):
            who = participant.get(key)
            if isinstance(who, dict):
                user = who.get("user") if kind is AttendeeKind.SIGNED_IN else None
                speakers[name] = Speaker(name, str(who.get("displayName") or ""), kind,
                                         str(user) if user else None)
                break
    return speakers


def read_transcript(meet: MeetGateway, credentials: Credentials, transcripts: Iterable[str],
                    speakers: dict[str, Speaker], started_at: datetime) -> Iterator[TranscriptLine]:
    """The entries of the conference's transcripts, in order, as lines with their speakers
    and offsets into the call: a stream, read page by page while it is consumed."""
    index = 0
    for transcript in transcripts:
        for entry in meet.transcript_entries(credentials, transcript):
            text = entry.get("text")
            if not isinstance(text, str) or not text.strip():
                continue
            participant = str(entry.get("participant") or "")
            # Not among the participants (Meet lists them all, so only in a race): a guest.
            speaker = speakers.get(participant) or Speaker(participant, "", AttendeeKind.ANONYMOUS)
            said = parse_time(entry.get("startTime"))
            offset = max(said - started_at, timedelta(0)) if said is not None else timedelta(0)
            yield TranscriptLine(index, speaker, text, offset, str(entry.get("languageCode") or DEFAULT_LANGUAGE))
            index += 1
