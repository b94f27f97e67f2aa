import json
import random
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from itertools import product

import pytest

from domain import (
    ActionItem,
    Artifact,
    ArtifactKind,
    Attendee,
    AttendeeKind,
    ConferenceSummary,
    Digest,
    DigestOutcome,
    Note,
    Person,
    Speaker,
)
from cards.join_card import HEADER_TITLE_CHARS
from cards.markup import clip
from cards.summary import (
    MAX_ABSENT_SHOWN,
    MAX_ARTIFACTS_SHOWN,
    MAX_ATTENDEES_SHOWN,
    MAX_URL_CHARS,
    NO_ARTIFACTS_WORDS,
    SUMMARY_CARD_ID,
    attendee_label,
    safe_url,
    summary_card,
    summary_message,
)
from cards.widgets import MAX_MESSAGE_BYTES, MAX_WIDGETS, widget_count
from cards.words import MAX_NAME_CHARS
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

START = datetime(2024, 5, 6, 13, 0, tzinfo=timezone.utc)
END = datetime(2024, 5, 6, 14, 5, tzinfo=timezone.utc)
RECORDING_URL = "https://drive.google.com/file/d/1AbC/view"
TRANSCRIPT_URL = "https://docs.google.com/document/d/2DeF/edit"
NOTES_URL = "https://docs.google.com/document/d/3GhI/edit"

ADA = Attendee(AttendeeKind.SIGNED_IN, "Ada Lovelace", "users/1", START, END, 1)
GUEST = Attendee(AttendeeKind.ANONYMOUS, "Visitor", None, START + timedelta(minutes=10),
                 START + timedelta(minutes=40), 2)
PHONE = Attendee(AttendeeKind.PHONE, "+1 ***-***-123", None, START + timedelta(minutes=5),
                 START + timedelta(minutes=60), None)
GRACE = Person("users/2", "Grace Hopper", "grace@example.com")
ALL_READY = (
    Artifact(ArtifactKind.RECORDING, True, RECORDING_URL),
    Artifact(ArtifactKind.TRANSCRIPT, True, TRANSCRIPT_URL),
    Artifact(ArtifactKind.SMART_NOTES, True, NOTES_URL),
)
ALL_PENDING = tuple(Artifact(a.kind, False) for a in ALL_READY)


def make_summary(**changes):
    summary = ConferenceSummary(
        conference_record="conferenceRecords/c1",
        meeting=make_meeting(),
        started_at=START,
        ended_at=END,
        attendees=(ADA, GUEST, PHONE),
        attendees_total=3,
        absent=(GRACE,),
        absent_total=1,
        artifacts=ALL_PENDING,
    )
    return replace(summary, **changes)


def render(summary):
    message = summary_message(summary, now=NOW)
    assert_valid_message(message)
    return message["cardsV2"][0]["card"]


def section_by_header(card, prefix):
    found = [s for s in card["sections"] if s.get("header", "").startswith(prefix)]
    assert len(found) <= 1
    return found[0] if found else None


def section_text(section):
    """The decoded text of a section's widgets (its header left out)."""
    return "\n".join(parse_html(html).text for html in html_fields({"sections": [{"widgets": section["widgets"]}]}))


def attendee_lines(card):
    return section_text(section_by_header(card, "Attendees")).split("\n")


def artifact_texts(card):
    section = section_by_header(card, "Recording, transcript and notes")
    return [parse_html(w["decoratedText"]["text"]).text for w in section["widgets"]]


def open_buttons(card):
    return {
        parse_html(w["decoratedText"]["text"]).text.split(":")[0]: w["decoratedText"]["button"]
        for w in widgets(card) if "button" in w.get("decoratedText", {})
    }


def all_hrefs(card):
    return [href for html in html_fields(card) for href in parse_html(html).hrefs]


@pytest.mark.parametrize("artifacts, attendees, absent", list(product(
    [(), ALL_PENDING, ALL_READY, ALL_READY[:1] + ALL_PENDING[1:]],
    [(), (ADA, GUEST, PHONE)],
    [(), (GRACE,)],
)))
def test_every_variant_is_valid_chat_json(artifacts, attendees, absent):
    summary = make_summary(artifacts=artifacts, attendees=attendees, attendees_total=len(attendees),
                           absent=absent, absent_total=len(absent))
    message = summary_message(summary, now=NOW)
    assert_valid_message(message)
    entry = message["cardsV2"][0]
    assert entry["cardId"] == SUMMARY_CARD_ID
    assert widget_count(entry["card"]) <= MAX_WIDGETS
    assert all(section["widgets"] for section in entry["card"]["sections"])


