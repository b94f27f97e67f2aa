"""The one storage interface the app uses.

Every method is its own short transaction and returns frozen domain values, so callers
never hold a session, a lock or a lazy row across a Google API call.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Callable, Iterator, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from domain import AccessType, Cohost, CohostState, DialIn, Meeting, MeetingSettings, MeetingStatus, Person
from bot.storage.authorization import AuthorizationStorage
from bot.storage.controls import ControlsStorage
from bot.storage.engine import SQLITE_WRITE
from bot.storage.errors import (
    DuplicateMeetingError,
    MeetingNotFoundError,
    StorageError,
    translate_errors,
)
from bot.storage.lifecycle import LifecycleStorage
from bot.storage.limits import LimitStorage
from bot.storage.paused import PauseStorage
from bot.storage.tables import chat_spaces, meetings, processed_events, space_defaults

Clock = Callable[[], datetime]

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)




class Storage(LifecycleStorage, AuthorizationStorage, ControlsStorage, PauseStorage, LimitStorage):
    """Meetings, installed Chat spaces, space defaults, processed event ids, and (mixed in)
    the lifecycle's, per-user authorization's, meeting controls' and rate limits' tables.

    Build it with ``open_storage(url)``, which also migrates the schema. Thread-safe:
    one instance is shared by every request thread of a worker.
    """

    def __init__(self, engine: Engine, *, clock: Clock = _utc_now) -> None:
        self._engine = engine
        self._clock = clock  # injectable so tests control "now"

    @property
    def engine(self) -> Engine:
        """The underlying engine, for migrations and tests; handlers use the methods."""
        return self._engine

    def close(self) -> None:
        """Close pooled connections (end of a test, or process shutdown)."""
        self._engine.dispose()

    # -- meetings ----------------------------------------------------------------------

    @translate_errors
    def record_meeting(self, meeting: Meeting) -> Meeting:
        """Record a meeting whose Meet space exists; return it with its ``id``.

        Call it only after Meet created the space, and ``delete_meeting`` it if the join
        card then cannot be posted: the table never claims a meeting the user cannot
        see. The card may be given now (a client-assigned message id) or attached later.
        Raises ``DuplicateMeetingError`` if the Meet space is already recorded.
        """
        _require_aware(meeting.created_at)
        values = _meeting_to_row(meeting) | {"updated_at": self._clock()}
        insert = _dialect_insert(self._engine, meetings).values(values)
        # ON CONFLICT DO NOTHING rather than catching the error: on PostgreSQL a failed
        # insert would poison the transaction and log an ERROR for an expected case.
        insert = insert.on_conflict_do_nothing(index_elements=["meet_space"]).returning(meetings.c.id)
        with self._writing() as connection:
            meeting_id = connection.execute(insert).scalar_one_or_none()
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
    def set_status(self, meeting_id: int, status: MeetingStatus) -> Meeting:
        """Record what the join card now shows (waiting, in progress, ended)."""
        return self._update(meeting_id, status=MeetingStatus(status).value)

    @translate_errors
    def delete_meeting(self, meeting_id: int) -> bool:
        """Forget a meeting, e.g. when its card could not be posted. False if absent."""
        with self._writing() as connection:
            result = connection.execute(sa.delete(meetings).where(meetings.c.id == meeting_id))
        return result.rowcount > 0

    @translate_errors
    def get_meeting(self, meeting_id: int) -> Meeting | None:
        return self._get_meeting(meetings.c.id == meeting_id)

    @translate_errors
    def get_meeting_by_meet_space(self, meet_space: str) -> Meeting | None:
        """The meeting of a Meet space (``spaces/…``): how Meet events find their card."""
        return self._get_meeting(meetings.c.meet_space == meet_space)

    @translate_errors
    def get_meeting_by_card_message(self, card_message: str) -> Meeting | None:
        """The meeting whose join card is this Chat message: how button clicks find it."""
        return self._get_meeting(meetings.c.card_message == card_message)

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
        with self._reading() as connection:
            return [_row_to_meeting(row) for row in connection.execute(query).mappings()]

    def _get_meeting(self, condition: sa.ColumnElement[bool]) -> Meeting | None:
        with self._reading() as connection:
            row = connection.execute(sa.select(meetings).where(condition)).mappings().one_or_none()
        return _row_to_meeting(row) if row is not None else None

    def _update(self, meeting_id: int, **values: Any) -> Meeting:
        update = (
            sa.update(meetings)
            .where(meetings.c.id == meeting_id)
            .values(**values, updated_at=self._clock())
            .returning(*meetings.c)
        )
        with self._writing() as connection:
            row = connection.execute(update).mappings().one_or_none()
        if row is None:
            raise MeetingNotFoundError(meeting_id)
        return _row_to_meeting(row)

    # -- Chat spaces the app is installed in --------------------------------------------

    @translate_errors
    def mark_installed(self, chat_space: str, *, space_type: str | None = None,
                       display_name: str | None = None) -> None:
        """The app was added to a space (ADDED_TO_SPACE), or evidently is in it.

        ``space_type``/``display_name`` are kept when given (welcome wording differs for
        DMs) and left as they were when not.
        """
        now = self._clock()
        values = {"name": chat_space, "installed": True, "space_type": space_type,
                  "display_name": display_name, "installed_at": now, "updated_at": now}
        insert = _dialect_insert(self._engine, chat_spaces).values(values)
        excluded = insert.excluded
        insert = insert.on_conflict_do_update(
            index_elements=["name"],
            set_={
                "installed": True,
                "space_type": sa.func.coalesce(excluded.space_type, chat_spaces.c.space_type),
                "display_name": sa.func.coalesce(excluded.display_name, chat_spaces.c.display_name),
                # Keep the original time if the space was already installed.
                "installed_at": sa.case((chat_spaces.c.installed, chat_spaces.c.installed_at),
                                        else_=excluded.installed_at),
                "updated_at": excluded.updated_at,
            },
        )
        with self._writing() as connection:
            connection.execute(insert)

    @translate_errors
    def mark_uninstalled(self, chat_space: str) -> None:
        """The app was removed (REMOVED_FROM_SPACE): nothing may be posted there any more.

        The row stays (installed = false) so a late event for that space is recognised
        as belonging to a space the app left, not to an unknown one.
        """
        now = self._clock()
        insert = _dialect_insert(self._engine, chat_spaces).values(
            name=chat_space, installed=False, installed_at=None, updated_at=now)
        insert = insert.on_conflict_do_update(
            index_elements=["name"], set_={"installed": False, "updated_at": now})
        with self._writing() as connection:
            connection.execute(insert)

    @translate_errors
    def is_installed(self, chat_space: str) -> bool:
        """Whether the app may post in this space: added and not removed since.

        False for a space never recorded; a handler answering a message from a space
        knows the app is there and may ``mark_installed`` it first.
        """
        query = sa.select(chat_spaces.c.installed).where(chat_spaces.c.name == chat_space)
        with self._reading() as connection:
            return bool(connection.execute(query).scalar_one_or_none())

    # -- per-space meeting defaults -----------------------------------------------------

    @translate_errors
    def get_space_defaults(self, chat_space: str) -> MeetingSettings | None:
        """The defaults chosen for new meetings in this space; None if never set."""
        query = sa.select(space_defaults.c.settings).where(space_defaults.c.chat_space == chat_space)
        with self._reading() as connection:
            settings = connection.execute(query).scalar_one_or_none()
        return MeetingSettings.from_json(settings) if settings is not None else None

    @translate_errors
    def set_space_defaults(self, chat_space: str, settings: MeetingSettings, *,
                           updated_by: str | None = None) -> None:
        """Replace the space's defaults (the settings dialog); ``updated_by`` is a user name."""
        values = {"chat_space": chat_space, "settings": settings.to_json(),
                  "updated_by": updated_by, "updated_at": self._clock()}
        insert = _dialect_insert(self._engine, space_defaults).values(values)
        insert = insert.on_conflict_do_update(
            index_elements=["chat_space"],
            set_={"settings": insert.excluded.settings, "updated_by": insert.excluded.updated_by,
                  "updated_at": insert.excluded.updated_at},
        )
        with self._writing() as connection:
            connection.execute(insert)

    # -- processed events (deduplication) -----------------------------------------------

    @translate_errors
    def mark_processed(self, event_id: str) -> bool:
        """Claim an event id: True the first time, False if any worker claimed it before.

        One atomic insert, so concurrent deliveries of the same event (Pub/Sub retries,
        several instances) agree on exactly one winner. Ids share one namespace:
        prefix them by source if two sources could collide.
        """
        insert = (
            _dialect_insert(self._engine, processed_events)
            .values(event_id=event_id, processed_at=self._clock())
            .on_conflict_do_nothing(index_elements=["event_id"])
            # RETURNING, not rowcount: drivers need not report rowcount for INSERT.
            .returning(processed_events.c.event_id)
        )
        with self._writing() as connection:
            return connection.execute(insert).first() is not None

    @translate_errors
    def forget_processed(self, event_id: str) -> None:
        """Release a claim whose handling failed, so a redelivery is processed again."""
        with self._writing() as connection:
            connection.execute(sa.delete(processed_events).where(processed_events.c.event_id == event_id))

    @translate_errors
    def prune_processed(self, older_than: datetime) -> int:
        """Delete claims older than any redelivery can be (the reconciler's housekeeping)."""
        _require_aware(older_than)
        delete = sa.delete(processed_events).where(processed_events.c.processed_at < older_than)
        with self._writing() as connection:
            return connection.execute(delete).rowcount

    # -- transactions -------------------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        with self._engine.connect() as connection:
            yield connection  # autobegun; rolled back on close, nothing to commit

    @contextmanager
    def _writing(self) -> Iterator[sa.Connection]:
        with self._engine.connect() as connection:
            connection.execution_options(**{SQLITE_WRITE: True})
            with connection.begin():
                yield connection


