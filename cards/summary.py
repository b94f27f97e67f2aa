"""The post-meeting summary: one reply in the meeting's thread per conference.

Posted when a conference ends and edited in place as the recording, transcript and
smart notes arrive (lifecycle issue). The app compares renders to skip needless edits,
so every function here is pure and deterministic: same summary -> same JSON, whatever
the clock says (``now`` is accepted for symmetry with the join card but the card does
not depend on it, so a reconciler run an hour later does not edit an unchanged summary).

Large meetings: Chat refuses a message over 32,000 bytes or a card over 100 widgets.
The attendee and absentee lists are therefore capped twice, by count and by bytes (a
display name can be 80 characters that each grow six-fold when escaped), and the tail
is summarised ("and 812 more") rather than dropped silently. Every other piece of the
card has a fixed upper bound, so the sum stays under the limit for any input; the
tests build the worst case to check that.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo
from typing import Sequence
from urllib.parse import urlsplit

from domain import (
    Artifact,
    ArtifactKind,
    Attendee,
    AttendeeKind,
    ConferenceSummary,
    DigestOutcome,
    Person,
)

from .digest import digest_sections
from .join_card import card_title, format_clock, format_duration, header_title, person_name
from .markup import bold, clip, escape, fit_lines, json_bytes, lines
from .times import UTC, clock, date_words, zone_of
from .widgets import (
    MAX_MESSAGE_BYTES,
    CardAction,
    Json,
    button,
    card,
    card_message,
    card_with_id,
    decorated_text,
    section,
    text_paragraph,
)
from .words import MAX_NAME_CHARS, participant_label

SUMMARY_CARD_ID = "summary"  # stable, so edits as artifacts arrive replace the same card
SUBTITLE = "Meeting summary"

# Caps that keep the card within Chat's limits (see the module docstring). The byte
# budgets are measured as JSON with non-ASCII escaped (``\\ud83d\\ude00``), the larger
# of the encodings a client may send, so they hold for any client.
MAX_ATTENDEES_SHOWN = 100
ATTENDEES_PER_WIDGET = 10  # lines per textParagraph: at most 10 widgets for the list
ATTENDEE_LIST_BYTES = 12_000
MAX_ABSENT_SHOWN = 50
ABSENT_LIST_BYTES = 4_000
MAX_ARTIFACTS_SHOWN = 6  # Meet may make several recordings in one conference
MAX_URL_CHARS = 500  # Drive and Docs links are ~100 characters; longer is not a file link
# Kept free below Chat's limit when the next steps take what is left: the separators
# between sections, and a digest section's smallest form should even that be over.
DIGEST_MARGIN_BYTES = 1_000

ARTIFACT_WORDS: dict[ArtifactKind, str] = {
    ArtifactKind.RECORDING: "Recording",
    ArtifactKind.TRANSCRIPT: "Transcript",
    ArtifactKind.SMART_NOTES: "Smart notes",
}
_ARTIFACT_ICONS = {
    ArtifactKind.RECORDING: "videocam",
    ArtifactKind.TRANSCRIPT: "description",
    ArtifactKind.SMART_NOTES: "edit_note",
}
_ARTIFACT_ORDER = {kind: index for index, kind in enumerate(ArtifactKind)}
_KIND_ORDER = {kind: index for index, kind in enumerate(AttendeeKind)}

PENDING_WORDS = "being prepared…"
READY_WORDS = "ready"
UNAVAILABLE_WORDS = "saved, but no link is available"
NO_ARTIFACTS_WORDS = "No recording, transcript or smart notes were made in this meeting."

# An https URL made only of characters RFC 3986 allows unencoded: nothing that could
# close an attribute, start markup or hide whitespace.
_HTTPS_URL = re.compile(r"(?i:https)://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def summary_message(summary: ConferenceSummary, *, now: datetime) -> Json:
    """A ``Message`` body: the summary card with a plain-text fallback for notifications.

    Post it in ``summary.meeting.thread_name``; ``now`` does not change the output.
    """
    return card_message(summary_card(summary, now=now), fallback_text(summary))


def summary_card(summary: ConferenceSummary, *, now: datetime) -> Json:
    """The ``cardsV2`` entry (``{cardId, card}``) summarising one conference."""
    del now  # deliberately unused: see the module docstring
    attendees_total = max(summary.attendees_total, len(summary.attendees))
    absent_total = max(summary.absent_total, len(summary.absent))
    above = [
        section(when_widgets(summary)),
        _collapsible(section(attendee_widgets(summary.attendees, attendees_total, day=summary.started_at,
                                              zone=summary_zone(summary)),
                             header_html=f"Attendees ({attendees_total})")),
        section(absent_widgets(summary.absent, absent_total), header_html=f"Didn't join ({absent_total})"),
    ]
    files = section(artifact_widgets(summary.artifacts, organizer=summary.meeting.organizer),
                    header_html="Recording, transcript and notes")
    # Every other part is bounded; the next steps get what the rest of the message leaves
    # (most of it, for all but the largest meetings), so the whole stays within the limit.
    rest = json_bytes(card_message(_summary_entry(summary, [*above, files]), fallback_text(summary)))
    digest = digest_sections(summary, max_bytes=MAX_MESSAGE_BYTES - DIGEST_MARGIN_BYTES - rest)
    return _summary_entry(summary, [*above, *digest, files])


def _summary_entry(summary: ConferenceSummary, sections: Sequence[Json]) -> Json:
    return card_with_id(SUMMARY_CARD_ID, card(header_title(summary.meeting), sections, subtitle=SUBTITLE))


def summary_zone(summary: ConferenceSummary) -> tzinfo:
    """A summary is shared: its times are the organizer's, labelled with the zone."""
    return zone_of(summary.meeting.time_zone)


