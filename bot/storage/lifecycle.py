"""Storage for the meeting lifecycle: sync requests, subscriptions and summaries.

A *sync request* is two counters on the meeting row: ``sync_requested`` (bumped by
every event and by the reconciler) and ``sync_done`` (the request a finished sync
covered). A meeting needs a sync while requested > done. A worker *claims* it for a
lease (``sync_claimed_until``) so one meeting is synced by one worker at a time (row
locks with SKIP LOCKED on PostgreSQL; SQLite serialises writers). A claim that dies with
its process expires and another worker takes over: nothing is lost between an event and
its effect.

A lease cannot keep the join card from going backwards on its own: a sync that stalls
past its lease (a slow Meet read) finishes after the next one did, with an older reading.
So every drawing of the card takes a *card turn* (``card_turn``): one writer at a time per
meeting, and a drawing whose reading of Meet began before the one the card shows is
never written.

Fairness: whatever is due is taken in the order it has waited, the meeting synced
longest ago first (``_waited_since``), and the reconciler asks for a bounded number of
syncs per pass and per organizer, so one person's hundreds of meetings cannot keep
anyone else's from being looked at; the next pass carries on where this one stopped.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Callable, Iterator

import sqlalchemy as sa

from domain import (
    ActionItem,
    Artifact,
    ArtifactKind,
    Attendance,
    Attendee,
    AttendeeKind,
    Digest,
    DigestOutcome,
    Meeting,
    MeetingStatus,
    Note,
    Person,
    Speaker,
)
from bot.storage.errors import MeetingNotFoundError, StorageError, StorageUnavailableError, translate_errors
from bot.storage.tables import conference_summaries, meetings, subscriptions


@dataclass(frozen=True)
class SyncClaim:
    meeting: Meeting
    requested: int  # the request counter this sync covers
    claimed_at: datetime  # when the meeting was read: its sync observes from then on


# How long a drawing waits for another one of the same meeting (its Chat edit) to finish
# before giving up its turn; the sync that gave up asks for another sync.
CARD_TURN_WAIT_SECONDS = 15.0


class CardBusyError(StorageUnavailableError):
    """Another drawing of the meeting's card held its turn for too long."""


@dataclass
class CardTurn:
    """One writer's turn at a meeting's join card (see ``LifecycleStorage.card_turn``).

    ``superseded``: the card already shows a reading of Meet that began after this
    writer's, so this drawing must not be written. ``shown_hash``: what the card shows.
    Call ``shown`` once the new drawing is in Chat (or when it was already there)."""

    superseded: bool
    shown_hash: str | None
    _record: Callable[[str], None]

    def shown(self, card_hash: str) -> None:
        if self.superseded:
            raise RuntimeError("a superseded drawing cannot be recorded as shown")
        self._record(card_hash)
        self.shown_hash = card_hash


