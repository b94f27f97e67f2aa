"""The product's vocabulary: plain values shared by handlers, storage and card builders.

The bottom layer: nothing here does I/O or imports the app (``bot``), the card builders
(``cards``) or the emulator. Card builders turn these values into Chat JSON, storage
persists them, and the Google gateways make them from Meet and Chat answers.
"""

from .meetings import (
    AccessType,
    MeetingStatus,
    Person,
    Restriction,
    ModerationRestrictions,
    MeetingSettings,
    DialIn,
    MeetSpace,
    MemberRole,
    MeetMember,
    CohostState,
    Cohost,
    Meeting,
    MeetRequest,
)
from .conferences import (
    AttendeeKind,
    ConferenceRecord,
    Participant,
    ParticipantSession,
    TranscriptEntry,
    Attendee,
    Attendance,
    ArtifactKind,
    Artifact,
    ConferenceSummary,
    UpdatesPaused,
    CallState,
)
from .digest import (
    Speaker,
    TranscriptLine,
    DigestContext,
    ActionItem,
    Note,
    DigestOutcome,
    Digest,
    DEFAULT_LANGUAGE,
    MAX_KEY_POINTS,
)
from .grants import (
    UserGrant,
    PendingAuthorization,
)

__all__ = [
    "AccessType",
    "ActionItem",
    "Artifact",
    "ArtifactKind",
    "Attendance",
    "Attendee",
    "AttendeeKind",
    "CallState",
    "Cohost",
    "CohostState",
    "ConferenceRecord",
    "ConferenceSummary",
    "DEFAULT_LANGUAGE",
    "DialIn",
    "Digest",
    "DigestContext",
    "DigestOutcome",
    "MAX_KEY_POINTS",
    "MeetMember",
    "MeetRequest",
    "MeetSpace",
    "Meeting",
    "MeetingSettings",
    "MeetingStatus",
    "MemberRole",
    "ModerationRestrictions",
    "Note",
    "Participant",
    "ParticipantSession",
    "PendingAuthorization",
    "Person",
    "Restriction",
    "Speaker",
    "TranscriptEntry",
    "TranscriptLine",
    "UpdatesPaused",
    "UserGrant",
]