def _require_aware(moment: datetime) -> None:
    """Refuse naive datetimes up front, with a plain ValueError (a programming error)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: storage needs timezone-aware times")


def _dialect_insert(engine: Engine, table: sa.Table) -> Any:
    """An INSERT with ON CONFLICT support; both backends spell it the same way."""
    if engine.dialect.name == "postgresql":
        return postgresql.insert(table)
    if engine.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise StorageError(f"unsupported dialect {engine.dialect.name}")


# -- rows <-> domain values ----------------------------------------------------------------

def _meeting_to_row(meeting: Meeting) -> dict[str, Any]:
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
        "cohosts": [_cohost_to_json(cohost) for cohost in meeting.cohosts] or None,
        "unlocked_access_type": meeting.unlocked_access_type.value if meeting.unlocked_access_type else None,
        "event_format": meeting.event_format,
        "time_zone": meeting.time_zone,
        "dormant_since": meeting.dormant_since,
        "woken_at": meeting.woken_at,
    }


def _row_to_meeting(row: sa.RowMapping) -> Meeting:
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


def _cohost_to_json(cohost: Cohost) -> dict[str, Any]:
    return {**cohost.person.to_json(), "state": cohost.state.value, "member": cohost.member,
            "reason": cohost.reason}


def _cohost_from_json(data: dict[str, Any]) -> Cohost:
    return Cohost(Person.from_json(data), CohostState(data["state"]), data.get("member"), data.get("reason"))
