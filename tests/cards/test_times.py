"""Times on cards: in one person's zone and labelled with it. Shared cards (the join
card, the summary) use the organizer's zone; /meetrecent, a private answer, the asker's."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain import Attendee, AttendeeKind, ConferenceSummary, MeetingStatus
from cards.join_card import join_card
from domain import CallState
from cards.recent import RecentMeeting, recent_meetings_message
from cards.summary import summary_message
from cards.times import clock, date_words, zone_label, zone_of
from tests.cards.support import NOW, assert_valid_message, make_meeting, visible_text

START = datetime(2024, 5, 6, 22, 30, tzinfo=UTC)  # already 7 May in Tokyo
END = START + timedelta(minutes=65)


@pytest.mark.parametrize("zone,expected", [
    ("UTC", "13:00 UTC"), ("Europe/Paris", "15:00 CEST"), ("America/New_York", "09:00 EDT"),
    ("Asia/Dubai", "17:00 UTC+04"), (None, "13:00 UTC"), ("Not/AZone", "13:00 UTC"),
])
def test_a_clock_time_is_written_in_the_zone_and_labelled(zone: str | None, expected: str) -> None:
    moment = datetime(2024, 5, 6, 13, 0, tzinfo=UTC)
    assert clock(moment, now=moment, zone=zone_of(zone)) == expected


def test_the_date_follows_the_zone() -> None:
    assert date_words(START, zone_of("UTC")) == "Monday, 6 May 2024"
    assert date_words(START, zone_of("Asia/Tokyo")) == "Tuesday, 7 May 2024"
    assert clock(START, now=START - timedelta(hours=12), zone=zone_of("Asia/Tokyo")) == "7 May, 07:30 JST"
    assert zone_label(datetime(2024, 1, 6, 12, tzinfo=zone_of("Europe/Paris"))) == "CET"  # winter time


def test_the_join_card_shows_the_organizers_zone() -> None:
    call = CallState(started_at=NOW - timedelta(minutes=12), in_call=("Ada Lovelace",))
    paris = make_meeting(status=MeetingStatus.IN_PROGRESS, time_zone="Europe/Paris")
    text = visible_text(join_card(paris, now=NOW, call=call)["card"])
    assert "since 16:05 CEST (12 min)" in text
    unknown = replace(paris, time_zone=None)
    assert "since 14:05 UTC (12 min)" in visible_text(join_card(unknown, now=NOW, call=call)["card"])


def test_the_summary_shows_the_organizers_zone_everywhere() -> None:
    ada = Attendee(AttendeeKind.SIGNED_IN, "Ada Lovelace", "users/1", START, END, 1)
    summary = ConferenceSummary(conference_record="conferenceRecords/c1",
                                meeting=make_meeting(time_zone="Asia/Tokyo"), started_at=START, ended_at=END,
                                attendees=(ada,), attendees_total=1, absent=(), absent_total=0, artifacts=())
    message = summary_message(summary, now=NOW)
    assert_valid_message(message)
    text = visible_text(message["cardsV2"][0]["card"])
    assert "Tuesday, 7 May 2024, 07:30 – 08:35 JST" in text  # when
    assert "Ada Lovelace · 07:30 – 08:35 JST · 1 session" in text  # when she was in
    assert "UTC" not in text
    assert "Tuesday, 7 May 2024" in message["fallbackText"]


def test_recent_meetings_are_in_the_askers_zone() -> None:
    entry = RecentMeeting(make_meeting(status=MeetingStatus.ENDED), START, END, 1)
    in_tokyo = visible_text(recent_meetings_message([entry], zone_of("Asia/Tokyo"))["cardsV2"][0]["card"])
    in_new_york = visible_text(recent_meetings_message([entry], zone_of("America/New_York"))["cardsV2"][0]["card"])
    assert "Tuesday, 7 May 2024, 07:30 JST" in in_tokyo
    assert "Monday, 6 May 2024, 18:30 EDT" in in_new_york
