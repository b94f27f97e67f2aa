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
        self._spaces_syncing: set[str] = set()  # Chat spaces a sync of this worker is writing to

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
                 exclude: set[int] | None = None) -> list[int]:
        """Claim and run due syncs once; the ids of the meetings synced (or tried)."""
        config = self.services.config
        claims = self.services.storage.claim_syncs(
            lease_seconds=config.sync_lease_seconds, limit=limit, exclude=exclude,
            debounce_seconds=config.sync_debounce_seconds if debounce_seconds is None else debounce_seconds)
        if len(claims) > 1 and config.sync_threads > 1:
            # Side by side: each sync holds its own claim, and the card's turn keeps two
            # drawings of one meeting in order, so running them at once changes no outcome.
            with ThreadPoolExecutor(min(config.sync_threads, len(claims)), thread_name_prefix="meeting-sync") as pool:
                list(pool.map(self._run_claim_in_turn, claims))
        else:
            for claim in claims:
                self._run_claim_in_turn(claim)
        return [claim.meeting.id for claim in claims if claim.meeting.id is not None]

    def _run_claim_in_turn(self, claim: SyncClaim) -> None:
        """One sync per Chat space at a time in this worker: a space takes one write a
        second (bot.google.pacing), so a second sync there would only hold a thread while
        waiting for its turn. It is put back for a moment instead (no Google call made),
        and the threads go on with other spaces' meetings."""
        space = claim.meeting.chat_space
        with self._spaces_lock:
            free = space not in self._spaces_syncing
            if free:
                self._spaces_syncing.add(space)
        if not free:
            self.services.storage.release_sync(claim, retry_after_seconds=SPACE_BUSY_HOLD_SECONDS)
            self._kick_later(SPACE_BUSY_HOLD_SECONDS)
            return
        try:
            self._run_claim(claim)
        finally:
            with self._spaces_lock:
                self._spaces_syncing.discard(space)

    def _kick_later(self, seconds: float) -> None:
        """Look again once a put-back sync is due (the worker's own wait may be longer)."""
        timer = threading.Timer(seconds + self.services.config.sync_debounce_seconds, self.kick)
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
                    storage.release_sync(claim, retry_after_seconds=error.retry_after)
                else:
                    storage.release_sync(claim)
            else:
                # Refused, gone or unauthorised: retrying now cannot help. The request is
                # closed; the next event or reconciler pass asks again.
                log.warning("meeting sync refused by Google; giving this request up",
                            extra={"fields": {"meetSpace": meeting.meet_space, "kind": error.kind.value}})
                storage.finish_sync(claim, status=meeting.status)
            return
        except Exception:  # noqa: BLE001 - one meeting's failure must not stop the others
            log.exception("meeting sync failed; it will be retried", extra={"fields": {"meetSpace": meeting.meet_space}})
            storage.release_sync(claim)
            return
        storage.finish_sync(claim, status=outcome.status, dormant=outcome.dormant)

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
                    ran = self.run_once(exclude=tried)
                    if not ran:
                        break
                    tried.update(ran)
            except Exception:  # noqa: BLE001 - the thread must survive a bad moment (database away)
                log.exception("sync worker pass failed")
