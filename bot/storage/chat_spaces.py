"""The Chat spaces the app is installed in, and each space's defaults for new meetings."""

from __future__ import annotations

import sqlalchemy as sa

from domain import MeetingSettings
from bot.storage.database import Database
from bot.storage.errors import translate_errors
from bot.storage.tables import chat_spaces, space_defaults


_SPACE = sa.bindparam("chat_space", type_=sa.String)
_KNOWN = (sa.select(chat_spaces.c.installed, chat_spaces.c.space_type, chat_spaces.c.display_name)
          .where(chat_spaces.c.name == _SPACE))
_DEFAULTS = sa.select(space_defaults.c.settings).where(space_defaults.c.chat_space == _SPACE)


class SqlSpaces:
    """``Spaces`` over SQLite or PostgreSQL."""

    def __init__(self, database: Database) -> None:
        self._db = database

    @translate_errors
    def mark_installed(self, chat_space: str, *, space_type: str | None = None,
                       display_name: str | None = None) -> None:
        """The app was added to a space (ADDED_TO_SPACE), or evidently is in it.

        ``space_type``/``display_name`` are kept when given (welcome wording differs for
        DMs) and left as they were when not.

        Every command marks its space so: a read first, and no write when the row says so
        already (nothing reads ``updated_at``), which spares each command a commit.
        """
        with self._db.reading(one_statement=True) as connection:
            row = connection.execute(_KNOWN, {"chat_space": chat_space}).one_or_none()
        if row is not None and row.installed and space_type in (None, row.space_type) \
                and display_name in (None, row.display_name):
            return
        now = self._db.now()
        values = {"name": chat_space, "installed": True, "space_type": space_type,
                  "display_name": display_name, "installed_at": now, "updated_at": now}
        insert = self._db.insert(chat_spaces).values(values)
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
        with self._db.writing(one_statement=True) as connection:
            connection.execute(insert)

    @translate_errors
    def mark_uninstalled(self, chat_space: str) -> None:
        """The app was removed (REMOVED_FROM_SPACE): nothing may be posted there any more.

        The row stays (installed = false) so a late event for that space is recognised
        as belonging to a space the app left, not to an unknown one.
        """
        now = self._db.now()
        insert = self._db.insert(chat_spaces).values(
            name=chat_space, installed=False, installed_at=None, updated_at=now)
        insert = insert.on_conflict_do_update(
            index_elements=["name"], set_={"installed": False, "updated_at": now})
        with self._db.writing() as connection:
            connection.execute(insert)

    @translate_errors
    def is_installed(self, chat_space: str) -> bool:
        """Whether the app may post in this space: added and not removed since.

        False for a space never recorded; a handler answering a message from a space
        knows the app is there and may ``mark_installed`` it first.
        """
        query = sa.select(chat_spaces.c.installed).where(chat_spaces.c.name == chat_space)
        with self._db.reading(one_statement=True) as connection:
            return bool(connection.execute(query).scalar_one_or_none())

    @translate_errors
    def get_space_defaults(self, chat_space: str) -> MeetingSettings | None:
        """The defaults chosen for new meetings in this space; None if never set."""
        with self._db.reading(one_statement=True) as connection:
            settings = connection.execute(_DEFAULTS, {"chat_space": chat_space}).scalar_one_or_none()
        return MeetingSettings.from_json(settings) if settings is not None else None

    @translate_errors
    def set_space_defaults(self, chat_space: str, settings: MeetingSettings, *,
                           updated_by: str | None = None) -> None:
        """Replace the space's defaults (the settings dialog); ``updated_by`` is a user name."""
        values = {"chat_space": chat_space, "settings": settings.to_json(),
                  "updated_by": updated_by, "updated_at": self._db.now()}
        insert = self._db.insert(space_defaults).values(values)
        insert = insert.on_conflict_do_update(
            index_elements=["chat_space"],
            set_={"settings": insert.excluded.settings, "updated_by": insert.excluded.updated_by,
                  "updated_at": insert.excluded.updated_at},
        )
        with self._db.writing() as connection:
            connection.execute(insert)
