"""A real PostgreSQL for the tests that need one (storage contract, multi-worker lifecycle).

Each test session creates its own uniquely named databases on the local server
(``TEST_POSTGRES_URL``, default ``postgresql+psycopg://postgres@127.0.0.1:5432/test`` as
the maintenance connection) and drops them at the end. Unreachable server: the tests
fail when ``CI`` is set (CI must test the production backend) and skip otherwise.
"""

from __future__ import annotations

import os
import uuid
from typing import Iterator

import pytest
import sqlalchemy as sa

DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class PostgresServer:
    """Creates throwaway databases on a PostgreSQL server and drops them all at the end."""

    def __init__(self, admin_url: str) -> None:
        # AUTOCOMMIT: CREATE/DROP DATABASE cannot run inside a transaction.
        self._admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool,
                                       connect_args={"connect_timeout": 5})
        self._created: list[str] = []
        self._shared: str | None = None

    def check(self) -> None:
        with self._admin.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    def create_database(self) -> str:
        name = f"meetbot_test_{uuid.uuid4().hex[:12]}"
        with self._admin.connect() as connection:
            # template0: template1 refuses to be copied while anyone is connected to it.
            connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        self._created.append(name)
        return self._admin.url.set(database=name).render_as_string(hide_password=False)

    def shared_database(self) -> str:
        """One migrated database reused by the tests that only need an empty schema."""
        if self._shared is None:
            self._shared = self.create_database()
        return self._shared

    def drop_all(self) -> None:
        with self._admin.connect() as connection:
            for name in self._created:
                # FORCE: a test that leaked a connection must not leave the database behind.
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._admin.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer(os.environ.get("TEST_POSTGRES_URL", DEFAULT_ADMIN_URL))
    try:
        server.check()
    except sa.exc.OperationalError as error:
        reason = f"PostgreSQL unreachable ({error.orig}); start it with `pg_ctlcluster ... main start`"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI must test PostgreSQL: {reason}", pytrace=False)
        pytest.skip(reason)
    try:
        yield server
    finally:
        server.drop_all()
