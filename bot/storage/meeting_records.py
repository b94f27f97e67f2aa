"""The meetings table: recording a meeting, finding it again, and writes to its row
(the card, status, co-host outcomes, lock state, settings).

Each write is one short statement on the meeting's row, so two people clicking at once
never interleave half-updates; the last complete write wins, which is what they saw.
"""

from __future__ import annotations

import functools
from datetime import datetime, timezone
from typing import Any, Sequence

import sqlalchemy as sa

from domain import AccessType, Cohost, Meeting, MeetingSettings, MeetingStatus
from bot.storage.database import (
    Database,
    cohosts_to_json,
    dialect_insert,
    meeting_to_row,
    require_aware,
    row_to_meeting,
    sync_ticket_on_request,
)
from bot.storage.errors import DuplicateMeetingError, MeetingNotFoundError, translate_errors
from bot.storage.tables import meetings


@functools.cache
def _record_statement(dialect: str) -> Any:
    """Insert a meeting (parameters: its columns); its id, no row if its Meet space is
    already recorded. ON CONFLICT DO NOTHING rather than catching the error: on PostgreSQL
    a failed insert would poison the transaction and log an ERROR for an expected case."""
    return (dialect_insert(dialect, meetings).on_conflict_do_nothing(index_elements=["meet_space"])
            .returning(meetings.c.id))


def _meeting_where(column: sa.Column[Any]) -> sa.Select[Any]:
    return sa.select(meetings).where(column == sa.bindparam("key", type_=column.type))


_MEETING_BY = {column.name: _meeting_where(column) for column in (
    meetings.c.id, meetings.c.meet_space, meetings.c.card_message, meetings.c.source_message)}

# attach_posted_card's one write (SET's parameters may not share a column's name).
_ATTACH_POSTED_CARD = (
    sa.update(meetings)
    .where(meetings.c.id == sa.bindparam("meeting_id", type_=sa.Integer))
    .values(card_message=sa.bindparam("new_card_message", type_=sa.String),
            thread_name=sa.bindparam("new_thread_name", type_=sa.String),
            card_hash=sa.bindparam("new_card_hash", type_=sa.String),
            sync_requested=meetings.c.sync_requested + 1,
            sync_ticket=sync_ticket_on_request(),
            updated_at=sa.bindparam("now", type_=meetings.c.updated_at.type))
    .returning(*meetings.c))


