"""What a meeting decided and who does what: the summary card's digest sections, and the
text reply that tells the owners about their items (DESIGN.md, "Next steps", a contract).

Everything here is pure and deterministic, like the rest of ``cards``: the lifecycle
compares renders to skip needless edits.

Transcript text is hostile input: whoever spoke (or whatever a summariser made of it)
chose every character of a task, a decision or a key point. So each piece is cleaned
before it is shown (:func:`transcript_text`): lone surrogates replaced (they cannot be
encoded and would make Chat refuse the whole message), control and bidirectional
formatting characters removed (an RTL override would visually reorder the rest of the
line, the app's own words included), whitespace collapsed, piles of combining marks
thinned, the length capped. In card HTML fields it is then escaped
(:func:`cards.markup.escape`); in the text reply, whose syntax has no escape at all, the
characters that make mentions, links and code blocks are swapped for look-alikes
(:func:`chat_text`).

Size: Chat refuses a message over 32,000 bytes or a card over 100 widgets. The digest
sections are bounded by count (10 items, 5 decisions, ``MAX_KEY_POINTS`` key points,
each line at most 300 characters) and by bytes: the summary gives them whatever the rest
of its card leaves (:func:`cards.summary.summary_card`), each section capped, and the
tail is counted ("and 4 more") rather than dropped silently. The reply stays within
Chat's 4,096 characters for a text message the same way.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from typing import Sequence

from domain import (
    MAX_KEY_POINTS,
    ActionItem,
    ArtifactKind,
    ConferenceSummary,
    Digest,
    DigestOutcome,
    Note,
    Speaker,
)

from .markup import bold, clip, escape, fit_lines, json_bytes, lines, single_line, wire_bytes
from .times import in_zone, zone_of
from .widgets import Json, decorated_text, section, text_paragraph
from .words import MAX_NAME_CHARS, MONTHS, WEEKDAYS, participant_label

NEXT_STEPS_HEADER = "Next steps"  # contract: other checks look for exactly this header
DECISIONS_HEADER = "Decisions"
KEY_POINTS_HEADER = "Key points"

MAX_ITEMS_SHOWN = 10
MAX_DECISIONS_SHOWN = 5
MAX_KEY_POINTS_SHOWN = MAX_KEY_POINTS  # a summariser keeps at most this many; a longer list is cut
MAX_TEXT_CHARS = 300  # one task, decision or key point, before escaping
MAX_LANGUAGE_CHARS = 35  # the longest BCP-47 tag anyone uses is far shorter

# Byte caps per section (JSON with non-ASCII escaped, as the summary measures), reached
# only when the rest of the card leaves room; 10 items of 300 characters that escape
# six-fold would take ~25,000 bytes, so the byte cap, not the count, cuts those.
NEXT_STEPS_BYTES = 12_000
DECISIONS_BYTES = 3_000
KEY_POINTS_BYTES = 3_000
DIGEST_BYTES = NEXT_STEPS_BYTES + DECISIONS_BYTES + KEY_POINTS_BYTES
# What Next steps leaves for each notes section that follows it, so a long list of
# items cannot crowd the decisions out entirely.
NOTES_RESERVE_BYTES = 1_000

# A run of this many characters without a break opportunity gets an invisible one
# (U+200B), so a very long "word" wraps instead of stretching the card.
LONG_RUN_CHARS = 40
MAX_MARKS_IN_A_ROW = 4  # combining marks on one letter; more only stack over other lines
RAW_CHARS_PER_SHOWN = 16  # input read per character that may be shown

NO_ITEMS_WORDS = "No next steps were said."
EMPTY_WORDS = "The transcript was empty."
PENDING_WORDS = "Next steps will appear here when the transcript is ready."
NO_TEXT_WORDS = "(no words)"

# Chat's limit for a text message's ``text`` (Chat's messages guide); counted in UTF-16
# code units, the larger count, so the reply fits however Chat counts.
MAX_REPLY_CHARS = 4_096
REPLY_TITLE_CHARS = 100
REPLY_TASK_CHARS = 200
MIN_REPLY_TASK_CHARS = 20  # less than this of a task says nothing: count it instead
MIN_OWNER_LINE_CHARS = 100  # a mention, a due date and the start of a task

_BIDI_AND_FORMAT = "Cf"
_KEPT_FORMAT = {"\u200c", "\u200d"}  # ZWNJ / ZWJ: needed by emoji sequences and some scripts
_MARKS = {"Mn", "Me"}
_LONG_RUN = re.compile(rf"\S{{{LONG_RUN_CHARS}}}(?=\S)")
_BCP47 = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
# Chat user ids are numbers; anything else (``users/all``, or an alias such as ``users/app``
# or ``users/{email}``) is no one to mention.
_CHAT_USER = re.compile(r"users/[0-9]{1,40}")

# Chat text syntax (``<users/1>``, ``<url|label>``, `` ``` `` blocks, Markdown ``[x](url)``)
# has no escape mechanism, so transcript text gets look-alikes for the characters that
# start it: it reads the same and can never mention, link or swallow the next lines.
_CHAT_NEUTRAL = str.maketrans({"<": "\u2039", ">": "\u203a", "`": "\u02cb", "[": "\uff3b", "]": "\uff3d"})


# -- the card sections ---------------------------------------------------------------------
def digest_sections(summary: ConferenceSummary, *, max_bytes: int = DIGEST_BYTES) -> list[Json]:
    """Next steps, Decisions and Key points, in that order, each only when it has something
    to say; together at most about ``max_bytes`` (each section also has its own cap)."""
    digest = summary.digest
    decisions = digest.decisions if digest is not None else ()
    key_points = digest.key_points if digest is not None else ()
    result: list[Json] = []
    remaining = max_bytes
    later = NOTES_RESERVE_BYTES * (bool(decisions) + bool(key_points))
    steps = next_steps_section(summary, max_bytes=min(NEXT_STEPS_BYTES, remaining - later))
    if steps is not None:
        result.append(steps)
        remaining -= json_bytes(steps)
    if decisions:
        later = NOTES_RESERVE_BYTES if key_points else 0
        result.append(notes_section(DECISIONS_HEADER, decisions, max_shown=MAX_DECISIONS_SHOWN,
                                    max_bytes=min(DECISIONS_BYTES, remaining - later), noun=("decision", "decisions")))
        remaining -= json_bytes(result[-1])
    if key_points:
        result.append(notes_section(KEY_POINTS_HEADER, key_points, max_shown=MAX_KEY_POINTS_SHOWN,
                                    max_bytes=min(KEY_POINTS_BYTES, remaining), noun=("key point", "key points")))
    return result


def next_steps_section(summary: ConferenceSummary, *, max_bytes: int = NEXT_STEPS_BYTES) -> Json | None:
    """The ``Next steps`` section, or None when there is nothing to say about next steps:
    turned off, or no transcript at all (or one that cannot be read)."""
    digest = summary.digest
    if digest is None:
        if summary.meeting.settings.next_steps and _transcript_pending(summary):
            return _one_line_section(PENDING_WORDS, icon="hourglass_empty")
        return None
    if digest.outcome is DigestOutcome.EMPTY:
        return _one_line_section(EMPTY_WORDS, icon="info")
    if digest.outcome is DigestOutcome.UNSUPPORTED_LANGUAGE:
        return _one_line_section(unsupported_language_words(digest.language), icon="translate")
    if not digest.action_items:
        return _one_line_section(NO_ITEMS_WORDS, icon="info")
    return section(action_item_widgets(digest.action_items, meeting_year=_summary_year(summary),
                                       max_bytes=max_bytes), header_html=NEXT_STEPS_HEADER)


def action_item_widgets(items: Sequence[ActionItem], *, meeting_year: int,
                        max_bytes: int = NEXT_STEPS_BYTES) -> list[Json]:
    """One widget per item, in the order said, at most ``MAX_ITEMS_SHOWN`` and about
    ``max_bytes`` (the section around them included); the rest counted in one last widget."""
    ordered = sorted(items, key=lambda item: item.said_at)  # stable: same offset, order given
    total = len(ordered)
    # Room for the section's own JSON and the widest tail it could need.
    used = json_bytes(section([], header_html=NEXT_STEPS_HEADER)) + json_bytes(_more_widget(total, 0)) + 2
    shown: list[Json] = []
    for item in ordered[:MAX_ITEMS_SHOWN]:
        widget = action_item_widget(item, meeting_year=meeting_year)
        cost = json_bytes(widget) + 2  # ", " between widgets
        if used + cost > max_bytes:
            break
        shown.append(widget)
        used += cost
    hidden = total - len(shown)
    if hidden > 0:
        shown.append(_more_widget(hidden, len(shown)))
    return shown


def action_item_widget(item: ActionItem, *, meeting_year: int) -> Json:
    """The owner in bold, then the task; below, when it is due and when it was said."""
    owner = _breakable(owner_label(item.owner))
    task = _breakable(transcript_text(item.task, MAX_TEXT_CHARS) or NO_TEXT_WORDS)
    widget = decorated_text(f"{bold(escape(owner))}: {escape(task)}", icon="task_alt")
    # Only the app's own words (dates, clock offsets) go into the label.
    widget["decoratedText"]["bottomLabel"] = item_label(item, meeting_year=meeting_year)
    return widget


def item_label(item: ActionItem, *, meeting_year: int) -> str:
    """``"Due Friday, 4 December · said at 12:34"``, or ``"Said at 12:34"`` without a date."""
    said = f"at {format_offset(item.said_at)}"
    if item.due is None:
        return f"Said {said}"
    return f"Due {format_due(item.due, meeting_year=meeting_year)} · said {said}"


def notes_section(header: str, notes: Sequence[Note], *, max_shown: int, max_bytes: int,
                  noun: tuple[str, str]) -> Json:
    """Decisions or key points as given, one line each, a few lines per ``textParagraph``
    (one widget for the whole list); the tail counted."""
    total = len(notes)
    html = [note_html(note) for note in notes[:max_shown]]
    # Room for the section's own JSON and the widest tail line it could need.
    budget = (max_bytes - json_bytes(section([text_paragraph("")], header_html=header))
              - wire_bytes(f"<br>and {total} more"))
    shown = fit_lines(html, max_items=max_shown, max_bytes=budget)
    hidden = total - len(shown)
    if not shown:
        text = f"{hidden} {noun[0] if hidden == 1 else noun[1]}, too long to show here."
    else:
        text = lines(*shown, *([f"and {hidden} more"] if hidden > 0 else []))
    return section([text_paragraph(text)], header_html=header)


def note_html(note: Note) -> str:
    """``"• We ship on Monday (at 12:34)"``, escaped."""
    text = _breakable(transcript_text(note.text, MAX_TEXT_CHARS) or NO_TEXT_WORDS)
    return f"• {escape(text)} (at {format_offset(note.said_at)})"


def unsupported_language_words(language: str | None) -> str:
    """The line for a transcript the summariser cannot read, naming its language code."""
    code = language.strip() if language else ""
    if len(code) <= MAX_LANGUAGE_CHARS and _BCP47.fullmatch(code):
        return f"Next steps are not available for this transcript's language ({code})."
    # Not a language tag: nothing from it is shown.
    return "Next steps are not available for this transcript's language."


def owner_label(speaker: Speaker) -> str:
    """Plain text: the owner as the summary's attendee list names them ("Guest: Maria")."""
    return participant_label(speaker.kind, transcript_text(speaker.display_name, MAX_NAME_CHARS))


