"""``Storage`` itself (``open_storage``): repeatable migrations on SQLite and PostgreSQL,
the schema they produce, and the database URL deciding the backend.
"""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.storage import Storage, normalise_url, open_storage
from bot.storage.engine import alembic_config
from bot.storage.tables import metadata
from tests.storage.conftest import FreshDatabase
from tests.storage.helpers import make_meeting, race


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(storage: Storage) -> str | None:
    with storage.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_opening_twice_migrates_once_and_keeps_data(fresh_database: FreshDatabase) -> None:
    url = fresh_database()
    first = open_storage(url)
    try:
        recorded = first.meetings.record_meeting(make_meeting(1))
        first.processed_events.mark_processed("event-1")
        assert current_revision(first) == head_revision()
    finally:
        first.close()

    second = open_storage(url)
    try:
        assert current_revision(second) == head_revision()
        assert second.meetings.get_meeting(recorded.id or 0) == recorded
        assert second.processed_events.mark_processed("event-1") is False
    finally:
        second.close()


def test_instances_starting_together_on_a_fresh_database(fresh_database: FreshDatabase) -> None:
    url = fresh_database()

    stores = race(4, lambda _: open_storage(url))
    try:
        for storage in stores:
            assert current_revision(storage) == head_revision()
        stores[0].meetings.record_meeting(make_meeting(1))
        assert stores[-1].meetings.get_meeting_by_meet_space("spaces/meet1") is not None
    finally:
        for storage in stores:
            storage.close()


def test_migrations_produce_exactly_the_declared_tables(store: Storage) -> None:
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


@pytest.mark.parametrize(("given", "expected"), [
    ("postgres://u:p@db.example:5432/app", "postgresql+psycopg://u:p@db.example:5432/app"),
    ("postgresql://u@/app?host=/cloudsql/p:r:i", "postgresql+psycopg://u@/app?host=%2Fcloudsql%2Fp%3Ar%3Ai"),
    ("postgresql+psycopg://u@localhost/app", "postgresql+psycopg://u@localhost/app"),
    ("sqlite:///./.local/meetbot.db", "sqlite:///./.local/meetbot.db"),
])
def test_database_urls_are_normalised_to_psycopg(given: str, expected: str) -> None:
    assert normalise_url(given).render_as_string(hide_password=False) == expected


def test_unsupported_database_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        open_storage("mysql://u@localhost/app")


def test_sqlite_file_settings(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "not" / "yet" / "there" / "meetbot.db"
    storage = open_storage(f"sqlite:///{path}")
    try:
        assert path.exists()  # parent directories created: local mode needs no setup
        with storage.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    finally:
        storage.close()


def test_in_memory_sqlite_is_one_shared_database() -> None:
    storage = open_storage("sqlite://")
    try:
        # Every checkout must see the same data (migrations included); in-memory is for
        # single-threaded unit tests, so no threads here.
        for n in range(3):
            storage.meetings.record_meeting(make_meeting(n))
        assert len(storage.meetings.recent_meetings("spaces/CHAT1")) == 3
    finally:
        storage.close()
