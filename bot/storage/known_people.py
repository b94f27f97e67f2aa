"""What Chat told the app about people: their email and time zone, kept from verified
events so co-hosts can be invited and times shown in the organizer's zone."""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa

from domain import Person
from bot.storage.database import Database, dialect_insert
from bot.storage.errors import translate_errors
from bot.storage.tables import people


@functools.cache
def _remember_statement(dialect: str) -> Any:
    """Upsert a person (parameters: the columns). A later event without a time zone keeps
    the known one."""
    insert = dialect_insert(dialect, people)
    return insert.on_conflict_do_update(index_elements=["user_name"], set_={
        **{key: insert.excluded[key] for key in ("email", "display_name", "updated_at")},
        "time_zone": sa.func.coalesce(insert.excluded.time_zone, people.c.time_zone)})


_PERSON = people.c.user_name == sa.bindparam("user_name", type_=sa.String)
_TIME_ZONE_OF = sa.select(people.c.time_zone).where(_PERSON)
_EMAIL_OF = sa.select(people.c.email).where(_PERSON)


class SqlPeople:
    """``People`` over SQLite or PostgreSQL."""

    def __init__(self, database: Database) -> None:
        self._db = database

    @translate_errors
    def remember_person(self, person: Person, *, time_zone: str | None = None) -> None:
        """Keep the email (and time zone, when sent) Chat gave for ``person`` with a verified
        event (no-op without an email). A later event without a time zone keeps the known one."""
        if not person.email:
            return
        values = {"user_name": person.user_name, "email": person.email.lower(),
                  "display_name": person.display_name, "time_zone": time_zone,
                  "updated_at": self._db.now()}
        with self._db.writing(one_statement=True) as connection:  # committed durably, as every write
            connection.execute(_remember_statement(self._db.dialect), values)

    @translate_errors
    def time_zone_of(self, user_name: str) -> str | None:
        """The time zone last sent with one of the person's events, or None."""
        with self._db.reading(one_statement=True) as connection:
            zone: str | None = connection.execute(_TIME_ZONE_OF, {"user_name": user_name}).scalar_one_or_none()
        return zone

    @translate_errors
    def email_of(self, user_name: str) -> str | None:
        """The email last seen for a Chat user id, or None."""
        with self._db.reading(one_statement=True) as connection:
            email: str | None = connection.execute(_EMAIL_OF, {"user_name": user_name}).scalar_one_or_none()
        return email