def test_header_date_time_range_and_duration():
    card = render(make_summary())
    assert card["header"] == {"title": "Weekly sync", "subtitle": "Meeting summary"}
    first = [w["decoratedText"] for w in card["sections"][0]["widgets"]]
    assert [(w["topLabel"], parse_html(w["text"]).text) for w in first] == [
        ("When", "Monday, 6 May 2024, 13:00 – 14:05 UTC"),
        ("Duration", "1 h 5 min"),
    ]


def test_conference_across_midnight_dates_its_end():
    start = datetime(2024, 5, 6, 23, 30, tzinfo=timezone.utc)
    cet = timezone(timedelta(hours=2))
    end = datetime(2024, 5, 7, 2, 45, tzinfo=cet)  # 00:45 UTC: converted before formatting
    text = visible_text(render(make_summary(started_at=start, ended_at=end, attendees=(), attendees_total=0)))
    assert "Monday, 6 May 2024, 23:30 – 7 May, 00:45 UTC" in text
    assert "1 h 15 min" in text


def test_attendees_sorted_by_first_join_with_times_and_sessions():
    card = render(make_summary())
    section = section_by_header(card, "Attendees")
    assert section["header"] == "Attendees (3)"
    assert attendee_lines(card) == [
        "Ada Lovelace · 13:00 – 14:05 UTC · 1 session",
        "Phone: +1 ***-***-123 · 13:05 – 14:00 UTC",  # sessions not counted: not shown
        "Guest: Visitor · 13:10 – 13:40 UTC · 2 sessions",
    ]


def test_attendee_without_leave_time_and_on_another_day():
    late = Attendee(AttendeeKind.SIGNED_IN, "Night Owl", "users/9",
                    datetime(2024, 5, 7, 0, 10, tzinfo=timezone.utc), None, 1)
    card = render(make_summary(attendees=(late,), attendees_total=1))
    assert attendee_lines(card) == ["Night Owl · from 7 May, 00:10 UTC · 1 session"]


@pytest.mark.parametrize("kind, name, label", [
    (AttendeeKind.SIGNED_IN, "Ada Lovelace", "Ada Lovelace"),
    (AttendeeKind.ANONYMOUS, "Visitor", "Guest: Visitor"),
    (AttendeeKind.PHONE, "+1 ***-***-123", "Phone: +1 ***-***-123"),
    (AttendeeKind.SIGNED_IN, " \n ", "Unknown user"),
    (AttendeeKind.ANONYMOUS, "", "Guest"),
    (AttendeeKind.PHONE, "", "Phone participant"),
])
def test_attendee_labels(kind, name, label):
    assert attendee_label(Attendee(kind, name)) == label


def test_non_joiners_listed_and_counted():
    absent = (Person("users/3", "Zed"), GRACE, Person("users/4", "", "bob@example.com"))
    card = render(make_summary(absent=absent, absent_total=3))
    section = section_by_header(card, "Didn't join")
    assert section["header"] == "Didn't join (3)"
    assert section_text(section) == "bob@example.com, Grace Hopper, Zed"
    # Someone who joined is not listed as absent by the card itself: that is the caller's list.
    assert "Ada Lovelace" not in section_text(section)


def test_no_non_joiners_no_section():
    card = render(make_summary(absent=(), absent_total=0))
    assert section_by_header(card, "Didn't join") is None
    assert "Didn't join" not in visible_text(card)


def test_pending_artifacts_have_no_links():
    card = render(make_summary(artifacts=ALL_PENDING))
    assert artifact_texts(card)[:3] == [
        "Recording: being prepared…",
        "Transcript: being prepared…",
        "Smart notes: being prepared…",
    ]
    assert open_buttons(card) == {}
    assert all_hrefs(card) == []


def test_ready_artifacts_open_their_links_and_pending_ones_wait():
    mixed = (ALL_READY[0], ALL_PENDING[1], ALL_READY[2])
    card = render(make_summary(artifacts=mixed))
    assert artifact_texts(card)[:3] == ["Recording: ready", "Transcript: being prepared…", "Smart notes: ready"]
    found = open_buttons(card)
    assert set(found) == {"Recording", "Smart notes"}
    assert found["Recording"]["onClick"] == {"openLink": {"url": RECORDING_URL}}
    assert found["Smart notes"]["onClick"] == {"openLink": {"url": NOTES_URL}}
    assert found["Recording"]["text"] == "Open"


