"""How every card writes people and dates: the same words in each card, whatever the
process locale (English names rather than strftime's ``%A``/``%B``, which follow it)."""

from __future__ import annotations

from domain import AttendeeKind

from .markup import clip, single_line

MAX_NAME_CHARS = 80  # one display name, before escaping

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def participant_label(kind: AttendeeKind, display_name: str) -> str:
    """How the summary names someone in the call, whatever the list (attendees, owners)."""
    name = clip(single_line(display_name), MAX_NAME_CHARS)
    if kind is AttendeeKind.ANONYMOUS:
        return f"Guest: {name}" if name else "Guest"
    if kind is AttendeeKind.PHONE:
        return f"Phone: {name}" if name else "Phone participant"
    return name or "Unknown user"
