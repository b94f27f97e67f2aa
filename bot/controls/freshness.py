"""How old a click may be before the app stops acting on it.

A card click (or a dialog's Save) is signed by Chat when it is delivered, but the event
inside says when the person clicked (``eventTime``). An old event replayed with a fresh
token, say an End captured years ago, must not end today's call. So everything that
changes a meeting or a space's defaults first checks that the click is recent: no older
than ``MAX_CLICK_AGE`` by the app's clock, nor later than ``FUTURE_SKEW`` ahead of it
(clocks differ a little; an event from much later is made up). An event without a
readable time is refused too: any doubt is a refusal, and nothing changes.

Chat delivers a click within seconds and gives up on an answer after 30, so five minutes
never refuses a genuine click, even one retried.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..chat_events import ChatEvent
from ..google.timestamps import parse_time

MAX_CLICK_AGE = timedelta(minutes=5)
FUTURE_SKEW = timedelta(seconds=60)

AGAIN = "Nothing was changed; if you still want to, press the button again."


def stale_click(event: ChatEvent, now: datetime) -> str | None:
    """Why this click must not change anything (in words for the clicker), or None."""
    try:
        clicked_at = parse_time(event.event_time)
    except ValueError:
        clicked_at = None
    if clicked_at is None or clicked_at.tzinfo is None:
        return f"I could not tell when this click happened, so I did not act on it. {AGAIN}"
    age = now - clicked_at
    if age > MAX_CLICK_AGE:
        return (f"This click is from {_how_long(age)} ago, too old to act on (it may have been sent again by "
                f"someone else). {AGAIN}")
    if -age > FUTURE_SKEW:
        return f"This click is dated {_how_long(-age)} in the future, so I did not act on it. {AGAIN}"
    return None


def _how_long(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes < 2:
        return "1 minute" if minutes else "less than a minute"
    if minutes < 120:
        return f"{minutes} minutes"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hours"
    return f"{hours // 24} days"
