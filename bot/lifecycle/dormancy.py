"""Dormant meetings: a meeting nobody has started for a long while stops costing anything.

A meeting that has had no conference for ``DORMANT_AFTER_SECONDS`` (counted from its
creation, or from when someone last woke it up) goes dormant at its next sync: the card
is edited once to say it was never started and still works, its Workspace Events
subscription is left to lapse, and the reconciler stops visiting it. It never gets a
summary (there was no call). Any sign of use wakes it: Refresh on its card or a
``/meetrecent`` listing it (``Lifecycle.wake``), or a sync that finds a conference (a
Meet event while the subscription lasts, or any other sync): it is subscribed again
and its card is live.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain import Meeting, MeetingStatus


def quiet_for(meeting: Meeting, now: datetime) -> timedelta:
    """How long the meeting has been left unused, as far as the app knows."""
    return now - (meeting.woken_at or meeting.created_at)


def may_be_dormant(meeting: Meeting, now: datetime, dormant_after_seconds: float) -> bool:
    """Dormant already, or never started and quiet long enough that it will be, if Meet
    confirms no conference ever ran (the sync reads that before deciding)."""
    if meeting.dormant:
        return True
    return meeting.status is MeetingStatus.WAITING and \
        quiet_for(meeting, now) >= timedelta(seconds=dormant_after_seconds)
