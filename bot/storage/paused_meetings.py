"""Meetings paused because their organizer's authorization is gone.

A pause is a row per meeting: inserted when a sync (or ``/meetlogout``) finds the
organizer's credentials gone, deleted when a sync with their credentials succeeds again.
Inserting never overwrites, so ``since`` names one episode however many workers and
passes meet it; the organizer's prompt is derived from it and recorded on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from domain import MeetingStatus
from bot.storage.database import Database, request_syncs
from bot.storage.errors import translate_errors
from bot.storage.tables import conference_summaries, meetings, paused_meetings


@dataclass(frozen=True)
class PauseRecord:
    meeting_id: int
    organizer_user_name: str
    since: datetime  # when this episode began: the prompt's identity
    prompted: bool  # the organizer's private prompt was posted


class SqlPauses:
    """``Pauses`` over SQLite or PostgreSQL."""

    def __init__(self, database: Database) -> None:
        self._db = database

    @translate_errors
    def pause_meeting(self, meeting_id: int, organizer_user_name: str) -> PauseRecord:
        """Record that the meeting is paused (if it is not already): its pause as stored."""
        with self._db.writing() as connection:
            self._insert_pauses(connection, [meeting_id], organizer_user_name)
            row = connection.execute(sa.select(paused_meetings)
                                     .where(paused_meetings.c.meeting_id == meeting_id)).mappings().one()
        return _pause(row)

    @translate_errors
    def pause_organizer_meetings(self, organizer_user_name: str, *, live_after: datetime) -> list[int]:
        """The organizer unlinked: pause their meetings that are still live (not ended and
        created after ``live_after``, or with a summary still being completed) and request
        a sync of each, so their cards say so. The ids, in one transaction."""
        incomplete = (sa.select(conference_summaries.c.meeting_id)
                      .where(conference_summaries.c.complete.is_(False)))
        live = (sa.select(meetings.c.id)
                .where(meetings.c.organizer_user_name == organizer_user_name)
                .where(meetings.c.card_message.is_not(None))
                .where(sa.or_(sa.and_(meetings.c.status != MeetingStatus.ENDED.value,
                                      meetings.c.created_at > live_after),
                              meetings.c.id.in_(incomplete)))
                .order_by(meetings.c.id))
        with self._db.writing() as connection:
            ids = [int(found) for found in connection.execute(live).scalars()]
            if ids:
                self._insert_pauses(connection, ids, organizer_user_name)
                connection.execute(request_syncs(meetings.c.id.in_(ids)))
        return ids

    @translate_errors
    def resume_organizer_meetings(self, organizer_user_name: str) -> list[int]:
        """The organizer linked again: request a sync of each of their paused meetings
        (the sync, with their credentials, ends the pause). The ids."""
        paused = (sa.select(paused_meetings.c.meeting_id)
                  .where(paused_meetings.c.organizer_user_name == organizer_user_name))
        with self._db.writing() as connection:
            ids = [int(found) for found in connection.execute(paused).scalars()]
            if ids:
                connection.execute(request_syncs(meetings.c.id.in_(ids)))
        return ids

    @translate_errors
    def pause_of(self, meeting_id: int) -> PauseRecord | None:
        with self._db.reading(one_statement=True) as connection:
            row = connection.execute(sa.select(paused_meetings)
                                     .where(paused_meetings.c.meeting_id == meeting_id)).mappings().one_or_none()
        return _pause(row) if row is not None else None

    @translate_errors
    def mark_pause_prompted(self, meeting_id: int, since: datetime) -> bool:
        """The prompt of the episode that began at ``since`` was posted; False if that
        episode is over (resumed, or a new one began)."""
        with self._db.writing() as connection:
            result = connection.execute(sa.update(paused_meetings)
                                        .where(paused_meetings.c.meeting_id == meeting_id,
                                               paused_meetings.c.since == since)
                                        .values(prompted=True))
        return result.rowcount > 0

    @translate_errors
    def end_pause(self, meeting_id: int, since: datetime) -> bool:
        """The episode that began at ``since`` is over (a sync with the organizer's
        credentials succeeded); a newer episode is left alone. False if there was none."""
        with self._db.writing() as connection:
            result = connection.execute(sa.delete(paused_meetings)
                                        .where(paused_meetings.c.meeting_id == meeting_id,
                                               paused_meetings.c.since == since))
        return result.rowcount > 0

    def _insert_pauses(self, connection: sa.Connection, meeting_ids: list[int], organizer_user_name: str) -> None:
        now = self._db.now()
        insert = self._db.insert(paused_meetings).values(
            [{"meeting_id": meeting_id, "organizer_user_name": organizer_user_name, "since": now, "prompted": False}
             for meeting_id in meeting_ids])
        connection.execute(insert.on_conflict_do_nothing(index_elements=["meeting_id"]))


def _pause(row: sa.RowMapping) -> PauseRecord:
    return PauseRecord(int(row["meeting_id"]), row["organizer_user_name"], row["since"], bool(row["prompted"]))
