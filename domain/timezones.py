"""IANA time zones as Chat names them (``America/New_York``): which are real, and their rules.

A time zone id comes from a Chat event and is used much later (a transcript's "by Friday"
is read in the organizer's zone), so it is checked once against this machine's tz
database and anything unknown reads as UTC, never as a failed sync.
"""

from __future__ import annotations

from datetime import timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def known_zone(name: str | None) -> str | None:
    """``name`` when the tz database knows it as a zone; None for anything else."""
    if not name or len(name) > 64:
        return None
    try:
        ZoneInfo(name)
    # OSError too: a tz database folder ("America") is IsADirectoryError, not "not found".
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return name


def zone_or_utc(name: str | None) -> tzinfo:
    """The zone ``name`` stands for, or UTC when it is unknown or missing."""
    known = known_zone(name)
    return ZoneInfo(known) if known is not None else timezone.utc