def when_widgets(summary: ConferenceSummary) -> list[Json]:
    """The full title when the header had to clip it, then date, time range and duration."""
    result: list[Json] = []
    title = card_title(summary.meeting)
    if title != header_title(summary.meeting):
        result.append(text_paragraph(bold(escape(title))))
    result.append(decorated_text(escape(when_words(summary.started_at, summary.ended_at, zone=summary_zone(summary))),
                                 top_label="When", icon="event"))
    lasted = format_duration(_utc(summary.ended_at) - _utc(summary.started_at))
    result.append(decorated_text(escape(lasted), top_label="Duration", icon="schedule"))
    return result


def when_words(started_at: datetime, ended_at: datetime, *, zone: tzinfo = UTC) -> str:
    """``"Monday, 6 May 2024, 13:00 – 14:05 UTC"``; the end gets its date if it differs."""
    return f"{format_date(started_at, zone)}, {time_range(started_at, ended_at, day=started_at, zone=zone)}"


def format_date(moment: datetime, zone: tzinfo = UTC) -> str:
    """``"Monday, 6 May 2024"`` in ``zone``, independent of the process locale."""
    return date_words(moment, zone)


def time_range(start: datetime, end: datetime, *, day: datetime, zone: tzinfo = UTC) -> str:
    """``"13:00 – 14:05 UTC"``: clock times relative to ``day`` (dates only when they differ)."""
    first = clock(start, now=day, zone=zone, labelled=False)
    return f"{first} – {format_clock(end, now=start, zone=zone)}"


# -- attendees ----------------------------------------------------------------------------
def attendee_widgets(attendees: Sequence[Attendee], total: int, *, day: datetime, zone: tzinfo = UTC) -> list[Json]:
    """The attendees, earliest first, ``ATTENDEES_PER_WIDGET`` lines per widget, tail counted.

    ``total`` is how many attended in all: the caller may pass only the first of them.
    """
    ordered = sorted(attendees, key=_attendee_order)
    shown = fit_lines([attendee_html(attendee, day=day, zone=zone) for attendee in ordered],
                      max_items=MAX_ATTENDEES_SHOWN, max_bytes=ATTENDEE_LIST_BYTES)
    hidden = max(total, len(attendees)) - len(shown)
    if not shown:
        if hidden <= 0:
            return [text_paragraph("Nobody joined.")]
        return [text_paragraph(f"{hidden} {_plural(hidden, 'person', 'people')} joined.")]
    chunks = [shown[i:i + ATTENDEES_PER_WIDGET] for i in range(0, len(shown), ATTENDEES_PER_WIDGET)]
    if hidden > 0:
        chunks[-1] = [*chunks[-1], f"and {hidden} more"]
    return [text_paragraph(lines(*chunk)) for chunk in chunks]


def attendee_label(attendee: Attendee) -> str:
    """Plain text: the display name, ``"Guest: name"`` or ``"Phone: +1 ***-***-123"``."""
    return participant_label(attendee.kind, attendee.display_name)


def attendee_html(attendee: Attendee, *, day: datetime, zone: tzinfo = UTC) -> str:
    """One line: label in bold, join and leave times, number of sessions when counted."""
    parts = [bold(escape(attendee_label(attendee)))]
    times = _presence(attendee, day=day, zone=zone)
    if times:
        parts.append(times)
    if attendee.sessions is not None:
        parts.append(f"{attendee.sessions} {_plural(attendee.sessions, 'session', 'sessions')}")
    return " · ".join(parts)


def _presence(attendee: Attendee, *, day: datetime, zone: tzinfo) -> str | None:
    joined, left = attendee.first_joined, attendee.last_left
    if joined is not None and left is not None:
        return time_range(joined, left, day=day, zone=zone)
    if joined is not None:
        return f"from {format_clock(joined, now=day, zone=zone)}"
    if left is not None:
        return f"until {format_clock(left, now=day, zone=zone)}"
    return None


def _attendee_order(attendee: Attendee) -> tuple[object, ...]:
    # First join, then name, kind and id: a total order, so equal inputs in any order
    # render the same card.
    joined = attendee.first_joined
    return (
        joined is None,
        _utc(joined) if joined is not None else _EPOCH,
        attendee_label(attendee).casefold(),
        _KIND_ORDER[attendee.kind],
        attendee.user_name or "",
        attendee.display_name,
        attendee.sessions if attendee.sessions is not None else -1,
        _utc(attendee.last_left) if attendee.last_left is not None else _EPOCH,
    )


