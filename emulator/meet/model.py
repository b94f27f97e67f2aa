"""In-memory Meet: meeting spaces, members, conferences and their artifacts.

How conferences form, as Meet forms them
----------------------------------------
* A space holds at most one active conference. The first person to join a space with
  no active conference starts one: a new conference record (``startTime`` = now).
* Each person is one Participant per conference (keyed by user, anonymous display
  name, or phone number); each join is a new ParticipantSession.
* When the last open session ends (someone leaves) or the conference is ended
  (``spaces.endActiveConference`` or ``POST /_emulator/meet/end``), the conference
  ends: open sessions close at that instant, ``endTime`` is set and ``expireTime`` is
  30 days later. After ``expireTime`` the record and everything under it is gone (404).
* Joining again after the end starts a new conference record.

Artifact timeline (emulated clock)
----------------------------------
A recording / transcript / smart note is ``STARTED`` while the conference runs,
``ENDED`` from the conference's end (``endTime`` set), and ``FILE_GENERATED`` a few
emulated minutes later, when its Drive/Docs destination appears:

=============  ======================  ==================================
artifact       FILE_GENERATED after    destination
=============  ======================  ==================================
transcript     end + 2 minutes         docsDestination (Google Docs)
recording      end + 5 minutes         driveDestination (MP4 in Drive)
smart notes    end + 8 minutes         docsDestination (Google Docs)
=============  ======================  ==================================

(:data:`FILE_GENERATION_DELAYS`). Artifacts come from two places: the space's
``config.artifactConfig`` (``autoRecordingGeneration`` / ``autoTranscriptionGeneration``
/ ``autoSmartNotesGeneration`` = ``ON``) starts them when someone with the privilege
to start them — the space's owner or a ``COHOST`` member, signed in — joins the
conference, as Meet does; and ``POST /_emulator/meet/end`` can ask for them
(``recording``, ``transcript``, ``smartNotes``), in which case they run from the
conference's start. Transcript entries are readable from ``ENDED`` on.

States settle lazily from ``state.clock.time()`` whenever the store is read, and
eagerly after every ``POST /_emulator/clock`` advance (one clock listener per
emulator state, however many times the state is reset).

Observer hook
-------------
``MeetStore.listeners`` is a list of callables ``listener(event_type, data, space)``
invoked, in order, for every Meet event the Google Workspace Events API would
publish for the space:

* ``event_type`` — Google's CloudEvent type, one of :data:`EVENT_TYPES`:
  ``google.workspace.meet.conference.v2.started`` / ``…conference.v2.ended``
  (data ``{"conferenceRecord": {"name": …}}``),
  ``google.workspace.meet.participant.v2.joined`` / ``…participant.v2.left``
  (data ``{"participantSession": {"name": …}}``),
  ``google.workspace.meet.recording.v2.fileGenerated`` (``{"recording": {"name": …}}``),
  ``google.workspace.meet.transcript.v2.fileGenerated`` (``{"transcript": {"name": …}}``),
  ``google.workspace.meet.smartNote.v2.fileGenerated`` (``{"smartNote": {"name": …}}``).
* ``data`` — the event payload exactly as Workspace Events delivers it.
* ``space`` — the meeting space's resource name (``spaces/…``), the event's subject.

Listeners run synchronously with ``state.lock`` held: they must return quickly (enqueue
the event) and must not call back into the emulator over HTTP. A listener that raises
is logged and skipped; Meet carries on.
"""

from __future__ import annotations

import bisect
import copy
import heapq
import logging
import random
import re
import string
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable

from ..clock import rfc3339
from ..errors import ApiError, failed_precondition, invalid_argument, not_found
from ..i18n import DEFAULT_LANGUAGE

_CODES = random.Random()  # the emulator's own generator: the process's shared one is left alone

if TYPE_CHECKING:
    from ..state import EmulatorState

log = logging.getLogger(__name__)

