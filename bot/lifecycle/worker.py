"""The sync worker: a background thread per app process that drains due syncs.

Pushed events only mark a meeting as needing a sync and wake this thread, so
``POST /pubsub/push`` answers at once; the reconciler drains what is due too, so a
process that dies loses nothing (its claims expire and someone else takes them).

The background loop keeps ``sync_threads`` syncs running while any is due, claiming one
as a thread frees up (oldest request first, ``bot.storage.sync_queue``) rather than a
batch at a time, and never a meeting whose Chat space has no write turn soon in this
process: a space takes one write a second (``bot.google.pacing``), so such a sync would
only hold a thread while a quiet meeting's fresh event, in a free space, waits for one.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from ..google.errors import GoogleApiError
from ..services import Services
from ..storage import SyncClaim
from .sync import MeetingSync

log = logging.getLogger(__name__)

# The background loop leaves out the meetings of a Chat space whose next write turn in
# this process is further off than this (a pause after Chat refused a write): their syncs
# would wait for it holding a thread. They keep their place in the queue and are claimed
# once the turn is near. An ordinary turn, one write interval (1.1 s) after the last, is
# near: a space's next sync is claimed at once and waits for it, as a card edit that
# follows a /meet's card post must (waiting to claim it until its turn came left it late).
SPACE_TURN_NEAR_SECONDS = 1.2
# Threads kept for meetings of Chat spaces nobody is syncing in (any process): a sync in
# a busy space waits for that space's turn (or meets Chat's 429 and retries), and a quiet
# meeting's fresh event must not wait for such a thread to come free.
QUIET_SPACE_THREADS = 1
# While syncs run, the background loop looks for work this often besides each time one
# ends, so requests made meanwhile and spaces whose turn came near are claimed promptly.
LOOK_AGAIN_SECONDS = 0.2
# With nothing running, a space's turn at most this far off is waited for (its meetings
# may be due); a further one (after a refusal) is left to the kick of the next event or
# to the loop's idle look.
WAIT_FOR_TURN_AT_MOST_SECONDS = 2.0
# A sync that failed for a passing reason (a timeout, a 5xx, a refusal without
# ``Retry-After``) is tried again after a pause that doubles with each failure in a row,
# from about RETRY_FIRST_SECONDS up to RETRY_AT_MOST_SECONDS: a blip delays the card by
# a second or two, a struggling API is not hammered. Each pause is drawn between half and
# all of that (jitter), so meetings that failed together in an outage do not all come
# back at the same moment.
RETRY_FIRST_SECONDS = 2.0
RETRY_AT_MOST_SECONDS = 60.0
_JITTER = random.Random()  # its own generator: the process's shared one is left to whoever seeds it


def retry_pause(failures: int, draw: Callable[[], float] = _JITTER.random) -> float:
    """Seconds to hold a meeting's sync after its ``failures + 1``-th failure in a row."""
    ceiling = min(RETRY_FIRST_SECONDS * 2 ** min(failures, 16), RETRY_AT_MOST_SECONDS)
    return ceiling * (0.5 + 0.5 * draw())


