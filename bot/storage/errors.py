"""What storage failures mean to the rest of the app.

Callers catch these, never SQLAlchemy or driver exceptions, so a handler can answer a
user clearly (and the backend can change) without importing anything database-specific.
"""

from __future__ import annotations

import functools
from typing import Callable, ParamSpec, TypeVar

from sqlalchemy import exc as sa_exc

_P = ParamSpec("_P")
_R = TypeVar("_R")


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


def translate_errors(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Turn driver exceptions into the errors above, so callers need no SQLAlchemy.

    Every public method of every repository (``bot.storage.protocols``) wears it.
    """

    @functools.wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except sa_exc.IntegrityError as error:
            raise ConflictError(str(error.orig)) from error
        except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError) as error:
            raise StorageUnavailableError(str(error)) from error
        except sa_exc.SQLAlchemyError as error:
            raise StorageError(str(error)) from error

    return wrapper
