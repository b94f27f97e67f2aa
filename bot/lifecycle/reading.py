"""Reading a meeting's state from the Meet REST API into domain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Iterator

from google.auth.credentials import Credentials

from domain import (
    CallState,
    Attendance,
    Attendee,
    AttendeeKind,
    ConferenceRecord,
    DEFAULT_LANGUAGE,
    MeetingStatus,
    Participant,
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
    ended_records: tuple[ConferenceRecord, ...]  # conference records that ended, newest first


def read_live_state(meet: MeetGateway, credentials: Credentials, space: str, *,
                    organizer: str | None = None) -> LiveState:
    """What the join card shows: the latest conference's state and, while it runs, who is
    in it in the order they joined (the organizer, ``users/{id}``, first when present)."""
    records = list(meet.conference_records(credentials, space))  # newest first
    ended = tuple(record for record in records if record.ended)
    if not records:
        return LiveState(MeetingStatus.WAITING, CallState(), None, ended)
    latest = records[0]
    if latest.ended:
        return LiveState(MeetingStatus.ENDED, CallState(latest.started_at, latest.ended_at), latest.name, ended)
    participants = list(meet.participants(credentials, latest.name, only_present=True))
    participants.sort(key=lambda p: (organizer is None or p.user_name != organizer, p.joined_at or _LATEST))
    present = [_display_name(p) for p in participants]
    return LiveState(MeetingStatus.IN_PROGRESS, CallState(latest.started_at, None, tuple(present)), latest.name, ended)


_LATEST = datetime.max.replace(tzinfo=timezone.utc)  # a participant with no start time: listed last
_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
# How the card's "in the call" line labels each kind of participant.
_LABELS = {AttendeeKind.SIGNED_IN: "", AttendeeKind.ANONYMOUS: "Guest: ", AttendeeKind.PHONE: "Phone: "}


def _display_name(participant: Participant) -> str:
    if participant.kind is None:
        return "Unknown"
    return _LABELS[participant.kind] + (participant.display_name or "Unknown")


def _attendee(participant: Participant, sessions: int | None) -> Attendee:
    if participant.kind is AttendeeKind.SIGNED_IN:
        kind, name, user_name = AttendeeKind.SIGNED_IN, participant.display_name or "Unknown", participant.user_name
    elif participant.kind is AttendeeKind.PHONE:
        kind, name, user_name = AttendeeKind.PHONE, participant.display_name, None
    else:
        kind, name, user_name = AttendeeKind.ANONYMOUS, participant.display_name or "Guest", None
    return Attendee(kind, name, user_name, participant.joined_at, participant.left_at, sessions)


def read_attendance(meet: MeetGateway, credentials: Credentials, record: str) -> Attendance:
    """Attendees of an ended conference, streamed page by page: memory stays bounded."""
    earliest: list[Participant] = []
    signed_in: set[str] = set()
    total = 0

    def joined(participant: Participant) -> datetime:
        return participant.joined_at or _EARLIEST  # no start time sorts first

    for participant in meet.participants(credentials, record):
        total += 1
        if participant.user_name:
            signed_in.add(participant.user_name)
        earliest.append(participant)
        if len(earliest) > DETAILED_ATTENDEES * 2:  # keep only the earliest joiners
            earliest.sort(key=joined)
            del earliest[DETAILED_ATTENDEES:]
    earliest.sort(key=joined)
    detailed = [
        _attendee(participant, _count(meet.participant_sessions(credentials, participant.name)))
        for participant in earliest[:DETAILED_ATTENDEES]
    ]
    return Attendance(tuple(detailed), total, frozenset(signed_in))


def _count(items: Iterable[Any]) -> int:
    return sum(1 for _ in items)


# -- transcripts ---------------------------------------------------------------------------
def read_speakers(meet: MeetGateway, credentials: Credentials, record: str) -> dict[str, Speaker]:
    """Every participant of the conference, by resource name: who each transcript entry's
    ``participant`` is. Grows with the people in the call, not with what they said.
    Names are Meet's as they are (possibly empty): the cards say "Guest" or "Phone"."""
    speakers: dict[str, Speaker] = {}
    for participant in meet.participants(credentials, record):
        if participant.kind is not None:
            speakers[participant.name] = Speaker(participant.name, participant.display_name, participant.kind,
                                                 participant.user_name)
    return speakers


def read_transcript(meet: MeetGateway, credentials: Credentials, transcripts: Iterable[str],
                    speakers: dict[str, Speaker], started_at: datetime) -> Iterator[TranscriptLine]:
    """The entries of the conference's transcripts, in order, as lines with their speakers
    and offsets into the call: a stream, read page by page while it is consumed."""
    index = 0
    for transcript in transcripts:
        for entry in meet.transcript_entries(credentials, transcript):
            if not entry.text.strip():
                continue
            # Not among the participants (Meet lists them all, so only in a race): a guest.
            speaker = speakers.get(entry.participant) or Speaker(entry.participant, "", AttendeeKind.ANONYMOUS)
            said = entry.started_at
            offset = max(said - started_at, timedelta(0)) if said is not None else timedelta(0)
            yield TranscriptLine(index, speaker, entry.text, offset, entry.language_code or DEFAULT_LANGUAGE)
            index += 1
