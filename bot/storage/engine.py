"""Engines and migrations: the database URL decides the backend.

SQLite (a local file) for one instance, PostgreSQL for App Engine with several
instances. Everything backend-specific about connecting lives here, so the repositories
speak plain SQLAlchemy Core.
"""

from __future__ import annotations

import os
import sqlite3
import time
import weakref
from pathlib import Path
from typing import Any, Callable

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy.engine import URL, Engine
from sqlalchemy.pool import StaticPool

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Any fixed 64-bit number, the same in every instance: the key of the PostgreSQL
# advisory lock that makes instances starting together migrate one after another.
MIGRATION_LOCK_KEY = 0x6D656574626F74  # "meetbot"

# Execution option asking for a write transaction on SQLite (see _configure_sqlite).
SQLITE_WRITE = "meetbot_sqlite_write"

# A pooled PostgreSQL connection idle for longer than this is pinged before use (one round
# trip); one used more recently is known alive. What drops connections (Cloud SQL, proxies,
# firewalls) drops idle ones, after minutes; a request takes a connection several times
# within milliseconds, and pinging each time was a quarter of a /meet's round trips.
PING_AFTER_IDLE_SECONDS = 1.0
_LAST_USED = "meetbot_last_used"

# How long a write waits for another process's lock before giving up with "database is
# locked" (StorageUnavailableError). Short enough that answering one Chat event, which may
# wait twice (remembering the sender, then its own write), stays well inside Chat's 30 s
# and a push is refused (and redelivered) inside Pub/Sub's 10 s ack deadline; long enough
# that writers of a healthy database (milliseconds each) just queue. ``?timeout=N`` on the
# SQLite URL overrides it (tests scale it down with the other deadlines).
SQLITE_BUSY_TIMEOUT_SECONDS = 5.0


def normalise_url(url: str | URL) -> URL:
    """The URL SQLAlchemy should use, with PostgreSQL pinned to the psycopg 3 driver.

    Heroku-style ``postgres://`` and driverless ``postgresql://`` are what hosting
    consoles hand out; SQLAlchemy would pick psycopg2 (not installed) or refuse them.
    """
    if isinstance(url, str):
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        url = sa.make_url(url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url


def create_engine(url: str | URL, *, pool_size: int = 5, echo: bool = False) -> Engine:
    """An engine with pool and connection settings suited to the backend.

    ``pool_size`` should match the number of threads a gunicorn worker runs, so a
    request never waits for a connection another thread holds.
    """
    url = normalise_url(url)
    if url.get_backend_name() == "sqlite":
        engine = _create_sqlite_engine(url, echo=echo)
    elif url.get_backend_name() == "postgresql":
        engine = sa.create_engine(
            url,
            echo=echo,
            hide_parameters=True,  # bound values include encrypted tokens: never in a log line or error
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_timeout=30,
            # Cloud SQL and proxies drop idle connections: an idle one is checked before use
            # (_ping_when_idle, in place of pool_pre_ping's ping at every checkout), and
            # connections are replaced before they get old.
            pool_recycle=1800,
            connect_args={"connect_timeout": 10, "application_name": "meetbot"},
        )
        _ping_when_idle(engine, PING_AFTER_IDLE_SECONDS)
    else:
        raise ValueError(f"unsupported database {url.get_backend_name()!r}: use sqlite or postgresql")
    _dispose_pool_after_fork(engine)
    return engine


def _ping_when_idle(engine: Engine, idle_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
    """Ping a pooled connection at checkout when it has been idle for ``idle_seconds`` or
    more, in place of ``pool_pre_ping``'s ping at every checkout (a push is one statement:
    its ping would be half its round trips). A dead one is replaced, and so is every
    connection pooled before it (a failover drops them all: ``InvalidatePoolError``).
    What that gives up: a connection dropped within ``idle_seconds`` of its last use fails
    its next statement once (a request in flight, as any drop mid-request does)."""

    @sa.event.listens_for(engine, "connect")
    def _connected(_dbapi_connection: Any, record: Any) -> None:
        record.info[_LAST_USED] = clock()  # just opened: alive

    @sa.event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_LAST_USED] = clock()

    @sa.event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        last_used = record.info.get(_LAST_USED)
        if last_used is not None and clock() - last_used < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # noqa: BLE001 - whatever the failure, this connection is not usable
            raise sa.exc.InvalidatePoolError(f"an idle connection failed its ping: {type(error).__name__}") from error
        record.info[_LAST_USED] = clock()


def _create_sqlite_engine(url: URL, *, echo: bool) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    busy_timeout = _busy_timeout(url)
    kwargs: dict[str, Any] = {}
    if in_memory:
        # One shared connection, or every checkout would see a different empty database.
        # Not for concurrent threads: in-memory is meant for single-threaded unit tests.
        kwargs["poolclass"] = StaticPool
    else:
        # "No setup" in local mode: create ./.local/ (or wherever) on first use.
        Path(url.database or "").expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        echo=echo,
        hide_parameters=True,  # bound values include encrypted tokens: never in a log line or error
        # gunicorn threads share pooled connections; the pool hands each to one
        # thread at a time, so sqlite3's same-thread check only gets in the way.
        connect_args={"check_same_thread": False, "timeout": busy_timeout},
        **kwargs,
    )
    _configure_sqlite(engine, wal=not in_memory, busy_timeout=busy_timeout)
    return engine


