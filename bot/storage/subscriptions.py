"""Workspace Events subscriptions of meetings, and which ones need renewing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from domain import MeetingStatus
from bot.storage.database import Database, awake_since, fair_share
from bot.storage.errors import translate_errors
from bot.storage.tables import meetings, subscriptions

# The app's own subscription state beside Google's: suspended, and the organizer has been
# asked to authorize again (only they can cure it).
AWAITING_ORGANIZER = "AWAITING_ORGANIZER"


@dataclass(frozen=True)
class SubscriptionRecord:
    name: str
    meeting_id: int
    expire_time: datetime
    state: str
    suspension_reason: str | None = None


class SqlSubscriptions:
    """``Subscriptions`` over SQLite or PostgreSQL."""

    def __init__(self, database: Database) -> None:
        self._db = database

    @translate_errors
    def record_subscription(self, meeting_id: int, name: str, expire_time: datetime, state: str = "ACTIVE",
                            suspension_reason: str | None = None) -> None:
        values = {"name": name, "meeting_id": meeting_id, "expire_time": expire_time, "state": state,
                  "suspension_reason": suspension_reason, "updated_at": self._db.now()}
        insert = self._db.insert(subscriptions).values(values)
        insert = insert.on_conflict_do_update(index_elements=["name"], set_={
            key: insert.excluded[key] for key in ("meeting_id", "expire_time", "state", "suspension_reason",
                                                  "updated_at")})
        with self._db.writing() as connection:
            connection.execute(insert)

    @translate_errors
    def subscription_of(self, meeting_id: int) -> SubscriptionRecord | None:
        query = (sa.select(subscriptions).where(subscriptions.c.meeting_id == meeting_id)
                 .order_by(subscriptions.c.updated_at.desc()).limit(1))
        with self._db.reading(one_statement=True) as connection:
            row = connection.execute(query).mappings().one_or_none()
        return _subscription(row) if row is not None else None

    @translate_errors
    def get_subscription(self, name: str) -> SubscriptionRecord | None:
        with self._db.reading(one_statement=True) as connection:
            row = connection.execute(sa.select(subscriptions).where(subscriptions.c.name == name)).mappings().one_or_none()
        return _subscription(row) if row is not None else None

    @translate_errors
    def subscriptions_to_maintain(self, *, expiring_before: datetime, live_after: datetime, limit: int = 500,
                                  per_organizer: int = 50) -> list[SubscriptionRecord]:
        """Subscriptions of live meetings that expire soon or are not active, the soonest
        to expire first, at most ``per_organizer`` of any one organizer and ``limit`` in
        all. A dormant meeting's subscription is left to lapse, and one without a call
        running stops being renewed once it has not been in use since ``live_after``
        (made or woken up before it)."""
        candidates = (sa.select(subscriptions.c.name).join(meetings, meetings.c.id == subscriptions.c.meeting_id)
                      .where(sa.or_(subscriptions.c.expire_time < expiring_before,
                                    subscriptions.c.state != "ACTIVE"))
                      .where(meetings.c.dormant_since.is_(None))
                      .where(sa.or_(meetings.c.status == MeetingStatus.IN_PROGRESS.value,
                                    awake_since > live_after)))
        chosen = fair_share(candidates, waited=subscriptions.c.expire_time, key=subscriptions.c.name,
                            per_organizer=per_organizer, limit=limit).subquery()
        query = (sa.select(subscriptions).join(chosen, chosen.c.name == subscriptions.c.name)
                 .order_by(subscriptions.c.expire_time, subscriptions.c.name))
        with self._db.reading(one_statement=True) as connection:
            return [_subscription(row) for row in connection.execute(query).mappings()]


def _subscription(row: Any) -> SubscriptionRecord:
    return SubscriptionRecord(row["name"], row["meeting_id"], row["expire_time"], row["state"],
                              row["suspension_reason"])
