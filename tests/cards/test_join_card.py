from datetime import datetime, timedelta, timezone
from itertools import product

import pytest

from domain import AccessType, DialIn, MeetingSettings, MeetingStatus, Person
from cards.join_card import (
    ACCESS_WORDS,
    HEADER_TITLE_CHARS,
    JOIN_CARD_ID,
    MAX_NAMES_SHOWN,
    STATUS_WORDS,
    CallState,
    UpdatesPaused,
    auto_start_notice,
    format_clock,
    format_duration,
    join_card,
    join_card_message,
)
from cards.widgets import MAX_MESSAGE_BYTES, MAX_WIDGETS, CardAction, widget_count
from tests.cards.support import (
    EVIL,
    NOW,
    assert_valid_message,
    html_fields,
    make_meeting,
    parse_html,
    size_in_bytes,
    visible_text,
    widgets,
)

DIAL_INS = (DialIn("US", "+1 555-0100", "123 456 789#"), DialIn("GB", "+44 20 7946 0000", None))
ALL_ON = MeetingSettings(auto_recording=True, auto_transcription=True, auto_smart_notes=True)
CALL = CallState(started_at=NOW - timedelta(minutes=12), in_call=("Ada Lovelace", "Phone user"))
ENDED_CALL = CallState(started_at=NOW - timedelta(minutes=70), ended_at=NOW - timedelta(minutes=5))


def status_text(card):
    first = card["sections"][0]["widgets"]
    status = next(w["decoratedText"] for w in first if w.get("decoratedText", {}).get("topLabel") == "Status")
    return parse_html(status["text"]).text


def buttons(card):
    return [b for w in widgets(card) if "buttonList" in w for b in w["buttonList"]["buttons"]]


@pytest.mark.parametrize(
    "status, dial_in, settings, access",
    list(product(MeetingStatus, [(), DIAL_INS], [MeetingSettings(), ALL_ON], [None, *AccessType])),
)
def test_every_variant_is_valid_chat_json(status, dial_in, settings, access):
    meeting = make_meeting(status=status, dial_in=dial_in, settings=settings, access_type=access,
                           requested_cohosts=(Person("users/2", "Grace Hopper"),))
    call = {MeetingStatus.IN_PROGRESS: CALL, MeetingStatus.ENDED: ENDED_CALL}.get(status)
    message = join_card_message(meeting, now=NOW, call=call)
    assert_valid_message(message)
    assert message["cardsV2"][0]["cardId"] == JOIN_CARD_ID
    assert widget_count(message["cardsV2"][0]["card"]) <= MAX_WIDGETS


def test_card_shows_title_join_button_code_organizer_and_access():
    meeting = make_meeting(access_type=AccessType.TRUSTED)
    card = join_card(meeting, now=NOW)["card"]
    assert card["header"]["title"] == "Weekly sync"
    join = buttons(card)[0]
    assert join["text"] == "Join meeting"
    assert join["onClick"] == {"openLink": {"url": "https://meet.google.com/abc-defg-hij"}}
    text = visible_text(card)
    assert "abc-defg-hij" in text
    assert "Ada Lovelace" in text
    assert ACCESS_WORDS[AccessType.TRUSTED] in text


def test_access_type_reported_by_meet_wins_over_the_requested_one():
    meeting = make_meeting(settings=MeetingSettings(access_type=AccessType.OPEN), access_type=AccessType.RESTRICTED)
    text = visible_text(join_card(meeting, now=NOW)["card"])
    assert ACCESS_WORDS[AccessType.RESTRICTED] in text
    assert ACCESS_WORDS[AccessType.OPEN] not in text
    requested_only = visible_text(join_card(make_meeting(settings=MeetingSettings(access_type=AccessType.OPEN)), now=NOW)["card"])
    assert ACCESS_WORDS[AccessType.OPEN] in requested_only


@pytest.mark.parametrize("status", list(MeetingStatus))
def test_status_line_names_the_status_and_no_other(status):
    card = join_card(make_meeting(status=status), now=NOW)["card"]
    line = status_text(card)
    assert line == STATUS_WORDS[status]
    for other in set(MeetingStatus) - {status}:
        assert STATUS_WORDS[other] not in line


def test_in_progress_status_says_since_when_and_who_is_in_the_call():
    card = join_card(make_meeting(status=MeetingStatus.IN_PROGRESS), now=NOW, call=CALL)["card"]
    assert status_text(card) == "In progress since 14:05 UTC (12 min)"
    in_call = [w["decoratedText"] for w in widgets(card) if w.get("decoratedText", {}).get("topLabel", "").startswith("In the call")]
    assert in_call and in_call[0]["topLabel"] == "In the call (2)"
    assert parse_html(in_call[0]["text"]).text == "Ada Lovelace, Phone user"


