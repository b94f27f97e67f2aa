"""A meeting as the product knows it: the Meet space, its settings, its people."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime
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

    def keeping_app_options(self, of: "MeetingSettings") -> "MeetingSettings":
        """These settings (as Meet has them) with the app's own summary options of ``of``."""
        return replace(self, post_summary=of.post_summary, list_absent=of.list_absent, next_steps=of.next_steps)

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


@dataclass(frozen=True)
class MeetSpace:
    """A Meet space as Meet reports it (``spaces.create``, ``get``, ``patch``)."""

    name: str  # spaces/{id}
    meeting_code: str = ""
    meeting_uri: str = ""
    # What its ``SpaceConfig`` amounts to (the app's summary options at their defaults);
    # None when Meet's answer carried no config.
    settings: MeetingSettings | None = None
    # conferenceRecords/{id} of the call running in it ("" when Meet did not name it);
    # None while no call runs.
    active_conference: str | None = None
    dial_in: tuple[DialIn, ...] = ()

    @property
    def access_type(self) -> AccessType | None:
        return self.settings.access_type if self.settings is not None else None


class MemberRole(str, enum.Enum):
    """A Meet space member's role (``Member.role``); anything else reads as unspecified."""

    ROLE_UNSPECIFIED = "ROLE_UNSPECIFIED"
    COHOST = "COHOST"


@dataclass(frozen=True)
class MeetMember:
    """One member of a Meet space (``spaces.members``): how co-hosts are known to Meet."""

    name: str  # spaces/{id}/members/{id} ("" when Meet did not say)
    email: str = ""
    role: MemberRole = MemberRole.ROLE_UNSPECIFIED


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
