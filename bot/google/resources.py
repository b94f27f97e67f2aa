"""What Google's JSON means: one parser per Google resource the app reads, and the shapes
of the resources only the gateways and the lifecycle need.

The gateways hand every answer to these parsers, so nothing above ``bot/google`` reads
Google's JSON: product values (a Meet space, a conference, its participants and files)
come from ``domain``; a Workspace Events subscription and Chat's own records of messages
and memberships are defined here. Parsers are lenient the way the code that read the
JSON was: a field Google left out takes its empty value; only a malformed timestamp
raises (``parse_time``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain import (
    Artifact,
    ArtifactKind,
    AttendeeKind,
    ConferenceRecord,
    DialIn,
    MeetMember,
    MeetSpace,
    MeetingSettings,
    MemberRole,
    Participant,
    ParticipantSession,
    Person,
    TranscriptEntry,
)

from .timestamps import parse_time

Json = dict[str, Any]


def _object(value: Any) -> Json:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return str(value) if value else ""


# -- Meet ------------------------------------------------------------------------------------
def parse_space(data: Json) -> MeetSpace:
    """``Space``: its name, code, link, settings, running call and dial-in numbers."""
    config = data.get("config")
    active = data.get("activeConference")
    return MeetSpace(
        name=_text(data.get("name")),
        meeting_code=_text(data.get("meetingCode")),
        meeting_uri=_text(data.get("meetingUri")),
        settings=MeetingSettings.from_space_config(config) if config else None,
        active_conference=_text(_object(active).get("conferenceRecord")) if active else None,
        dial_in=_dial_in(data),
    )


def _dial_in(space: Json) -> tuple[DialIn, ...]:
    entries: list[DialIn] = []
    for phone in space.get("phoneAccess") or []:  # v2beta shape, when Meet returns it
        if isinstance(phone, dict) and phone.get("phoneNumber"):
            entries.append(DialIn(str(phone.get("regionCode") or "Phone"), str(phone["phoneNumber"]), phone.get("pin")))
    for sip in space.get("gatewaySipAccess") or []:
        if isinstance(sip, dict) and sip.get("uri"):
            entries.append(DialIn("SIP", str(sip["uri"]), sip.get("sipAccessCode")))
    return tuple(entries)


def parse_member(data: Json) -> MeetMember:
    """``Member`` of a space: a co-host is one with role COHOST."""
    role = data.get("role")
    return MeetMember(name=_text(data.get("name")), email=_text(data.get("email")),
                      role=MemberRole(role) if role in MemberRole.__members__ else MemberRole.ROLE_UNSPECIFIED)


def parse_conference_record(data: Json) -> ConferenceRecord:
    """``ConferenceRecord``: when the call started and (once over) ended."""
    return ConferenceRecord(_text(data.get("name")), parse_time(data.get("startTime")), parse_time(data.get("endTime")))


# A participant is exactly one of these (a oneof in Meet's API).
_IDENTITIES = (("signedinUser", AttendeeKind.SIGNED_IN), ("anonymousUser", AttendeeKind.ANONYMOUS),
               ("phoneUser", AttendeeKind.PHONE))


def parse_participant(data: Json) -> Participant:
    """``Participant``: who (signed in, a guest or a phone), and from when until when."""
    kind: AttendeeKind | None = None
    who: Json = {}
    for key, candidate in _IDENTITIES:
        if isinstance(data.get(key), dict):
            kind, who = candidate, data[key]
            break
    user = who.get("user") if kind is AttendeeKind.SIGNED_IN else None
    return Participant(name=_text(data.get("name")), kind=kind, display_name=_text(who.get("displayName")),
                       user_name=str(user) if user else None, joined_at=parse_time(data.get("earliestStartTime")),
                       left_at=parse_time(data.get("latestEndTime")))


def parse_participant_session(data: Json) -> ParticipantSession:
    return ParticipantSession(_text(data.get("name")), parse_time(data.get("startTime")),
                              parse_time(data.get("endTime")))


# Where each artifact's file is, once Meet generated it.
ARTIFACT_DESTINATIONS = {ArtifactKind.RECORDING: "driveDestination", ArtifactKind.TRANSCRIPT: "docsDestination",
                         ArtifactKind.SMART_NOTES: "docsDestination"}


def parse_artifact(kind: ArtifactKind, data: Json) -> Artifact:
    """``Recording``, ``Transcript`` or ``SmartNote``: ready once FILE_GENERATED, with its link."""
    ready = data.get("state") == "FILE_GENERATED"
    url = _object(data.get(ARTIFACT_DESTINATIONS[kind])).get("exportUri") if ready else None
    name = data.get("name")
    return Artifact(kind, ready, url, name)


def parse_transcript_entry(data: Json) -> TranscriptEntry:
    text = data.get("text")
    language = data.get("languageCode")
    return TranscriptEntry(participant=_text(data.get("participant")), text=text if isinstance(text, str) else "",
                           started_at=parse_time(data.get("startTime")),
                           language_code=str(language) if language else None)


# -- Workspace Events --------------------------------------------------------------------------
class SubscriptionState(str, enum.Enum):
    """``Subscription.State``, as Workspace Events names it (stored as its value)."""

    STATE_UNSPECIFIED = "STATE_UNSPECIFIED"
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"  # Google stopped sending events: ``suspension_reason`` says why
    DELETED = "DELETED"


@dataclass(frozen=True)
class Subscription:
    """A Workspace Events subscription as Google reports it."""

    name: str  # subscriptions/{id}
    # None when Google's answer left it out; an unknown value is STATE_UNSPECIFIED.
    state: SubscriptionState | None = None
    expire_time: datetime | None = None
    event_types: tuple[str, ...] = ()
    # ``Subscription.ErrorType`` (USER_SCOPE_REVOKED, ENDPOINT_NOT_FOUND, …) while
    # suspended, kept as Google spells it: a reason the app does not know is still one.
    suspension_reason: str | None = None
    target_resource: str | None = None


def parse_subscription(data: Json) -> Subscription:
    state = data.get("state")
    return Subscription(
        name=_text(data.get("name")),
        state=(SubscriptionState(state) if state in SubscriptionState.__members__
               else SubscriptionState.STATE_UNSPECIFIED) if state else None,
        expire_time=parse_time(data.get("expireTime")),
        event_types=tuple(str(t) for t in data.get("eventTypes") or ()),
        suspension_reason=str(data["suspensionReason"]) if data.get("suspensionReason") else None,
        target_resource=str(data["targetResource"]) if data.get("targetResource") else None,
    )


def subscription_of_operation(operation: Json) -> Subscription | None:
    """The Subscription a create, patch or reactivate ``Operation`` finished with; None
    while it is still running, or if it finished without one."""
    if not operation.get("done"):
        return None
    found = parse_subscription(_object(operation.get("response")))
    return found if found.name.startswith("subscriptions/") else None


# -- Chat --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChatMessage:
    """A message the app posted or edited: its name, and the thread Chat put it in."""

    name: str  # spaces/{id}/messages/{id} ("" when Chat did not say)
    thread: str | None = None  # spaces/{id}/threads/{id}


MANAGER_ROLE = "ROLE_MANAGER"


@dataclass(frozen=True)
class ChatMembership:
    """Someone's membership of a Chat space."""

    person: Person  # users/{id}, and their display name as Chat gives it (possibly empty)
    human: bool  # a person (Chat apps are members too, of type BOT)
    manager: bool  # ROLE_MANAGER: may manage the space


def parse_membership(data: Json) -> ChatMembership:
    member = _object(data.get("member"))
    return ChatMembership(Person(_text(member.get("name")), _text(member.get("displayName"))),
                          human=member.get("type") == "HUMAN", manager=data.get("role") == MANAGER_ROLE)