def test_ended_status_gives_the_duration_and_drops_the_people_list():
    call = CallState(started_at=ENDED_CALL.started_at, ended_at=ENDED_CALL.ended_at, in_call=("Stale Name",))
    card = join_card(make_meeting(status=MeetingStatus.ENDED), now=NOW, call=call)["card"]
    assert status_text(card) == "Ended at 14:12 UTC, lasted 1 h 5 min"
    assert "Stale Name" not in visible_text(card)


def test_waiting_card_has_no_people_list_even_if_given_one():
    card = join_card(make_meeting(), now=NOW, call=CallState(in_call=("Ghost",)))["card"]
    assert "Ghost" not in visible_text(card)


def test_dial_in_numbers_shown_when_present():
    card = join_card(make_meeting(dial_in=DIAL_INS), now=NOW)["card"]
    phone = [s for s in card["sections"] if s.get("header") == "Join by phone"]
    assert len(phone) == 1
    text = parse_html(phone[0]["widgets"][0]["decoratedText"]["text"]).text
    assert "US +1 555-0100 · PIN 123 456 789#" in text
    assert "GB +44 20 7946 0000" in text


def test_no_phone_section_without_dial_in():
    card = join_card(make_meeting(dial_in=()), now=NOW)["card"]
    assert all(s.get("header") != "Join by phone" for s in card["sections"])
    assert "PIN" not in visible_text(card)
    assert all(s["widgets"] for s in card["sections"])  # no empty section left behind


def notices(card):
    return [parse_html(w["decoratedText"]["text"]).text for w in widgets(card)
            if "automatically" in w.get("decoratedText", {}).get("text", "")]


@pytest.mark.parametrize("flag, word", [
    ("auto_recording", "Recording"),
    ("auto_transcription", "Transcription"),
    ("auto_smart_notes", "Smart notes"),
])
@pytest.mark.parametrize("status", [MeetingStatus.WAITING, MeetingStatus.IN_PROGRESS])
def test_auto_start_notice_names_only_what_is_set(flag, word, status):
    meeting = make_meeting(settings=MeetingSettings(**{flag: True}), status=status)
    assert notices(join_card(meeting, now=NOW)["card"]) == [f"{word} starts automatically in this meeting."]


def test_no_auto_start_notice_when_nothing_is_set_or_after_the_end():
    assert notices(join_card(make_meeting(), now=NOW)["card"]) == []
    assert "automatically" not in visible_text(join_card(make_meeting(), now=NOW)["card"])
    ended = make_meeting(settings=ALL_ON, status=MeetingStatus.ENDED)
    assert notices(join_card(ended, now=NOW)["card"]) == []


def test_auto_start_notice_lists_all_three():
    assert auto_start_notice(ALL_ON) == (
        "Recording, transcription and smart notes start automatically in this meeting."
    )
    assert auto_start_notice(MeetingSettings(auto_recording=True, auto_smart_notes=True)) == (
        "Recording and smart notes start automatically in this meeting."
    )
    assert auto_start_notice(MeetingSettings()) is None


def test_user_title_with_markup_shows_literally():
    card = join_card(make_meeting(title=EVIL), now=NOW)["card"]
    # The header title is plain text in Chat: shown as typed, so it must not be escaped.
    assert card["header"]["title"] == EVIL
    for html in html_fields(card):
        parsed = parse_html(html)
        assert set(parsed.tags) <= {"b", "i", "a", "br"}
        assert all(href == "https://meet.google.com/abc-defg-hij" for href in parsed.hrefs)
        assert "https://evil" not in parsed.hrefs


def test_long_markup_title_is_shown_in_full_in_the_body_escaped():
    title = (EVIL + " ") * 6
    card = join_card(make_meeting(title=title), now=NOW)["card"]
    assert len(card["header"]["title"]) == HEADER_TITLE_CHARS
    assert card["header"]["title"].endswith("…")
    full = card["sections"][0]["widgets"][0]["textParagraph"]["text"]
    parsed = parse_html(full)
    assert parsed.tags == ["b"]  # only the app's own bold
    assert parsed.text == title.strip()
    assert "&lt;a href=&quot;https://evil&quot;&gt;" in full