def test_a_file_arriving_changes_the_render():
    before = summary_message(make_summary(artifacts=ALL_PENDING), now=NOW)
    after = summary_message(make_summary(artifacts=(ALL_READY[0], *ALL_PENDING[1:])), now=NOW)
    assert before != after


def test_only_present_artifacts_shown_in_kind_order():
    card = render(make_summary(artifacts=(ALL_PENDING[2], ALL_READY[0])))
    texts = artifact_texts(card)
    assert texts[:2] == ["Recording: ready", "Smart notes: being prepared…"]
    assert not any(t.startswith("Transcript") for t in texts)


def test_several_recordings_are_numbered():
    second = Artifact(ArtifactKind.RECORDING, False)
    card = render(make_summary(artifacts=(ALL_READY[0], ALL_PENDING[1], second)))
    assert artifact_texts(card)[:3] == [
        "Recording 1: ready", "Recording 2: being prepared…", "Transcript: being prepared…",
    ]


def test_drive_note_names_the_organizer():
    card = render(make_summary(artifacts=ALL_READY))
    assert artifact_texts(card)[-1] == (
        "Files are saved in Ada Lovelace's Google Drive; ask them for access if the link doesn't open."
    )


def test_no_artifacts_says_so_without_drive_note():
    card = render(make_summary(artifacts=()))
    assert artifact_texts(card) == [NO_ARTIFACTS_WORDS]
    assert "Google Drive" not in visible_text(card)
    assert "being prepared" not in visible_text(card)


def test_too_many_artifacts_are_counted():
    many = tuple(Artifact(ArtifactKind.RECORDING, True, f"{RECORDING_URL}{i}") for i in range(MAX_ARTIFACTS_SHOWN + 3))
    card = render(make_summary(artifacts=many))
    assert len(open_buttons(card)) == MAX_ARTIFACTS_SHOWN
    assert "and 3 more files" in artifact_texts(card)


@pytest.mark.parametrize("url", [
    "http://drive.google.com/file/d/1/view",
    "javascript:alert(1)",
    "JavaScript://drive.google.com/%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://drive.google.com/x",
    "https://",
    "https:///path-only",
    "https:\\\\evil.example",
    " https://drive.google.com/x",
    'https://drive.google.com/x"onmouseover="alert(1)',
    "https://drive.google.com/x y",
    "https://drive.google.com/\u00e9",
    "https://[::1/x",
    "//drive.google.com/x",
    "https://drive.google.com/" + "a" * MAX_URL_CHARS,
    "",
    None,
])
def test_only_https_links_are_offered(url):
    assert safe_url(url) is None
    card = render(make_summary(artifacts=(Artifact(ArtifactKind.RECORDING, True, url),)))
    assert artifact_texts(card)[0] == "Recording: saved, but no link is available"
    assert open_buttons(card) == {}
    assert all_hrefs(card) == []
    if url:
        assert url not in json.dumps(card, ensure_ascii=False)


@pytest.mark.parametrize("url", [RECORDING_URL, "HTTPS://docs.google.com/document/d/x/edit?usp=sharing#h=1"])
def test_https_links_are_accepted(url):
    assert safe_url(url) == url


def test_hostile_title_and_names_render_literally():
    summary = make_summary(
        meeting=make_meeting(title=EVIL, organizer=Person("users/1", '<a href="https://evil">Boss</a>')),
        attendees=(
            replace(ADA, display_name=EVIL),
            replace(GUEST, display_name="<i>Guest</i> & co"),
            replace(PHONE, display_name='<font color="red">+1</font>'),
        ),
        absent=(Person("users/7", "<b>Eve</b> 'q'"),),
        artifacts=ALL_READY,
    )
    card = render(summary)
    assert card["header"]["title"] == EVIL  # plain text field: shown as typed, not escaped
    for html in html_fields(card):
        parsed = parse_html(html)
        assert set(parsed.tags) <= {"b", "br"}
        assert parsed.hrefs == []
    text = visible_text(card)
    assert f"{EVIL} · 13:00 – 14:05 UTC" in text
    assert "Guest: <i>Guest</i> & co" in text
    assert 'Phone: <font color="red">+1</font>' in text
    assert "<b>Eve</b> 'q'" in text
    assert "Files are saved in <a href=\"https://evil\">Boss</a>'s Google Drive" in text
    assert "https://evil" not in [b["onClick"]["openLink"]["url"] for b in open_buttons(card).values()]