EVENT_PREFIX = "google.workspace.meet."
CONFERENCE_STARTED = EVENT_PREFIX + "conference.v2.started"
CONFERENCE_ENDED = EVENT_PREFIX + "conference.v2.ended"
PARTICIPANT_JOINED = EVENT_PREFIX + "participant.v2.joined"
PARTICIPANT_LEFT = EVENT_PREFIX + "participant.v2.left"
RECORDING_GENERATED = EVENT_PREFIX + "recording.v2.fileGenerated"
TRANSCRIPT_GENERATED = EVENT_PREFIX + "transcript.v2.fileGenerated"
SMART_NOTE_GENERATED = EVENT_PREFIX + "smartNote.v2.fileGenerated"
EVENT_TYPES = (CONFERENCE_STARTED, CONFERENCE_ENDED, PARTICIPANT_JOINED, PARTICIPANT_LEFT,
               RECORDING_GENERATED, TRANSCRIPT_GENERATED, SMART_NOTE_GENERATED)

Listener = Callable[[str, dict[str, Any], str], None]

RECORDING = "recording"
TRANSCRIPT = "transcript"
SMART_NOTE = "smartNote"
ARTIFACT_KINDS = (RECORDING, TRANSCRIPT, SMART_NOTE)
# Seconds after the conference's end at which each artifact's file is generated.
FILE_GENERATION_DELAYS: dict[str, float] = {TRANSCRIPT: 120.0, RECORDING: 300.0, SMART_NOTE: 480.0}
GENERATED_EVENTS = {RECORDING: RECORDING_GENERATED, TRANSCRIPT: TRANSCRIPT_GENERATED, SMART_NOTE: SMART_NOTE_GENERATED}
COLLECTIONS = {RECORDING: "recordings", TRANSCRIPT: "transcripts", SMART_NOTE: "smartNotes"}
# SpaceConfig.artifactConfig switch of each artifact kind.
AUTO_SWITCHES = {RECORDING: ("recordingConfig", "autoRecordingGeneration"),
                 TRANSCRIPT: ("transcriptionConfig", "autoTranscriptionGeneration"),
                 SMART_NOTE: ("smartNotesConfig", "autoSmartNotesGeneration")}

RECORD_LIFETIME = 30 * 24 * 3600.0  # conference records are deleted 30 days after the end
SIGNED_IN, ANONYMOUS, PHONE = "signedinUser", "anonymousUser", "phoneUser"

# What Meet reports for a space created without configuration: the organisation's
# defaults made explicit (an output config never says *_UNSPECIFIED).
DEFAULT_MODERATION_RESTRICTIONS: dict[str, Any] = {
    "chatRestriction": "NO_RESTRICTION",
    "reactionRestriction": "NO_RESTRICTION",
    "presentRestriction": "NO_RESTRICTION",
    "defaultJoinAsViewerType": "OFF",
}
DEFAULT_CONFIG: dict[str, Any] = {
    "accessType": "TRUSTED",
    "entryPointAccess": "ALL",
    "moderation": "OFF",
    "moderationRestrictions": DEFAULT_MODERATION_RESTRICTIONS,
    "attendanceReportGenerationType": "DO_NOT_GENERATE",
    "artifactConfig": {
        "recordingConfig": {"autoRecordingGeneration": "OFF"},
        "transcriptionConfig": {"autoTranscriptionGeneration": "OFF"},
        "smartNotesConfig": {"autoSmartNotesGeneration": "OFF"},
    },
}

MEETING_CODE = re.compile(r"^[a-z]+-[a-z]+-[a-z]+$")
_ID_ALPHABET = string.ascii_letters + string.digits
_FILE_ALPHABET = string.ascii_letters + string.digits + "-_"


def _now(state: "EmulatorState") -> float:
    return round(state.clock.time(), 6)


def normalise_config(config: dict[str, Any] | None) -> dict[str, Any]:
    """A full SpaceConfig: defaults for anything unset or ``*_UNSPECIFIED``."""
    result = copy.deepcopy(DEFAULT_CONFIG)

    def overlay(target: dict[str, Any], source: dict[str, Any]) -> None:
        for key, value in source.items():
            if isinstance(value, dict) and isinstance(target.get(key), dict):
                overlay(target[key], value)
            elif isinstance(value, str) and value.endswith("_UNSPECIFIED"):
                continue
            elif key in target:
                target[key] = copy.deepcopy(value)

    overlay(result, config or {})
    if result["moderation"] == "OFF":
        # "When moderation.OFF, will be reset to default ModerationRestrictions."
        result["moderationRestrictions"] = copy.deepcopy(DEFAULT_MODERATION_RESTRICTIONS)
    return result


