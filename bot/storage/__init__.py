"""Persistence for the Chat app: one ``Storage`` over SQLite or PostgreSQL.

    storage = open_storage(config.database_url)   # e.g. sqlite:///./.local/meetbot.db
    meeting = storage.meetings.record_meeting(meeting)     # after Meet created the space
    storage.meetings.attach_card(meeting.id, message_name, thread_name)

``Storage`` holds one repository per area (``storage.meetings``, ``storage.grants``, …);
the app types against their Protocols (``bot.storage.protocols``), never the SQL classes.

The URL decides the backend: a SQLite file for local mode and single instances,
PostgreSQL (``postgresql+psycopg://``, ``postgresql://`` or ``postgres://``) when
several instances share the data. ``open_storage`` migrates the schema to the newest
revision, so a fresh database needs no setup step. ``sqlite://`` (in memory) is
for single-threaded unit tests.

New migrations: change ``tables.py``, then
``python -m bot.storage revision -m "what changed" --url sqlite:///./.local/meetbot.db``
writes a draft under ``migrations/versions`` to review and freeze.
"""

from __future__ import annotations

from sqlalchemy.engine import URL

from bot.storage.engine import create_engine, migrate, normalise_url
from bot.storage.errors import (
    ConflictError,
    DuplicateMeetingError,
    MeetingNotFoundError,
    StorageError,
    StorageUnavailableError,
)
from bot.storage.card_turns import CardBusyError, CardTurn
from bot.storage.conference_summaries import SummaryRecord
from bot.storage.database import Clock
from bot.storage.paused_meetings import PauseRecord
from bot.storage.rate_limits import ClaimedReservation
from bot.storage.protocols import (
    CardTurns,
    Grants,
    Meetings,
    Pauses,
    People,
    ProcessedEvents,
    RateLimits,
    Repositories,
    Spaces,
    Subscriptions,
    Summaries,
    SyncQueue,
)
from bot.storage.store import Storage
from bot.storage.subscriptions import AWAITING_ORGANIZER, SubscriptionRecord
from bot.storage.sync_queue import SyncClaim

__all__ = [
    "AWAITING_ORGANIZER",
    "CardBusyError",
    "CardTurn",
    "CardTurns",
    "ClaimedReservation",
    "Clock",
    "ConflictError",
    "DuplicateMeetingError",
    "Grants",
    "MeetingNotFoundError",
    "Meetings",
    "PauseRecord",
    "Pauses",
    "People",
    "ProcessedEvents",
    "RateLimits",
    "Repositories",
    "Spaces",
    "Storage",
    "StorageError",
    "StorageUnavailableError",
    "SubscriptionRecord",
    "Subscriptions",
    "SummaryRecord",
    "Summaries",
    "SyncClaim",
    "SyncQueue",
    "normalise_url",
    "open_storage",
]


def open_storage(url: str | URL, *, pool_size: int = 5, clock: Clock | None = None) -> Storage:
    """Connect to the database at ``url``, migrate it to the newest schema, return the store.

    Call once per process (in ``create_app``) and share the result between threads.
    ``pool_size`` should be the number of request threads per worker.
    """
    engine = create_engine(url, pool_size=pool_size)
    try:
        migrate(engine)
    except Exception:
        engine.dispose()
        raise
    return Storage(engine, clock=clock) if clock is not None else Storage(engine)