class SyncWorker:
    def __init__(self, services: Services, sync: MeetingSync | None = None) -> None:
        self.services = services
        self.sync = sync or MeetingSync(services)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._spaces_lock = threading.Lock()
        self._spaces_syncing: dict[str, int] = {}  # Chat space -> syncs of this worker running there
        self._in_flight: set[int] = set()  # meetings the background loop's threads are syncing
        self._sync_ended = threading.Event()  # a thread of the background loop is free again

    def start(self) -> "SyncWorker":
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="meeting-sync", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._sync_ended.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def kick(self) -> None:
        """Something became due: look soon (after the debounce, so bursts coalesce)."""
        self._wake.set()

    def run_once(self, *, debounce_seconds: float | None = None, limit: int = 10,
                 exclude: set[int] | None = None) -> list[int]:
        """Claim and run due syncs once, side by side; the ids of the meetings synced (or
        tried). For the reconciler's pass and for tests: the background loop claims as its
        threads free up instead (``_drain_continuously``)."""
        config = self.services.config
        claims = self.services.storage.sync_queue.claim_syncs(
            lease_seconds=config.sync_lease_seconds, limit=limit, exclude=exclude,
            debounce_seconds=config.sync_debounce_seconds if debounce_seconds is None else debounce_seconds)
        if len(claims) > 1 and config.sync_threads > 1:
            # Side by side: each sync holds its own claim, and the card's turn keeps two
            # drawings of one meeting in order, so running them at once changes no outcome.
            with ThreadPoolExecutor(min(config.sync_threads, len(claims)), thread_name_prefix="meeting-sync") as pool:
                list(pool.map(self._run_claim_counted, claims))
        else:
            for claim in claims:
                self._run_claim_counted(claim)
        return [claim.meeting.id for claim in claims if claim.meeting.id is not None]

    def _count_in(self, claim: SyncClaim) -> None:
        with self._spaces_lock:
            space = claim.meeting.chat_space
            self._spaces_syncing[space] = self._spaces_syncing.get(space, 0) + 1

    def _run_claim_counted(self, claim: SyncClaim) -> None:
        """Run one claim, known to this worker as running in its Chat space meanwhile (so
        the background loop spreads its syncs over spaces whoever else runs syncs)."""
        self._count_in(claim)
        self._run_counted(claim)

    def _run_counted(self, claim: SyncClaim) -> None:
        space = claim.meeting.chat_space
        try:
            self._run_claim(claim)
        finally:
            with self._spaces_lock:
                left = self._spaces_syncing.pop(space) - 1
                if left:
                    self._spaces_syncing[space] = left
                self._in_flight.discard(claim.meeting.id or 0)
            self._sync_ended.set()

    def _run_claim(self, claim: SyncClaim) -> None:
        storage, meeting = self.services.storage, claim.meeting
        try:
            outcome = self.sync.sync(meeting, claim.claimed_at, files_of=claim.files_of)
        except GoogleApiError as error:
            if error.transient:
                # The request is kept: a card edit or summary post refused for Chat's quota
                # (429) is written by the next try (the card through its turn, the summary
                # under its client-assigned id), so a refusal delays a write, never loses it.
                # It waits as long as the service said (Retry-After), else a growing pause.
                log.warning("meeting sync hit a transient error; retried later",
                            extra={"fields": {"meetSpace": meeting.meet_space, "kind": error.kind.value}})
                pause = error.retry_after if error.retry_after is not None else retry_pause(claim.failures)
                storage.sync_queue.release_sync(claim, retry_after_seconds=pause)
            else:
                # Refused, gone or unauthorised: retrying now cannot help. The request is
                # closed; the next event or reconciler pass asks again.
                log.warning("meeting sync refused by Google; giving this request up",
                            extra={"fields": {"meetSpace": meeting.meet_space, "kind": error.kind.value}})
                storage.sync_queue.finish_sync(claim, status=meeting.status)
            return
        except Exception:  # noqa: BLE001 - one meeting's failure must not stop the others
            log.exception("meeting sync failed; it will be retried", extra={"fields": {"meetSpace": meeting.meet_space}})
            storage.sync_queue.release_sync(claim, retry_after_seconds=retry_pause(claim.failures))
            return
        storage.sync_queue.finish_sync(claim, status=outcome.status, dormant=outcome.dormant)

    def drain(self, *, budget_seconds: float, debounce_seconds: float = 0.0) -> int:
        """Run what is due until nothing is or the budget is spent (the reconciler's pass);
        a meeting is tried at most once per pass, so one that keeps failing cannot spin."""
        deadline = time.monotonic() + budget_seconds
        tried: set[int] = set()
        while time.monotonic() < deadline:
            ran = self.run_once(debounce_seconds=debounce_seconds, exclude=tried)
            if not ran:
                break
            tried.update(ran)
        return len(tried)

    def _run(self) -> None:
        debounce = self.services.config.sync_debounce_seconds
        threads = self.services.config.sync_threads
        with ThreadPoolExecutor(threads, thread_name_prefix="meeting-sync") as pool:
            while not self._stop.is_set():
                woken = self._wake.wait(timeout=max(debounce, 0.2) * 5)
                self._wake.clear()
                if self._stop.is_set():
                    return
                if woken:
                    self._stop.wait(debounce)  # let the rest of a burst arrive
                try:
                    self._drain_continuously(pool, threads)
                except Exception:  # noqa: BLE001 - the thread must survive a bad moment (database away)
                    log.exception("sync worker pass failed")

    def _drain_continuously(self, pool: ThreadPoolExecutor, threads: int) -> None:
        """Keep ``threads`` syncs running while any is due, claiming as threads free up:
        the oldest request first, at most one meeting per Chat space at a time, none of a
        space this worker is syncing in or has no write turn in soon. Returns once nothing
        runs and nothing that may start is due."""
        config = self.services.config
        queue, pacer = self.services.storage.sync_queue, self.services.chat.pacer
        while not self._stop.is_set():
            self._sync_ended.clear()
            far = pacer.spaces_waiting(longer_than=SPACE_TURN_NEAR_SECONDS)
            with self._spaces_lock:
                free = threads - len(self._in_flight)
                skip = set(self._spaces_syncing) | set(far)
                in_flight = set(self._in_flight)
            claims: list[SyncClaim] = []
            if free > 0:
                claims = queue.claim_syncs(lease_seconds=config.sync_lease_seconds,
                                           debounce_seconds=config.sync_debounce_seconds, limit=free,
                                           exclude=in_flight, skip_spaces=skip, one_per_space=True,
                                           busy_limit=free - QUIET_SPACE_THREADS if threads > QUIET_SPACE_THREADS
                                           else None)
                for claim in claims:
                    with self._spaces_lock:
                        self._in_flight.add(claim.meeting.id or 0)
                    self._count_in(claim)  # before the next look, which must leave its space out
                    pool.submit(self._run_counted, claim)
            with self._spaces_lock:
                running = bool(self._in_flight)
            if not claims and not running:
                # Nothing may start now. Meetings of a space waiting for its turn may be
                # due: look again when the nearest such turn is near (a far one, after a
                # refusal, is left to the next kick or idle look).
                near = [seconds for seconds in far.values() if seconds <= WAIT_FOR_TURN_AT_MOST_SECONDS]
                if not near:
                    return
                self._stop.wait(max(min(near) - SPACE_TURN_NEAR_SECONDS, 0.05))
                continue
            self._sync_ended.wait(LOOK_AGAIN_SECONDS)