@dataclass(eq=False)
class Member:
    id: str
    space_id: str
    email: str
    role: str  # "COHOST" or "ROLE_UNSPECIFIED"
    created: float

    @property
    def name(self) -> str:
        return f"spaces/{self.space_id}/members/{self.id}"

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name, "email": self.email}
        if self.role != "ROLE_UNSPECIFIED":  # proto3 JSON leaves default enums out
            body["role"] = self.role
        return body


@dataclass(eq=False)
class Space:
    id: str
    meeting_code: str
    owner: str  # users/{id}
    owner_email: str
    client_id: str  # the OAuth client the space was created through
    config: dict[str, Any]
    created: float
    phone_pin: str
    active_conference: str | None = None  # conference record id
    members: dict[str, Member] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"spaces/{self.id}"

    @property
    def meeting_uri(self) -> str:
        return f"https://meet.google.com/{self.meeting_code}"

    def member_by_email(self, email: str) -> Member | None:
        email = email.lower()
        return next((member for member in self.members.values() if member.email == email), None)

    def role_of(self, email: str | None) -> str | None:
        """"owner", "COHOST", "ROLE_UNSPECIFIED" (a plain member) or None."""
        if not email:
            return None
        if email.lower() == self.owner_email.lower():
            return "owner"
        member = self.member_by_email(email)
        return member.role if member else None

    def to_json(self, *, with_config: bool = True, with_conference: bool = True) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name, "meetingUri": self.meeting_uri, "meetingCode": self.meeting_code}
        if with_config:
            body["config"] = copy.deepcopy(self.config)
        if with_conference and self.active_conference:
            body["activeConference"] = {"conferenceRecord": f"conferenceRecords/{self.active_conference}"}
        body["phoneAccess"] = [{"phoneNumber": "+12025550173", "pin": self.phone_pin, "regionCode": "US",
                                "languageCode": "en-US"}]
        return body


@dataclass(eq=False)
class Session:
    id: str
    participant: "Participant"
    start: float
    end: float | None = None

    @property
    def name(self) -> str:
        return f"{self.participant.name}/participantSessions/{self.id}"

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name, "startTime": rfc3339(self.start)}
        if self.end is not None:
            body["endTime"] = rfc3339(self.end)
        return body

    def filter_fields(self) -> dict[str, Any]:
        return {"start_time": self.start, "end_time": self.end}


@dataclass(eq=False)
class Participant:
    id: str
    conference: "Conference"
    kind: str  # SIGNED_IN, ANONYMOUS or PHONE
    key: str  # user name, anonymous display name, or phone number
    display_name: str
    user_name: str | None = None
    email: str | None = None
    sessions: list[Session] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.conference.name}/participants/{self.id}"

    @property
    def earliest_start(self) -> float:
        return min(session.start for session in self.sessions)

    @property
    def latest_end(self) -> float | None:
        if any(session.end is None for session in self.sessions):
            return None
        return max(session.end for session in self.sessions if session.end is not None)

    def open_session(self) -> Session | None:
        return next((session for session in reversed(self.sessions) if session.end is None), None)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name, "earliestStartTime": rfc3339(self.earliest_start)}
        if self.latest_end is not None:
            body["latestEndTime"] = rfc3339(self.latest_end)
        if self.kind == SIGNED_IN:
            body[SIGNED_IN] = {"user": self.user_name, "displayName": self.display_name}
        else:
            body[self.kind] = {"displayName": self.display_name}
        return body

    def filter_fields(self) -> dict[str, Any]:
        return {"earliest_start_time": self.earliest_start, "latest_end_time": self.latest_end}


@dataclass(eq=False)
class TranscriptEntry:
    id: str
    transcript: "Artifact"
    participant: str  # participant resource name
    text: str
    start: float
    end: float
    language_code: str = DEFAULT_LANGUAGE

    @property
    def name(self) -> str:
        return f"{self.transcript.name}/entries/{self.id}"

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "participant": self.participant, "text": self.text,
                "languageCode": self.language_code,
                "startTime": rfc3339(self.start), "endTime": rfc3339(self.end)}


