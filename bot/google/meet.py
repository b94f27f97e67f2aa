"""The Meet REST API v2, through google-api-python-client with its static discovery document.

The service object is built once; each call runs with the acting user's credentials on
a fresh ``httplib2.Http`` (it is not thread-safe) carrying the per-call timeout.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import google_auth_httplib2
import httplib2
from google.auth.credentials import Credentials
from googleapiclient import discovery

from ..retry import attempt_timeout, retry_call
from .errors import GoogleApiError, classify


class MeetGateway:
    def __init__(self, endpoint: str | None = None, *, timeout_seconds: float = 8.0, budget_seconds: float = 20.0,
                 sleep: Callable[[float], None] | None = None) -> None:
        options = {"api_endpoint": endpoint} if endpoint else None
        self._service = discovery.build("meet", "v2", http=httplib2.Http(), static_discovery=True,
                                        client_options=options, cache_discovery=False)
        self._timeout = timeout_seconds
        self._budget = budget_seconds
        self._sleep = sleep

    def _execute(self, credentials: Credentials, request: Any) -> dict[str, Any]:
        def attempt() -> dict[str, Any]:
            timeout = attempt_timeout(self._timeout)  # within the request's deadline, if a user waits
            http = google_auth_httplib2.AuthorizedHttp(credentials, http=httplib2.Http(timeout=timeout))
            try:
                return dict(request.execute(http=http) or {})
            except Exception as error:  # noqa: BLE001 - classified into GoogleApiError
                raise classify(error) from error

        extra = {"sleep": self._sleep} if self._sleep else {}
        return retry_call(attempt, is_transient=lambda e: isinstance(e, GoogleApiError) and e.transient,
                          budget_seconds=self._budget, **extra)

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
            found[key] = list(self._pages(credentials, lambda token, c=collection: c.list(
                parent=record, pageSize=100, pageToken=token), key))
        return found

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
