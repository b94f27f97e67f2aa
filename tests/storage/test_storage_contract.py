"""``Storage`` itself (``open_storage``): repeatable migrations on SQLite and PostgreSQL,
the schema they produce, and the database URL deciding the backend.
"""

from __future__ import annotations

import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import sqlalchemy as sa

from bot.storage import Storage, StorageUnavailableError, normalise_url, open_storage
from bot.storage import engine as engine_module
from bot.storage.engine import alembic_config
from bot.storage.tables import metadata
from tests.postgres import PostgresServer
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


def _drop_connections_server_side(url: str) -> None:
    """What a failover or a proxy's idle timeout does: the server ends the sessions, and
    the pooled connections learn it only when they next talk to it."""
    admin = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as connection:
            mine = "datname = current_database() AND pid <> pg_backend_pid()"
            connection.exec_driver_sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {mine}")
            for _ in range(100):
                if not connection.exec_driver_sql(f"SELECT count(*) FROM pg_stat_activity WHERE {mine}").scalar():
                    return
                time.sleep(0.05)
    finally:
        admin.dispose()


@pytest.mark.postgres
def test_pooled_connections_are_pinged_only_after_sitting_idle(postgres_server: PostgresServer,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """An idle pooled connection the server dropped is replaced before use: the caller sees
    nothing. One used moments ago is not pinged (a round trip per request saved): dropped
    under it, its next statement fails once, and the pool then renews every connection."""
    url = postgres_server.create_database()
    storage = open_storage(url, pool_size=1)
    try:
        meeting = storage.meetings.record_meeting(make_meeting(1))
        assert meeting.id is not None
        monkeypatch.setattr(engine_module, "IDLE_PING_SECONDS", 0.0)  # every pooled connection counts as idle
        _drop_connections_server_side(url)
        assert storage.meetings.get_meeting(meeting.id) is not None
        monkeypatch.setattr(engine_module, "IDLE_PING_SECONDS", 3600.0)  # none does
        _drop_connections_server_side(url)
        with pytest.raises(StorageUnavailableError):
            storage.meetings.get_meeting(meeting.id)
        assert storage.meetings.get_meeting(meeting.id) is not None
    finally:
        storage.close()