@dataclass(eq=False)
class Artifact:
    kind: str  # RECORDING, TRANSCRIPT or SMART_NOTE
    id: str
    conference: "Conference"
    start: float
    file_id: str
    end: float | None = None
    entries: list[TranscriptEntry] = field(default_factory=list)
    announced: bool = False  # the fileGenerated event went out

    @property
    def name(self) -> str:
        return f"{self.conference.name}/{COLLECTIONS[self.kind]}/{self.id}"

    @property
    def file_time(self) -> float | None:
        return None if self.end is None else self.end + FILE_GENERATION_DELAYS[self.kind]

    def state_at(self, now: float) -> str:
        if self.end is None:
            return "STARTED"
        file_time = self.file_time
        return "FILE_GENERATED" if file_time is not None and now >= file_time else "ENDED"

    def to_json(self, now: float) -> dict[str, Any]:
        state = self.state_at(now)
        body: dict[str, Any] = {"name": self.name, "state": state, "startTime": rfc3339(self.start)}
        if self.end is not None:
            body["endTime"] = rfc3339(self.end)
        if state == "FILE_GENERATED":
            if self.kind == RECORDING:
                body["driveDestination"] = {"file": self.file_id,
                                            "exportUri": f"https://drive.google.com/file/d/{self.file_id}/view"}
            else:
                body["docsDestination"] = {"document": self.file_id,
                                           "exportUri": f"https://docs.google.com/document/d/{self.file_id}/edit"}
        return body


@dataclass(eq=False)
class Conference:
    id: str
    space: Space
    start: float
    end: float | None = None
    participants: dict[str, Participant] = field(default_factory=dict)
    artifacts: dict[str, dict[str, Artifact]] = field(
        default_factory=lambda: {kind: {} for kind in ARTIFACT_KINDS})

    @property
    def name(self) -> str:
        return f"conferenceRecords/{self.id}"

    @property
    def expire_time(self) -> float | None:
        return None if self.end is None else self.end + RECORD_LIFETIME

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name, "startTime": rfc3339(self.start), "space": self.space.name}
        if self.end is not None:
            body["endTime"] = rfc3339(self.end)
            body["expireTime"] = rfc3339(self.end + RECORD_LIFETIME)
        return body

    def filter_fields(self) -> dict[str, Any]:
        return {"space.name": self.space.name, "space.meeting_code": self.space.meeting_code,
                "start_time": self.start, "end_time": self.end}

    def sessions(self) -> Iterable[Session]:
        for participant in self.participants.values():
            yield from participant.sessions

    def open_sessions(self) -> list[Session]:
        return sorted((s for s in self.sessions() if s.end is None), key=lambda s: s.start)

    def find_participant(self, kind: str, key: str) -> Participant | None:
        return next((p for p in self.participants.values() if p.kind == kind and p.key == key), None)


def _hooked_listener(state_ref: "weakref.ref[EmulatorState]") -> Callable[[], None]:
    def settle_after_advance() -> None:
        state = state_ref()
        if state is not None and getattr(state, "meet", None) is not None:
            state.meet.settle()
    return settle_after_advance


# Clocks that already carry the settle-after-advance listener. Keyed weakly: the
# listener looks up ``state.meet`` at call time, so a reset (a new MeetStore) reuses it
# instead of adding one listener per reset.
_HOOKED_CLOCKS: "weakref.WeakKeyDictionary[Any, bool]" = weakref.WeakKeyDictionary()


