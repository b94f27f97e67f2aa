"""The lifecycle's sync queue: which meetings need a sync, and who is syncing them.

A *sync request* is two counters on the meeting row: ``sync_requested`` (bumped by
every event and by the reconciler) and ``sync_done`` (the request a finished sync
covered). A meeting needs a sync while requested > done. A worker *claims* it for a
lease (``sync_claimed_until``) so one meeting is synced by one worker at a time (row
locks with SKIP LOCKED on PostgreSQL; SQLite serialises writers). A claim that dies with
its process expires and another worker takes over: nothing is lost between an event and
its effect.

Fairness: whatever is due is taken in the order it was asked for, the oldest request
first (``sync_ticket``, handed out when a meeting with nothing pending is asked for a
sync; ties, such as a reconciler pass's requests, the meeting synced longest ago first).
A meeting asked again while its request waits keeps its place, and one put back (a
passing failure) keeps it too; a request that arrives while its meeting is being synced
takes a new ticket when that sync ends. The sync worker takes Chat spaces in turn (the
one served longest ago first, one meeting each, its oldest request): a space takes one
write a second, so a space with many requests cannot go faster by holding every thread,
and a quiet meeting's fresh event waits for a round of the busy spaces, not behind all
their requests (``claim_syncs(one_per_space=True)``). The reconciler asks for a bounded
number of syncs per pass and per organizer, so one person's hundreds of meetings cannot
keep anyone else's from being looked at; the next pass carries on where this one stopped.

What a sync must look at: a request asks for a full look at the meeting's live state
(its conferences, the card, every summary) unless it was made by an event that announced
a conference's files (``take_meet_event(files_of=…)``), which asks only for that
conference's summary to be brought up to date: such a request is also a row of
``file_sync_requests`` under the number it took. Requests coalesce as a claim covers
them: any full one among them makes a full look, else the claim carries the union of
their conferences (``SyncClaim.files_of``). A claim that expires or is put back keeps
them all (rows go only when a sync covering them finishes), and a request made while a
sync runs is not covered by it, whatever it asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Collection

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from domain import Meeting, MeetingStatus
from bot.storage.database import (
    Database,
    awake_since,
    claim_event,
    fair_share,
    full_look_pending,
    next_sync_ticket,
    request_syncs,
    row_to_meeting,
    sync_ticket_on_request,
    waited_since,
)
from bot.storage.errors import translate_errors
from bot.storage.tables import conference_summaries, file_sync_requests, meetings, processed_events, subscriptions


# With ``one_per_space``, a claim ranks this many candidates per meeting it may claim.
CANDIDATES_PER_CLAIM = 3


@dataclass(frozen=True)
class SyncClaim:
    meeting: Meeting
    requested: int  # the request counter this sync covers
    claimed_at: datetime  # when the meeting was read: its sync observes from then on
    failures: int = 0  # syncs of this meeting in a row that failed for a passing reason, before this one
    # What the requests this sync covers ask it to look at: None, the meeting's live state
    # (one of them, at least, asked for a full look); else only these conference records'
    # files (every one of them came from an event that announced a conference's files).
    files_of: frozenset[str] | None = None


# -- taking a Meet event (``SqlSyncQueue.take_meet_event``): built once, run on every push ---
# Prebuilt with named parameters, so a push neither builds the statement nor walks it for
# its cache key (SQLAlchemy memoises both on the object): only its parameters change.

# The event's meeting: its subscription's, else the one of the Meet space it names (NULL
# when neither is given or known).
_EVENT_MEETING = sa.func.coalesce(
    sa.select(subscriptions.c.meeting_id)
    .where(subscriptions.c.name == sa.bindparam("by_subscription", type_=sa.String)).scalar_subquery(),
    sa.select(meetings.c.id).where(meetings.c.meet_space == sa.bindparam("by_space", type_=sa.String))
    .scalar_subquery())

# SQLite, after the claim: the meeting's id and the number its request took when its sync
# was requested, no row if unknown.
_REQUEST_SYNC_OF_EVENT = request_syncs(meetings.c.id == _EVENT_MEETING).returning(meetings.c.id,
                                                                                   meetings.c.sync_requested)
# The conference whose files the event announced (NULL: the event asks for a full look).
_FILES_OF = sa.bindparam("files_of", type_=sa.String)


def _take_meet_event_statement() -> sa.Select[Any]:
    """PostgreSQL: claim the id (no row when claimed before), request the sync only if this
    claimed it, note what the request asks for when it names a conference's files, and count
    the claim and the request: ``(claimed, requested)``, each 0 or 1. The parts see one
    snapshot and each other only through RETURNING, hence the request's EXISTS on the claim.
    A concurrent delivery of the same id waits on the claim's row and then claims nothing."""
    claimed = (postgresql.insert(processed_events)
               .values(event_id=sa.bindparam("claim_id", type_=sa.String),
                       processed_at=sa.bindparam("claimed_at", type_=processed_events.c.processed_at.type))
               .on_conflict_do_nothing(index_elements=["event_id"])
               .returning(processed_events.c.event_id)
               .cte("claimed"))
    requested = (request_syncs(sa.and_(meetings.c.id == _EVENT_MEETING, sa.exists(claimed.select())))
                 .returning(meetings.c.id, meetings.c.sync_requested)
                 .cte("requested"))
    noted = (postgresql.insert(file_sync_requests)
             .from_select(["meeting_id", "request", "conference_record"],
                          sa.select(requested.c.id, requested.c.sync_requested, _FILES_OF)
                          .where(_FILES_OF.is_not(None)))
             .on_conflict_do_nothing(index_elements=["meeting_id", "request"])
             .returning(file_sync_requests.c.meeting_id)
             .cte("noted"))
    return sa.select(sa.select(sa.func.count()).select_from(claimed).scalar_subquery().label("claimed"),
                     sa.select(sa.func.count()).select_from(requested).scalar_subquery().label("requested"),
                     # Not read: a data-modifying CTE is part of the statement only once referenced.
                     sa.select(sa.func.count()).select_from(noted).scalar_subquery().label("noted"))


