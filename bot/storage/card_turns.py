"""Turns at drawing a meeting's join card.

A sync's lease cannot keep the join card from going backwards on its own: a sync that
stalls past its lease (a slow Meet read) finishes after the next one did, with an older
reading. So every drawing of the card takes a *card turn* (``card_turn``): one writer at
a time per meeting, and a drawing whose reading of Meet began before the one the card
shows is never written.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterator

import sqlalchemy as sa

from bot.storage.database import Database, full_look_pending
from bot.storage.errors import MeetingNotFoundError, StorageError, StorageUnavailableError, translate_errors
from bot.storage.tables import meetings

# How long a drawing waits for another one of the same meeting (its Chat edit) to finish
# before giving up its turn; the sync that gave up asks for another sync.
CARD_TURN_WAIT_SECONDS = 15.0


class CardBusyError(StorageUnavailableError):
    """Another drawing of the meeting's card held its turn for too long."""


@dataclass
class CardTurn:
    """One writer's turn at a meeting's join card (see ``CardTurns.card_turn``).

    ``superseded``: the card already shows a reading of Meet that began after this
    writer's, so this drawing must not be written. ``shown_hash``: what the card shows.
    Call ``shown`` once the new drawing is in Chat (or when it was already there)."""

    superseded: bool
    shown_hash: str | None
    _record: Callable[[str], None]

    def shown(self, card_hash: str) -> None:
        if self.superseded:
            raise RuntimeError("a superseded drawing cannot be recorded as shown")
        self._record(card_hash)
        self.shown_hash = card_hash


