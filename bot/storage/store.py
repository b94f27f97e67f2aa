"""``Storage``: the composition root of the repositories, over one engine and one clock.

Every repository method is its own short transaction and returns frozen domain values, so
callers never hold a session, a lock or a lazy row across a Google API call.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot.storage.card_turns import SqlCardTurns
from bot.storage.chat_spaces import SqlSpaces
from bot.storage.conference_summaries import SqlSummaries
from bot.storage.database import Clock, Database, utc_now
from bot.storage.known_people import SqlPeople
from bot.storage.meeting_records import SqlMeetings
from bot.storage.paused_meetings import SqlPauses
from bot.storage.processed_events import SqlProcessedEvents
from bot.storage.protocols import (
    CardTurns,
    Grants,
    Meetings,
    Pauses,
    People,
    ProcessedEvents,
    RateLimits,
    Spaces,
    Subscriptions,
    Summaries,
    SyncQueue,
)
from bot.storage.rate_limits import SqlRateLimits
from bot.storage.subscriptions import SqlSubscriptions
from bot.storage.sync_queue import SqlSyncQueue
from bot.storage.user_grants import SqlGrants


class Storage:
    """Every repository of one database, as attributes (``storage.meetings``,
    ``storage.grants``, …; the ``Repositories`` Protocol), plus the engine and ``close``.

    Build it with ``open_storage(url)``, which also migrates the schema. Thread-safe:
    one instance is shared by every request thread of a worker.
    """

    def __init__(self, engine: Engine, *, clock: Clock = utc_now) -> None:
        database = Database(engine, clock=clock)
        self._engine = engine
        self.meetings: Meetings = SqlMeetings(database)
        self.spaces: Spaces = SqlSpaces(database)
        self.processed_events: ProcessedEvents = SqlProcessedEvents(database)
        self.sync_queue: SyncQueue = SqlSyncQueue(database)
        self.card_turns: CardTurns = SqlCardTurns(database)
        self.subscriptions: Subscriptions = SqlSubscriptions(database)
        self.summaries: Summaries = SqlSummaries(database)
        self.grants: Grants = SqlGrants(database)
        self.people: People = SqlPeople(database)
        self.pauses: Pauses = SqlPauses(database)
        self.limits: RateLimits = SqlRateLimits(database)

    @property
    def engine(self) -> Engine:
        """The underlying engine, for migrations and tests; the app uses the repositories."""
        return self._engine

    def close(self) -> None:
        """Close pooled connections (end of a test, or process shutdown)."""
        self._engine.dispose()
