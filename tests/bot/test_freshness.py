"""How old a click may be before it changes nothing (``bot.controls.freshness``)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.controls.freshness import FUTURE_SKEW, MAX_CLICK_AGE, stale_click
from domain import Person
from bot.chat_events import ChatEvent, EventFormat, EventKind, SpaceInfo

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def click_at(event_time: str | None) -> ChatEvent:
    return ChatEvent(format=EventFormat.CLASSIC, kind=EventKind.ACTION, actor=Person("users/1", "Ada"),
                     space=SpaceInfo("spaces/A", "SPACE"), event_time=event_time, function="meeting_end")


def at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.mark.parametrize("event_time", [
    at(NOW), at(NOW - MAX_CLICK_AGE), at(NOW + FUTURE_SKEW),
    "2026-11-30T11:58:00.123456789Z",  # Google's nine fractional digits
    "2026-11-30T12:00:30+00:00", "2026-11-30T06:59:00-05:00",
])
def test_recent_clicks_act(event_time: str) -> None:
    assert stale_click(click_at(event_time), NOW) is None


@pytest.mark.parametrize("event_time, words", [
    ("2020-03-02T10:00:00Z", "This click is from 2464 days ago, too old to act on"),
    (at(NOW - MAX_CLICK_AGE - timedelta(seconds=1)), "This click is from 5 minutes ago, too old to act on"),
    (at(NOW - timedelta(hours=3)), "This click is from 3 hours ago"),
    (at(NOW + FUTURE_SKEW + timedelta(seconds=1)), "This click is dated 1 minute in the future"),
    (None, "I could not tell when this click happened"),
    ("yesterday", "I could not tell when this click happened"),
    ("2026-11-30T12:00:00", "I could not tell when this click happened"),  # no zone: no guess
])
def test_old_future_and_undated_clicks_are_refused(event_time: str | None, words: str) -> None:
    reason = stale_click(click_at(event_time), NOW)
    assert reason is not None and reason.startswith(words), reason
    assert reason.endswith("Nothing was changed; if you still want to, press the button again.")
