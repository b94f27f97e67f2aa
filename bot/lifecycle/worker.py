"""The sync worker: a background thread per app process that drains due syncs.

Pushed events only mark a meeting as needing a sync and wake this thread, so
``POST /pubsub/push`` answers at once; the reconciler drains what is due too, so a
process that dies loses nothing (its claims expire and someone else takes them).
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ..google.errors import GoogleApiError
from ..services import Services
from ..storage import SyncClaim
from .sync import MeetingSync

log = logging.getLogger(__name__)

# How long a sync is put back when another sync of this worker is busy in its Chat space:
# about one sync's two writes there (a card edit and a summary, 1 s apart).
SPACE_BUSY_HOLD_SECONDS = 1.0


class SyncWorker:
    def __init__(self, services: Services, sync: MeetingSync | None = None) -> None:
        self.services = services
        self.sync = sync or MeetingSync(services)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._spaces_lock = threading.Lock()
        self._spaces_syncing: dict[str, int] = {}  # Chat space -> syncs of this worker running there
        self._kick_pending = False

    def start(self) -> "SyncWorker":
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="meeting-sync", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def kick(self) -> None:
        """Something became due: look soon (after the debounce, so bursts coalesce)."""
        self._wake.set()

    def run_once(self, *, debounce_seconds: float | None = None, limit: int = 10,
                 exclude: set[int] | None = None, spread_spaces: bool = False) -> list[int]:
        """Claim and run due syncs once; the ids of the meetings synced (or tried).
        ``spread_spaces`` (the background loop): a sync whose Chat space another sync of
        this worker is writing to is put back for a moment (``_run_claim_in_turn``)."""
        config = self.services.config
        claims = self.services.storage.sync_queue.claim_syncs(
            lease_seconds=config.sync_lease_seconds, limit=limit, exclude=exclude,
            debounce_seconds=config.sync_debounce_seconds if debounce_seconds is None else debounce_seconds)
        run = self._run_claim_in_turn if spread_spaces else self._run_claim_counted
        if len(claims) > 1 and config.sync_threads > 1:
            # Side by side: each sync holds its own claim, and the card's turn keeps two
            # drawings of one meeting in order, so running them at once changes no outcome.
            with ThreadPoolExecutor(min(config.sync_threads, len(claims)), thread_name_prefix="meeting-sync") as pool:
                list(pool.map(run, claims))
        else:
            for claim in claims:
                run(claim)
        return [claim.meeting.id for claim in claims if claim.meeting.id is not None]

    def _run_claim_in_turn(self, claim: SyncClaim) -> None:
        """While a sync of this worker is writing to a Chat space, another meeting's sync
        there waits: a space takes one write a second (bot.google.pacing), so it would only
        hold a thread until its turn. It is put back for a moment instead (no Google call
        made), and the threads go on with other spaces' meetings. Syncs that write nothing
        (most of a reconciler pass) run side by side as usual."""
        space = claim.meeting.chat_space
        with self._spaces_lock:
            running = self._spaces_syncing.get(space, 0)
            free = running == 0 or not self.services.chat.pacer.writing(space)
            if free:
                self._spaces_syncing[space] = running + 1
        if not free:
            self.services.storage.sync_queue.release_sync(claim, retry_after_seconds=SPACE_BUSY_HOLD_SECONDS)
            self._kick_later(SPACE_BUSY_HOLD_SECONDS)
            return
        self._run_claim_counted(claim, counted=True)

    def _run_claim_counted(self, claim: SyncClaim, counted: bool = False) -> None:
        """Run one claim, known to this worker as running in its Chat space meanwhile (so
        the background loop spreads its syncs over spaces whoever else runs syncs)."""
        space = claim.meeting.chat_space
        if not counted:
            with self._spaces_lock:
                self._spaces_syncing[space] = self._spaces_syncing.get(space, 0) + 1
        try:
            self._run_claim(claim)
        finally:
            with self._spaces_lock:
                left = self._spaces_syncing.pop(space) - 1
                if left:
                    self._spaces_syncing[space] = left

    def _kick_later(self, seconds: float) -> None:
        """Look again once a put-back sync is due (the worker's own wait may be longer)."""
        with self._spaces_lock:
            if self._kick_pending:  # one is coming: it finds every put-back sync due by then
                return
            self._kick_pending = True

        def kick() -> None:
            with self._spaces_lock:
                self._kick_pending = False
            self.kick()

        timer = threading.Timer(seconds + self.services.config.sync_debounce_seconds, kick)
        timer.daemon = True
        timer.start()

    def _run_claim(self, claim: SyncClaim) -> None:
        storage, meeting = self.services.storage, claim.meeting
        try:
            outcome = self.sync.sync(meeting, claim.claimed_at)
        except GoogleApiError as error:
            if error.transient:
                # The request is kept: a card edit or summary post refused for Chat's quota
                # (429) is written by the next try (the card through its turn, the summary
                # under its client-assigned id), so a refusal delays a write, never loses it.
                log.warning("meeting sync hit a transient error; retried later",
                            extra={"fields": {"meetSpace": meeting.meet_space, "kind": error.kind.value}})
                if error.retry_after is not None:  # the service said when
                    storage.sync_queue.release_sync(claim, retry_after_seconds=error.retry_after)
                else:
                    storage.sync_queue.release_sync(claim)
            else:
                # Refused, gone or unauthorised: retrying now cannot help. The request is
                # closed; the next event or reconciler pass asks again.
                log.warning("meeting sync refused by Google; giving this request up",
                            extra={"fields": {"meetSpace": meeting.meet_space, "kind": error.kind.value}})
                storage.sync_queue.finish_sync(claim, status=meeting.status)
            return
        except Exception:  # noqa: BLE001 - one meeting's failure must not stop the others
            log.exception("meeting sync failed; it will be retried", extra={"fields": {"meetSpace": meeting.meet_space}})
            storage.sync_queue.release_sync(claim)
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
        while not self._stop.is_set():
            woken = self._wake.wait(timeout=max(debounce, 0.2) * 5)
            self._wake.clear()
            if self._stop.is_set():
                return
            if woken:
                self._stop.wait(debounce)  # let the rest of a burst arrive
            try:
                tried: set[int] = set()
                while not self._stop.is_set():
                    ran = self.run_once(exclude=tried, spread_spaces=True)
                    if not ran:
                        break
                    tried.update(ran)
            except Exception:  # noqa: BLE001 - the thread must survive a bad moment (database away)
                log.exception("sync worker pass failed")