def test_long_title_clipped_in_header_and_shown_in_full_escaped():
    title = (EVIL + " ") * 6
    card = render(make_summary(meeting=make_meeting(title=title)))
    assert len(card["header"]["title"]) == HEADER_TITLE_CHARS
    full = card["sections"][0]["widgets"][0]["textParagraph"]["text"]
    assert parse_html(full).tags == ["b"]
    assert parse_html(full).text == title.strip()


def _attendee(i, name=None):
    joined = START + timedelta(seconds=i)
    return Attendee(AttendeeKind.SIGNED_IN, name or f"Participant number {i:04d}", f"users/{i}",
                    joined, joined + timedelta(minutes=30), 1 + i % 3)


def test_thousand_attendees_and_500_absent_stay_within_limits():
    attendees = tuple(_attendee(i) for i in range(1000))
    absent = tuple(Person(f"users/a{i}", f"Absent member {i:03d}") for i in range(500))
    message = summary_message(make_summary(attendees=attendees, attendees_total=1000,
                                           absent=absent, absent_total=500, artifacts=ALL_READY), now=NOW)
    assert_valid_message(message)
    assert size_in_bytes(message) < MAX_MESSAGE_BYTES
    assert len(json.dumps(message).encode()) < MAX_MESSAGE_BYTES  # ASCII-escaped too
    card = message["cardsV2"][0]["card"]
    assert widget_count(card) <= MAX_WIDGETS
    assert section_by_header(card, "Attendees")["header"] == "Attendees (1000)"
    shown = attendee_lines(card)
    assert len(shown) == MAX_ATTENDEES_SHOWN + 1
    assert shown[0].startswith("Participant number 0000 ")  # earliest joiners first
    assert shown[-2].startswith(f"Participant number {MAX_ATTENDEES_SHOWN - 1:04d} ")
    assert shown[-1] == f"and {1000 - MAX_ATTENDEES_SHOWN} more"
    absent_text = section_text(section_by_header(card, "Didn't join (500)"))
    assert absent_text.endswith(f"Absent member {MAX_ABSENT_SHOWN - 1:03d} and {500 - MAX_ABSENT_SHOWN} more")
    assert absent_text.count("Absent member") == MAX_ABSENT_SHOWN
    # The long list folds behind its first widget.
    attendees_section = section_by_header(card, "Attendees")
    assert attendees_section["collapsible"] is True and attendees_section["uncollapsibleWidgetsCount"] == 1


def test_small_list_is_not_collapsible():
    assert "collapsible" not in section_by_header(render(make_summary()), "Attendees")


def test_truncated_lists_from_the_caller_use_the_totals():
    attendees = tuple(_attendee(i) for i in range(30))
    absent = tuple(Person(f"users/a{i}", f"Absent {i:02d}") for i in range(10))
    card = render(make_summary(attendees=attendees, attendees_total=1000, absent=absent, absent_total=500))
    assert section_by_header(card, "Attendees")["header"] == "Attendees (1000)"
    assert attendee_lines(card)[-1] == "and 970 more"
    assert section_text(section_by_header(card, "Didn't join (500)")).endswith("Absent 09 and 490 more")


def test_totals_never_below_what_is_listed():
    card = render(make_summary(attendees_total=0, absent_total=0))
    assert section_by_header(card, "Attendees")["header"] == "Attendees (3)"
    assert section_by_header(card, "Didn't join")["header"] == "Didn't join (1)"
    assert not any("more" in line for line in attendee_lines(card))


def test_nobody_joined_and_unlisted_attendees():
    assert attendee_lines(render(make_summary(attendees=(), attendees_total=0))) == ["Nobody joined."]
    assert attendee_lines(render(make_summary(attendees=(), attendees_total=7))) == ["7 people joined."]


