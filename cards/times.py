"""Times of day and dates as cards write them, in one person's time zone and labelled
with it ("13:00 CEST"), since a card's reader may be anywhere.

Chat sends each person's IANA time zone with their events; which zone a card uses is
the caller's choice: a shared card (join card, summary) the organizer's, a private
answer the asker's. Naive datetimes in this app are UTC (storage and the emulator clock
use UTC); an unknown or missing zone reads as UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from domain.timezones import zone_or_utc

from .words import MONTHS, WEEKDAYS

__all__ = ["UTC", "clock", "date_words", "in_zone", "zone_label", "zone_of"]


def zone_of(name: str | None) -> tzinfo:
    """The zone a card is written in for an IANA id (UTC when unknown or missing)."""
    return zone_or_utc(name)


def in_zone(moment: datetime, zone: tzinfo = UTC) -> datetime:
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).astimezone(zone)


def zone_label(local: datetime) -> str:
    """The zone's abbreviation at that moment ("UTC", "CET", "EDT"), or the offset where
    the tz database has no letters for it ("+04" reads "UTC+04")."""
    name = local.tzname() or "UTC"
    return name if name.isalpha() else f"UTC{name}"


def clock(moment: datetime, *, now: datetime, zone: tzinfo = UTC, labelled: bool = True) -> str:
    """``"13:00 CEST"``, with the date when it is not ``now``'s day in that zone."""
    local, today = in_zone(moment, zone), in_zone(now, zone).date()
    text = f"{local:%H:%M}" + (f" {zone_label(local)}" if labelled else "")
    if local.date() == today:
        return text
    return f"{local.day} {MONTHS[local.month - 1][:3]}, {text}"


def date_words(moment: datetime, zone: tzinfo = UTC) -> str:
    """``"Monday, 6 May 2024"``, independent of the process locale."""
    local = in_zone(moment, zone)
    return f"{WEEKDAYS[local.weekday()]}, {local.day} {MONTHS[local.month - 1]} {local.year}"