# -- space members who did not join --------------------------------------------------------
def absent_widgets(absent: Sequence[Person], total: int) -> list[Json]:
    """Space members who did not join, by name, comma separated, tail counted; none: no widget."""
    people = sorted(absent, key=lambda person: (_person_label(person).casefold(), person.user_name))
    shown = fit_lines([escape(_person_label(person)) for person in people],
                      max_items=MAX_ABSENT_SHOWN, max_bytes=ABSENT_LIST_BYTES, separator=", ")
    hidden = max(total, len(absent)) - len(shown)
    if not shown:
        return [text_paragraph(f"{hidden} space {_plural(hidden, 'member', 'members')}")] if hidden > 0 else []
    text = ", ".join(shown)
    if hidden > 0:
        text += f" and {hidden} more"
    return [text_paragraph(text)]


def _person_label(person: Person) -> str:
    return clip(person_name(person), MAX_NAME_CHARS)


# -- recording, transcript, smart notes ----------------------------------------------------
def artifact_widgets(artifacts: Sequence[Artifact], *, organizer: Person) -> list[Json]:
    """One line per artifact (pending, or ready with an Open button) and where the files live.

    Order: recordings, transcripts, smart notes; within a kind, as given. Nothing at all
    when Meet made none says so, rather than leaving people waiting for links.
    """
    if not artifacts:
        return [decorated_text(escape(NO_ARTIFACTS_WORDS), icon="info")]
    ordered = sorted(artifacts, key=lambda artifact: _ARTIFACT_ORDER[artifact.kind])  # stable
    counts = {kind: sum(1 for a in artifacts if a.kind is kind) for kind in ArtifactKind}
    numbers: dict[ArtifactKind, int] = {}
    result: list[Json] = []
    for artifact in ordered[:MAX_ARTIFACTS_SHOWN]:
        numbers[artifact.kind] = numbers.get(artifact.kind, 0) + 1
        label = ARTIFACT_WORDS[artifact.kind]
        if counts[artifact.kind] > 1:
            label = f"{label} {numbers[artifact.kind]}"
        result.append(artifact_widget(artifact, label))
    hidden = len(ordered) - MAX_ARTIFACTS_SHOWN
    if hidden > 0:
        result.append(decorated_text(f"and {hidden} more {_plural(hidden, 'file', 'files')}", icon="folder"))
    result.append(decorated_text(escape(drive_note(organizer)), icon="folder_shared"))
    return result


def artifact_widget(artifact: Artifact, label: str) -> Json:
    """``"Recording: being prepared…"``, or ``"Recording: ready"`` with an Open button.

    A link is offered only for an https URL (:func:`safe_url`); anything else counts as
    no link, so a ``javascript:`` or ``http:`` value from elsewhere never becomes one.
    """
    url = safe_url(artifact.url) if artifact.ready else None
    if not artifact.ready:
        words = PENDING_WORDS
    elif url is None:
        words = UNAVAILABLE_WORDS
    else:
        words = READY_WORDS
    widget = decorated_text(f"{bold(escape(label))}: {escape(words)}", icon=_ARTIFACT_ICONS[artifact.kind])
    if url is not None:
        widget["decoratedText"]["button"] = button(CardAction("Open", url=url, icon="open_in_new"))
    return widget


def drive_note(organizer: Person) -> str:
    """Plain text: the files are the organizer's, in their Drive."""
    name = _person_label(organizer)
    return f"Files are saved in {name}'s Google Drive; ask them for access if the link doesn't open."


def safe_url(url: str | None) -> str | None:
    """``url`` if it is a plain https URL with a host and of sane length, else None."""
    if not url or len(url) > MAX_URL_CHARS or not _HTTPS_URL.fullmatch(url):
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    return url if host else None


# -- plain text --------------------------------------------------------------------------
def fallback_text(summary: ConferenceSummary) -> str:
    # fallbackText is plain text: the title goes in as typed, clipped like the header.
    attendees_total = max(summary.attendees_total, len(summary.attendees))
    lasted = format_duration(_utc(summary.ended_at) - _utc(summary.started_at))
    people = f"{attendees_total} {_plural(attendees_total, 'attendee', 'attendees')}"
    digest = summary.digest
    items = len(digest.action_items) if digest is not None and digest.outcome is DigestOutcome.READY else 0
    steps = f", {items} next {_plural(items, 'step', 'steps')}" if items else ""
    return (f"Meeting summary: {header_title(summary.meeting)}. "
            f"{format_date(summary.started_at, summary_zone(summary))}, {lasted}, {people}{steps}.")


# -- helpers -----------------------------------------------------------------------------
def _collapsible(section_json: Json) -> Json:
    # A long attendee list folds away behind its first widget.
    if len(section_json["widgets"]) > 1:
        section_json["collapsible"] = True
        section_json["uncollapsibleWidgetsCount"] = 1
    return section_json


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _utc(moment: datetime) -> datetime:
    # Naive datetimes in this app are UTC (storage and the emulator clock use UTC).
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)

