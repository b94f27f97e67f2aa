"""After (and during) a call: who attended, the files Meet makes, the live call the card shows."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .meetings import Meeting, Person

if TYPE_CHECKING:
    from .digest import Digest


class AttendeeKind(str, enum.Enum):
    SIGNED_IN = "SIGNED_IN"  # a Google account: shown by display name
    ANONYMOUS = "ANONYMOUS"  # a guest without an account
    PHONE = "PHONE"  # dialled in


@dataclass(frozen=True)
class ConferenceRecord:
    """One conference (call) of a Meet space, as ``conferenceRecords`` describes it."""

    name: str  # conferenceRecords/{id}
    started_at: datetime | None = None
    ended_at: datetime | None = None  # None while the call runs

    @property
    def ended(self) -> bool:
        return self.ended_at is not None


@dataclass(frozen=True)
class Participant:
    """One participant of a conference (``conferenceRecords.participants``): a person,
    guest or phone line, however many times they joined."""

    name: str  # conferenceRecords/{id}/participants/{id}
    kind: AttendeeKind | None  # None: Meet described them as none of the three
    display_name: str = ""  # Meet's, as it is (possibly empty)
    user_name: str | None = None  # users/{id} of a signed-in participant (the same id as in Chat)
    joined_at: datetime | None = None  # earliestStartTime
    left_at: datetime | None = None  # latestEndTime; None while still in the call


@dataclass(frozen=True)
class ParticipantSession:
    """One stretch of one participant in the call (``participants.participantSessions``)."""

    name: str
    started_at: datetime | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True)
class TranscriptEntry:
    """One thing said, as a transcript's ``entries`` list it."""

    participant: str  # conferenceRecords/{id}/participants/{id}: who said it ("" when not named)
    text: str  # "" when Meet gave none
    started_at: datetime | None = None
    language_code: str | None = None


@dataclass(frozen=True)
class Attendee:
    """One participant of one conference, as Meet's participants and sessions describe them."""

    kind: AttendeeKind
    display_name: str
    user_name: str | None = None  # users/{id} for signed-in people (same id as in Chat)
    first_joined: datetime | None = None
    last_left: datetime | None = None  # None while still in the call
    sessions: int | None = None  # None when not counted (the tail of a very large meeting)


@dataclass(frozen=True)
class Attendance:
    """Who attended one ended conference: the first attendees in detail, and counts."""

    attendees: tuple[Attendee, ...]  # the earliest joiners, sessions counted
    total: int
    signed_in: frozenset[str]  # users/{id} of every signed-in attendee (for "didn't join")
    # Chat members who did not join, filled in once when the summary is first made.
    absent: tuple[Person, ...] = ()
    absent_total: int = 0


class ArtifactKind(str, enum.Enum):
    RECORDING = "RECORDING"
    TRANSCRIPT = "TRANSCRIPT"
    SMART_NOTES = "SMART_NOTES"


@dataclass(frozen=True)
class Artifact:
    kind: ArtifactKind
    ready: bool  # FILE_GENERATED
    url: str | None = None  # Drive or Docs link once ready
    # Meet's resource name (conferenceRecords/{id}/transcripts/{id}, …): how a ready
    # transcript's entries are read. Not kept in storage.
    name: str | None = None


@dataclass(frozen=True)
class ConferenceSummary:
    """Everything the post-meeting summary shows for one conference of a meeting.

    Lists may be cut short for very large meetings; the ``*_total`` counts say how many
    there were in all, so the card can say "and 812 more".
    """

    conference_record: str  # conferenceRecords/{id}
    meeting: Meeting
    started_at: datetime
    ended_at: datetime
    attendees: tuple[Attendee, ...]
    attendees_total: int
    absent: tuple[Person, ...]  # Chat space members who did not join
    absent_total: int
    artifacts: tuple[Artifact, ...]  # one per artifact Meet is producing or produced
    # What the transcript says was decided and promised; None while there is none to
    # show (no transcript yet, or the space turned next steps off).
    digest: "Digest | None" = None

    @property
    def complete(self) -> bool:
        """True once every artifact Meet is producing has its file."""
        return all(artifact.ready for artifact in self.artifacts)


# -- the live call, as the join card shows it -----------------------------------------------
class UpdatesPaused(enum.Enum):
    """Why the card stopped following Meet: the organizer's authorization is gone."""

    LINK = "link"  # the organizer links their account again (AUTH_MODE=oauth)
    ADMIN = "admin"  # domain-wide delegation: only an administrator can restore access


@dataclass(frozen=True)
class CallState:
    """What the card shows about the live call, when the lifecycle code knows it."""

    started_at: datetime | None = None  # the current (or last) conference's start
    ended_at: datetime | None = None
    in_call: tuple[str, ...] = ()  # display names of who is in the call right now
    # Set when the call cannot be read: the card keeps the meeting's last known status,
    # labelled as such, and says why it stopped updating.
    paused: UpdatesPaused | None = None
