"""Rate limits that hold across threads, workers and instances.

A limit is "at most ``limit`` reservations of a key within any ``window``" (a sliding
window). Reserving is one write transaction that first upserts the key's row and only
then counts and inserts. The upsert is the lock, the same statement on both backends:
on PostgreSQL ``INSERT … ON CONFLICT DO UPDATE`` keeps the row locked until commit, so
a second transaction for the same key waits there and then counts what the first one
committed (each statement of READ COMMITTED sees the newest commits); on SQLite the
write transaction (``BEGIN IMMEDIATE``) runs alone in the first place. Different keys
never wait for each other on PostgreSQL.

Check-then-act without it is how a burst of 40 simultaneous ``/meet`` created 27
meetings under a limit of 10: every request counted before any had created its meeting.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from bot.storage.database import Database, claim_event, dialect_insert
from bot.storage.errors import translate_errors
from bot.storage.tables import rate_limit_keys, rate_limit_reservations


@dataclass(frozen=True)
class ClaimedReservation:
    """What ``reserve_claiming`` did: ``id`` is the place taken (None: none was), and
    ``duplicate`` says the claim was taken before (then nothing at all was written)."""

    id: int | None
    duplicate: bool = False


@functools.cache
def _lock_statement(dialect: str) -> Any:
    """The key's row, upserted: the lock (parameters ``key``, ``updated_at``)."""
    lock = dialect_insert(dialect, rate_limit_keys)
    return lock.on_conflict_do_update(index_elements=["key"], set_={"updated_at": lock.excluded.updated_at})


_MINE = rate_limit_reservations.c.key == sa.bindparam("key", type_=sa.String)
_PRUNE = sa.delete(rate_limit_reservations).where(
    _MINE, rate_limit_reservations.c.reserved_at <= sa.bindparam("window_start", type_=rate_limit_reservations.c.reserved_at.type))
# Count and take a place in one statement: a row (the new place's id) only when fewer than
# ``limit`` places are taken. Once the lock is held, a statement sees every place committed
# before it began, as the count alone did.
_TAKE_PLACE = (sa.insert(rate_limit_reservations)
               .from_select(["key", "reserved_at"], sa.select(
                   sa.bindparam("key", type_=sa.String),
                   sa.bindparam("reserved_at", type_=rate_limit_reservations.c.reserved_at.type))
                   .where(sa.select(sa.func.count()).select_from(rate_limit_reservations).where(_MINE)
                          .scalar_subquery() < sa.bindparam("limit", type_=sa.Integer)))
               .returning(rate_limit_reservations.c.id))


class SqlRateLimits:
    """``RateLimits`` over SQLite or PostgreSQL."""

    def __init__(self, database: Database) -> None:
        self._db = database

    @translate_errors
    def reserve(self, key: str, *, limit: int, window: timedelta) -> int | None:
        """Take one of ``key``'s ``limit`` places in the sliding ``window`` ending now.

        Returns the reservation's id (to ``release`` it if the work it was for did not
        happen), or None when ``limit`` reservations of ``key`` are younger than
        ``window``: the caller must refuse. A reservation made at ``t`` stops counting
        at ``t + window``.
        """
        with self._db.writing() as connection:
            return self._reserve(connection, key, limit=limit, window=window)

    @translate_errors
    def reserve_claiming(self, key: str, *, limit: int, window: timedelta, claim: str) -> ClaimedReservation:
        """``reserve`` and then ``mark_processed(claim)`` (``processed_events``), in one
        transaction: a place is taken only together with the claim. The limit is checked
        first (a full window refuses whether or not the claim was taken, as the two calls
        in turn did); a claim taken before undoes the place (``duplicate``). One commit
        instead of two, each a flush of the database's log, on the path of every ``/meet``.
        """
        with self._db.writing() as connection:
            reservation = self._reserve(connection, key, limit=limit, window=window)
            if reservation is None:
                return ClaimedReservation(None)
            if connection.execute(*claim_event(self._db, claim)).first() is None:
                transaction = connection.get_transaction()
                assert transaction is not None  # writing() holds one open
                transaction.rollback()  # the place goes with it
                return ClaimedReservation(None, duplicate=True)
            return ClaimedReservation(reservation)

    def _reserve(self, connection: sa.Connection, key: str, *, limit: int, window: timedelta) -> int | None:
        now = self._db.now()
        # from here to commit, this key's reservations are ours alone
        connection.execute(_lock_statement(self._db.dialect), {"key": key, "updated_at": now})
        connection.execute(_PRUNE, {"key": key, "window_start": now - window})
        place = connection.execute(_TAKE_PLACE, {"key": key, "reserved_at": now, "limit": limit}).scalar_one_or_none()
        return None if place is None else int(place)

    @translate_errors
    def release(self, reservation_id: int) -> bool:
        """Give a place back (the work it was reserved for did not happen). False if it
        was gone already (released, or aged out and pruned)."""
        with self._db.writing() as connection:
            return connection.execute(sa.delete(rate_limit_reservations)
                                      .where(rate_limit_reservations.c.id == reservation_id)).rowcount > 0