class _MeetingLocks:
    """Per-meeting locks inside one process: SQLite's card turns (a SQLite database is
    used by one process: local mode and single instances). PostgreSQL locks the row."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[int, tuple[threading.Lock, int]] = {}

    @contextmanager
    def hold(self, meeting_id: int, timeout: float) -> Iterator[None]:
        with self._guard:
            lock, users = self._locks.get(meeting_id, (threading.Lock(), 0))
            self._locks[meeting_id] = (lock, users + 1)
        try:
            if not lock.acquire(timeout=timeout):
                raise CardBusyError(f"meeting {meeting_id}'s card is being drawn")
            try:
                yield
            finally:
                lock.release()
        finally:
            with self._guard:
                lock, users = self._locks[meeting_id]
                if users == 1:
                    del self._locks[meeting_id]  # nobody waits: forget it (bounded memory)
                else:
                    self._locks[meeting_id] = (lock, users - 1)


# One per process, not per ``Storage``: two stores opened on the same SQLite file in one
# process (tests, local mode's helpers) must still take turns.
_SQLITE_CARD_LOCKS = _MeetingLocks()


class SqlCardTurns:
    """``CardTurns`` over SQLite or PostgreSQL."""

    def __init__(self, database: Database) -> None:
        self._db = database

    @translate_errors
    def note_card(self, meeting_id: int, card_hash: str) -> None:
        """What the join card shows right after it was posted (saves the first edit)."""
        with self._db.writing(one_statement=True) as connection:
            connection.execute(sa.update(meetings).where(meetings.c.id == meeting_id).values(card_hash=card_hash))

    @contextmanager
    def card_turn(self, meeting_id: int, observed_at: datetime) -> Iterator[CardTurn]:
        """A turn at drawing meeting ``meeting_id``'s join card from a reading of Meet that
        began at ``observed_at`` (before the meeting row and Meet were read).

        Inside the turn nobody else draws this meeting's card, and the caller edits the
        card in Chat, then calls ``turn.shown(hash)``; the turn records the hash and the
        reading's time together. A turn whose reading is older than the card's is
        ``superseded``. On PostgreSQL the meeting's row is locked (FOR UPDATE) for the
        turn, across instances; a SQLite database serves one process, which locks the
        meeting in memory. Waiting longer than ``CARD_TURN_WAIT_SECONDS`` raises
        ``CardBusyError``; other failures are ``StorageError``s.
        """
        if observed_at.tzinfo is None:
            raise ValueError(f"naive datetime {observed_at!r}: storage needs timezone-aware times")
        if self._db.dialect == "postgresql":
            with self._locked_row_turn(meeting_id, observed_at) as turn:
                yield turn
            return
        with _SQLITE_CARD_LOCKS.hold(meeting_id, CARD_TURN_WAIT_SECONDS):
            row = self._card_row(meeting_id)

            def record(card_hash: str) -> None:
                self._record_card(meeting_id, card_hash, observed_at)

            yield _turn(meeting_id, row, observed_at, record)

    @translate_errors
    def card_reading(self, meeting_id: int) -> datetime | None:
        """When the reading of Meet that the join card shows began, while it is the newest
        one asked for; None when not known, or when something has asked for a full look at
        the meeting since (``full_look_pending``: the card is about to change, so a Refresh
        must not call it up to date). A request that asked only for a conference's files
        does not count: the card does not show files."""
        with self._db.reading(one_statement=True) as connection:
            row = connection.execute(sa.select(meetings.c.card_observed_at, full_look_pending().label("pending"))
                                     .where(meetings.c.id == meeting_id)).first()
        if row is None or row.pending:
            return None
        return row.card_observed_at if isinstance(row.card_observed_at, datetime) else None

    @contextmanager
    def _locked_row_turn(self, meeting_id: int, observed_at: datetime) -> Iterator[CardTurn]:
        try:
            connection = self._db.engine.connect()
        except sa.exc.SQLAlchemyError as error:
            raise StorageUnavailableError(str(error)) from error
        with connection:
            try:
                transaction = connection.begin()
                connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(CARD_TURN_WAIT_SECONDS * 1000)}ms'")
                row = connection.execute(_card_state(meeting_id).with_for_update()).first()
            except sa.exc.OperationalError as error:
                if getattr(error.orig, "sqlstate", None) == "55P03":  # lock_not_available: the wait ran out
                    raise CardBusyError(f"meeting {meeting_id}'s card is being drawn") from error
                raise StorageUnavailableError(str(error)) from error
            except sa.exc.SQLAlchemyError as error:
                raise StorageError(str(error)) from error

            def record(card_hash: str) -> None:
                try:
                    connection.execute(_card_shown(meeting_id, card_hash, observed_at))
                except sa.exc.SQLAlchemyError as error:
                    raise StorageError(str(error)) from error

            try:
                yield _turn(meeting_id, row, observed_at, record)
            except BaseException:
                transaction.rollback()
                raise
            try:
                transaction.commit()
            except sa.exc.SQLAlchemyError as error:
                raise StorageUnavailableError(str(error)) from error

    @translate_errors
    def _card_row(self, meeting_id: int) -> Any:
        with self._db.reading(one_statement=True) as connection:
            return connection.execute(_card_state(meeting_id)).first()

    @translate_errors
    def _record_card(self, meeting_id: int, card_hash: str, observed_at: datetime) -> None:
        with self._db.writing() as connection:
            connection.execute(_card_shown(meeting_id, card_hash, observed_at))


def _card_state(meeting_id: int) -> sa.Select[Any]:
    """What a meeting's card shows and when the reading it shows began."""
    return sa.select(meetings.c.card_hash, meetings.c.card_observed_at).where(meetings.c.id == meeting_id)


def _card_shown(meeting_id: int, card_hash: str, observed_at: datetime) -> sa.Update:
    """Record a drawing as shown, with the time its reading began."""
    return sa.update(meetings).where(meetings.c.id == meeting_id).values(card_hash=card_hash,
                                                                         card_observed_at=observed_at)


def _turn(meeting_id: int, row: Any, observed_at: datetime, record: Callable[[str], None]) -> CardTurn:
    if row is None:
        raise MeetingNotFoundError(meeting_id)
    shown_at = row.card_observed_at
    return CardTurn(superseded=shown_at is not None and shown_at > observed_at, shown_hash=row.card_hash,
                    _record=record)