class MeetStore:
    """Every Meet resource of the emulated world. Callers hold ``state.lock``."""

    def __init__(self, state: "EmulatorState") -> None:
        self.state = state
        self.spaces: dict[str, Space] = {}
        self.spaces_by_code: dict[str, Space] = {}
        self.conferences: dict[str, Conference] = {}
        self.listeners: list[Listener] = []
        self._pending: list[Artifact] = []  # ended artifacts whose fileGenerated is still to come
        self._expiry: list[tuple[float, str]] = []  # heap of (expireTime, conference id)
        self._anonymous_count = 0
        if state.clock not in _HOOKED_CLOCKS:
            _HOOKED_CLOCKS[state.clock] = True
            state.clock.on_advance(_hooked_listener(weakref.ref(state)))

    # -- events ------------------------------------------------------------------------
    def add_listener(self, listener: Listener) -> None:
        self.listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self.listeners:
            self.listeners.remove(listener)

    def _emit(self, event_type: str, data: dict[str, Any], space: Space) -> None:
        for listener in list(self.listeners):
            try:
                listener(event_type, data, space.name)
            except Exception:  # a broken observer must not break Meet
                log.exception("Meet event listener failed for %s", event_type)

    # -- time --------------------------------------------------------------------------
    def now(self) -> float:
        return _now(self.state)

    def settle(self) -> None:
        """Bring artifacts and records up to the clock: fileGenerated events, then expiry.

        Only ended-but-unannounced artifacts and ended conferences are looked at, so a
        read costs nothing when nothing is due.
        """
        with self.state.lock:
            now = self.now()
            if self._pending:
                due = [a for a in self._pending if (a.file_time or 0.0) <= now]
                if due:
                    due.sort(key=lambda a: (a.file_time or 0.0, ARTIFACT_KINDS.index(a.kind)))
                    for artifact in due:
                        self._pending.remove(artifact)
                        artifact.announced = True
                        self._emit(GENERATED_EVENTS[artifact.kind], {artifact.kind: {"name": artifact.name}},
                                   artifact.conference.space)
            while self._expiry and self._expiry[0][0] <= now:
                _, conference_id = heapq.heappop(self._expiry)
                self.conferences.pop(conference_id, None)

    # -- ids ---------------------------------------------------------------------------
    def _new_meeting_code(self) -> str:
        while True:
            parts = ["".join(_CODES.choice(string.ascii_lowercase) for _ in range(n)) for n in (3, 4, 3)]
            code = "-".join(parts)
            if code not in self.spaces_by_code:
                return code

    def _file_id(self, length: int) -> str:
        return "1" + "".join(random.choice(_FILE_ALPHABET) for _ in range(length - 1))

    def _unique(self, taken: Iterable[str], length: int = 12) -> str:
        existing = set(taken)
        while True:
            candidate = self.state.new_id(length, _ID_ALPHABET)
            if candidate not in existing:
                return candidate

    # -- spaces ------------------------------------------------------------------------
    def create_space(self, *, owner: str, owner_email: str, client_id: str,
                     config: dict[str, Any] | None = None) -> Space:
        with self.state.lock:
            space = Space(
                id=self._unique(self.spaces, 12),
                meeting_code=self._new_meeting_code(),
                owner=owner,
                owner_email=owner_email.lower(),
                client_id=client_id,
                config=normalise_config(config),
                created=self.now(),
                phone_pin="".join(random.choice(string.digits) for _ in range(13)),
            )
            self.spaces[space.id] = space
            self.spaces_by_code[space.meeting_code] = space
            return space

    def find_space(self, reference: str, *, allow_code: bool = True) -> Space | None:
        """A space by ``spaces/{id}``, ``{id}``, ``spaces/{meetingCode}``, a meeting code or meeting URI."""
        ref = (reference or "").strip()
        if ref.startswith("https://meet.google.com/"):
            ref = ref[len("https://meet.google.com/"):].split("?", 1)[0]
        if ref.startswith("spaces/"):
            ref = ref[len("spaces/"):]
        if not ref or "/" in ref:
            return None
        if ref in self.spaces:
            return self.spaces[ref]
        if allow_code:
            return self.spaces_by_code.get(ref.lower())
        return None

    def get_space(self, reference: str, *, allow_code: bool = True) -> Space:
        space = self.find_space(reference, allow_code=allow_code)
        if space is None:
            raise not_found()
        return space

    # -- members -----------------------------------------------------------------------
    def add_member(self, space: Space, email: str, role: str = "ROLE_UNSPECIFIED") -> Member:
        email = email.strip().lower()
        if space.member_by_email(email) is not None:
            raise ApiError(409, f"Member with email {email} already exists in {space.name}.", "ALREADY_EXISTS")
        member = Member(self._unique(space.members, 16), space.id, email, role, self.now())
        space.members[member.id] = member
        return member

    def remove_member(self, space: Space, member_id: str) -> None:
        if space.members.pop(member_id, None) is None:
            raise not_found()

    # -- conferences -------------------------------------------------------------------
    def active_conference(self, space: Space) -> Conference | None:
        return self.conferences.get(space.active_conference) if space.active_conference else None

    def conferences_of(self, space: Space) -> list[Conference]:
        return [conference for conference in self.conferences.values() if conference.space is space]

    def find_conference(self, conference_id: str) -> Conference | None:
        self.settle()
        return self.conferences.get(conference_id)

    def _start_conference(self, space: Space, now: float) -> Conference:
        conference = Conference(self._unique(self.conferences, 22), space, now)
        self.conferences[conference.id] = conference
        space.active_conference = conference.id
        self._emit(CONFERENCE_STARTED, {"conferenceRecord": {"name": conference.name}}, space)
        return conference

    def _start_artifact(self, conference: Conference, kind: str, start: float) -> Artifact:
        existing = conference.artifacts[kind]
        artifact = Artifact(kind, self._unique(existing, 16), conference, start,
                            file_id=self._file_id(33 if kind == RECORDING else 44))
        existing[artifact.id] = artifact
        return artifact

    def _running(self, conference: Conference, kind: str) -> Artifact | None:
        return next((a for a in conference.artifacts[kind].values() if a.end is None), None)

    def _start_auto_artifacts(self, conference: Conference, now: float) -> None:
        artifact_config = conference.space.config.get("artifactConfig", {})
        for kind, (section, switch) in AUTO_SWITCHES.items():
            if artifact_config.get(section, {}).get(switch) == "ON" and self._running(conference, kind) is None \
                    and not conference.artifacts[kind]:
                self._start_artifact(conference, kind, now)

    def join(self, space: Space, *, user: Any = None, anonymous: str | None = None,
             phone: str | None = None) -> tuple[Participant, Session]:
        """Someone joins: a conference starts if none is active; a new session either way.

        ``user`` is an :class:`emulator.state.User`; ``anonymous`` a display name;
        ``phone`` a phone number (shown partially redacted).
        """
        with self.state.lock:
            self.settle()
            now = self.now()
            conference = self.active_conference(space) or self._start_conference(space, now)
            if user is not None:
                kind, key, display = SIGNED_IN, user.name, user.display_name
            elif anonymous is not None:
                kind, key, display = ANONYMOUS, anonymous, anonymous
            elif phone is not None:
                kind, key, display = PHONE, phone, redact_phone(phone)
            else:
                raise invalid_argument("Say who joins: user, anonymous or phone.", "user")
            participant = conference.find_participant(kind, key)
            if participant is None:
                participant = Participant(self._unique(conference.participants, 20), conference, kind, key, display,
                                          user_name=user.name if user is not None else None,
                                          email=user.email.lower() if user is not None else None)
                conference.participants[participant.id] = participant
            session = Session(self._unique((s.id for s in conference.sessions()), 24), participant, now)
            participant.sessions.append(session)
            self._emit(PARTICIPANT_JOINED, {"participantSession": {"name": session.name}}, space)
            if user is not None and space.role_of(user.email) in ("owner", "COHOST"):
                self._start_auto_artifacts(conference, now)
            return participant, session

    def next_anonymous_name(self) -> str:
        self._anonymous_count += 1
        return f"Guest {self._anonymous_count}"

    def leave(self, space: Space, participant: Participant) -> Session:
        """End the participant's latest open session; the conference ends with the last one."""
        with self.state.lock:
            self.settle()
            conference = self.active_conference(space)
            if conference is None or participant.conference is not conference:
                raise failed_precondition(f"There is no active conference in {space.name} with that participant.")
            session = participant.open_session()
            if session is None:
                raise failed_precondition(f"{participant.name} is not in the conference.")
            now = self.now()
            session.end = now
            self._emit(PARTICIPANT_LEFT, {"participantSession": {"name": session.name}}, space)
            if not conference.open_sessions():
                self._finish(conference, now, emit_left=False)
            return session

    def end_conference(self, space: Space, *, recording: bool = False, transcript: list[dict[str, Any]] | None = None,
                       smart_notes: bool = False) -> Conference | None:
        """End the active conference (if any), with the artifacts asked for.

        ``transcript`` is a list of ``{"participant": Participant, "text": str}``, each
        with an optional ``"language_code"`` (BCP-47, default ``en-US``) and ``"offset"``
        (seconds after the transcript's start). Without offsets the entries are spread
        evenly over the conference's duration; with them (all lines have one) each entry
        starts at its offset and ends where the next later one starts (the last at the
        end), listed by start time as Meet lists them. An offset past the transcript's
        length is a 400 naming ``transcript[i].offsetSeconds``.
        """
        with self.state.lock:
            self.settle()
            conference = self.active_conference(space)
            if conference is None:
                return None
            now = self.now()
            times: list[tuple[float, float]] = []
            if transcript is not None:
                # Timed first: a bad offset refuses the whole call before anything changes.
                running = self._running(conference, TRANSCRIPT)
                transcript_start = running.start if running is not None else conference.start
                times = _entry_times(transcript, transcript_start, max(now - transcript_start, 0.0))
            if recording and self._running(conference, RECORDING) is None:
                self._start_artifact(conference, RECORDING, conference.start)
            if smart_notes and self._running(conference, SMART_NOTE) is None:
                self._start_artifact(conference, SMART_NOTE, conference.start)
            if transcript is not None:
                running = self._running(conference, TRANSCRIPT) or self._start_artifact(conference, TRANSCRIPT,
                                                                                        conference.start)
                taken = {entry.id for entry in running.entries}  # one set: 20,000 lines stay linear
                for line, (start, end) in zip(transcript, times, strict=True):
                    entry_id = self._unique(taken, 16)
                    taken.add(entry_id)
                    running.entries.append(TranscriptEntry(entry_id, running, line["participant"].name, line["text"],
                                                           start, end, line.get("language_code", DEFAULT_LANGUAGE)))
                # Kept in Meet's listing order (start time, ascending; stable for equal starts),
                # so each page of entries.list is a slice, not a sort.
                running.entries.sort(key=lambda entry: entry.start)
            self._finish(conference, now, emit_left=True)
            return conference

    def _finish(self, conference: Conference, now: float, *, emit_left: bool) -> None:
        space = conference.space
        for session in conference.open_sessions():
            session.end = now
            if emit_left:
                self._emit(PARTICIPANT_LEFT, {"participantSession": {"name": session.name}}, space)
        for artifacts in conference.artifacts.values():
            for artifact in artifacts.values():
                if artifact.end is None:
                    artifact.end = now
                    self._pending.append(artifact)
        conference.end = now
        heapq.heappush(self._expiry, (now + RECORD_LIFETIME, conference.id))
        if space.active_conference == conference.id:
            space.active_conference = None
        self._emit(CONFERENCE_ENDED, {"conferenceRecord": {"name": conference.name}}, space)

    def participant_for(self, conference: Conference, *, user: Any = None, anonymous: str | None = None,
                        phone: str | None = None, name: str | None = None) -> Participant | None:
        if name is not None:
            participant_id = name.rsplit("/", 1)[-1]
            found = conference.participants.get(participant_id)
            return found if found is not None and (name == participant_id or name == found.name) else None
        if user is not None:
            return conference.find_participant(SIGNED_IN, user.name)
        if anonymous is not None:
            return conference.find_participant(ANONYMOUS, anonymous)
        if phone is not None:
            return conference.find_participant(PHONE, phone)
        return None