# -- formats -------------------------------------------------------------------------------
def format_offset(offset: timedelta) -> str:
    """Where in the call: ``"12:34"`` (minutes and seconds) or ``"1:02:03"`` past an hour."""
    seconds = max(int(offset.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


def format_due(due: date, *, meeting_year: int | None) -> str:
    """``"Friday, 4 December"``, with the year when it is not the meeting's (or unknown)."""
    words = f"{WEEKDAYS[due.weekday()]}, {due.day} {MONTHS[due.month - 1]}"
    return words if due.year == meeting_year else f"{words} {due.year}"


def format_short_due(due: date, *, meeting_year: int | None) -> str:
    """``"Fri 4 Dec"``, with the year when it is not the meeting's (or unknown)."""
    words = f"{WEEKDAYS[due.weekday()][:3]} {due.day} {MONTHS[due.month - 1][:3]}"
    return words if due.year == meeting_year else f"{words} {due.year}"


def transcript_text(text: str, limit: int) -> str:
    """Transcript text made safe to show (see the module docstring), at most ``limit``
    characters. Plain text: escape it for HTML fields, :func:`chat_text` it for text."""
    # Far more than can be shown is not even looked at (a summariser may return anything);
    # cleaning rarely removes much, so this keeps the work bounded without losing words.
    cut = len(text) > limit * RAW_CHARS_PER_SHOWN
    text = text[: limit * RAW_CHARS_PER_SHOWN]
    # Joins valid surrogate pairs, replaces lone surrogates with U+FFFD.
    text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    text = single_line(text)  # newlines, tabs and other separators: one space
    kept: list[str] = []
    marks = 0
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc" or (category == _BIDI_AND_FORMAT and char not in _KEPT_FORMAT):
            continue
        marks = marks + 1 if category in _MARKS else 0
        if marks > MAX_MARKS_IN_A_ROW:
            continue
        kept.append(char)
    return clip(single_line("".join(kept)) + ("…" if cut else ""), limit)


def chat_text(text: str) -> str:
    """Cleaned text made inert for a Chat text message: no mention, link or code block."""
    return text.translate(_CHAT_NEUTRAL)


# -- the owners' reply ---------------------------------------------------------------------
def next_steps_reply(digest: Digest, *, meeting_title: str, meeting_date: date | None = None) -> Json | None:
    """A text message for the meeting's thread mentioning each owner who is a Chat user once,
    with their items; None when no owner is a Chat user (guests and phone callers are not).

    ``meeting_date`` (the conference's day) leaves the year out of due dates in that year.
    At most :data:`MAX_REPLY_CHARS`; owners or items that do not fit are counted.
    """
    owners = _chat_owners(digest)
    if not owners:
        return None
    year = meeting_date.year if meeting_date is not None else None
    title = chat_text(transcript_text(meeting_title, REPLY_TITLE_CHARS)) or "the meeting"
    text = f"Next steps from {title}:"
    used = _units(text)
    tail_room = _units(_more_owners_line(len(owners)))
    shown = 0
    for index, (user, items) in enumerate(owners):
        left = len(owners) - index
        # Keep room for the last line while it may yet be needed: more owners to come, or
        # one already left out.
        tail_needed = left > 1 or shown < index
        room = MAX_REPLY_CHARS - used - 1 - (tail_room + 1 if tail_needed else 0)  # 1: the "\n"
        # An equal share of what is left (but enough for a mention and a task), so the
        # first owners cannot crowd out the rest; what a short line leaves flows on.
        share = room if left == 1 else min(max(room // left, MIN_OWNER_LINE_CHARS), room)
        line = owner_line(user, items, max_chars=share, meeting_year=year)
        if line is None:
            continue  # counted in the last line
        text += "\n" + line
        used += 1 + _units(line)
        shown += 1
    if shown < len(owners):
        text += "\n" + _more_owners_line(len(owners) - shown)
    return {"text": text}


def owner_line(user_name: str, items: Sequence[ActionItem], *, max_chars: int,
               meeting_year: int | None) -> str | None:
    """``"<users/1>: draft the notes (due Fri 4 Dec); send the deck; and 2 more"`` within
    ``max_chars``, or None when not even the mention and a bit of one task fit."""
    prefix = f"<{user_name}>: "
    used = _units(prefix)
    pieces: list[str] = []
    for index, item in enumerate(items):
        after = len(items) - index - 1
        reserve = _units(f"; and {len(items)} more") if after else 0
        separator = 2 if pieces else 0  # "; "
        piece = reply_item(item, max_chars=max_chars - used - separator - reserve, meeting_year=meeting_year)
        if piece is None:
            break
        pieces.append(piece)
        used += separator + _units(piece)
    if not pieces:
        return None
    hidden = len(items) - len(pieces)
    return prefix + "; ".join(pieces) + (f"; and {hidden} more" if hidden else "")


def reply_item(item: ActionItem, *, max_chars: int, meeting_year: int | None) -> str | None:
    """One task in the reply, with its due date, clipped to ``max_chars``; None when too
    little of it would fit to mean anything."""
    due = f" (due {format_short_due(item.due, meeting_year=meeting_year)})" if item.due is not None else ""
    room = max_chars - _units(due)
    if room < MIN_REPLY_TASK_CHARS:
        return None
    task = chat_text(transcript_text(item.task, REPLY_TASK_CHARS)) or NO_TEXT_WORDS
    return _clip_units(task, room) + due


# -- helpers -------------------------------------------------------------------------------
def _chat_owners(digest: Digest) -> list[tuple[str, list[ActionItem]]]:
    """Owners who are Chat users, in the order of their first item, with their items."""
    if digest.outcome is not DigestOutcome.READY:
        return []
    owners: dict[str, list[ActionItem]] = {}
    for item in sorted(digest.action_items, key=lambda item: item.said_at):
        user = item.owner.user_name
        if user and _CHAT_USER.fullmatch(user):
            owners.setdefault(user, []).append(item)
    return list(owners.items())


def _more_owners_line(count: int) -> str:
    return f"and {count} more {'person has' if count == 1 else 'people have'} next steps in the summary above."


def _transcript_pending(summary: ConferenceSummary) -> bool:
    return any(a.kind is ArtifactKind.TRANSCRIPT and not a.ready for a in summary.artifacts)


def _one_line_section(words: str, *, icon: str) -> Json:
    return section([decorated_text(escape(words), icon=icon)], header_html=NEXT_STEPS_HEADER)


def _more_widget(hidden: int, shown: int) -> Json:
    if shown == 0:  # nothing fitted at all: say how many there are
        said = "step was" if hidden == 1 else "steps were"
        return text_paragraph(f"{hidden} next {said} said, too long to show here.")
    return text_paragraph(f"and {hidden} more")


def _summary_year(summary: ConferenceSummary) -> int:
    # The conference's year as the summary's date shows it: in the organizer's zone
    # (see summary.summary_zone; naive datetimes in this app are UTC).
    return in_zone(summary.started_at, zone_of(summary.meeting.time_zone)).year


def _breakable(text: str) -> str:
    """Plain text with an invisible break opportunity inside very long runs."""
    return _LONG_RUN.sub(lambda match: match.group(0) + "\u200b", text)


def _units(text: str) -> int:
    """Length in UTF-16 code units: characters beyond the BMP count twice."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _clip_units(text: str, limit: int) -> str:
    """At most ``limit`` UTF-16 code units, with an ellipsis when something was cut."""
    if _units(text) <= limit:
        return text
    kept: list[str] = []
    used = 0
    for char in text:
        width = 2 if ord(char) > 0xFFFF else 1
        if used + width > limit - 1:
            break
        kept.append(char)
        used += width
    return "".join(kept).rstrip() + "…"
