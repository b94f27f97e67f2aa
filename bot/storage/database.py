"""What every repository shares: the engine, the clock, transactions, the dialect-aware
INSERT, and the mappings and queries more than one repository needs.

Each repository (``meeting_records``, ``chat_spaces``, ``sync_queue``, …) holds one
``Database`` and imports from here, never from another repository: they share tables
(``tables.py``) and this module, nothing else.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from domain import AccessType, Cohost, CohostState, DialIn, Meeting, MeetingSettings, MeetingStatus, Person
from bot.storage.engine import SQLITE_WRITE
from bot.storage.errors import StorageError
from bot.storage.tables import file_sync_requests, meetings, processed_events

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Database:
    """One engine and one clock, shared by every repository of a ``Storage``.

    Every repository method is its own short transaction (``reading`` or ``writing``), so
    callers never hold a session, a lock or a lazy row across a Google API call.
    """

    def __init__(self, engine: Engine, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self._clock = clock  # injectable so tests control "now"

    def now(self) -> datetime:
        return self._clock()

    @property
    def dialect(self) -> str:
        """``"postgresql"`` or ``"sqlite"``."""
        return self.engine.dialect.name

    @contextmanager
    def reading(self, *, one_statement: bool = False) -> Iterator[sa.Connection]:
        """A read. ``one_statement``: the block runs a single statement, which PostgreSQL
        then runs outside any transaction (each statement sees what was committed before
        it began, in a transaction or not), sparing the BEGIN and ROLLBACK round trips.
        A block of several statements keeps one transaction around them."""
        with self.engine.connect() as connection:
            if one_statement and connection.dialect.name == "postgresql":
                connection.execution_options(isolation_level="AUTOCOMMIT")
            yield connection  # autobegun; rolled back on close, nothing to commit

    @contextmanager
    def writing(self, *, one_statement: bool = False) -> Iterator[sa.Connection]:
        """A write transaction. ``one_statement``: the block runs a single statement, which
        PostgreSQL runs as its own transaction: the same one commit and the same
        atomicity, without the BEGIN and COMMIT round trips around it."""
        with self.engine.connect() as connection:
            if one_statement and connection.dialect.name == "postgresql":
                connection.execution_options(isolation_level="AUTOCOMMIT")
                yield connection
                return
            connection.execution_options(**{SQLITE_WRITE: True})
            with connection.begin():
                yield connection

    def insert(self, table: sa.Table) -> Any:
        """An INSERT with ON CONFLICT support; both backends spell it the same way.

        ``Any``: the two dialects' Insert classes share no base that declares
        ``on_conflict_do_*`` and ``excluded``."""
        return dialect_insert(self.dialect, table)


def dialect_insert(dialect: str, table: sa.Table) -> Any:
    """``Database.insert`` for a dialect named up front (statements built once per dialect)."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise StorageError(f"unsupported dialect {dialect}")


# -- statements built once --------------------------------------------------------------------
# A statement run on every request is built once, with named parameters
# (``sa.bindparam``): SQLAlchemy memoises its cache key on the object, so running it again
# neither builds it nor walks it for that key; only its parameters change. A statement
# that differs by backend (``ON CONFLICT``) is built once per dialect (``functools.cache``).