def test_display_names_are_escaped():
    meeting = make_meeting(
        organizer=Person("users/1", '<a href="https://evil">Boss</a>'),
        requested_cohosts=(Person("users/2", "<i>Grace</i> & co"),),
        status=MeetingStatus.IN_PROGRESS,
    )
    card = join_card(meeting, now=NOW, call=CallState(in_call=("<font color=\"red\">Eve</font>",)))["card"]
    for html in html_fields(card):
        parsed = parse_html(html)
        assert "font" not in parsed.tags and "https://evil" not in parsed.hrefs
        assert "i" not in parsed.tags
    text = visible_text(card)
    assert '<a href="https://evil">Boss</a>' in text
    assert "<i>Grace</i> & co" in text
    assert '<font color="red">Eve</font>' in text


def test_empty_title_gets_a_default_header():
    card = join_card(make_meeting(title="  \n "), now=NOW)["card"]
    assert card["header"]["title"] == "Google Meet meeting"


def test_card_with_200_char_title_is_well_under_the_size_limit():
    title = "<&\"'" * 50  # every character grows when escaped: the worst case
    assert len(title) == 200
    message = join_card_message(make_meeting(title=title, settings=ALL_ON, dial_in=DIAL_INS), now=NOW)
    assert_valid_message(message)
    assert size_in_bytes(message) < MAX_MESSAGE_BYTES // 4


def test_huge_meeting_stays_within_chat_limits():
    names = tuple(f"Participant number {i} with a rather long display name" for i in range(2000))
    meeting = make_meeting(
        title="x" * 2000,
        status=MeetingStatus.IN_PROGRESS,
        dial_in=tuple(DialIn(f"R{i}", f"+1 555-{i:04d}", "1234#") for i in range(200)),
        requested_cohosts=tuple(Person(f"users/{i}", n) for i, n in enumerate(names)),
        settings=ALL_ON,
    )
    message = join_card_message(meeting, now=NOW, call=CallState(started_at=NOW, in_call=names))
    assert_valid_message(message)
    assert size_in_bytes(message) < MAX_MESSAGE_BYTES // 2
    card = message["cardsV2"][0]["card"]
    assert widget_count(card) <= MAX_WIDGETS
    text = visible_text(card)
    assert f"and {2000 - MAX_NAMES_SHOWN} more" in text
    assert "and 190 more" in text


def test_extra_actions_follow_join_in_order():
    actions = [
        CardAction.invoke("End for everyone", "endMeeting", {"meeting": "spaces/abc123"}, icon="call_end"),
        CardAction.invoke("Settings", "openSettings", {"meeting": "spaces/abc123"}, opens_dialog=True),
    ]
    message = join_card_message(make_meeting(), now=NOW, actions=actions)
    assert_valid_message(message)
    found = buttons(message["cardsV2"][0]["card"])
    assert [b["text"] for b in found] == ["Join meeting", "End for everyone", "Settings"]
    assert found[1]["onClick"] == {"action": {"function": "endMeeting", "parameters": [{"key": "meeting", "value": "spaces/abc123"}]}}
    assert found[2]["onClick"]["action"]["interaction"] == "OPEN_DIALOG"


def test_card_action_needs_exactly_one_target():
    with pytest.raises(ValueError):
        CardAction("Nothing")
    with pytest.raises(ValueError):
        CardAction("Both", function="f", url="https://example.com")


def test_fallback_text_is_plain_and_names_the_meeting():
    meeting = make_meeting(title=EVIL)
    message = join_card_message(meeting, now=NOW)
    assert message["fallbackText"] == (f"{EVIL}: Google Meet meeting by {meeting.organizer.display_name}. "
                                       "Join: https://meet.google.com/abc-defg-hij")


@pytest.mark.parametrize("status", list(MeetingStatus))
def test_fallback_text_stays_true_whatever_the_card_later_says(status: MeetingStatus):
    """Chat cannot edit fallbackText after the post, so it never names the status."""
    first = join_card_message(make_meeting(), now=NOW)["fallbackText"]
    later = join_card_message(make_meeting(status=status), now=NOW, call=CALL)["fallbackText"]
    assert later == first
    assert not any(words in first for words in ("Waiting", "In progress", "Ended"))


def test_a_dormant_meeting_says_it_was_never_started_and_still_works():
    meeting = make_meeting(dormant_since=NOW - timedelta(days=1))
    message = join_card_message(meeting, now=NOW, actions=[CardAction("Refresh", function="meeting_refresh")])
    assert_valid_message(message)
    card = message["cardsV2"][0]["card"]
    assert status_text(card) == "Never started"
    text = visible_text(card)
    assert "join any time; press Refresh to see who is in" in text
    assert STATUS_WORDS[MeetingStatus.WAITING] not in text  # nobody watches it: no claim about who waits
    assert [b["text"] for b in buttons(card)] == ["Join meeting", "Refresh"]  # the link and Refresh still work
    # Chat cannot edit fallbackText: it stays what the card was posted with, true for ever.
    assert message["fallbackText"] == join_card_message(make_meeting(), now=NOW)["fallbackText"]


