"""The emulator's clock: wall time plus an offset that the control plane can advance.

Everything time-dependent (token expiry, artifact timelines, subscription expiry) reads
this clock, so a test can move a day forward in a millisecond.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from typing import Callable


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []

    def time(self) -> float:
        """Seconds since the epoch, as the emulated world sees them."""
        with self._lock:
            return time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=timezone.utc)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
        for listener in list(self._listeners):
            listener()

    def on_advance(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after each advance (timelines settle eagerly then)."""
        self._listeners.append(listener)


def rfc3339(timestamp: float) -> str:
    """RFC 3339 in UTC with a Z, as Google's JSON mapping writes a Timestamp: 0, 3, 6 or 9
    fractional digits, never another count (so timestamps of one resource sort as text,
    and Python 3.10's fromisoformat reads them)."""
    moment = datetime.fromtimestamp(timestamp, tz=timezone.utc)
    whole = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if not moment.microsecond:
        return whole + "Z"
    if moment.microsecond % 1000 == 0:
        return f"{whole}.{moment.microsecond // 1000:03d}Z"
    return f"{whole}.{moment.microsecond:06d}Z"


def parse_rfc3339(text: str) -> float:
    """Parse an RFC 3339 timestamp (Z or offset, optional fraction) to epoch seconds."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    # Python 3.11's fromisoformat accepts up to 6 fractional digits; Google allows 9.
    if "." in value:
        head, rest = value.split(".", 1)
        digits = ""
        while rest and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        value = f"{head}.{(digits + '000000')[:6]}{rest}"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("timestamp needs a time zone")
    return moment.timestamp()
