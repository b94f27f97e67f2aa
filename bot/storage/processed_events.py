"""Processed event ids: each event is handled once, however often it is delivered."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from bot.storage.database import Database, claim_event, require_aware
from bot.storage.errors import translate_errors
from bot.storage.tables import processed_events


class SqlProcessedEvents:
    """``ProcessedEvents`` over SQLite or PostgreSQL."""

    def __init__(self, database: Database) -> None:
        self._db = database

    @translate_errors
    def mark_processed(self, event_id: str) -> bool:
        """Claim an event id: True the first time, False if any worker claimed it before.

        One atomic insert, so concurrent deliveries of the same event (Pub/Sub retries,
        several instances) agree on exactly one winner. Ids share one namespace:
        prefix them by source if two sources could collide.
        """
        with self._db.writing() as connection:
            return connection.execute(*claim_event(self._db, event_id)).first() is not None

    @translate_errors
    def forget_processed(self, event_id: str) -> None:
        """Release a claim whose handling failed, so a redelivery is processed again."""
        with self._db.writing() as connection:
            connection.execute(sa.delete(processed_events).where(processed_events.c.event_id == event_id))

    @translate_errors
    def prune_processed(self, older_than: datetime) -> int:
        """Delete claims older than any redelivery can be (the reconciler's housekeeping)."""
        require_aware(older_than)
        delete = sa.delete(processed_events).where(processed_events.c.processed_at < older_than)
        with self._db.writing() as connection:
            return connection.execute(delete).rowcount
