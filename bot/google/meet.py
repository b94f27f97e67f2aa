"""The Meet REST API v2, through google-api-python-client with its static discovery document.

Built on DiscoveryGateway: one service object, per-call credentials and timeouts, retries.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from google.auth.credentials import Credentials

from .discovery_gateway import DiscoveryGateway


class MeetGateway(DiscoveryGateway):
    API, VERSION = "meet", "v2"

    def create_space(self, credentials: Credentials, config: dict[str, Any]) -> dict[str, Any]:
        """``spaces.create``; note it is not idempotent, so only transient failures before
        Meet answered are retried (a 5xx means Meet did not create the space)."""
        body = {"config": config} if config else {}
        return self._execute(credentials, self._service.spaces().create(body=body))

    def get_space(self, credentials: Credentials, name: str) -> dict[str, Any]:
        return self._execute(credentials, self._service.spaces().get(name=name))

    # -- reading conferences: every list walks all pages at the maximum page size ------
    def _pages(self, credentials: Credentials, make_request: Callable[[str | None], Any], key: str
               ) -> Iterator[dict[str, Any]]:
        token: str | None = None
        while True:
            page = self._execute(credentials, make_request(token))
            yield from page.get(key, [])
            token = page.get("nextPageToken")
            if not token:
                return

    def conference_records(self, credentials: Credentials, space: str) -> Iterator[dict[str, Any]]:
        """The space's conference records, newest first."""
        records = self._service.conferenceRecords()
        return self._pages(credentials, lambda token: records.list(
            filter=f'space.name = "{space}"', pageSize=100, pageToken=token), "conferenceRecords")

    def participants(self, credentials: Credentials, record: str, *, only_present: bool = False
                     ) -> Iterator[dict[str, Any]]:
        participants = self._service.conferenceRecords().participants()
        query = "latest_end_time IS NULL" if only_present else None
        return self._pages(credentials, lambda token: participants.list(
            parent=record, filter=query, pageSize=250, pageToken=token), "participants")

    def participant_sessions(self, credentials: Credentials, participant: str) -> Iterator[dict[str, Any]]:
        sessions = self._service.conferenceRecords().participants().participantSessions()
        return self._pages(credentials, lambda token: sessions.list(
            parent=participant, pageSize=250, pageToken=token), "participantSessions")

    def artifacts(self, credentials: Credentials, record: str) -> dict[str, list[dict[str, Any]]]:
        """Recordings, transcripts and smart notes of a conference (each list is short)."""
        resource = self._service.conferenceRecords()
        found: dict[str, list[dict[str, Any]]] = {}
        for key, collection in (("recordings", resource.recordings()), ("transcripts", resource.transcripts()),
                                ("smartNotes", resource.smartNotes())):
            def page(token: str | None, collection: Any = collection) -> Any:
                return collection.list(parent=record, pageSize=100, pageToken=token)
            found[key] = list(self._pages(credentials, page, key))
        return found

    def transcript_entries(self, credentials: Credentials, transcript: str) -> Iterator[dict[str, Any]]:
        """``conferenceRecords.transcripts.entries.list``: every entry, in order, 100 a page
        (the maximum), streamed so a three-hour transcript is never held whole."""
        entries = self._service.conferenceRecords().transcripts().entries()
        return self._pages(credentials, lambda token: entries.list(parent=transcript, pageSize=100, pageToken=token),
                           "transcriptEntries")

    def end_active_conference(self, credentials: Credentials, space: str) -> None:
        self._execute(credentials, self._service.spaces().endActiveConference(name=space, body={}))

    # -- controlling a space (organizer or co-host credentials) ---------------------------
    def patch_space(self, credentials: Credentials, name: str, config: dict[str, Any],
                    update_mask: list[str]) -> dict[str, Any]:
        """``spaces.patch`` changing exactly the ``update_mask`` paths (``config.accessType``, …).

        The mask is always given: without one Meet would apply every field present in the
        body, and a field left at its default could silently reset a setting.
        """
        if not update_mask:
            raise ValueError("spaces.patch needs the paths it changes")
        request = self._service.spaces().patch(name=name, body={"config": config}, updateMask=",".join(update_mask))
        return self._execute(credentials, request)

    def add_member(self, credentials: Credentials, space: str, email: str, role: str = "COHOST") -> dict[str, Any]:
        """``spaces.members.create``: ``email`` becomes a member with ``role``."""
        members = self._service.spaces().members()
        return self._execute(credentials, members.create(parent=space, body={"email": email, "role": role}))

    def members(self, credentials: Credentials, space: str) -> Iterator[dict[str, Any]]:
        """``spaces.members.list``, every page."""
        members = self._service.spaces().members()
        return self._pages(credentials, lambda token: members.list(parent=space, pageSize=500, pageToken=token),
                           "members")

    def delete_member(self, credentials: Credentials, member: str) -> None:
        self._execute(credentials, self._service.spaces().members().delete(name=member))