def test_a_dormant_meeting_with_a_call_found_shows_the_call():
    # The sync that finds a conference wakes the meeting; until then nothing dormant is shown over a call.
    meeting = make_meeting(status=MeetingStatus.IN_PROGRESS, dormant_since=NOW - timedelta(days=1))
    card = join_card(meeting, now=NOW, call=CALL)["card"]
    assert status_text(card).startswith("In progress") and "Never started" not in visible_text(card)


def test_same_input_same_card():
    meeting = make_meeting(status=MeetingStatus.IN_PROGRESS)
    assert join_card(meeting, now=NOW, call=CALL) == join_card(meeting, now=NOW, call=CALL)


@pytest.mark.parametrize("delta, words", [
    (timedelta(seconds=59), "under 1 min"),
    (timedelta(minutes=42), "42 min"),
    (timedelta(hours=2), "2 h"),
    (timedelta(hours=1, minutes=5), "1 h 5 min"),
    (timedelta(minutes=-3), "under 1 min"),
])
def test_format_duration(delta, words):
    assert format_duration(delta) == words


def test_format_clock_adds_the_date_when_not_today_and_converts_to_utc():
    assert format_clock(datetime(2024, 5, 6, 9, 5, tzinfo=timezone.utc), now=NOW) == "09:05 UTC"
    assert format_clock(datetime(2024, 5, 3, 23, 0, tzinfo=timezone.utc), now=NOW) == "3 May, 23:00 UTC"
    cet = timezone(timedelta(hours=2))
    assert format_clock(datetime(2024, 5, 6, 16, 30, tzinfo=cet), now=NOW) == "14:30 UTC"
    assert format_clock(datetime(2024, 5, 6, 8, 0), now=NOW) == "08:00 UTC"  # naive means UTC


# -- paused: the organizer's authorization is gone ----------------------------------------------
def paused_lines(card):
    return [parse_html(w["decoratedText"]["text"]).text for w in widgets(card)
            if w.get("decoratedText", {}).get("text", "").startswith("Updates paused")]


@pytest.mark.parametrize("status", list(MeetingStatus))
def test_a_paused_card_keeps_its_last_known_status_labelled_so_and_says_why_once(status):
    message = join_card_message(make_meeting(status=status), now=NOW, call=CallState(paused=UpdatesPaused.LINK))
    assert_valid_message(message)
    card = message["cardsV2"][0]["card"]
    assert paused_lines(card) == ["Updates paused: Ada Lovelace needs to link their account"]
    labels = [w["decoratedText"].get("topLabel") for w in widgets(card) if "decoratedText" in w]
    assert "Last known status" in labels and "Status" not in labels
    status_widget = next(w["decoratedText"] for w in widgets(card)
                         if w.get("decoratedText", {}).get("topLabel") == "Last known status")
    assert parse_html(status_widget["text"]).text == STATUS_WORDS[status]  # no "since", no duration


def test_a_paused_card_lists_nobody_in_the_call():
    # What the lifecycle passes when it cannot read Meet: no call details at all.
    card = join_card(make_meeting(status=MeetingStatus.IN_PROGRESS), now=NOW,
                     call=CallState(paused=UpdatesPaused.LINK))["card"]
    assert "In the call" not in visible_text(card)
    assert "In progress" in visible_text(card)


def test_in_delegation_mode_the_paused_line_names_the_administrator():
    card = join_card(make_meeting(), now=NOW, call=CallState(paused=UpdatesPaused.ADMIN))["card"]
    [line] = paused_lines(card)
    assert "administrator" in line and "Ada Lovelace" in line and "link their account" not in line


def test_the_paused_line_escapes_the_organizers_name():
    organizer = Person("users/1", EVIL, None)
    card = join_card(make_meeting(organizer=organizer), now=NOW, call=CallState(paused=UpdatesPaused.LINK))["card"]
    [field] = [w["decoratedText"]["text"] for w in widgets(card)
               if w.get("decoratedText", {}).get("text", "").startswith("Updates paused")]
    parsed = parse_html(field)
    assert parsed.tags == [] and parsed.hrefs == [] and EVIL in parsed.text


def test_a_card_that_is_not_paused_has_no_paused_line():
    card = join_card(make_meeting(status=MeetingStatus.IN_PROGRESS), now=NOW, call=CALL)["card"]
    assert paused_lines(card) == [] and "Last known status" not in visible_text(card)
