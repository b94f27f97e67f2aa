"""The Meet REST API v2, through google-api-python-client with its static discovery document.

Built on DiscoveryGateway: one service object, per-call credentials and timeouts, retries.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, TypeVar

from google.auth.credentials import Credentials

from domain import (
    Artifact,
    ArtifactKind,
    ConferenceRecord,
    MeetMember,
    MeetSpace,
    MemberRole,
    Participant,
    ParticipantSession,
    TranscriptEntry,
)

from .discovery_gateway import DiscoveryGateway
from .resources import (
    Json,
    parse_artifact,
    parse_conference_record,
    parse_member,
    parse_participant,
    parse_participant_session,
    parse_space,
    parse_transcript_entry,
)

T = TypeVar("T")


class MeetGateway(DiscoveryGateway):
    API, VERSION = "meet", "v2"

    def create_space(self, credentials: Credentials, config: dict[str, Any]) -> MeetSpace:
        """``spaces.create``; note it is not idempotent, so only transient failures before
        Meet answered are retried (a 5xx means Meet did not create the space)."""
        body = {"config": config} if config else {}
        return parse_space(self._execute(credentials, self._resource("spaces").create(body=body)))

    def get_space(self, credentials: Credentials, name: str) -> MeetSpace:
        return parse_space(self._execute(credentials, self._resource("spaces").get(name=name)))

    # -- reading conferences: every list walks all pages at the maximum page size ------
    def _pages(self, credentials: Credentials, make_request: Callable[[str | None], Any], key: str,
               parse: Callable[[Json], T]) -> Iterator[T]:
        """Each item of every page, parsed; a page is read only when the one before is used up."""
        token: str | None = None
        while True:
            page = self._execute(credentials, make_request(token))
            yield from (parse(item) for item in page.get(key, []))
            token = page.get("nextPageToken")
            if not token:
                return

    def conference_records(self, credentials: Credentials, space: str) -> Iterator[ConferenceRecord]:
        """The space's conference records, newest first."""
        records = self._resource("conferenceRecords")
        return self._pages(credentials, lambda token: records.list(
            filter=f'space.name = "{space}"', pageSize=100, pageToken=token), "conferenceRecords",
            parse_conference_record)

    def participants(self, credentials: Credentials, record: str, *, only_present: bool = False
                     ) -> Iterator[Participant]:
        participants = self._resource("conferenceRecords", "participants")
        query = "latest_end_time IS NULL" if only_present else None
        return self._pages(credentials, lambda token: participants.list(
            parent=record, filter=query, pageSize=250, pageToken=token), "participants", parse_participant)

    def participant_sessions(self, credentials: Credentials, participant: str) -> Iterator[ParticipantSession]:
        sessions = self._resource("conferenceRecords", "participants", "participantSessions")
        return self._pages(credentials, lambda token: sessions.list(
            parent=participant, pageSize=250, pageToken=token), "participantSessions", parse_participant_session)

    def artifacts(self, credentials: Credentials, record: str, *,
                  skip: frozenset[ArtifactKind] = frozenset()) -> tuple[Artifact, ...]:
        """Recordings, transcripts and smart notes of a conference, in that order (each list
        is short, so all of it is read); the kinds in ``skip`` are not asked for (none)."""
        found: list[Artifact] = []
        for key, kind in (("recordings", ArtifactKind.RECORDING), ("transcripts", ArtifactKind.TRANSCRIPT),
                          ("smartNotes", ArtifactKind.SMART_NOTES)):
            if kind in skip:
                continue
            collection = self._resource("conferenceRecords", key)

            def page(token: str | None, collection: Any = collection) -> Any:
                return collection.list(parent=record, pageSize=100, pageToken=token)

            def parse(item: Json, kind: ArtifactKind = kind) -> Artifact:
                return parse_artifact(kind, item)
            found.extend(self._pages(credentials, page, key, parse))
        return tuple(found)

    def transcript_entries(self, credentials: Credentials, transcript: str) -> Iterator[TranscriptEntry]:
        """``conferenceRecords.transcripts.entries.list``: every entry, in order, 100 a page
        (the maximum), streamed so a three-hour transcript is never held whole."""
        entries = self._resource("conferenceRecords", "transcripts", "entries")
        return self._pages(credentials, lambda token: entries.list(parent=transcript, pageSize=100, pageToken=token),
                           "transcriptEntries", parse_transcript_entry)

    def end_active_conference(self, credentials: Credentials, space: str) -> None:
        self._execute(credentials, self._resource("spaces").endActiveConference(name=space, body={}))

    # -- controlling a space (organizer or co-host credentials) ---------------------------
    def patch_space(self, credentials: Credentials, name: str, config: dict[str, Any],
                    update_mask: list[str]) -> MeetSpace:
        """``spaces.patch`` changing exactly the ``update_mask`` paths (``config.accessType``, …).

        The mask is always given: without one Meet would apply every field present in the
        body, and a field left at its default could silently reset a setting.
        """
        if not update_mask:
            raise ValueError("spaces.patch needs the paths it changes")
        request = self._resource("spaces").patch(name=name, body={"config": config}, updateMask=",".join(update_mask))
        return parse_space(self._execute(credentials, request))

    def add_member(self, credentials: Credentials, space: str, email: str,
                   role: MemberRole = MemberRole.COHOST) -> MeetMember:
        """``spaces.members.create``: ``email`` becomes a member with ``role``."""
        members = self._resource("spaces", "members")
        return parse_member(self._execute(credentials, members.create(parent=space,
                                                                      body={"email": email, "role": role.value})))

    def members(self, credentials: Credentials, space: str) -> Iterator[MeetMember]:
        """``spaces.members.list``, every page."""
        members = self._resource("spaces", "members")
        return self._pages(credentials, lambda token: members.list(parent=space, pageSize=500, pageToken=token),
                           "members", parse_member)

    def delete_member(self, credentials: Credentials, member: str) -> None:
        self._execute(credentials, self._resource("spaces", "members").delete(name=member))
