"""What storage failures mean to the rest of the app.

Callers catch these, never SQLAlchemy or driver exceptions, so a handler can answer a
user clearly (and the backend can change) without importing anything database-specific.
"""

from __future__ import annotations


class StorageError(Exception):
    """Any storage failure the caller may want to report instead of crashing."""


class StorageUnavailableError(StorageError):
    """The database could not be reached or was busy for too long; retrying may help."""


class ConflictError(StorageError):
    """A write would break a uniqueness rule (the data already exists)."""


class DuplicateMeetingError(ConflictError):
    """This Meet space is already recorded: one Meet space is one meeting of the app."""

    def __init__(self, meet_space: str) -> None:
        super().__init__(f"meeting already recorded for {meet_space}")
        self.meet_space = meet_space


class MeetingNotFoundError(StorageError, LookupError):
    """An update named a meeting id that is not (or no longer) recorded."""

    def __init__(self, meeting_id: int) -> None:
        super().__init__(f"no meeting with id {meeting_id}")
        self.meeting_id = meeting_id