def _busy_timeout(url: URL) -> float:
    raw = url.query.get("timeout")
    if raw is None:
        return SQLITE_BUSY_TIMEOUT_SECONDS
    try:
        value = float(raw if isinstance(raw, str) else raw[-1])
    except ValueError:
        raise ValueError(f"the SQLite URL's timeout must be a number of seconds, got {raw!r}") from None
    if value < 0:
        raise ValueError(f"the SQLite URL's timeout must not be negative, got {raw!r}")
    return value


def _configure_sqlite(engine: Engine, *, wal: bool, busy_timeout: float = SQLITE_BUSY_TIMEOUT_SECONDS) -> None:
    """Pragmas on every connection, and SQLAlchemy (not sqlite3) in charge of BEGIN.

    sqlite3's legacy transaction handling never begins a transaction before DDL or
    SELECT, so migrations would not be atomic. We emit BEGIN ourselves: BEGIN IMMEDIATE
    for writes (the write lock is taken up front, waiting up to the busy timeout, so two
    writers queue instead of failing with "database is locked" halfway through), plain
    deferred BEGIN for reads (readers never block in WAL mode).
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if wal:
                _enable_wal(cursor, busy_timeout)
                cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, much faster
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        write = connection.get_execution_options().get(SQLITE_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _enable_wal(cursor: Any, busy_timeout: float = SQLITE_BUSY_TIMEOUT_SECONDS) -> None:
    """Switch the file to WAL (readers and one writer never block each other).

    WAL is a property of the file, so this only does work on a new database. The switch
    needs an exclusive lock and SQLite reports "database is locked" at once rather than
    waiting (no busy handler), which happens when several processes create the file
    together: retry until the busy timeout.
    """
    if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
        return
    # Creating the file is start-up, not a request: allow it the longer of the two waits.
    deadline = time.monotonic() + max(busy_timeout, SQLITE_BUSY_TIMEOUT_SECONDS)
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _dispose_pool_after_fork(engine: Engine) -> None:
    """Forget pooled connections inherited by a forked child (gunicorn ``--preload``).

    A socket shared by two processes corrupts both sessions; the child opens its own.
    A weak reference, so registering does not keep discarded engines alive.
    """
    ref = weakref.ref(engine)

    def _after_fork() -> None:
        forked = ref()
        if forked is not None:
            forked.dispose(close=False)

    os.register_at_fork(after_in_child=_after_fork)


def alembic_config(connection: sa.Connection | None = None) -> AlembicConfig:
    """Alembic configuration without an ini file: the scripts live in this package."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; safe when several processes start at once.

    Everything runs in one transaction (DDL is transactional on both backends). On
    PostgreSQL an advisory lock held by that transaction serialises concurrent
    instances; on SQLite BEGIN IMMEDIATE does the same. Whoever comes second finds the
    schema at head and does nothing.
    """
    with engine.connect() as connection:
        connection.execution_options(**{SQLITE_WRITE: True})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            command.upgrade(alembic_config(connection), "head")