_TAKE_MEET_EVENT = _take_meet_event_statement()


def _files_of(connection: sa.Connection, rows: list[sa.RowMapping]) -> dict[int, frozenset[str] | None]:
    """What each claimed meeting's sync must look at (``SyncClaim.files_of``): the union of
    the conferences its pending requests named, when every one of them named one (a row
    for each number from ``sync_done`` to ``sync_requested``), else None (a full look)."""
    scopes: dict[int, frozenset[str] | None] = {row["id"]: None for row in rows}
    if not rows:
        return scopes
    named: dict[int, list[str]] = {row["id"]: [] for row in rows}
    bounds = {row["id"]: (int(row["sync_done"]), int(row["sync_requested"])) for row in rows}
    for noted in connection.execute(sa.select(file_sync_requests)
                                    .where(file_sync_requests.c.meeting_id.in_(sorted(named)))):
        done, requested = bounds[noted.meeting_id]
        if done < noted.request <= requested:
            named[noted.meeting_id].append(noted.conference_record)
    for meeting_id, records in named.items():
        done, requested = bounds[meeting_id]
        if records and len(records) == requested - done:
            scopes[meeting_id] = frozenset(records)
    return scopes


class SqlSyncQueue:
    """``SyncQueue`` over SQLite or PostgreSQL."""

    def __init__(self, database: Database) -> None:
        self._db = database

    @translate_errors
    def request_sync(self, meeting_id: int) -> None:
        """Ask for the meeting to be synced (an event arrived, or the reconciler looked)."""
        with self._db.writing() as connection:
            connection.execute(request_syncs(meetings.c.id == meeting_id))

    @translate_errors
    def take_meet_event(self, event_id: str, *, subscription: str | None, meet_space: str | None,
                        files_of: str | None = None) -> str:
        """Claim a Meet event's id and request a sync of its meeting, atomically.

        Either both happen or neither (a claim without its sync request would turn the
        redelivery into a "duplicate" and lose the event). The meeting is found by the
        event's subscription, else by the Meet space it names; none found (or the meeting
        deleted meanwhile) keeps the claim: a redelivery finds nothing more. "duplicate",
        "unknown-meeting" or "sync-requested".

        ``files_of``: the conference record (``conferenceRecords/{id}``) whose files the
        event announced; the request then asks only for that conference's files to be
        looked at (recorded with it, in the same transaction). None: a full look.

        Every push comes here, so on PostgreSQL it is one statement sent on its own (one
        round trip: no BEGIN or COMMIT around it): claim, lookup and request in one
        data-modifying CTE, which PostgreSQL runs all or nothing. SQLite has no DML in
        CTEs: the claim and the request, in one write transaction.
        """
        parameters = {"claim_id": event_id, "claimed_at": self._db.now(), "by_subscription": subscription,
                      "by_space": meet_space, "files_of": files_of}
        if self._db.dialect == "postgresql":
            with self._db.writing(one_statement=True) as connection:
                row = connection.execute(_TAKE_MEET_EVENT, parameters).one()
            claimed, requested = bool(row.claimed), bool(row.requested)
        else:
            with self._db.writing() as connection:
                claimed = connection.execute(*claim_event(self._db, event_id)).first() is not None
                request = connection.execute(_REQUEST_SYNC_OF_EVENT, parameters).first() if claimed else None
                requested = request is not None
                if request is not None and files_of is not None:
                    connection.execute(self._db.insert(file_sync_requests).values(
                        meeting_id=request.id, request=request.sync_requested, conference_record=files_of)
                        .on_conflict_do_nothing(index_elements=["meeting_id", "request"]))
        if not claimed:
            return "duplicate"
        return "sync-requested" if requested else "unknown-meeting"

    @translate_errors
    def claim_syncs(self, *, lease_seconds: float, debounce_seconds: float, limit: int = 10,
                    exclude: set[int] | None = None, skip_spaces: Collection[str] | None = None,
                    one_per_space: bool = False, busy_limit: int | None = None) -> list[SyncClaim]:
        """Meetings that need a sync and are not being synced, claimed for ``lease_seconds``,
        the oldest request first.

        ``debounce_seconds``: a meeting synced less than this long ago waits, so a burst
        of events becomes one sync shortly after it rather than one sync per event.
        ``exclude``: meetings left out. ``skip_spaces``: Chat spaces whose meetings are left
        out (the caller has no write turn there soon; they keep their place for later).

        ``one_per_space`` (the sync worker): at most one meeting of any Chat space, the
        oldest request of each, and the spaces taken in turn: first those where no meeting
        is being synced by anyone (no live claim, no pause after a refusal), then among
        them the space served longest ago first (its meetings' latest sync). A space takes
        one write a second, so its syncs go at its pace whatever the order; taking spaces
        in turn keeps a space with many requests (200 meetings ending at once) from holding
        every thread while a quiet space's fresh event waits behind its older requests.
        ``busy_limit``: at most this many of the claims in spaces being synced (the worker
        keeps a thread for the others).
        """
        now = self._db.now()
        claimable = [
            meetings.c.sync_requested > meetings.c.sync_done,
            sa.or_(meetings.c.sync_claimed_until.is_(None), meetings.c.sync_claimed_until < now),
            sa.or_(meetings.c.last_synced_at.is_(None),
                   meetings.c.last_synced_at < now - timedelta(seconds=debounce_seconds)),
        ]
        if exclude:
            claimable.append(meetings.c.id.not_in(sorted(exclude)))
        if skip_spaces:
            claimable.append(meetings.c.chat_space.not_in(sorted(skip_spaces)))
        with self._db.writing() as connection:
            if one_per_space:
                rows = self._first_of_each_space(connection, claimable, now, limit, busy_limit)
            else:
                due = (sa.select(meetings).where(*claimable)
                       .order_by(meetings.c.sync_ticket, waited_since, meetings.c.id)  # the oldest request first
                       .limit(limit))
                if connection.dialect.name == "postgresql":
                    due = due.with_for_update(skip_locked=True)
                rows = list(connection.execute(due).mappings())
            if rows:
                connection.execute(sa.update(meetings).where(meetings.c.id.in_([r["id"] for r in rows]))
                                   .values(sync_claimed_until=now + timedelta(seconds=lease_seconds)))
            scopes = _files_of(connection, rows)
        return [SyncClaim(row_to_meeting(row), int(row["sync_requested"]), now, int(row["sync_failures"]),
                          scopes[row["id"]]) for row in rows]

    def _first_of_each_space(self, connection: sa.Connection, claimable: list[sa.ColumnElement[bool]],
                             now: datetime, limit: int, busy_limit: int | None) -> list[sa.RowMapping]:
        """``claim_syncs(one_per_space=True)``'s rows, locked for the claim.

        Ranked first (a window, which PostgreSQL does not lock), then the chosen rows are
        locked, skipping those another claimer holds, and checked again; a few more
        candidates than ``limit`` are ranked, so claimers racing for the same first ones
        still find work."""
        others = meetings.alias("others")
        being_synced = (sa.select(others.c.chat_space)
                        .where(others.c.sync_requested > others.c.sync_done, others.c.sync_claimed_until >= now))
        busy = sa.case((meetings.c.chat_space.in_(being_synced), 1), else_=0)
        # When the space was last served: the latest sync of any of its meetings (one under
        # way counts as now).
        served = (sa.select(sa.func.max(sa.case((others.c.sync_claimed_until >= now, now),
                                                 else_=sa.func.coalesce(others.c.last_synced_at, others.c.created_at))))
                  .where(others.c.chat_space == meetings.c.chat_space).scalar_subquery())
        ranked = (sa.select(meetings.c.id, busy.label("busy"), served.label("served"),
                            meetings.c.sync_ticket.label("ticket"), waited_since.label("waited"),
                            sa.func.row_number().over(partition_by=meetings.c.chat_space,
                                                      order_by=(meetings.c.sync_ticket, waited_since, meetings.c.id))
                            .label("rank"))
                  .where(*claimable).subquery())
        candidates = [(row.id, bool(row.busy)) for row in connection.execute(
            sa.select(ranked.c.id, ranked.c.busy).where(ranked.c.rank == 1)
            .order_by(ranked.c.busy, ranked.c.served, ranked.c.ticket, ranked.c.waited, ranked.c.id)
            .limit(limit * CANDIDATES_PER_CLAIM))]
        if not candidates:
            return []
        lock = sa.select(meetings).where(meetings.c.id.in_([id_ for id_, _ in candidates]), *claimable)
        if connection.dialect.name == "postgresql":
            lock = lock.with_for_update(skip_locked=True)
        locked = {row["id"]: row for row in connection.execute(lock).mappings()}
        chosen: list[sa.RowMapping] = []
        busy_taken = 0
        for meeting_id, in_busy_space in candidates:
            if meeting_id not in locked or len(chosen) >= limit:
                continue
            if in_busy_space:
                if busy_limit is not None and busy_taken >= busy_limit:
                    continue
                busy_taken += 1
            chosen.append(locked[meeting_id])
        return chosen

    @translate_errors
    def finish_sync(self, claim: SyncClaim, *, status: MeetingStatus, dormant: bool | None = None) -> None:
        """Record a finished sync; a request that arrived meanwhile stays pending.

        The status it read is kept unless the card already shows a later reading (a sync
        that outlived its lease must not set an ended meeting back to "in progress").
        ``dormant``: what the sync found the meeting to be (None: it could not tell, the
        state stays). A meeting found dormant is recorded so only if nobody woke it up
        while the sync ran (``woken_at`` as the sync saw it): the wake wins.

        Things still on their way (artifact files) are not polled for here: their
        fileGenerated events, or the reconciler's periodic catch-up, request the next sync.
        """
        now = self._db.now()
        values: dict[str, Any] = {}
        if dormant is False:
            values["dormant_since"] = None
        elif dormant:
            seen = claim.meeting.woken_at
            unwoken = meetings.c.woken_at.is_(None) if seen is None else meetings.c.woken_at == seen
            values["dormant_since"] = sa.case((unwoken, sa.func.coalesce(meetings.c.dormant_since, now)),
                                              else_=meetings.c.dormant_since)
        with self._db.writing() as connection:
            greatest = sa.func.max if connection.dialect.name == "sqlite" else sa.func.greatest
            current = sa.or_(meetings.c.card_observed_at.is_(None), meetings.c.card_observed_at <= claim.claimed_at)
            # A request made while this sync ran is not covered by it: it stays pending and
            # queues from now (a new ticket), behind the requests already waiting.
            ticket = sa.case((meetings.c.sync_requested > claim.requested, next_sync_ticket()),
                             else_=meetings.c.sync_ticket)
            connection.execute(
                sa.update(meetings).where(meetings.c.id == claim.meeting.id).values(
                    sync_done=greatest(meetings.c.sync_done, claim.requested),
                    sync_claimed_until=None, last_synced_at=now, sync_ticket=ticket, sync_failures=0,
                    status=sa.case((current, status.value), else_=meetings.c.status),
                    updated_at=now, **values))
            # What the covered requests asked for is served; later ones keep their rows. Every
            # row at or below the meeting's ``sync_done`` goes, not only this claim's: one a
            # finish left behind (a claim that finished late, after a later one; an instance
            # of an older version, during a rolling deploy) goes with the next finish.
            done = sa.select(meetings.c.sync_done).where(meetings.c.id == claim.meeting.id).scalar_subquery()
            connection.execute(sa.delete(file_sync_requests).where(
                file_sync_requests.c.meeting_id == claim.meeting.id, file_sync_requests.c.request <= done))

    @translate_errors
    def release_sync(self, claim: SyncClaim, *, retry_after_seconds: float) -> None:
        """A sync failed for a passing reason: keep the request, retry after a pause (the
        claim is simply held that long, so no worker hammers a struggling API), and count
        the failure (``SyncClaim.failures`` of the next claim; a finished sync clears it).
        The request keeps its ticket: once the pause is over it is served before later
        requests."""
        now = self._db.now()
        with self._db.writing() as connection:
            connection.execute(sa.update(meetings).where(meetings.c.id == claim.meeting.id).values(
                sync_claimed_until=now + timedelta(seconds=retry_after_seconds), last_synced_at=now,
                sync_failures=meetings.c.sync_failures + 1))

    @translate_errors
    def meetings_needing_sync(self) -> int:
        with self._db.reading() as connection:
            return int(connection.execute(sa.select(sa.func.count()).select_from(meetings)
                                          .where(meetings.c.sync_requested > meetings.c.sync_done)).scalar_one())

    @translate_errors
    def request_catch_up(self, *, created_after: datetime, recently: timedelta = timedelta(days=1),
                         limit: int = 500, per_organizer: int = 50,
                         answer_window: timedelta = timedelta(seconds=30)) -> int:
        """The reconciler's share of work for one pass: request a sync of the meetings that
        have waited longest among those it should look at, at most ``per_organizer`` of any
        one organizer and ``limit`` in all; how many were requested.

        Looked at: not dormant, and not over yet (in use since ``created_after``), or made
        ``recently`` (the link may be used again), or with a summary still waiting for
        files. A meeting whose full sync is waiting in the queue is left out (that sync reads
        Meet after now), so the next pass carries on with the ones this pass did not reach;
        one waiting only to look at some conferences' files is not (that sync would not read
        the live state: the request this pass adds makes it a full look), nor one whose sync
        is running (claimed): that sync may have read Meet before what this pass is catching
        up on, so another follows it (a sync put back for a pause is claimed too: asking
        again changes nothing, the sync after the pause serves both). Several instances at
        once request a meeting with no full sync waiting once: the update checks again that
        none is (``full_look_pending``; on PostgreSQL it may then leave out, for this pass
        only, a meeting whose file event committed while the update ran).
        """
        now = self._db.now()
        incomplete = (sa.select(conference_summaries.c.meeting_id)
                      .where(conference_summaries.c.complete.is_(False)))
        claimed = sa.and_(meetings.c.sync_claimed_until.is_not(None), meetings.c.sync_claimed_until >= now)
        not_waiting = sa.or_(sa.not_(full_look_pending()), claimed)
        # A card never shown yet is its /meet's to post while that answer may still be under
        # way (``answer_window``: the app's budget before its answer): a sync now would post
        # it first, drawn before the co-hosts were tried, and the /meet's own post (same
        # request id) would then change nothing. Past the window (the /meet gave up or its
        # process died) the sync adopts or posts it.
        posted_or_abandoned = sa.or_(meetings.c.card_hash.is_not(None),
                                     meetings.c.created_at < now - answer_window)
        candidates = (sa.select(meetings.c.id)
                      .where(meetings.c.card_message.is_not(None), meetings.c.dormant_since.is_(None), not_waiting,
                             posted_or_abandoned)
                      .where(sa.or_(
                          sa.and_(meetings.c.status != MeetingStatus.ENDED.value, awake_since > created_after),
                          meetings.c.created_at > now - recently,
                          meetings.c.id.in_(incomplete))))
        chosen = fair_share(candidates, waited=waited_since, key=meetings.c.id, per_organizer=per_organizer,
                            limit=limit)
        with self._db.writing() as connection:
            ids = [row.id for row in connection.execute(chosen)]
            if not ids:
                return 0
            result = connection.execute(
                request_syncs(sa.and_(meetings.c.id.in_(ids), not_waiting, meetings.c.dormant_since.is_(None))))
            return int(result.rowcount)

    @translate_errors
    def wake_meetings(self, meeting_ids: list[int]) -> list[int]:
        """Wake the dormant ones among these meetings (Refresh, /meetrecent): watched again,
        their quiet time counted from now, and a sync requested (which subscribes them
        again and redraws their cards). The ids of those that were dormant."""
        if not meeting_ids:
            return []
        now = self._db.now()
        with self._db.writing() as connection:
            rows = connection.execute(
                sa.update(meetings).where(meetings.c.id.in_(meeting_ids), meetings.c.dormant_since.is_not(None))
                .values(dormant_since=None, woken_at=now, sync_requested=meetings.c.sync_requested + 1,
                        sync_ticket=sync_ticket_on_request(), updated_at=now).returning(meetings.c.id))
            return sorted(row.id for row in rows)
