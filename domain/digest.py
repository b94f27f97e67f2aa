"""Next steps from the transcript: what was said, and what a summariser makes of it."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .conferences import AttendeeKind


# What Meet reports as a transcript entry's language when it says nothing else.
DEFAULT_LANGUAGE = "en-US"


@dataclass(frozen=True)
class Speaker:
    """Who said a transcript entry: one participant of the conference, as Meet names them.

    Signed-in people carry their ``users/{id}`` (the same id Chat uses), so an action item
    they own can mention them; guests and phone callers are known by display name only.
    """

    participant: str  # conferenceRecords/{id}/participants/{id}
    display_name: str
    kind: AttendeeKind = AttendeeKind.SIGNED_IN
    user_name: str | None = None  # users/{id}, signed-in people only


@dataclass(frozen=True)
class TranscriptLine:
    """One transcript entry, read from Meet and mapped to its speaker.

    Transcript text lives only in memory while a digest is made: it is never stored and
    never logged.
    """

    index: int  # position in the transcript, from 0
    speaker: Speaker
    text: str
    offset: timedelta  # from the conference's start
    language: str = DEFAULT_LANGUAGE  # the entry's BCP-47 languageCode


@dataclass(frozen=True)
class DigestContext:
    """What a summariser needs besides the lines themselves."""

    started_at: datetime  # the conference's start (timezone-aware)
    time_zone: str  # IANA id in which spoken dates are read ("UTC" when unknown)
    participants: tuple[Speaker, ...]  # everyone in the call: names a request may address


@dataclass(frozen=True)
class ActionItem:
    """Something one person said they would do (or accepted when asked)."""

    owner: Speaker
    task: str  # short, in the speaker's words where possible
    said_at: timedelta  # offset into the call
    due: date | None = None  # when a date was said, in the organizer's time zone


@dataclass(frozen=True)
class Note:
    """A decision or a key point: what was said, and when in the call."""

    text: str
    said_at: timedelta


class DigestOutcome(str, enum.Enum):
    READY = "READY"  # the transcript was read: items, decisions and key points (any may be empty)
    UNSUPPORTED_LANGUAGE = "UNSUPPORTED_LANGUAGE"  # the summariser cannot read its language
    EMPTY = "EMPTY"  # the transcript has no entries


@dataclass(frozen=True)
class Digest:
    """What a meeting decided and who does what: the only part of a transcript the app keeps."""

    outcome: DigestOutcome
    action_items: tuple[ActionItem, ...] = ()  # in the order they were said
    decisions: tuple[Note, ...] = ()
    key_points: tuple[Note, ...] = ()  # at most MAX_KEY_POINTS
    language: str | None = None  # the transcript's main language (BCP-47)
    summarizer: str = "extractive"  # which summariser made it ("extractive" or "gemini")


MAX_KEY_POINTS = 5