def test_worst_case_input_stays_within_limits_and_counts_the_tail():
    worst_name = '"' * 150 + "\U0001F600" * 50  # grows most when escaped / ASCII-escaped
    title = ("\"<&'\U0001F600" * 500)
    summary = make_summary(
        meeting=make_meeting(title=title, organizer=Person("users/1", worst_name)),
        attendees=tuple(_attendee(i, name=worst_name + str(i)) for i in range(3000)),
        attendees_total=5000,
        absent=tuple(Person(f"users/a{i}", worst_name) for i in range(2000)),
        absent_total=2000,
        artifacts=tuple(Artifact(kind, True, "https://drive.google.com/" + "x" * (MAX_URL_CHARS - 25))
                        for kind in ArtifactKind for _ in range(10)),
        digest=_worst_digest(worst_name),
    )
    message = summary_message(summary, now=NOW)
    assert_valid_message(message)
    assert size_in_bytes(message) < MAX_MESSAGE_BYTES
    assert len(json.dumps(message).encode()) < MAX_MESSAGE_BYTES
    card = message["cardsV2"][0]["card"]
    assert widget_count(card) <= MAX_WIDGETS
    # The digest is there, above the files, its tails counted.
    assert [s.get("header") for s in card["sections"]][-4:] == [
        "Next steps", "Decisions", "Key points", "Recording, transcript and notes"]
    steps = section_by_header(card, "Next steps")["widgets"]
    items_shown = sum(1 for w in steps if "decoratedText" in w)
    assert items_shown <= 10
    assert parse_html(steps[-1]["textParagraph"]["text"]).text in (
        f"and {10_000 - items_shown} more", "10000 next steps were said, too long to show here.")
    for header in ("Decisions", "Key points"):
        text = section_text(section_by_header(card, header))
        assert text.endswith((" more", "too long to show here."))
    lines = attendee_lines(card)
    shown = len(lines) - 1
    assert 0 < shown < MAX_ATTENDEES_SHOWN  # the byte budget, not the count, cut it
    assert lines[-1] == f"and {5000 - shown} more"
    absent_text = section_text(section_by_header(card, "Didn't join"))
    shown_absent = absent_text.count(clip(worst_name, MAX_NAME_CHARS))
    assert shown_absent > 0 and absent_text.endswith(f" and {2000 - shown_absent} more")
    assert len(open_buttons(card)) == MAX_ARTIFACTS_SHOWN


def _worst_digest(name):
    # Tasks, decisions and key points that grow most when escaped, far too many of them.
    text = '"' * 150 + "\U0001F600" * 150
    owners = [Speaker(f"p/{i}", name, kind, f"users/{i}") for i, kind in enumerate(AttendeeKind)]
    return Digest(
        DigestOutcome.READY,
        tuple(ActionItem(owners[i % 3], text, timedelta(seconds=i), date(2030, 1, 1)) for i in range(10_000)),
        tuple(Note(text, timedelta(seconds=i)) for i in range(1_000)),
        tuple(Note(text, timedelta(seconds=i)) for i in range(1_000)),
        language="\U0001F600" * 100,
    )


def test_same_input_same_output_whatever_the_order_or_clock():
    attendees = tuple(_attendee(i) for i in range(200)) + (
        replace(_attendee(5), display_name="Same time, other name", user_name="users/x"),
    )
    absent = tuple(Person(f"users/a{i}", f"Member {i}") for i in range(80))
    summary = make_summary(attendees=attendees, attendees_total=len(attendees),
                           absent=absent, absent_total=80, artifacts=ALL_READY)
    first = json.dumps(summary_message(summary, now=NOW))
    assert json.dumps(summary_message(summary, now=NOW)) == first
    assert json.dumps(summary_message(summary, now=NOW + timedelta(days=3))) == first
    shuffled_attendees, shuffled_absent = list(attendees), list(absent)
    random.Random(7).shuffle(shuffled_attendees)
    random.Random(8).shuffle(shuffled_absent)
    shuffled = replace(summary, attendees=tuple(shuffled_attendees), absent=tuple(shuffled_absent))
    assert json.dumps(summary_message(shuffled, now=NOW)) == first


def test_fallback_text_is_plain():
    message = summary_message(make_summary(meeting=make_meeting(title=EVIL)), now=NOW)
    assert message["fallbackText"] == f"Meeting summary: {EVIL}. Monday, 6 May 2024, 1 h 5 min, 3 attendees."


def test_summary_card_is_the_message_card():
    summary = make_summary(artifacts=ALL_READY)
    assert summary_message(summary, now=NOW)["cardsV2"] == [summary_card(summary, now=NOW)]
