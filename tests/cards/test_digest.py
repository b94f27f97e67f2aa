"""The digest in the summary card (Next steps, Decisions, Key points) and the owners' reply."""

import json
import locale
import re
from dataclasses import replace
from datetime import date, timedelta

import pytest

from domain import (
    MAX_KEY_POINTS,
    ActionItem,
    Artifact,
    ArtifactKind,
    AttendeeKind,
    Digest,
    DigestOutcome,
    MeetingSettings,
    Note,
    Speaker,
)
from cards.digest import (
    EMPTY_WORDS,
    MAX_DECISIONS_SHOWN,
    MAX_ITEMS_SHOWN,
    MAX_REPLY_CHARS,
    MAX_TEXT_CHARS,
    NEXT_STEPS_HEADER,
    NO_ITEMS_WORDS,
    PENDING_WORDS,
    action_item_widget,
    chat_text,
    digest_sections,
    format_due,
    format_offset,
    format_short_due,
    next_steps_reply,
    transcript_text,
)
from cards.summary import summary_message
from cards.widgets import MAX_MESSAGE_BYTES, MAX_WIDGETS, widget_count
from tests.cards.support import EVIL, NOW, assert_valid_message, html_fields, make_meeting, parse_html, size_in_bytes
from tests.cards.test_summary import ALL_PENDING, ALL_READY, _attendee, make_summary, section_by_header

ADA = Speaker("conferenceRecords/c1/participants/1", "Ada Lovelace", AttendeeKind.SIGNED_IN, "users/1")
GRACE = Speaker("conferenceRecords/c1/participants/2", "Grace Hopper", AttendeeKind.SIGNED_IN, "users/2")
MARIA = Speaker("conferenceRecords/c1/participants/3", "Maria", AttendeeKind.ANONYMOUS)
CALLER = Speaker("conferenceRecords/c1/participants/4", "+1 ***-***-123", AttendeeKind.PHONE)
MEETING_DAY = date(2024, 5, 6)  # make_summary's conference: Monday, 6 May 2024


def at(minutes: int, seconds: int = 0) -> timedelta:
    return timedelta(minutes=minutes, seconds=seconds)


def item(owner: Speaker, task: str, said_at: timedelta = timedelta(0), due: date | None = None) -> ActionItem:
    return ActionItem(owner, task, said_at, due)


ITEMS = (
    item(ADA, "draft the release notes", at(12, 34), date(2024, 5, 10)),
    item(MARIA, "send the deck", at(20)),
    item(GRACE, "book the room", at(25), date(2025, 1, 3)),
    item(ADA, "review the budget", at(30)),
    item(CALLER, "call the vendor", at(64, 3)),
)
DECISIONS = (Note("We ship on Monday", at(5)), Note("The beta stays closed", at(41, 7)))
KEY_POINTS = (Note("Latency is within target", at(2)), Note("Two customers asked for exports", at(8)))
READY = Digest(DigestOutcome.READY, ITEMS, DECISIONS, KEY_POINTS, language="en-US")
TRANSCRIPT_PENDING = (Artifact(ArtifactKind.RECORDING, True, "https://drive.google.com/file/d/1AbC/view"),
                      Artifact(ArtifactKind.TRANSCRIPT, False))


def render_card(summary):
    message = summary_message(summary, now=NOW)
    assert_valid_message(message)
    card = message["cardsV2"][0]["card"]
    assert widget_count(card) <= MAX_WIDGETS
    assert size_in_bytes(message) < MAX_MESSAGE_BYTES
    assert len(json.dumps(message).encode()) < MAX_MESSAGE_BYTES
    return card


def headers(card):
    return [section.get("header") for section in card["sections"]]


def shown(html: str) -> str:
    """What a reader sees of an HTML field (the invisible break opportunities left out)."""
    return parse_html(html).text.replace("\u200b", "")


def next_steps(card):
    return section_by_header(card, NEXT_STEPS_HEADER)


def item_texts(card):
    return [shown(w["decoratedText"]["text"]) for w in next_steps(card)["widgets"] if "decoratedText" in w]


def item_labels(card):
    return [w["decoratedText"].get("bottomLabel") for w in next_steps(card)["widgets"] if "decoratedText" in w]


def section_lines(section):
    [widget] = section["widgets"]
    return shown(widget["textParagraph"]["text"]).split("\n")