def _entry_times(transcript: list[dict[str, Any]], start: float, span: float) -> list[tuple[float, float]]:
    """(start, end) of each line: evenly spread over ``span``, or at the lines' offsets."""
    if not transcript or "offset" not in transcript[0]:
        step = span / max(len(transcript), 1)
        return [(round(start + index * step, 6), round(start + (index + 1) * step, 6))
                for index in range(len(transcript))]
    offsets = [float(line["offset"]) for line in transcript]
    for index, offset in enumerate(offsets):
        if offset > span + 1e-6:
            raise invalid_argument(
                f"transcript[{index}].offsetSeconds is {offset:g}, past the transcript's end ({span:g} s in).",
                f"transcript[{index}].offsetSeconds")
    ordered = sorted(set(offsets))
    times = []
    for offset in offsets:
        following = bisect.bisect_right(ordered, offset)  # the next entry starts, or the transcript ends
        later = ordered[following] if following < len(ordered) else span
        times.append((round(start + offset, 6), round(start + later, 6)))
    return times


def redact_phone(number: str) -> str:
    """A phone number as Meet shows it: all but the country code and last digits masked."""
    digits = [c for c in number if c.isdigit()]
    if len(digits) < 4:
        return "*" * len(digits)
    visible = 3
    masked = []
    remaining = len(digits)
    for char in number:
        if char.isdigit():
            remaining -= 1
            keep = remaining < visible or (number.strip().startswith("+") and len(digits) - remaining <= 1)
            masked.append(char if keep else "*")
        else:
            masked.append(char)
    return "".join(masked)