class _MeetingLocks:
    """Per-meeting locks inside one process: SQLite's card turns (a SQLite database is
    used by one process: local mode and single instances). PostgreSQL locks the row."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[int, tuple[threading.Lock, int]] = {}

    @contextmanager
    def hold(self, meeting_id: int, timeout: float) -> Iterator[None]:
        with self._guard:
            lock, users = self._locks.get(meeting_id, (threading.Lock(), 0))
            self._locks[meeting_id] = (lock, users + 1)
        try:
            if not lock.acquire(timeout=timeout):
                raise CardBusyError(f"meeting {meeting_id}'s card is being drawn")
            try:
                yield
            finally:
                lock.release()
        finally:
            with self._guard:
                lock, users = self._locks[meeting_id]
                if users == 1:
                    del self._locks[meeting_id]  # nobody waits: forget it (bounded memory)
                else:
                    self._locks[meeting_id] = (lock, users - 1)


_SQLITE_CARD_LOCKS = _MeetingLocks()


# The app's own subscription state beside Google's: suspended, and the organizer has been
# asked to authorize again (only they can cure it).
AWAITING_ORGANIZER = "AWAITING_ORGANIZER"

# How long a meeting has waited for attention: since its last sync, or since it was made.
_waited_since = sa.func.coalesce(meetings.c.last_synced_at, meetings.c.created_at)
# Since when a meeting has been in use: woken up (Refresh, /meetrecent) or made.
_awake_since = sa.func.coalesce(meetings.c.woken_at, meetings.c.created_at)


def _fair_share(query: sa.Select[Any], *, waited: Any, key: Any, per_organizer: int, limit: int) -> sa.Select[Any]:
    """The rows of ``query`` that waited longest, at most ``per_organizer`` of any one
    organizer and ``limit`` in all: a window ranks each organizer's rows by waiting time
    (both backends have ``row_number()``)."""
    ranked = query.add_columns(
        waited.label("waited"), key.label("key"),
        sa.func.row_number().over(partition_by=meetings.c.organizer_user_name,
                                  order_by=(waited, key)).label("rank")).subquery()
    return (sa.select(ranked).where(ranked.c.rank <= per_organizer)
            .order_by(ranked.c.waited, ranked.c.key).limit(limit))


@dataclass(frozen=True)
class SubscriptionRecord:
    name: str
    meeting_id: int
    expire_time: datetime
    state: str
    suspension_reason: str | None = None


@dataclass(frozen=True)
class SummaryRecord:
    conference_record: str
    meeting_id: int
    message_name: str
    content_hash: str
    complete: bool
    attendance: Attendance
    # For /meetrecent (None / empty for rows written before they were kept).
    started_at: datetime | None = None
    ended_at: datetime | None = None
    artifacts: tuple[Artifact, ...] = ()
    # Made once, when the transcript is ready (None: not yet, or next steps are off).
    digest: Digest | None = None
    owners_told: bool = False  # the reply mentioning the owners was posted


def _artifacts_to_json(artifacts: tuple[Artifact, ...]) -> list[dict[str, Any]]:
    return [{"kind": a.kind.value, "ready": a.ready, "url": a.url} for a in artifacts]


def _artifacts_from_json(data: Any) -> tuple[Artifact, ...]:
    return tuple(Artifact(ArtifactKind(a["kind"]), bool(a.get("ready")), a.get("url")) for a in data or ())


def _summary(row: Any) -> SummaryRecord:
    return SummaryRecord(row["conference_record"], row["meeting_id"], row["message_name"], row["content_hash"],
                         bool(row["complete"]), _attendance_from_json(row["attendance"]), row["started_at"],
                         row["ended_at"], _artifacts_from_json(row["artifacts"]),
                         _stored_digest(row["digest"]),
                         bool(row["owners_told"]))


def _stored_digest(data: Any) -> Digest | None:
    """A stored digest, or None for none (or for one written in a shape this version cannot
    read: the next sync makes it again rather than failing every time)."""
    if not isinstance(data, dict):
        return None
    try:
        return digest_from_json(data)
    except (KeyError, TypeError, ValueError):
        return None


def _speaker_to_json(speaker: Speaker) -> dict[str, Any]:
    return {"participant": speaker.participant, "name": speaker.display_name, "kind": speaker.kind.value,
            "user": speaker.user_name}


def _speaker_from_json(data: dict[str, Any]) -> Speaker:
    return Speaker(str(data["participant"]), str(data["name"]), AttendeeKind(data["kind"]), data.get("user"))


def _note_to_json(note: Note) -> dict[str, Any]:
    return {"text": note.text, "at": note.said_at.total_seconds()}


def _note_from_json(data: dict[str, Any]) -> Note:
    return Note(str(data["text"]), timedelta(seconds=float(data["at"])))


def digest_to_json(digest: Digest) -> dict[str, Any]:
    """What is kept of a transcript: only the digest the summary shows."""
    return {"outcome": digest.outcome.value, "language": digest.language, "summarizer": digest.summarizer,
            "items": [{"owner": _speaker_to_json(item.owner), "task": item.task, "at": item.said_at.total_seconds(),
                       "due": item.due.isoformat() if item.due else None} for item in digest.action_items],
            "decisions": [_note_to_json(note) for note in digest.decisions],
            "keyPoints": [_note_to_json(note) for note in digest.key_points]}


def digest_from_json(data: dict[str, Any]) -> Digest:
    items = tuple(ActionItem(_speaker_from_json(item["owner"]), str(item["task"]),
                             timedelta(seconds=float(item["at"])),
                             date.fromisoformat(item["due"]) if item.get("due") else None)
                  for item in data.get("items", []))
    return Digest(DigestOutcome(data["outcome"]), items,
                  tuple(_note_from_json(note) for note in data.get("decisions", [])),
                  tuple(_note_from_json(note) for note in data.get("keyPoints", [])),
                  data.get("language"), str(data.get("summarizer") or "extractive"))


def _attendance_to_json(attendance: Attendance) -> dict[str, Any]:
    @translate_errors
    def moment(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {"total": attendance.total, "signedIn": sorted(attendance.signed_in),
            "absent": [person.to_json() for person in attendance.absent],
            "absentTotal": attendance.absent_total, "attendees": [
        {"kind": a.kind.value, "name": a.display_name, "user": a.user_name, "joined": moment(a.first_joined),
         "left": moment(a.last_left), "sessions": a.sessions} for a in attendance.attendees]}


def _attendance_from_json(data: dict[str, Any]) -> Attendance:
    @translate_errors
    def moment(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    attendees = tuple(Attendee(AttendeeKind(a["kind"]), a["name"], a.get("user"), moment(a.get("joined")),
                               moment(a.get("left")), a.get("sessions")) for a in data.get("attendees", []))
    absent = tuple(Person.from_json(item) for item in data.get("absent", []))
    return Attendance(attendees, int(data.get("total", len(attendees))), frozenset(data.get("signedIn", [])),
                      absent, int(data.get("absentTotal", len(absent))))


class LifecycleStorage:
    """Mixed into ``Storage``; uses its engine, clock and transaction helpers."""

    # -- sync requests -------------------------------------------------------------------
    @translate_errors
    def request_sync(self, meeting_id: int) -> None:
        """Ask for the meeting to be synced (an event arrived, or the reconciler looked)."""
        with self._writing() as connection:  # type: ignore[attr-defined]
            connection.execute(sa.update(meetings).where(meetings.c.id == meeting_id)
                               .values(sync_requested=meetings.c.sync_requested + 1))

    @translate_errors
    def take_meet_event(self, event_id: str, *, subscription: str | None, meet_space: str | None) -> str:
        """Claim a Meet event's id and request a sync of its meeting, in one transaction.

        Either both happen or neither (a claim without its sync request would turn the
        redelivery into a "duplicate" and lose the event), and one round trip instead of
        four keeps a burst of pushes cheap. The meeting is found by the event's
        subscription, else by the Meet space it names. "duplicate", "unknown-meeting" or
        "sync-requested".
        """
        from bot.storage.store import _dialect_insert
        from bot.storage.tables import processed_events

        claim = (_dialect_insert(self._engine, processed_events)  # type: ignore[attr-defined]
                 .values(event_id=event_id, processed_at=self._clock())  # type: ignore[attr-defined]
                 .on_conflict_do_nothing(index_elements=["event_id"]).returning(processed_events.c.event_id))
        with self._writing() as connection:  # type: ignore[attr-defined]
            if connection.execute(claim).first() is None:
                return "duplicate"
            meeting_id = None
            if subscription:
                meeting_id = connection.execute(sa.select(subscriptions.c.meeting_id)
                                                .where(subscriptions.c.name == subscription)).scalar_one_or_none()
            if meeting_id is None and meet_space:
                meeting_id = connection.execute(sa.select(meetings.c.id)
                                                .where(meetings.c.meet_space == meet_space)).scalar_one_or_none()
            if meeting_id is None:
                return "unknown-meeting"
            connection.execute(sa.update(meetings).where(meetings.c.id == meeting_id)
                               .values(sync_requested=meetings.c.sync_requested + 1))
            return "sync-requested"

    @translate_errors
    def note_card(self, meeting_id: int, card_hash: str) -> None:
        """What the join card shows right after it was posted (saves the first edit)."""
        with self._writing() as connection:  # type: ignore[attr-defined]
            connection.execute(sa.update(meetings).where(meetings.c.id == meeting_id).values(card_hash=card_hash))

    @contextmanager
    def card_turn(self, meeting_id: int, observed_at: datetime) -> Iterator[CardTurn]:
        """A turn at drawing meeting ``meeting_id``'s join card from a reading of Meet that
        began at ``observed_at`` (before the meeting row and Meet were read).

        Inside the turn nobody else draws this meeting's card, and the caller edits the
        card in Chat, then calls ``turn.shown(hash)``; the turn records the hash and the
        reading's time together. A turn whose reading is older than the card's is
        ``superseded``. On PostgreSQL the meeting's row is locked (FOR UPDATE) for the
        turn, across instances; a SQLite database serves one process, which locks the
        meeting in memory. Waiting longer than ``CARD_TURN_WAIT_SECONDS`` raises
        ``CardBusyError``; other failures are ``StorageError``s.
        """
        if observed_at.tzinfo is None:
            raise ValueError(f"naive datetime {observed_at!r}: storage needs timezone-aware times")
        if self._engine.dialect.name == "postgresql":  # type: ignore[attr-defined]
            with self._locked_row_turn(meeting_id, observed_at) as turn:
                yield turn
            return
        with _SQLITE_CARD_LOCKS.hold(meeting_id, CARD_TURN_WAIT_SECONDS):
            row = self._card_row(meeting_id)

            def record(card_hash: str) -> None:
                self._record_card(meeting_id, card_hash, observed_at)

            yield _turn(meeting_id, row, observed_at, record)

    @contextmanager
    def _locked_row_turn(self, meeting_id: int, observed_at: datetime) -> Iterator[CardTurn]:
        try:
            connection = self._engine.connect()  # type: ignore[attr-defined]
        except sa.exc.SQLAlchemyError as error:
            raise StorageUnavailableError(str(error)) from error
        with connection:
            try:
                transaction = connection.begin()
                connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(CARD_TURN_WAIT_SECONDS * 1000)}ms'")
                row = connection.execute(_card_state(meeting_id).with_for_update()).first()
            except sa.exc.OperationalError as error:
                if getattr(error.orig, "sqlstate", None) == "55P03":  # lock_not_available: the wait ran out
                    raise CardBusyError(f"meeting {meeting_id}'s card is being drawn") from error
                raise StorageUnavailableError(str(error)) from error
            except sa.exc.SQLAlchemyError as error:
                raise StorageError(str(error)) from error

            def record(card_hash: str) -> None:
                try:
                    connection.execute(_card_shown(meeting_id, card_hash, observed_at))
                except sa.exc.SQLAlchemyError as error:
                    raise StorageError(str(error)) from error

            try:
                yield _turn(meeting_id, row, observed_at, record)
            except BaseException:
                transaction.rollback()
                raise
            try:
                transaction.commit()
            except sa.exc.SQLAlchemyError as error:
                raise StorageUnavailableError(str(error)) from error

    @translate_errors
    def card_reading(self, meeting_id: int) -> datetime | None:
        """When the reading of Meet that the join card shows began, while it is the newest
        one asked for; None when not known, or when an event has asked for a sync since
        (the card is about to change: a Refresh must not call it up to date)."""
        with self._reading() as connection:  # type: ignore[attr-defined]
            row = connection.execute(sa.select(meetings.c.card_observed_at, meetings.c.sync_requested,
                                               meetings.c.sync_done).where(meetings.c.id == meeting_id)).first()
        if row is None or row.sync_requested > row.sync_done:
            return None
        return row.card_observed_at if isinstance(row.card_observed_at, datetime) else None

    @translate_errors
    def _card_row(self, meeting_id: int) -> Any:
        with self._reading() as connection:  # type: ignore[attr-defined]
            return connection.execute(_card_state(meeting_id)).first()

    @translate_errors
    def _record_card(self, meeting_id: int, card_hash: str, observed_at: datetime) -> None:
        with self._writing() as connection:  # type: ignore[attr-defined]
            connection.execute(_card_shown(meeting_id, card_hash, observed_at))

    @translate_errors
    def claim_syncs(self, *, lease_seconds: float, debounce_seconds: float, limit: int = 10,
                    exclude: set[int] | None = None) -> list[SyncClaim]:
        """Meetings that need a sync and are not being synced, claimed for ``lease_seconds``.

        ``debounce_seconds``: a meeting synced less than this long ago waits, so a burst
        of events becomes one sync shortly after it rather than one sync per event.
        """
        from bot.storage.store import _row_to_meeting

        now = self._clock()  # type: ignore[attr-defined]
        due = (
            sa.select(meetings)
            .where(meetings.c.sync_requested > meetings.c.sync_done)
            .where(sa.or_(meetings.c.sync_claimed_until.is_(None), meetings.c.sync_claimed_until < now))
            .where(sa.or_(meetings.c.last_synced_at.is_(None),
                          meetings.c.last_synced_at < now - timedelta(seconds=debounce_seconds)))
            .order_by(_waited_since, meetings.c.id)  # the longest wait first
            .limit(limit)
        )
        if exclude:
            due = due.where(meetings.c.id.not_in(sorted(exclude)))
        with self._writing() as connection:  # type: ignore[attr-defined]
            if connection.dialect.name == "postgresql":
                due = due.with_for_update(skip_locked=True)
            rows = list(connection.execute(due).mappings())
            if rows:
                connection.execute(sa.update(meetings).where(meetings.c.id.in_([r["id"] for r in rows]))
                                   .values(sync_claimed_until=now + timedelta(seconds=lease_seconds)))
        return [SyncClaim(_row_to_meeting(row), int(row["sync_requested"]), now) for row in rows]

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
        now = self._clock()  # type: ignore[attr-defined]
        values: dict[str, Any] = {}
        if dormant is False:
            values["dormant_since"] = None
        elif dormant:
            seen = claim.meeting.woken_at
            unwoken = meetings.c.woken_at.is_(None) if seen is None else meetings.c.woken_at == seen
            values["dormant_since"] = sa.case((unwoken, sa.func.coalesce(meetings.c.dormant_since, now)),
                                              else_=meetings.c.dormant_since)
        with self._writing() as connection:  # type: ignore[attr-defined]
            greatest = sa.func.max if connection.dialect.name == "sqlite" else sa.func.greatest
            current = sa.or_(meetings.c.card_observed_at.is_(None), meetings.c.card_observed_at <= claim.claimed_at)
            connection.execute(
                sa.update(meetings).where(meetings.c.id == claim.meeting.id).values(
                    sync_done=greatest(meetings.c.sync_done, claim.requested),
                    sync_claimed_until=None, last_synced_at=now,
                    status=sa.case((current, status.value), else_=meetings.c.status),
                    updated_at=now, **values))

    @translate_errors
    def release_sync(self, claim: SyncClaim, *, retry_after_seconds: float = 30.0) -> None:
        """A sync failed for a passing reason: keep the request, retry after a pause (the
        claim is simply held that long, so no worker hammers a struggling API)."""
        now = self._clock()  # type: ignore[attr-defined]
        with self._writing() as connection:  # type: ignore[attr-defined]
            connection.execute(sa.update(meetings).where(meetings.c.id == claim.meeting.id).values(
                sync_claimed_until=now + timedelta(seconds=retry_after_seconds), last_synced_at=now))

    @translate_errors
    def meetings_needing_sync(self) -> int:
        with self._reading() as connection:  # type: ignore[attr-defined]
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
        files. A meeting with a sync already pending is left out (it is in the queue), so
        the next pass carries on with the ones this pass did not reach. Several instances
        at once request each meeting once: the update checks again that it is not pending.
        """
        now = self._clock()  # type: ignore[attr-defined]
        incomplete = (sa.select(conference_summaries.c.meeting_id)
                      .where(conference_summaries.c.complete.is_(False)))
        idle = meetings.c.sync_requested <= meetings.c.sync_done
        # A card never shown yet is its /meet's to post while that answer may still be under
        # way (``answer_window``: the app's budget before its answer): a sync now would post
        # it first, drawn before the co-hosts were tried, and the /meet's own post (same
        # request id) would then change nothing. Past the window (the /meet gave up or its
        # process died) the sync adopts or posts it.
        posted_or_abandoned = sa.or_(meetings.c.card_hash.is_not(None),
                                     meetings.c.created_at < now - answer_window)
        candidates = (sa.select(meetings.c.id)
                      .where(meetings.c.card_message.is_not(None), meetings.c.dormant_since.is_(None), idle,
                             posted_or_abandoned)
                      .where(sa.or_(
                          sa.and_(meetings.c.status != MeetingStatus.ENDED.value, _awake_since > created_after),
                          meetings.c.created_at > now - recently,
                          meetings.c.id.in_(incomplete))))
        chosen = _fair_share(candidates, waited=_waited_since, key=meetings.c.id, per_organizer=per_organizer,
                             limit=limit)
        with self._writing() as connection:  # type: ignore[attr-defined]
            ids = [row.id for row in connection.execute(chosen)]
            if not ids:
                return 0
            result = connection.execute(
                sa.update(meetings).where(meetings.c.id.in_(ids), idle, meetings.c.dormant_since.is_(None))
                .values(sync_requested=meetings.c.sync_requested + 1))
            return int(result.rowcount)

    @translate_errors
    def wake_meetings(self, meeting_ids: list[int]) -> list[int]:
        """Wake the dormant ones among these meetings (Refresh, /meetrecent): watched again,
        their quiet time counted from now, and a sync requested (which subscribes them
        again and redraws their cards). The ids of those that were dormant."""
        if not meeting_ids:
            return []
        now = self._clock()  # type: ignore[attr-defined]
        with self._writing() as connection:  # type: ignore[attr-defined]
            rows = connection.execute(
                sa.update(meetings).where(meetings.c.id.in_(meeting_ids), meetings.c.dormant_since.is_not(None))
                .values(dormant_since=None, woken_at=now, sync_requested=meetings.c.sync_requested + 1,
                        updated_at=now).returning(meetings.c.id))
            return sorted(row.id for row in rows)

    # -- subscriptions ------------------------------------------------------------------------
    @translate_errors
    def record_subscription(self, meeting_id: int, name: str, expire_time: datetime, state: str = "ACTIVE",
                            suspension_reason: str | None = None) -> None:
        from bot.storage.store import _dialect_insert

        values = {"name": name, "meeting_id": meeting_id, "expire_time": expire_time, "state": state,
                  "suspension_reason": suspension_reason, "updated_at": self._clock()}  # type: ignore[attr-defined]
        insert = _dialect_insert(self._engine, subscriptions).values(values)  # type: ignore[attr-defined]
        insert = insert.on_conflict_do_update(index_elements=["name"], set_={
            key: insert.excluded[key] for key in ("meeting_id", "expire_time", "state", "suspension_reason",
                                                  "updated_at")})
        with self._writing() as connection:  # type: ignore[attr-defined]
            connection.execute(insert)

    @translate_errors
    def subscription_of(self, meeting_id: int) -> SubscriptionRecord | None:
        query = (sa.select(subscriptions).where(subscriptions.c.meeting_id == meeting_id)
                 .order_by(subscriptions.c.updated_at.desc()).limit(1))
        with self._reading() as connection:  # type: ignore[attr-defined]
            row = connection.execute(query).mappings().one_or_none()
        return _subscription(row) if row is not None else None

    @translate_errors
    def get_subscription(self, name: str) -> SubscriptionRecord | None:
        with self._reading() as connection:  # type: ignore[attr-defined]
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
                                    _awake_since > live_after)))
        chosen = _fair_share(candidates, waited=subscriptions.c.expire_time, key=subscriptions.c.name,
                             per_organizer=per_organizer, limit=limit).subquery()
        query = (sa.select(subscriptions).join(chosen, chosen.c.name == subscriptions.c.name)
                 .order_by(subscriptions.c.expire_time, subscriptions.c.name))
        with self._reading() as connection:  # type: ignore[attr-defined]
            return [_subscription(row) for row in connection.execute(query).mappings()]

    # -- summaries ------------------------------------------------------------------------------
    @translate_errors
    def get_summary(self, conference_record: str) -> SummaryRecord | None:
        query = sa.select(conference_summaries).where(conference_summaries.c.conference_record == conference_record)
        with self._reading() as connection:  # type: ignore[attr-defined]
            row = connection.execute(query).mappings().one_or_none()
        return _summary(row) if row is not None else None

    @translate_errors
    def save_summary(self, record: SummaryRecord) -> None:
        from bot.storage.store import _dialect_insert

        values = {"conference_record": record.conference_record, "meeting_id": record.meeting_id,
                  "message_name": record.message_name, "content_hash": record.content_hash,
                  "complete": record.complete, "attendance": _attendance_to_json(record.attendance),
                  "started_at": record.started_at, "ended_at": record.ended_at,
                  "artifacts": _artifacts_to_json(record.artifacts),
                  "digest": digest_to_json(record.digest) if record.digest is not None else None,
                  "owners_told": record.owners_told,
                  "updated_at": self._clock()}  # type: ignore[attr-defined]
        insert = _dialect_insert(self._engine, conference_summaries).values(values)  # type: ignore[attr-defined]
        insert = insert.on_conflict_do_update(index_elements=["conference_record"], set_={
            key: insert.excluded[key] for key in ("message_name", "content_hash", "complete", "attendance",
                                                  "started_at", "ended_at", "artifacts", "digest", "owners_told",
                                                  "updated_at")})
        with self._writing() as connection:  # type: ignore[attr-defined]
            connection.execute(insert)

    @translate_errors
    def summaries_of(self, meeting_id: int) -> list[SummaryRecord]:
        query = sa.select(conference_summaries).where(conference_summaries.c.meeting_id == meeting_id)
        with self._reading() as connection:  # type: ignore[attr-defined]
            rows = list(connection.execute(query).mappings())
        return [_summary(row) for row in rows]

    @translate_errors
    def summaries_of_meetings(self, meeting_ids: list[int]) -> dict[int, list[SummaryRecord]]:
        """Every summary of each meeting, newest conference first (one query for /meetrecent)."""
        if not meeting_ids:
            return {}
        query = (sa.select(conference_summaries).where(conference_summaries.c.meeting_id.in_(meeting_ids))
                 .order_by(conference_summaries.c.started_at.desc()))
        found: dict[int, list[SummaryRecord]] = {meeting_id: [] for meeting_id in meeting_ids}
        with self._reading() as connection:  # type: ignore[attr-defined]
            for row in connection.execute(query).mappings():
                found[row["meeting_id"]].append(_summary(row))
        return found


def _card_state(meeting_id: int) -> sa.Select[Any]:
    """What a meeting's card shows and when the reading it shows began."""
    return sa.select(meetings.c.card_hash, meetings.c.card_observed_at).where(meetings.c.id == meeting_id)


def _card_shown(meeting_id: int, card_hash: str, observed_at: datetime) -> sa.Update:
    """Record a drawing as shown, with the time its reading began."""
    return sa.update(meetings).where(meetings.c.id == meeting_id).values(card_hash=card_hash,
                                                                         card_observed_at=observed_at)


def _turn(meeting_id: int, row: Any, observed_at: datetime, record: Callable[[str], None]) -> CardTurn:
    if row is None:
        raise MeetingNotFoundError(meeting_id)
    shown_at = row.card_observed_at
    return CardTurn(superseded=shown_at is not None and shown_at > observed_at, shown_hash=row.card_hash,
                    _record=record)


def _subscription(row: Any) -> SubscriptionRecord:
    return SubscriptionRecord(row["name"], row["meeting_id"], row["expire_time"], row["state"],
                              row["suspension_reason"])
