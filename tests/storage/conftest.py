"""Databases for the storage contract tests: a SQLite file and a real PostgreSQL.

PostgreSQL: each test session creates its own uniquely named databases on the local
server (``TEST_POSTGRES_URL``, default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``
as the maintenance connection) and drops them at the end, so runs never see each
other's data. Unreachable server: the tests fail when ``CI`` is set (CI must test the
production backend) and are skipped with the reason otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator

import pytest

from bot.storage import (
    CardTurns,
    Grants,
    Meetings,
    Pauses,
    People,
    ProcessedEvents,
    RateLimits,
    Spaces,
    Storage,
    Subscriptions,
    Summaries,
    SyncQueue,
    open_storage,
)
from bot.storage.tables import metadata
from tests.postgres import PostgresServer, postgres_server  # noqa: F401 - a fixture

FreshDatabase = Callable[[], str]


@dataclass
class FakeClock:
    """A settable "now" for the store, so timestamps in tests are exact."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def fresh_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> FreshDatabase:
    """A factory of empty, never-migrated databases of the test's backend."""
    if backend == "sqlite":
        counter = iter(range(1_000_000))
        return lambda: f"sqlite:///{tmp_path / f'db{next(counter)}' / 'meetbot.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(backend: str, request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> Iterator[Storage]:
    """A migrated, empty store. PostgreSQL reuses one database, emptied before each test."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = server.shared_database()
    storage = open_storage(url, clock=clock, pool_size=10)
    if backend == "postgresql":
        tables = ", ".join(table.name for table in metadata.sorted_tables)
        with storage.engine.begin() as connection:
            connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    try:
        yield storage
    finally:
        storage.close()


@pytest.fixture
def instances(store: Storage, clock: FakeClock) -> Iterator[list[Storage]]:
    """Eight more Storages on the same database, each with its own pool: as separate
    gunicorn workers or App Engine instances would be."""
    url = store.engine.url.render_as_string(hide_password=False)
    opened = [open_storage(url, clock=clock, pool_size=5) for _ in range(8)]
    try:
        yield opened
    finally:
        for storage in opened:
            storage.close()


# -- the repository each contract suite is about --------------------------------------------
# A suite takes its repository as its Protocol, so the same tests can run against any
# implementation; ``store`` is for arranging what the suite's repository does not write.

@pytest.fixture
def meetings(store: Storage) -> Meetings:
    return store.meetings


@pytest.fixture
def spaces(store: Storage) -> Spaces:
    return store.spaces


@pytest.fixture
def processed_events(store: Storage) -> ProcessedEvents:
    return store.processed_events


@pytest.fixture
def sync_queue(store: Storage) -> SyncQueue:
    return store.sync_queue


@pytest.fixture
def card_turns(store: Storage) -> CardTurns:
    return store.card_turns


@pytest.fixture
def subscriptions(store: Storage) -> Subscriptions:
    return store.subscriptions


@pytest.fixture
def summaries(store: Storage) -> Summaries:
    return store.summaries


@pytest.fixture
def grants(store: Storage) -> Grants:
    return store.grants


@pytest.fixture
def people(store: Storage) -> People:
    return store.people


@pytest.fixture
def pauses(store: Storage) -> Pauses:
    return store.pauses


@pytest.fixture
def limits(store: Storage) -> RateLimits:
    return store.limits
