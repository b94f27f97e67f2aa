"""The product's vocabulary: plain values shared by handlers, storage and card builders.

Nothing here does I/O. Card builders (``cards/``) turn these into Chat JSON; storage
(``bot/storage``) persists them; handlers create them from Meet and Chat answers.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any


class AccessType(str, enum.Enum):
    """Who may join without knocking (Meet's ``SpaceConfig.accessType``)."""

    OPEN = "OPEN"
    TRUSTED = "TRUSTED"
    RESTRICTED = "RESTRICTED"


class MeetingStatus(str, enum.Enum):
    WAITING = "WAITING"  # created, nobody has joined yet
    IN_PROGRESS = "IN_PROGRESS"  # a conference is active
    ENDED = "ENDED"  # the last conference ended


@dataclass(frozen=True)
class Person:
    """A Chat/Workspace user as the app knows them: ``users/{id}`` plus what to show."""

    user_name: str
    display_name: str
    email: str | None = None

    def to_json(self) -> dict[str, str | None]:
        """How a person is kept inside JSON columns (mentions, co-hosts, non-joiners)."""
        return {"userName": self.user_name, "displayName": self.display_name, "email": self.email}

    @classmethod
    def from_json(cls, data: dict[str, str | None]) -> "Person":
        return cls(user_name=str(data["userName"]), display_name=data.get("displayName") or "",
                   email=data.get("email"))


class Restriction(str, enum.Enum):
    """Who may chat, react or present while moderation is on (``RestrictionType``)."""

    HOSTS_ONLY = "HOSTS_ONLY"
    NO_RESTRICTION = "NO_RESTRICTION"


@dataclass(frozen=True)
class ModerationRestrictions:
    """Meet's ``ModerationRestrictions``: in force only while moderation is on (Meet
    resets them to these defaults when moderation is turned off)."""

    chat: Restriction = Restriction.NO_RESTRICTION
    reactions: Restriction = Restriction.NO_RESTRICTION
    presenting: Restriction = Restriction.NO_RESTRICTION
    join_as_viewer: bool = False  # defaultJoinAsViewerType ON: people join as viewers

    @property
    def is_default(self) -> bool:
        return self == ModerationRestrictions()

    def to_space_config(self) -> dict[str, object]:
        return {
            "chatRestriction": self.chat.value,
            "reactionRestriction": self.reactions.value,
            "presentRestriction": self.presenting.value,
            "defaultJoinAsViewerType": "ON" if self.join_as_viewer else "OFF",
        }

    @classmethod
    def from_space_config(cls, data: object) -> "ModerationRestrictions":
        """From Meet's JSON; anything unset or unknown reads as "no restriction"."""
        data = data if isinstance(data, dict) else {}

        def restriction(key: str) -> Restriction:
            value = data.get(key)
            return Restriction(value) if value in Restriction.__members__ else Restriction.NO_RESTRICTION

        return cls(restriction("chatRestriction"), restriction("reactionRestriction"),
                   restriction("presentRestriction"), data.get("defaultJoinAsViewerType") == "ON")


@dataclass(frozen=True)
class MeetingSettings:
    """What the app asks Meet for at creation (a subset of ``SpaceConfig``), plus what
    the app itself does with the meeting's summary.

    ``None`` means "leave it to the organizer's Workspace defaults". The summary options
    are the app's, not Meet's: they never reach ``SpaceConfig``.
    """

    access_type: AccessType | None = None
    auto_recording: bool = False
    auto_transcription: bool = False
    auto_smart_notes: bool = False
    moderation: bool | None = None
    # Only sent while moderation is on (Meet ignores and resets them otherwise).
    restrictions: ModerationRestrictions = field(default_factory=ModerationRestrictions)
    post_summary: bool = True  # post the summary reply when a conference ends
    list_absent: bool = True  # name the space members who did not join in it
    next_steps: bool = True  # read the transcript for next steps, decisions and key points

    def to_space_config(self) -> dict[str, object]:
        """The Meet API ``SpaceConfig`` JSON asking for these settings."""
        config: dict[str, object] = {}
        if self.access_type is not None:
            config["accessType"] = self.access_type.value
        if self.moderation is not None:
            config["moderation"] = "ON" if self.moderation else "OFF"
            if self.moderation:
                config["moderationRestrictions"] = self.restrictions.to_space_config()
        artifacts: dict[str, object] = {}
        if self.auto_recording:
            artifacts["recordingConfig"] = {"autoRecordingGeneration": "ON"}
        if self.auto_transcription:
            artifacts["transcriptionConfig"] = {"autoTranscriptionGeneration": "ON"}
        if self.auto_smart_notes:
            artifacts["smartNotesConfig"] = {"autoSmartNotesGeneration": "ON"}
        if artifacts:
            config["artifactConfig"] = artifacts
        return config

    @classmethod
    def from_space_config(cls, config: object, *, keep: "MeetingSettings | None" = None) -> "MeetingSettings":
        """What a Meet ``SpaceConfig`` (as Meet reports it) amounts to; the app's own
        summary options are taken from ``keep``."""
        data = config if isinstance(config, dict) else {}
        found = data.get("artifactConfig")
        artifacts: dict[str, Any] = found if isinstance(found, dict) else {}

        def switch(section: str, key: str) -> bool:
            part = artifacts.get(section)
            return isinstance(part, dict) and part.get(key) == "ON"

        access = data.get("accessType")
        moderation = data.get("moderation")
        base = keep or cls()
        return cls(
            access_type=AccessType(access) if access in AccessType.__members__ else None,
            auto_recording=switch("recordingConfig", "autoRecordingGeneration"),
            auto_transcription=switch("transcriptionConfig", "autoTranscriptionGeneration"),
            auto_smart_notes=switch("smartNotesConfig", "autoSmartNotesGeneration"),
            moderation=True if moderation == "ON" else False if moderation == "OFF" else None,
            restrictions=ModerationRestrictions.from_space_config(data.get("moderationRestrictions")),
            post_summary=base.post_summary,
            list_absent=base.list_absent,
            next_steps=base.next_steps,
        )

    def to_json(self) -> dict[str, object]:
        return {
            "accessType": self.access_type.value if self.access_type else None,
            "autoRecording": self.auto_recording,
            "autoTranscription": self.auto_transcription,
            "autoSmartNotes": self.auto_smart_notes,
            "moderation": self.moderation,
            "restrictions": self.restrictions.to_space_config(),
            "postSummary": self.post_summary,
            "listAbsent": self.list_absent,
            "nextSteps": self.next_steps,
        }

    @classmethod
    def from_json(cls, data: dict[str, object] | None) -> "MeetingSettings":
        data = data or {}
        access = data.get("accessType")
        moderation = data.get("moderation")
        post_summary, list_absent = data.get("postSummary"), data.get("listAbsent")
        next_steps = data.get("nextSteps")
        return cls(
            access_type=AccessType(access) if isinstance(access, str) else None,
            auto_recording=bool(data.get("autoRecording")),
            auto_transcription=bool(data.get("autoTranscription")),
            auto_smart_notes=bool(data.get("autoSmartNotes")),
            moderation=moderation if isinstance(moderation, bool) else None,
            restrictions=ModerationRestrictions.from_space_config(data.get("restrictions")),
            # Settings stored before these options existed meant "yes" to both.
            post_summary=post_summary if isinstance(post_summary, bool) else True,
            list_absent=list_absent if isinstance(list_absent, bool) else True,
            next_steps=next_steps if isinstance(next_steps, bool) else True,
        )


@dataclass(frozen=True)
class DialIn:
    """One way to join by phone or SIP, when Meet returns it."""

    label: str  # region code or "SIP"
    number: str  # phone number or SIP URI
    pin: str | None = None


class CohostState(str, enum.Enum):
    """What became of one person @mentioned in ``/meet``."""

    ADDED = "ADDED"  # a COHOST member of the Meet space
    REFUSED = "REFUSED"  # Meet refused (outside the domain, invalid address, …)
    NO_EMAIL = "NO_EMAIL"  # the app does not know their email, which Meet needs
    # The organizer has not granted directory lookups (OAuth mode): added once they do.
    NEEDS_DIRECTORY = "NEEDS_DIRECTORY"


@dataclass(frozen=True)
class Cohost:
    """The outcome of making one mentioned person a co-host (persisted with the meeting)."""

    person: Person  # users/{id} from Chat, email as the app resolved it
    state: CohostState
    member: str | None = None  # spaces/{id}/members/{id} once added
    reason: str | None = None  # why not, in words for the card


@dataclass(frozen=True)
class Meeting:
    """A meeting created by ``/meet``: the Meet space and where its card lives in Chat."""

    meet_space: str  # spaces/{id} in the Meet API
    meeting_code: str
    meeting_uri: str
    chat_space: str  # spaces/{id} in the Chat API
    organizer: Person
    title: str
    created_at: datetime
    settings: MeetingSettings = field(default_factory=MeetingSettings)
    # What Meet reports after creation (the organizer's defaults may differ from what
    # was asked): shown on the card.
    access_type: AccessType | None = None
    requested_cohosts: tuple[Person, ...] = ()
    dial_in: tuple[DialIn, ...] = ()
    thread_name: str | None = None  # spaces/{id}/threads/{id}
    card_message: str | None = None  # spaces/{id}/messages/{id}
    status: MeetingStatus = MeetingStatus.WAITING
    # The Chat message whose /meet created it: a message creates at most one meeting,
    # however often Chat delivers it (retries, re-delivery after the user links).
    source_message: str | None = None
    # What became of each requested co-host (empty until the app tried).
    cohosts: tuple[Cohost, ...] = ()
    # The access type before Lock, so Unlock restores it (None: not locked by the app).
    unlocked_access_type: AccessType | None = None
    # The event format of the Chat app that made the meeting ("classic" or "addon"): the
    # card's buttons take that format's shape wherever the card is drawn.
    event_format: str = "classic"
    # The organizer's IANA time zone as Chat reported it with their /meet ("by Friday" in
    # a transcript is Friday where they are); None when Chat sent none (read as UTC).
    time_zone: str | None = None
    # Dormancy (bot/lifecycle/dormancy.py): since when the meeting, never started for a
    # long while, is left alone (None: it is watched); and when someone last woke it up
    # (its quiet time counts from then rather than from its creation).
    dormant_since: datetime | None = None
    woken_at: datetime | None = None
    id: int | None = None

    @property
    def stored_id(self) -> int:
        """The id of a meeting read from storage (only one still being created has none)."""
        if self.id is None:
            raise ValueError(f"meeting {self.meet_space} is not stored yet")
        return self.id

    @property
    def dormant(self) -> bool:
        return self.dormant_since is not None

    def with_changes(self, **changes: object) -> "Meeting":
        return replace(self, **changes)  # type: ignore[arg-type]


# -- after the call -----------------------------------------------------------------------
class AttendeeKind(str, enum.Enum):
    SIGNED_IN = "SIGNED_IN"  # a Google account: shown by display name
    ANONYMOUS = "ANONYMOUS"  # a guest without an account
    PHONE = "PHONE"  # dialled in


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


# -- next steps from the transcript ---------------------------------------------------------
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


@dataclass(frozen=True)
class MeetRequest:
    """What one ``/meet`` asked for: enough to run it now, or later once the user has
    linked their Google account (it is kept with the pending authorization)."""

    organizer: Person
    chat_space: str
    argument_text: str = ""  # the words after the command, mentions as typed
    mentions: tuple[Person, ...] = ()
    source_message: str | None = None  # spaces/{id}/messages/{id}: the command's own message
    thread_name: str | None = None  # the thread the command was typed in
    event_format: str = "classic"  # the Chat app's event format: the card's buttons follow it
    time_zone: str | None = None  # the organizer's IANA time zone, from the event's common.timeZone


@dataclass(frozen=True)
class UserGrant:
    """A user's stored authorization (AUTH_MODE=oauth). The refresh token is kept only as
    ciphertext: storage never sees it in the clear."""

    user_name: str  # users/{id}: whose grant; only ever looked up by a verified event's user
    google_subject: str  # the ID token's ``sub`` at linking time (equals the id in user_name)
    email: str | None
    scopes: frozenset[str]
    refresh_token_ciphertext: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PendingAuthorization:
    """A started but unfinished link: what the OAuth ``state`` stands for, server-side.

    Single use: the callback takes (deletes) it atomically before doing anything else.
    """

    nonce: str
    user: Person
    request: MeetRequest | None  # the command to finish after consent (None: just link)
    event_format: str  # "classic" or "addon"
    config_complete_url: str | None  # Chat's configCompleteRedirectUrl from the event
    code_verifier_ciphertext: str  # PKCE verifier, encrypted like refresh tokens
    created_at: datetime
    expires_at: datetime
    # Set when this asks for directory lookups (directory.readonly, granted incrementally)
    # because a meeting's mentioned co-hosts need them: that meeting's join card (its
    # message name), whose waiting co-hosts are added once the user grants it.
    directory_meeting: str | None = None