# -- the card --------------------------------------------------------------------------------
@pytest.mark.parametrize("digest", [
    READY,
    Digest(DigestOutcome.READY),
    Digest(DigestOutcome.READY, decisions=DECISIONS),
    Digest(DigestOutcome.UNSUPPORTED_LANGUAGE, language="ja-JP"),
    Digest(DigestOutcome.EMPTY),
    None,
])
@pytest.mark.parametrize("artifacts", [(), ALL_PENDING, ALL_READY, TRANSCRIPT_PENDING])
def test_every_digest_variant_is_valid_chat_json(digest, artifacts):
    card = render_card(make_summary(digest=digest, artifacts=artifacts))
    assert all(section["widgets"] for section in card["sections"])
    for section in digest_sections(make_summary(digest=digest, artifacts=artifacts)):
        assert section["widgets"]


def test_next_steps_header_is_exact_and_names_each_owner_in_their_widget():
    card = render_card(make_summary(digest=READY))
    section = next_steps(card)
    assert section["header"] == "Next steps" == NEXT_STEPS_HEADER
    assert item_texts(card) == [
        "Ada Lovelace: draft the release notes",
        "Guest: Maria: send the deck",
        "Grace Hopper: book the room",
        "Ada Lovelace: review the budget",
        "Phone: +1 ***-***-123: call the vendor",
    ]
    for widget in section["widgets"]:
        assert parse_html(widget["decoratedText"]["text"]).tags == ["b"]  # the owner, in bold


def test_due_date_and_offset_in_the_bottom_label():
    assert item_labels(render_card(make_summary(digest=READY))) == [
        "Due Friday, 10 May · said at 12:34",
        "Said at 20:00",
        "Due Friday, 3 January 2025 · said at 25:00",  # another year: the year is said
        "Said at 30:00",
        "Said at 1:04:03",
    ]


@pytest.mark.parametrize("offset, words", [
    (timedelta(0), "0:00"),
    (timedelta(seconds=59.9), "0:59"),
    (at(12, 34), "12:34"),
    (at(59, 59), "59:59"),
    (timedelta(hours=1), "1:00:00"),
    (timedelta(hours=1, minutes=2, seconds=3), "1:02:03"),
    (timedelta(hours=12, minutes=5), "12:05:00"),
    (timedelta(seconds=-30), "0:00"),  # clock skew: never negative
])
def test_format_offset(offset, words):
    assert format_offset(offset) == words


def test_due_dates_in_english_whatever_the_locale():
    previous = locale.setlocale(locale.LC_TIME)
    for name in ("de_DE.UTF-8", "fr_FR.UTF-8", "C.UTF-8"):
        try:
            locale.setlocale(locale.LC_TIME, name)
        except locale.Error:
            continue
        try:
            assert format_due(date(2026, 12, 4), meeting_year=2026) == "Friday, 4 December"
            assert format_due(date(2027, 1, 1), meeting_year=2026) == "Friday, 1 January 2027"
            assert format_short_due(date(2026, 12, 4), meeting_year=2026) == "Fri 4 Dec"
            assert format_short_due(date(2026, 12, 4), meeting_year=None) == "Fri 4 Dec 2026"
        finally:
            locale.setlocale(locale.LC_TIME, previous)


def test_ten_items_shown_in_the_order_said_and_the_rest_counted():
    # Given out of order: the card lists them as they were said.
    items = tuple(item(ADA, f"task {i:02d}", at(i)) for i in reversed(range(14)))
    card = render_card(make_summary(digest=Digest(DigestOutcome.READY, items)))
    texts = item_texts(card)
    assert texts == [f"Ada Lovelace: task {i:02d}" for i in range(MAX_ITEMS_SHOWN)]
    last = next_steps(card)["widgets"][-1]
    assert shown(last["textParagraph"]["text"]) == "and 4 more"
    assert len(next_steps(card)["widgets"]) == MAX_ITEMS_SHOWN + 1


def test_exactly_ten_items_have_no_tail():
    items = tuple(item(GRACE, f"task {i}", at(i)) for i in range(MAX_ITEMS_SHOWN))
    section = next_steps(render_card(make_summary(digest=Digest(DigestOutcome.READY, items))))
    assert len(section["widgets"]) == MAX_ITEMS_SHOWN
    assert all("decoratedText" in w for w in section["widgets"])


