"""Due dates: the phrase found in a sentence, read in the meeting's time zone."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.digest.dates import DueDates

# Friday 27 November 2026, 23:30 in New York: already Saturday the 28th in UTC.
NEW_YORK = DueDates(datetime(2026, 11, 28, 4, 30, tzinfo=timezone.utc), "America/New_York")


def read(phrase: str, dates: DueDates = NEW_YORK) -> date | None:
    found = dates.first(f"I'll send it {phrase}.")
    return found.due if found else None


def test_today_is_the_local_day_not_the_utc_one() -> None:
    assert NEW_YORK.today == date(2026, 11, 27)
    assert DueDates(datetime(2026, 11, 28, 4, 30, tzinfo=timezone.utc), "UTC").today == date(2026, 11, 28)


@pytest.mark.parametrize(("phrase", "due"), [
    ("today", date(2026, 11, 27)),
    ("by EOD", date(2026, 11, 27)),
    ("by close of business", date(2026, 11, 27)),
    ("tomorrow morning", date(2026, 11, 28)),
    ("the day after tomorrow", date(2026, 11, 29)),
    ("by Friday", date(2026, 12, 4)),  # said on a Friday: the next one
    ("this Friday", date(2026, 11, 27)),
    ("on Monday", date(2026, 11, 30)),
    ("next Monday", date(2026, 11, 30)),  # Monday is earlier in the week: the coming one
    ("Wednesday next week", date(2026, 12, 2)),
    ("by the end of the week", date(2026, 11, 27)),
    ("by the end of next week", date(2026, 12, 4)),
    ("by the end of the month", date(2026, 11, 30)),
    ("by the end of next month", date(2026, 12, 31)),
    ("by the end of the quarter", date(2026, 12, 31)),
    ("by end of day tomorrow", date(2026, 11, 28)),
    ("on the 30th", date(2026, 11, 30)),
    ("on the 3rd", date(2026, 12, 3)),  # the 3rd of November has passed
    ("by the first", date(2026, 12, 1)),
    ("on December 3", date(2026, 12, 3)),
    ("on the 3rd of December", date(2026, 12, 3)),
    ("by Dec 3rd", date(2026, 12, 3)),
    ("by March 1", date(2027, 3, 1)),  # preferring the future
    ("by the end of January", date(2027, 1, 31)),
    ("in two weeks", date(2026, 12, 11)),
    ("within three days", date(2026, 11, 30)),
    ("a week from today", date(2026, 12, 4)),
    ("tomorrow at the latest", date(2026, 11, 28)),
])
def test_phrases(phrase: str, due: date) -> None:
    assert read(phrase) == due


@pytest.mark.parametrize("phrase", ["soon", "asap", "next week", "this week", "later", "after the call",
                                    "over the weekend", "mid next week", "early next month", "at some point"])
def test_vague_phrases_give_no_date(phrase: str) -> None:
    assert read(phrase) is None


def test_next_weekday_later_this_week_is_ambiguous() -> None:
    monday = DueDates(datetime(2026, 11, 16, 15, 0, tzinfo=timezone.utc), "America/New_York")
    assert read("next Friday", monday) is None  # this week's Friday, or the one after?
    assert read("Friday", monday) == date(2026, 11, 20)
    assert read("next Monday", monday) == date(2026, 11, 23)


def test_the_phrase_and_its_place_are_reported() -> None:
    text = "Yeah I'll finish the crash fix by the end of the week, that's safe."
    [found] = NEW_YORK.find(text)
    assert text[found.start:found.end] == found.phrase == "by the end of the week"


def test_a_meeting_on_a_weekday_named_in_a_possessive_is_that_day() -> None:
    [found] = NEW_YORK.find("I'll shadow you on Wednesday's vendor call.")
    assert found.phrase == "on Wednesday" and found.due == date(2026, 12, 2)


def test_no_date_words_no_date() -> None:
    assert NEW_YORK.find("The first batch of users goes by CSV, the second one later.")[0].due is None
    assert NEW_YORK.find("We shipped the new reporting module to two hundred customers.") == []


def test_an_unknown_zone_or_a_naive_start_is_read_as_utc() -> None:
    assert DueDates(datetime(2026, 11, 28, 4, 30, tzinfo=timezone.utc), "Mars/Olympus").today == date(2026, 11, 28)
    assert DueDates(datetime(2026, 11, 28, 4, 30), "UTC").today == date(2026, 11, 28)