def require_aware(moment: datetime) -> None:
    """Refuse naive datetimes up front, with a plain ValueError (a programming error)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: storage needs timezone-aware times")


# -- statements more than one repository runs ----------------------------------------------

def claim_event(database: Database, event_id: str) -> tuple[Any, dict[str, Any]]:
    """Claim an event id: the INSERT returns the id the first time, no row after
    (``connection.execute(*claim_event(…))``: the statement and its parameters).

    ON CONFLICT DO NOTHING, so concurrent deliveries of the same event agree on exactly
    one winner; RETURNING, not rowcount: drivers need not report rowcount for INSERT."""
    return _claim_event_statement(database.dialect), {"event_id": event_id, "processed_at": database.now()}


@functools.cache
def _claim_event_statement(dialect: str) -> Any:
    return (dialect_insert(dialect, processed_events)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(processed_events.c.event_id))


def _next_sync_ticket() -> sa.ScalarSelect[Any]:
    others = meetings.alias("tickets")  # not correlated with the meeting being updated
    return sa.select(sa.func.coalesce(sa.func.max(others.c.sync_ticket), 0) + 1).scalar_subquery()


_NEXT_SYNC_TICKET = _next_sync_ticket()  # an alias of the 40-column table: built once


def next_sync_ticket() -> sa.ScalarSelect[Any]:
    """The ticket a new sync request takes: the highest so far plus one (read through the
    index). Requests made by concurrent transactions may share a ticket: ties are served
    in the old order (the meeting synced longest ago first), nothing depends on a ticket
    being unique."""
    return _NEXT_SYNC_TICKET


def sync_ticket_on_request() -> sa.ColumnElement[Any]:
    """The ticket of a meeting being asked for a sync: a new one if it had nothing pending,
    else the one it has (its request keeps its place: asking again does not jump ahead,
    nor fall behind)."""
    idle = meetings.c.sync_requested <= meetings.c.sync_done
    return sa.case((idle, next_sync_ticket()), else_=meetings.c.sync_ticket)


def request_syncs(condition: sa.ColumnElement[bool]) -> sa.Update:
    """Ask for a sync of the meetings matching ``condition`` (bump the request counter;
    a meeting with nothing pending takes the next ticket: its place in the queue)."""
    return sa.update(meetings).where(condition).values(sync_requested=meetings.c.sync_requested + 1,
                                                       sync_ticket=sync_ticket_on_request())


def full_look_pending() -> sa.ColumnElement[bool]:
    """A request waits (``meetings`` row) that asks for a full look at the meeting's live
    state: more requests pending (``sync_requested - sync_done``) than rows of
    ``file_sync_requests`` above ``sync_done`` (those asked only for files). The one
    definition of it: the reconciler's catch-up leaves such a meeting out, and a Refresh
    does not call its card up to date (``card_turns.card_reading``).

    On PostgreSQL, in an UPDATE under READ COMMITTED that waited for a concurrent
    transaction's change to the row, the row's counters are read again but the rows of
    ``file_sync_requests`` are not (the subquery keeps the statement's snapshot): a file
    event committing meanwhile (counter and row) reads as a full request. The catch-up
    then leaves that meeting out for one pass, which is harmless: only files were asked
    for, and the next pass asks for the full look."""
    files_only = (sa.select(sa.func.count()).select_from(file_sync_requests)
                  .where(file_sync_requests.c.meeting_id == meetings.c.id,
                         file_sync_requests.c.request > meetings.c.sync_done).scalar_subquery())
    return meetings.c.sync_requested - meetings.c.sync_done > files_only


# How long a meeting has waited for attention: since its last sync, or since it was made.
waited_since = sa.func.coalesce(meetings.c.last_synced_at, meetings.c.created_at)
# Since when a meeting has been in use: woken up (Refresh, /meetrecent) or made.
awake_since = sa.func.coalesce(meetings.c.woken_at, meetings.c.created_at)


def fair_share(query: sa.Select[Any], *, waited: Any, key: Any, per_organizer: int, limit: int) -> sa.Select[Any]:
    """The rows of ``query`` that waited longest, at most ``per_organizer`` of any one
    organizer and ``limit`` in all: a window ranks each organizer's rows by waiting time
    (both backends have ``row_number()``)."""
    ranked = query.add_columns(
        waited.label("waited"), key.label("key"),
        sa.func.row_number().over(partition_by=meetings.c.organizer_user_name,
                                  order_by=(waited, key)).label("rank")).subquery()
    return (sa.select(ranked).where(ranked.c.rank <= per_organizer)
            .order_by(ranked.c.waited, ranked.c.key).limit(limit))


# -- rows <-> domain values ----------------------------------------------------------------

def meeting_to_row(meeting: Meeting) -> dict[str, Any]:
    return {
        "meet_space": meeting.meet_space,
        "meeting_code": meeting.meeting_code,
        "meeting_uri": meeting.meeting_uri,
        "chat_space": meeting.chat_space,
        "thread_name": meeting.thread_name,
        "card_message": meeting.card_message,
        "organizer_user_name": meeting.organizer.user_name,
        "organizer_display_name": meeting.organizer.display_name,
        "organizer_email": meeting.organizer.email,
        "title": meeting.title,
        "settings": meeting.settings.to_json(),
        "access_type": meeting.access_type.value if meeting.access_type else None,
        "requested_cohosts": [person.to_json() for person in meeting.requested_cohosts],
        "dial_in": [{"label": d.label, "number": d.number, "pin": d.pin} for d in meeting.dial_in],
        "status": MeetingStatus(meeting.status).value,
        "created_at": meeting.created_at,
        "source_message": meeting.source_message,
        "cohosts": cohosts_to_json(meeting.cohosts),
        "unlocked_access_type": meeting.unlocked_access_type.value if meeting.unlocked_access_type else None,
        "event_format": meeting.event_format,
        "time_zone": meeting.time_zone,
        "dormant_since": meeting.dormant_since,
        "woken_at": meeting.woken_at,
    }


def row_to_meeting(row: sa.RowMapping) -> Meeting:
    return Meeting(
        id=row["id"],
        meet_space=row["meet_space"],
        meeting_code=row["meeting_code"],
        meeting_uri=row["meeting_uri"],
        chat_space=row["chat_space"],
        thread_name=row["thread_name"],
        card_message=row["card_message"],
        organizer=Person(row["organizer_user_name"], row["organizer_display_name"], row["organizer_email"]),
        title=row["title"],
        settings=MeetingSettings.from_json(row["settings"]),
        access_type=AccessType(row["access_type"]) if row["access_type"] else None,
        requested_cohosts=tuple(Person.from_json(item) for item in row["requested_cohosts"]),
        dial_in=tuple(DialIn(item["label"], item["number"], item.get("pin")) for item in row["dial_in"]),
        status=MeetingStatus(row["status"]),
        created_at=row["created_at"],
        source_message=row["source_message"],
        cohosts=tuple(_cohost_from_json(item) for item in row["cohosts"] or ()),
        unlocked_access_type=AccessType(row["unlocked_access_type"]) if row["unlocked_access_type"] else None,
        event_format=row["event_format"] or "classic",
        time_zone=row["time_zone"],
        dormant_since=row["dormant_since"],
        woken_at=row["woken_at"],
    )


def cohosts_to_json(cohosts: Iterable[Cohost]) -> list[dict[str, Any]] | None:
    """The ``cohosts`` column: None when nobody was tried yet."""
    return [{**cohost.person.to_json(), "state": cohost.state.value, "member": cohost.member,
             "reason": cohost.reason} for cohost in cohosts] or None


def _cohost_from_json(data: dict[str, Any]) -> Cohost:
    return Cohost(Person.from_json(data), CohostState(data["state"]), data.get("member"), data.get("reason"))
