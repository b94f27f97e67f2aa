"""``Storage`` itself (``open_storage``): repeatable migrations on SQLite and PostgreSQL,
the schema they produce, and the database URL deciding the backend.
"""

from __future__ import annotations


import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.storage import Storage, normalise_url, open_storage
from bot.storage.database import Database
from bot.storage.engine import alembic_config
from bot.storage.tables import meetings, metadata, processed_events
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


# -- transactions: one statement runs as its own on PostgreSQL, several share one -----------

def _in_transaction(connection: sa.Connection) -> bool:
    """Whether the server holds a transaction open on this connection (PostgreSQL), or
    SQLite's connection is inside one."""
    dbapi = connection.connection.dbapi_connection
    if connection.dialect.name == "postgresql":
        import psycopg

        return bool(dbapi.info.transaction_status != psycopg.pq.TransactionStatus.IDLE)  # type: ignore[union-attr]
    return bool(dbapi.in_transaction)  # type: ignore[union-attr]


def test_a_one_statement_read_or_write_runs_without_begin_on_postgresql(store: Storage) -> None:
    database = Database(store.engine)
    postgresql = store.engine.dialect.name == "postgresql"
    with database.reading(one_statement=True) as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(meetings)).scalar_one() == 0
        assert _in_transaction(connection) is not postgresql  # SQLite reads in a deferred BEGIN, as before
    with database.writing(one_statement=True) as connection:
        connection.execute(sa.insert(processed_events).values(event_id="e1", processed_at=database.now()))
        assert _in_transaction(connection) is not postgresql  # committed by the statement itself
    with database.reading(one_statement=True) as connection:  # visible to the next reader at once
        assert connection.execute(sa.select(processed_events.c.event_id)).scalars().all() == ["e1"]


def test_reads_and_writes_of_several_statements_keep_one_transaction(store: Storage) -> None:
    database = Database(store.engine)
    with database.reading() as connection:
        connection.execute(sa.select(sa.func.count()).select_from(meetings)).scalar_one()
        assert _in_transaction(connection) is True  # the statements that follow see one view
    with pytest.raises(RuntimeError):
        with database.writing() as connection:
            connection.execute(sa.insert(processed_events).values(event_id="e2", processed_at=database.now()))
            assert _in_transaction(connection) is True
            raise RuntimeError("the second statement failed")
    with database.reading(one_statement=True) as connection:  # the first was rolled back with it
        assert connection.execute(sa.select(processed_events.c.event_id)).scalars().all() == []


def test_a_pooled_connection_leaves_autocommit_behind(store: Storage) -> None:
    """A connection used for a one-statement read goes back to the pool as it came:
    the next multi-statement block still gets its transaction."""
    database = Database(store.engine)
    for _ in range(3):
        with database.reading(one_statement=True) as connection:
            connection.execute(sa.select(1)).scalar_one()
        with database.reading() as connection:
            connection.execute(sa.select(1)).scalar_one()
            assert _in_transaction(connection) is True