@pytest.mark.parametrize("digest, line", [
    (Digest(DigestOutcome.READY), NO_ITEMS_WORDS),
    (Digest(DigestOutcome.READY, decisions=DECISIONS), NO_ITEMS_WORDS),
    (Digest(DigestOutcome.EMPTY), EMPTY_WORDS),
    (Digest(DigestOutcome.UNSUPPORTED_LANGUAGE, language="ja-JP"),
     "Next steps are not available for this transcript's language (ja-JP)."),
    (Digest(DigestOutcome.UNSUPPORTED_LANGUAGE, language=None),
     "Next steps are not available for this transcript's language."),
    (Digest(DigestOutcome.UNSUPPORTED_LANGUAGE, language='x"><b>no</b>'),  # not a language tag: not shown
     "Next steps are not available for this transcript's language."),
    (Digest(DigestOutcome.UNSUPPORTED_LANGUAGE, language="a-" * 40),
     "Next steps are not available for this transcript's language."),
])
def test_each_outcome_has_its_one_line(digest, line):
    card = render_card(make_summary(digest=digest))
    [widget] = next_steps(card)["widgets"]
    assert shown(widget["decoratedText"]["text"]) == line
    assert line in (NO_ITEMS_WORDS, EMPTY_WORDS) or "language" in line


def test_no_next_steps_says_so_and_nothing_else():
    card = render_card(make_summary(digest=Digest(DigestOutcome.READY)))
    assert headers(card).count(NEXT_STEPS_HEADER) == 1
    assert section_by_header(card, "Decisions") is None and section_by_header(card, "Key points") is None


def test_pending_transcript_announces_next_steps():
    card = render_card(make_summary(digest=None, artifacts=TRANSCRIPT_PENDING))
    [widget] = next_steps(card)["widgets"]
    assert shown(widget["decoratedText"]["text"]) == PENDING_WORDS


@pytest.mark.parametrize("settings, artifacts", [
    (MeetingSettings(next_steps=False), TRANSCRIPT_PENDING),  # turned off
    (MeetingSettings(), ()),  # no files at all
    (MeetingSettings(), ALL_PENDING[:1] + ALL_PENDING[2:]),  # a recording and notes, no transcript
    (MeetingSettings(), ALL_READY),  # a transcript that could not be read: no digest to show
])
def test_no_next_steps_section_when_off_or_without_transcript(settings, artifacts):
    card = render_card(make_summary(meeting=make_meeting(settings=settings), digest=None, artifacts=artifacts))
    assert next_steps(card) is None
    assert "Next steps" not in json.dumps(card)


def test_decisions_and_key_points_one_widget_each():
    card = render_card(make_summary(digest=READY))
    assert section_lines(section_by_header(card, "Decisions")) == [
        "• We ship on Monday (at 5:00)", "• The beta stays closed (at 41:07)"]
    assert section_lines(section_by_header(card, "Key points")) == [
        "• Latency is within target (at 2:00)", "• Two customers asked for exports (at 8:00)"]


def test_decisions_and_key_points_capped_and_counted():
    decisions = tuple(Note(f"decision {i}", at(i)) for i in range(12))
    points = tuple(Note(f"point {i}", at(i)) for i in range(MAX_KEY_POINTS + 2))
    card = render_card(make_summary(digest=Digest(DigestOutcome.READY, (), decisions, points)))
    lines = section_lines(section_by_header(card, "Decisions"))
    assert lines == [f"• decision {i} (at {i}:00)" for i in range(MAX_DECISIONS_SHOWN)] + ["and 7 more"]
    lines = section_lines(section_by_header(card, "Key points"))
    assert lines == [f"• point {i} (at {i}:00)" for i in range(MAX_KEY_POINTS)] + ["and 2 more"]


def test_sections_without_content_are_left_out():
    card = render_card(make_summary(digest=Digest(DigestOutcome.READY, ITEMS, key_points=KEY_POINTS)))
    assert section_by_header(card, "Decisions") is None
    assert section_by_header(card, "Key points") is not None


def test_digest_sits_above_the_files_in_order():
    card = render_card(make_summary(digest=READY, artifacts=ALL_READY))
    assert headers(card) == [None, "Attendees (3)", "Didn't join (1)", "Next steps", "Decisions", "Key points",
                             "Recording, transcript and notes"]


def test_fallback_text_counts_next_steps():
    message = summary_message(make_summary(digest=READY), now=NOW)
    assert message["fallbackText"].endswith(", 3 attendees, 5 next steps.")
    one = summary_message(make_summary(digest=Digest(DigestOutcome.READY, ITEMS[:1])), now=NOW)
    assert one["fallbackText"].endswith(", 1 next step.")
    for digest in (Digest(DigestOutcome.READY), Digest(DigestOutcome.EMPTY), None):
        assert summary_message(make_summary(digest=digest), now=NOW)["fallbackText"].endswith(", 3 attendees.")