class SqlMeetings:
    """``Meetings`` over SQLite or PostgreSQL."""

    def __init__(self, database: Database) -> None:
        self._db = database

    @translate_errors
    def record_meeting(self, meeting: Meeting) -> Meeting:
        """Record a meeting whose Meet space exists; return it with its ``id``.

        Call it only after Meet created the space, and ``delete_meeting`` it if the join
        card then cannot be posted: the table never claims a meeting the user cannot
        see. The card may be given now (a client-assigned message id) or attached later.
        Raises ``DuplicateMeetingError`` if the Meet space is already recorded.
        """
        require_aware(meeting.created_at)
        values = meeting_to_row(meeting) | {"updated_at": self._db.now()}
        with self._db.writing(one_statement=True) as connection:
            meeting_id = connection.execute(_record_statement(self._db.dialect), values).scalar_one_or_none()
        if meeting_id is None:
            raise DuplicateMeetingError(meeting.meet_space)
        return meeting.with_changes(id=meeting_id, created_at=meeting.created_at.astimezone(timezone.utc))

    @translate_errors
    def attach_card(self, meeting_id: int, card_message: str, thread_name: str | None) -> Meeting:
        """Remember where the join card was posted, so it can be edited and found later.

        Raises ``MeetingNotFoundError`` if the meeting was deleted meanwhile and
        ``ConflictError`` if that message is already another meeting's card.
        """
        return self._update(meeting_id, card_message=card_message, thread_name=thread_name)

    @translate_errors
    def attach_posted_card(self, meeting_id: int, card_message: str, thread_name: str | None,
                           card_hash: str) -> Meeting:
        """The join card was just posted: ``attach_card``, what it shows (``note_card``) and
        a request for the meeting's first sync (``request_sync``), in one statement. One
        commit instead of three on the path of every ``/meet``; the same errors as
        ``attach_card``. The caller wakes its sync worker."""
        with self._db.writing(one_statement=True) as connection:
            row = connection.execute(_ATTACH_POSTED_CARD, {
                "meeting_id": meeting_id, "new_card_message": card_message, "new_thread_name": thread_name,
                "new_card_hash": card_hash, "now": self._db.now()}).mappings().one_or_none()
        if row is None:
            raise MeetingNotFoundError(meeting_id)
        return row_to_meeting(row)

    @translate_errors
    def set_status(self, meeting_id: int, status: MeetingStatus) -> Meeting:
        """Record what the join card now shows (waiting, in progress, ended)."""
        return self._update(meeting_id, status=MeetingStatus(status).value)

    @translate_errors
    def set_cohosts(self, meeting_id: int, cohosts: Sequence[Cohost]) -> Meeting:
        """Record what became of the meeting's mentioned co-hosts."""
        return self._update(meeting_id, cohosts=cohosts_to_json(cohosts))

    @translate_errors
    def set_access(self, meeting_id: int, access_type: AccessType | None,
                   unlocked_access_type: AccessType | None) -> Meeting:
        """The meeting's access type as Meet now reports it, and what Unlock restores."""
        return self._update(meeting_id, access_type=access_type.value if access_type else None,
                            unlocked_access_type=unlocked_access_type.value if unlocked_access_type else None)

    @translate_errors
    def set_meeting_settings(self, meeting_id: int, settings: MeetingSettings) -> Meeting:
        """The meeting's settings after a Settings dialog was applied in Meet."""
        return self._update(meeting_id, settings=settings.to_json(),
                            access_type=settings.access_type.value if settings.access_type else None)

    @translate_errors
    def delete_meeting(self, meeting_id: int) -> bool:
        """Forget a meeting, e.g. when its card could not be posted. False if absent."""
        with self._db.writing() as connection:
            result = connection.execute(sa.delete(meetings).where(meetings.c.id == meeting_id))
        return result.rowcount > 0

    @translate_errors
    def get_meeting(self, meeting_id: int) -> Meeting | None:
        return self._get_meeting("id", meeting_id)

    @translate_errors
    def get_meeting_by_meet_space(self, meet_space: str) -> Meeting | None:
        """The meeting of a Meet space (``spaces/…``): how Meet events find their card."""
        return self._get_meeting("meet_space", meet_space)

    @translate_errors
    def get_meeting_by_card_message(self, card_message: str) -> Meeting | None:
        """The meeting whose join card is this Chat message: how button clicks find it."""
        return self._get_meeting("card_message", card_message)

    @translate_errors
    def get_meeting_by_source_message(self, source_message: str) -> Meeting | None:
        """The meeting a Chat message's /meet created, if any (what makes /meet idempotent)."""
        return self._get_meeting("source_message", source_message)

    @translate_errors
    def recent_meetings(self, chat_space: str, limit: int = 10) -> list[Meeting]:
        """Meetings created in a Chat space, newest first, at most ``limit``."""
        if limit <= 0:
            return []
        query = (
            sa.select(meetings)
            .where(meetings.c.chat_space == chat_space)
            .order_by(meetings.c.created_at.desc(), meetings.c.id.desc())
            .limit(limit)
        )
        with self._db.reading(one_statement=True) as connection:
            return [row_to_meeting(row) for row in connection.execute(query).mappings()]

    @translate_errors
    def count_meetings_by_organizer(self, organizer_user_name: str, *, since: datetime) -> int:
        """How many meetings this person created at or after ``since`` (any instance's)."""
        require_aware(since)
        query = (sa.select(sa.func.count()).select_from(meetings)
                 .where(meetings.c.organizer_user_name == organizer_user_name, meetings.c.created_at >= since))
        with self._db.reading(one_statement=True) as connection:
            return int(connection.execute(query).scalar_one())

    def _get_meeting(self, column: str, key: Any) -> Meeting | None:
        """The meeting whose ``column`` (``_MEETING_BY``: a unique one) is ``key``."""
        with self._db.reading(one_statement=True) as connection:
            row = connection.execute(_MEETING_BY[column], {"key": key}).mappings().one_or_none()
        return row_to_meeting(row) if row is not None else None

    def _update(self, meeting_id: int, **values: Any) -> Meeting:
        update = (
            sa.update(meetings)
            .where(meetings.c.id == meeting_id)
            .values(**values, updated_at=self._db.now())
            .returning(*meetings.c)
        )
        with self._db.writing(one_statement=True) as connection:
            row = connection.execute(update).mappings().one_or_none()
        if row is None:
            raise MeetingNotFoundError(meeting_id)
        return row_to_meeting(row)
