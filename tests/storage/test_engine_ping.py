"""PostgreSQL connections: an idle pooled connection is pinged (and replaced when dead)
before use; one used a moment ago is not (a request takes connections many times)."""

from __future__ import annotations

from typing import Iterator

import pytest
import sqlalchemy as sa

from bot.storage.engine import PING_AFTER_IDLE_SECONDS, _ping_when_idle
from tests.postgres import PostgresServer

pytestmark = pytest.mark.postgres


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def engine_and_clock(postgres_server: PostgresServer) -> Iterator[tuple[sa.Engine, Clock, list[int]]]:
    clock = Clock()
    engine = sa.create_engine(postgres_server.shared_database(), pool_size=1, max_overflow=0)
    pings: list[int] = []
    ping = engine.dialect.do_ping

    def counted_ping(dbapi_connection: object) -> bool:
        pings.append(1)
        return ping(dbapi_connection)

    engine.dialect.do_ping = counted_ping  # type: ignore[method-assign]
    _ping_when_idle(engine, PING_AFTER_IDLE_SECONDS, clock=clock)
    try:
        yield engine, clock, pings
    finally:
        engine.dispose()


def backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def test_a_connection_used_a_moment_ago_is_not_pinged(engine_and_clock: tuple[sa.Engine, Clock, list[int]]) -> None:
    engine, clock, pings = engine_and_clock
    first = backend_pid(engine)  # a fresh connection: just opened, alive
    for _ in range(5):
        clock.now += PING_AFTER_IDLE_SECONDS / 2
        assert backend_pid(engine) == first
    assert pings == []
    clock.now += PING_AFTER_IDLE_SECONDS  # idle long enough: pinged once, then used
    assert backend_pid(engine) == first
    assert pings == [1]


def test_an_idle_connection_the_server_dropped_is_replaced_before_use(
        engine_and_clock: tuple[sa.Engine, Clock, list[int]], postgres_server: PostgresServer) -> None:
    engine, clock, pings = engine_and_clock
    dropped = backend_pid(engine)
    killer = sa.create_engine(postgres_server.shared_database(), poolclass=sa.pool.NullPool)
    with killer.connect() as connection:  # what a proxy's idle timeout or a restart does
        assert connection.exec_driver_sql(f"SELECT pg_terminate_backend({dropped})").scalar_one() is True
    killer.dispose()
    clock.now += PING_AFTER_IDLE_SECONDS * 10
    replacement = backend_pid(engine)  # no error: the ping found it dead, a new one was opened
    assert replacement != dropped and pings == [1]