def test_same_digest_same_card_whatever_the_clock():
    summary = make_summary(digest=READY, artifacts=ALL_READY)
    first = json.dumps(summary_message(summary, now=NOW))
    assert json.dumps(summary_message(summary, now=NOW)) == first
    assert json.dumps(summary_message(summary, now=NOW + timedelta(days=30))) == first
    assert json.dumps(summary_message(replace(summary, digest=replace(READY)), now=NOW)) == first


def test_a_digest_arriving_changes_the_render():
    before = summary_message(make_summary(digest=None, artifacts=TRANSCRIPT_PENDING), now=NOW)
    after = summary_message(make_summary(digest=READY, artifacts=TRANSCRIPT_PENDING), now=NOW)
    assert before != after


# -- hostile transcript text ----------------------------------------------------------------
HOSTILE = [
    EVIL,
    "<script>alert(1)</script>",
    '<font color="red">x</font> <a href="javascript:alert(1)">y</a>',
    "line one\nline two\r\n\tline three\u2028four",
    "\u202eevil reversed\u202c and \u2066isolate\u2069 \u200fmark",
    "lone \ud800 surrogate \udfff and a pair \ud83d\ude00",
    "x" * 5000,
    "e" + "\u0301" * 200,  # a letter buried under combining marks
    "<users/all> <https://evil.example|click> `code` [x](https://evil.example)",
    "&amp; &lt;b&gt; already-escaped",
    "\x00\x07\x1b[31m control \x7f",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_transcript_text_renders_literally_and_safely(text):
    owner = Speaker("p/9", text, AttendeeKind.ANONYMOUS)
    digest = Digest(DigestOutcome.READY, (item(owner, text, at(1), date(2024, 5, 10)),),
                    (Note(text, at(2)),), (Note(text, at(3)),), language=text)
    card = render_card(make_summary(digest=digest))
    for html in html_fields(card):
        parsed = parse_html(html)
        assert set(parsed.tags) <= {"b", "br"}
        assert parsed.hrefs == []
    # Labels take only the app's own words.
    assert item_labels(card) == ["Due Friday, 10 May · said at 1:00"]
    expected = transcript_text(text, MAX_TEXT_CHARS)
    [task] = item_texts(card)
    assert task.endswith(": " + expected)
    visible = "\n".join(shown(html) for html in html_fields(card))
    for forbidden in ("\u202e", "\u2066", "\u200f", "\x00", "\x1b", "\r", "\t"):
        assert forbidden not in visible
    json.dumps(card, ensure_ascii=False).encode("utf-8")  # encodable: no lone surrogate left


def test_transcript_text_cleaning():
    assert transcript_text("  draft\nthe \t notes  ", 300) == "draft the notes"
    assert transcript_text("a\u202eb\u2067c\u200ed", 300) == "abcd"
    assert transcript_text("lone \ud800!", 300) == "lone \ufffd!"
    assert transcript_text("pair \ud83d\ude00", 300) == "pair \U0001F600"
    assert transcript_text("family \U0001F468\u200d\U0001F469\u200d\U0001F467", 300).endswith("\u200d\U0001F467")
    assert transcript_text("e" + "\u0301" * 50, 300) == "e" + "\u0301" * 4
    assert transcript_text("x" * 400, 300) == "x" * 299 + "…"
    assert transcript_text("", 300) == ""
    assert transcript_text("\u202e" * 100_000 + "tail", 300) == "…"  # not read to the end: said to go on
    assert transcript_text("word " * 1_000_000, 10) == "word word…"


def test_very_long_words_can_wrap():
    widget = action_item_widget(item(ADA, "y" * 400), meeting_year=2024)
    text = widget["decoratedText"]["text"]
    assert "\u200b" in text
    assert max(len(run) for run in re.split(r"[\s\u200b]", parse_html(text).text)) <= 40
    assert shown(text) == "Ada Lovelace: " + "y" * 299 + "…"


def test_empty_task_still_names_its_owner():
    card = render_card(make_summary(digest=Digest(DigestOutcome.READY, (item(ADA, " \n\u202e "),))))
    assert item_texts(card) == ["Ada Lovelace: (no words)"]


# -- limits ----------------------------------------------------------------------------------
WORST_TEXT = '"' * 150 + "\U0001F600" * 150  # six-fold when escaped, twelve bytes when ASCII-escaped


def worst_digest(items=10_000, notes=1_000):
    owners = [Speaker(f"p/{i}", WORST_TEXT, kind, f"users/{i}" if kind is AttendeeKind.SIGNED_IN else None)
              for i, kind in enumerate(AttendeeKind)]
    return Digest(
        DigestOutcome.READY,
        tuple(item(owners[i % 3], WORST_TEXT, timedelta(seconds=i), date(2030, 12, 31)) for i in range(items)),
        tuple(Note(WORST_TEXT, timedelta(seconds=i)) for i in range(notes)),
        tuple(Note(WORST_TEXT, timedelta(seconds=i)) for i in range(notes)),
        language="en-US",
    )


def test_worst_digest_stays_within_limits_and_counts_every_item():
    card = render_card(make_summary(digest=worst_digest(), artifacts=ALL_READY))
    widgets = next_steps(card)["widgets"]
    items_shown = sum(1 for w in widgets if "decoratedText" in w)
    assert 0 < items_shown <= MAX_ITEMS_SHOWN
    assert shown(widgets[-1]["textParagraph"]["text"]) == f"and {10_000 - items_shown} more"
    for header in ("Decisions", "Key points"):
        lines = section_lines(section_by_header(card, header))
        assert lines[-1] == f"and {1_000 - (len(lines) - 1)} more"


def test_digest_sections_respect_a_small_budget():
    summary = make_summary(digest=worst_digest(items=50, notes=50))
    for budget in (0, 500, 3_000, 8_000):
        sections = digest_sections(summary, max_bytes=budget)
        assert [s["header"] for s in sections] == ["Next steps", "Decisions", "Key points"]
        assert len(json.dumps(sections)) <= max(budget, 0) + 1_000  # the summary's margin
    tiny = digest_sections(summary, max_bytes=0)
    assert shown(tiny[0]["widgets"][0]["textParagraph"]["text"]) == "50 next steps were said, too long to show here."
    assert shown(tiny[1]["widgets"][0]["textParagraph"]["text"]) == "50 decisions, too long to show here."


def test_ordinary_digest_is_shown_in_full_beside_a_large_meeting():
    attendees = tuple(_attendee(i) for i in range(300))
    items = tuple(item(ADA, "a task of ordinary length, said in a meeting like any other " * 2, at(i))
                  for i in range(MAX_ITEMS_SHOWN))
    decisions = tuple(Note("a decision of ordinary length " * 3, at(i)) for i in range(MAX_DECISIONS_SHOWN))
    card = render_card(make_summary(attendees=attendees, attendees_total=300, artifacts=ALL_READY,
                                    digest=Digest(DigestOutcome.READY, items, decisions, decisions)))
    assert len(item_texts(card)) == MAX_ITEMS_SHOWN
    assert len(section_lines(section_by_header(card, "Decisions"))) == MAX_DECISIONS_SHOWN


# -- the owners' reply -----------------------------------------------------------------------
def reply(digest, title="Weekly sync", day=MEETING_DAY):
    message = next_steps_reply(digest, meeting_title=title, meeting_date=day)
    if message is not None:
        assert_valid_message(message)
        assert set(message) == {"text"}  # plain text, no card
        assert len(message["text"].encode("utf-16-le")) // 2 <= MAX_REPLY_CHARS
        assert len(json.dumps(message).encode()) < MAX_MESSAGE_BYTES
    return message


def mentions(text):
    return re.findall(r"<(users/[^>]*)>", text)


def test_reply_mentions_each_chat_owner_once_with_their_items():
    message = reply(READY)
    assert message == {"text": (
        "Next steps from Weekly sync:\n"
        "<users/1>: draft the release notes (due Fri 10 May); review the budget\n"
        "<users/2>: book the room (due Fri 3 Jan 2025)"
    )}


def test_guests_and_phone_callers_are_not_mentioned():
    text = reply(READY)["text"]
    assert "Maria" not in text and "send the deck" not in text
    assert "call the vendor" not in text
    assert mentions(text) == ["users/1", "users/2"]


@pytest.mark.parametrize("digest", [
    Digest(DigestOutcome.READY, (item(MARIA, "send the deck"), item(CALLER, "call back"))),
    Digest(DigestOutcome.READY),
    Digest(DigestOutcome.EMPTY),
    Digest(DigestOutcome.UNSUPPORTED_LANGUAGE, language="ja-JP"),
    # Not Chat user ids: never written as a mention.
    Digest(DigestOutcome.READY, (item(replace(ADA, user_name="users/all"), "x"),
                                 item(replace(ADA, user_name="users/app"), "y"),
                                 item(replace(ADA, user_name="users/1> <users/all"), "z"),
                                 item(replace(ADA, user_name=""), "w"))),
])
def test_no_reply_without_chat_user_owners(digest):
    assert reply(digest) is None


def test_reply_without_meeting_date_says_every_year():
    message = next_steps_reply(Digest(DigestOutcome.READY, ITEMS[:1]), meeting_title="Sync")
    assert message == {"text": "Next steps from Sync:\n<users/1>: draft the release notes (due Fri 10 May 2024)"}


@pytest.mark.parametrize("task", [
    "book <users/all> for the party",
    "ping <users/999> about it",
    "<https://evil.example|click here>",
    "[click](https://evil.example)",
    "```\nswallow the next lines",
    "<users/2>",
])
def test_text_in_a_task_never_becomes_a_mention_link_or_block(task):
    digest = Digest(DigestOutcome.READY, (item(ADA, task), item(GRACE, "second")))
    text = reply(digest, title=f"Sync {task}")["text"]
    assert mentions(text) == ["users/1", "users/2"]
    assert text.count("<") == 2 and text.count(">") == 2
    assert "`" not in text and "[" not in text and "]" not in text
    assert text.splitlines()[-1] == "<users/2>: second"  # still its own line, still a mention


def test_chat_text_keeps_the_words_readable():
    assert chat_text("book <users/all> [now]") == "book \u2039users/all\u203a \uff3bnow\uff3d"
    assert chat_text("plain words, *bold* _it_") == "plain words, *bold* _it_"


def test_reply_text_is_one_line_per_owner_whatever_the_task():
    digest = Digest(DigestOutcome.READY, (item(ADA, "one\ntwo\u2028three\u202e"), item(GRACE, "x")))
    assert reply(digest)["text"].splitlines() == [
        "Next steps from Weekly sync:", "<users/1>: one two three", "<users/2>: x"]


def test_reply_groups_items_by_owner_in_the_order_of_their_first_item():
    items = (item(GRACE, "g1", at(1)), item(ADA, "a1", at(2)), item(GRACE, "g2", at(3)),
             item(replace(ADA, participant="p/other-device"), "a2", at(4)))
    assert reply(Digest(DigestOutcome.READY, items))["text"].splitlines()[1:] == [
        "<users/2>: g1; g2", "<users/1>: a1; a2"]


def test_worst_reply_stays_within_the_limit_and_counts_the_rest():
    text = reply(worst_digest(), title=WORST_TEXT * 3)["text"]
    lines = text.split("\n")
    assert mentions(text) == ["users/0"]  # the only signed-in owner
    assert re.search(r"; and \d+ more$", lines[1])
    hidden = int(re.search(r"; and (\d+) more$", lines[1]).group(1))
    assert lines[1].count(" (due Tue 31 Dec 2030)") + hidden == len(range(0, 10_000, 3))


def test_many_owners_share_the_reply_and_the_rest_are_counted():
    owners = [Speaker(f"p/{i}", f"Person {i}", AttendeeKind.SIGNED_IN, f"users/{10**20 + i}") for i in range(400)]
    items = tuple(item(owners[i % 400], WORST_TEXT, timedelta(seconds=i)) for i in range(4_000))
    text = reply(Digest(DigestOutcome.READY, items))["text"]
    lines = text.split("\n")
    named = mentions(text)
    assert len(named) == len(set(named)) == len(lines) - 2  # each mentioned once, one line each
    assert len(named) >= 30  # a fair share each, not the first owner's ten thousand words
    assert lines[-1] == f"and {400 - len(named)} more people have next steps in the summary above."
    for line in lines[1:-1]:
        assert line.endswith("; and 9 more")


def test_one_owner_with_many_items_fills_the_reply():
    items = tuple(item(ADA, f"task number {i}", at(i)) for i in range(2_000))
    text = reply(Digest(DigestOutcome.READY, items))["text"]
    hidden = int(re.search(r"; and (\d+) more$", text).group(1))
    assert text.count("task number") + hidden == 2_000
    assert len(text) > MAX_REPLY_CHARS - 100  # the room is used, not wasted
