"""Spacing the app's writes to one Chat space, as Chat's per-space quota asks.

Chat allows 1 write per second per space (``spaces.messages.create``, ``patch``,
``delete`` and a few others), shared by every app in the space
(https://developers.google.com/workspace/chat/limits); a write over it is refused with
429 ``RESOURCE_EXHAUSTED``. The app writes twice to one space within a second in
ordinary use (a welcome then the join card; a card then its edit; fifty summaries when
fifty meetings in one space end together), so every write to a space first takes a
turn here: turns are handed out in order, ``interval`` apart, and a write waits for its
turn. A refusal (another process or another app wrote meanwhile) pushes the space's
next turn past the refusal, so the retry that follows waits too.

This is politeness within one process, not the guarantee: two instances each pace
themselves, not each other. The guarantee is what a 429 does: the write is retried
after its turn (within the caller's budget), and a background write still refused
fails its sync, which keeps the meeting's sync request and runs again (card edits are
idempotent through the card's turn, the summary is one message by its client-assigned
id), so a refusal delays a write and never loses one.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from ..retry import remaining_seconds
from .errors import PACED_REASON, FailureKind, GoogleApiError

# Chat's 1 write per second, with a margin: a request's trip to Google varies, and two
# writes sent exactly one second apart can arrive less than one second apart. After a
# write comes back, the next starts at least the quota's window later.
CHAT_SPACE_WRITE_INTERVAL = 1.1
CHAT_SPACE_WRITE_WINDOW = 1.0
# A background write waits at most this long for its turn; a busier space's work is put
# back for when its turn comes, and the thread does other spaces' work meanwhile.
BACKGROUND_MAX_WAIT_SECONDS = 5.0


def space_of(name: str) -> str:
    """``spaces/AAA`` of ``spaces/AAA`` or ``spaces/AAA/messages/…``."""
    parts = name.split("/")
    return "/".join(parts[:2])


class SpaceWritePacer:
    """Per-space write turns, ``interval`` seconds apart, for every thread of a process."""

    def __init__(self, *, interval: float = CHAT_SPACE_WRITE_INTERVAL,
                 max_wait_seconds: float = BACKGROUND_MAX_WAIT_SECONDS,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = interval
        self.max_wait = max_wait_seconds
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}  # space -> when its next write may start

    def take_turn(self, space: str) -> tuple[float, float]:
        """Wait for the space's next turn and take it; the turn (on this pacer's clock)
        and the seconds waited.

        Where someone waits for the answer (a request deadline is set), the turn may be
        as far off as the deadline; in the background at most ``max_wait_seconds``, so a
        sync does not hold its worker thread while other spaces' work waits. A turn
        further off is not taken: a quota refusal is raised at once, with ``retry_after``
        the seconds until the turn (the sync worker holds the meeting's sync that long),
        and nobody else's turn moves."""
        left = remaining_seconds()
        limit = self.max_wait if left is None else left
        with self._lock:
            now = self._clock()
            turn = max(now, self._next.get(space, now))
            wait = turn - now
            if wait > limit:
                refusal = GoogleApiError(FailureKind.QUOTA, 429, f"the next write to {space} is {wait:.1f} s away, "
                                         "more than this call can wait", PACED_REASON)
                refusal.retry_after = wait
                raise refusal
            self._next[space] = turn + self.interval
            self._forget_idle(now)
        if wait > 0:
            self._sleep(wait)
        return turn, wait

    def give_back(self, space: str, turn: float) -> None:
        """The write taken at ``turn`` failed for another reason than the quota (a 5xx, a
        refusal): unless someone took the next turn meanwhile, its retry need not wait a
        full interval (if Chat counted it after all, the retry's 429 says so)."""
        with self._lock:
            if self._next.get(space) == turn + self.interval:
                self._next[space] = turn

    def writing(self, space: str) -> bool:
        """Whether the space's next write turn is still to come (it was written to, or a
        write holds a turn, within the last second or so)."""
        with self._lock:
            return self._next.get(space, float("-inf")) > self._clock()

    def spaces_waiting(self, longer_than: float) -> dict[str, float]:
        """The spaces whose next write turn is more than ``longer_than`` seconds away, with
        the seconds to it (the sync worker leaves their meetings for later)."""
        with self._lock:
            now = self._clock()
            return {space: at - now for space, at in self._next.items() if at - now > longer_than}

    def finished(self, space: str) -> None:
        """A write to ``space`` came back: Chat counted it at some moment before now, so
        the next write starts a full window after now, however late this one arrived."""
        with self._lock:
            now = self._clock()
            self._next[space] = max(self._next.get(space, now), now + CHAT_SPACE_WRITE_WINDOW)

    def refused(self, space: str, retry_after: float | None = None) -> None:
        """Chat refused a write to ``space`` for its quota: no write before a full interval
        (or Chat's ``Retry-After``, when it sent one) from now."""
        with self._lock:
            now = self._clock()
            pause = max(self.interval, retry_after or 0.0)
            self._next[space] = max(self._next.get(space, now), now + pause)

    def _forget_idle(self, now: float) -> None:
        # Spaces whose turn has passed need no entry: keeps the map as small as the
        # spaces written to in the last second or so.
        if len(self._next) > 256:
            for space in [s for s, at in self._next.items() if at < now]:
                del self._next[space]
