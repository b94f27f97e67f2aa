"""``/meetrecent``: this space's last meetings, from the app's own records.

Durations and links come from the conference summaries the lifecycle keeps, so the
answer costs two database queries and no Google call. It is private to the person who
asked: a list they wanted, not a post for the whole space, so its times are in the
asker's time zone (as this event says it, else as their latest event did, else UTC).
Dormant meetings it lists wake up (someone is looking at them again): their cards go
live on the next sync.
"""

from __future__ import annotations

from cards.recent import MAX_SHOWN, RecentMeeting, recent_meetings_message
from cards.times import zone_of

from ..chat_events import ChatEvent
from ..replies import NewMessage, Reply
from ..services import Services


def recent_meetings(event: ChatEvent, services: Services) -> Reply:
    storage = services.storage
    meetings = storage.meetings.recent_meetings(event.space.name, limit=MAX_SHOWN)
    summaries = storage.summaries.summaries_of_meetings([m.id for m in meetings if m.id is not None])
    services.lifecycle.wake(meetings)
    entries = []
    for meeting in meetings:
        calls = summaries.get(meeting.id or 0, [])
        latest = calls[0] if calls else None  # newest conference first
        entries.append(RecentMeeting(meeting, latest.started_at if latest else None,
                                     latest.ended_at if latest else None, len(calls),
                                     latest.artifacts if latest else ()))
    zone = zone_of(event.time_zone or storage.people.time_zone_of(event.user.user_name))
    return NewMessage(recent_meetings_message(entries, zone), private_to=event.user.user_name)
