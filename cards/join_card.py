"""The join card: the one live message a meeting has in its Chat space.

Posted as the answer to ``/meet`` and later edited in place as the call starts, fills
and ends (lifecycle issue), with control buttons added by the controls issue through
``actions``. Every function here is pure: same meeting, same ``now`` -> same JSON.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from typing import Sequence

from domain import AccessType, CallState, Cohost, CohostState, DialIn, Meeting, MeetingSettings, MeetingStatus, Person, UpdatesPaused

from .markup import bold, clip, escape, lines, link, single_line
from .times import UTC, clock, zone_of
from .widgets import (
    CardAction,
    Json,
    button_list,
    card,
    card_message,
    card_with_id,
    decorated_text,
    section,
    text_paragraph,
)

JOIN_CARD_ID = "meeting"  # stable, so an edit of the message replaces the same card

# The header has a fixed two-line height; longer titles are clipped there and shown
# in full in the card body instead, so nothing the user typed is lost.
HEADER_TITLE_CHARS = 80
MAX_TITLE_CHARS = 300  # hard cap on what the card repeats of a title, whatever the caller allows
DEFAULT_TITLE = "Google Meet meeting"

# Lists that grow with the meeting are cut short so the card stays far below Chat's
# 32,000-byte limit however big the call gets ("and 812 more").
MAX_NAMES_SHOWN = 25
MAX_DIAL_INS_SHOWN = 10

STATUS_WORDS: dict[MeetingStatus, str] = {
    MeetingStatus.WAITING: "Waiting for people to join",
    MeetingStatus.IN_PROGRESS: "In progress",
    MeetingStatus.ENDED: "Ended",
}
# A dormant meeting (never started for a long while): the app stopped watching it, so the
# card must not claim to know who is waiting, and must say the link still works.
DORMANT_WORDS = "Never started"
DORMANT_NOTE = "The link still works: join any time; press Refresh to see who is in."

# Meet's SpaceConfig.AccessType, in the words Meet's own documentation uses.
ACCESS_WORDS: dict[AccessType | None, str] = {
    AccessType.OPEN: "Open: anyone with the link or dial-in details can join without asking",
    AccessType.TRUSTED: (
        "Trusted: people in the organization, invited guests and phone participants join "
        "without asking; anyone else must ask to join"
    ),
    AccessType.RESTRICTED: (
        "Restricted: only invited people join without asking; anyone else must ask to join"
    ),
    None: "Organization default",
}


def join_action(meeting: Meeting) -> CardAction:
    """The Join button: opens the meeting in Meet."""
    return CardAction("Join meeting", url=meeting.meeting_uri, icon="videocam", filled=True)


def join_card(meeting: Meeting, *, now: datetime, call: CallState | None = None,
              actions: Sequence[CardAction] = ()) -> Json:
    """The ``cardsV2`` entry (``{cardId, card}``) for ``meeting`` as of ``now``.

    ``actions`` are extra buttons after Join (the meeting controls), in order.
    """
    sections = [
        section(status_widgets(meeting, call or CallState(), now=now, actions=actions)),
        section(detail_widgets(meeting), header_html="Details"),
        section(dial_in_widgets(meeting.dial_in), header_html="Join by phone"),
    ]
    return card_with_id(JOIN_CARD_ID, card(header_title(meeting), sections, subtitle="Google Meet"))


def status_widgets(meeting: Meeting, call: CallState, *, now: datetime,
                   actions: Sequence[CardAction] = ()) -> list[Json]:
    """The top of the card: full title if clipped, status, who is in, notices, buttons."""
    result: list[Json] = []
    title = card_title(meeting)
    if title != header_title(meeting):
        result.append(text_paragraph(bold(escape(title))))
    if is_dormant(meeting):
        result.append(decorated_text(bold(DORMANT_WORDS), top_label="Status", icon="bedtime"))
        result.append(decorated_text(escape(DORMANT_NOTE), icon="info"))
    else:
        # A shared card: times in the organizer's zone, labelled (Chat has no per-reader time).
        status = status_html(meeting.status, call, now=now, zone=zone_of(meeting.time_zone))
        status_label = "Status" if call.paused is None else "Last known status"
        result.append(decorated_text(status, top_label=status_label, icon=_status_icon(meeting.status)))
        if call.paused is not None:
            result.append(decorated_text(escape(paused_words(meeting, call.paused)), icon="sync_disabled"))
    if meeting.status is MeetingStatus.IN_PROGRESS and call.in_call:
        label = f"In the call ({len(call.in_call)})"
        result.append(decorated_text(names_html(call.in_call), top_label=label, icon="group"))
    notice = auto_start_notice(meeting.settings)
    if notice and meeting.status is not MeetingStatus.ENDED:
        result.append(decorated_text(escape(notice), icon="radio_button_checked"))
    result.append(button_list([join_action(meeting), *actions]))
    return result


def paused_words(meeting: Meeting, paused: UpdatesPaused) -> str:
    """The one line a paused card adds (plain text: escape it for a widget)."""
    organizer = person_name(meeting.organizer)
    if paused is UpdatesPaused.ADMIN:
        return f"Updates paused: an administrator needs to restore this app's access to {organizer}'s account"
    return f"Updates paused: {organizer} needs to link their account"


def detail_widgets(meeting: Meeting) -> list[Json]:
    """Link, code, access, organizer and requested co-hosts."""
    uri = meeting.meeting_uri
    result = [
        decorated_text(link(uri, _display_uri(uri)), top_label="Meeting link", icon="link"),
        decorated_text(escape(meeting.meeting_code), top_label="Meeting code", icon="dialpad"),
        decorated_text(escape(access_words(meeting)), top_label="Access", icon=_access_icon(meeting)),
        decorated_text(escape(person_name(meeting.organizer)), top_label="Organizer", icon="person"),
    ]
    if meeting.cohosts:
        result.extend(cohost_widgets(meeting.cohosts))
    elif meeting.requested_cohosts:  # not tried yet
        names = tuple(person_name(person) for person in meeting.requested_cohosts)
        result.append(decorated_text(names_html(names), top_label="Co-hosts", icon="supervisor_account"))
    return result


def cohost_widgets(cohosts: Sequence[Cohost]) -> list[Json]:
    """Who is a co-host, and, for each mention that could not be made one, why not.

    A refusal is reported rather than hidden: the organizer expects those people to be
    able to run the meeting and should know they cannot.
    """
    result: list[Json] = []
    added = tuple(person_name(c.person) for c in cohosts if c.state is CohostState.ADDED)
    if added:
        result.append(decorated_text(names_html(added), top_label="Co-hosts", icon="supervisor_account"))
    failed = [c for c in cohosts if c.state is not CohostState.ADDED]
    if failed:
        shown = [f"Couldn't add {escape(person_name(c.person))} as co-host: {escape(c.reason or 'Meet refused')}"
                 for c in failed[:MAX_NAMES_SHOWN]]
        if len(failed) > MAX_NAMES_SHOWN:
            shown.append(f"and {len(failed) - MAX_NAMES_SHOWN} more")
        result.append(decorated_text(lines(*shown), top_label="Not co-hosts", icon="person_off"))
    return result


def join_card_message(meeting: Meeting, *, now: datetime, call: CallState | None = None,
                      actions: Sequence[CardAction] = ()) -> Json:
    """A ``Message`` body with the join card and a plain-text fallback for notifications."""
    entry = join_card(meeting, now=now, call=call, actions=actions)
    return card_message(entry, fallback_text(meeting))


def fallback_text(meeting: Meeting) -> str:
    """What notifications and screen readers say for the card.

    True for the card's whole life: Chat's messages.patch cannot change fallbackText (its
    update mask takes text, attachment, cards, cardsV2 and accessoryWidgets only), so it
    never names a status that a later edit would make false. Plain text: the title and
    name go in as typed (no escaping to show)."""
    return f"{card_title(meeting)}: Google Meet meeting by {person_name(meeting.organizer)}. Join: {meeting.meeting_uri}"


def is_dormant(meeting: Meeting) -> bool:
    """Shown as dormant: left alone by the app and, as far as it knows, never started."""
    return meeting.dormant and meeting.status is MeetingStatus.WAITING


def card_title(meeting: Meeting) -> str:
    """The meeting title as shown: one line, bounded, never empty."""
    return clip(single_line(meeting.title), MAX_TITLE_CHARS) or DEFAULT_TITLE


def header_title(meeting: Meeting) -> str:
    """The card header title: plain text in Chat, so used unescaped."""
    return clip(card_title(meeting), HEADER_TITLE_CHARS)


def status_html(status: MeetingStatus, call: CallState, *, now: datetime, zone: tzinfo = UTC) -> str:
    """The status line: the state in bold, then since when / how long where known."""
    words = bold(STATUS_WORDS[status])
    if status is MeetingStatus.IN_PROGRESS and call.started_at is not None:
        elapsed = format_duration(_utc(now) - _utc(call.started_at))
        return f"{words} since {format_clock(call.started_at, now=now, zone=zone)} ({elapsed})"
    if status is MeetingStatus.ENDED and call.started_at is not None and call.ended_at is not None:
        lasted = format_duration(_utc(call.ended_at) - _utc(call.started_at))
        return f"{words} at {format_clock(call.ended_at, now=now, zone=zone)}, lasted {lasted}"
    return words


def auto_start_notice(settings: MeetingSettings) -> str | None:
    """A sentence naming what starts by itself in the call, or None when nothing does.

    People are entitled to know before joining that they will be recorded.
    """
    features = [name for name, on in (
        ("recording", settings.auto_recording),
        ("transcription", settings.auto_transcription),
        ("smart notes", settings.auto_smart_notes),
    ) if on]
    if not features:
        return None
    listed = features[0] if len(features) == 1 else ", ".join(features[:-1]) + " and " + features[-1]
    verb = "starts" if len(features) == 1 else "start"
    return f"{listed[0].upper()}{listed[1:]} {verb} automatically in this meeting."


def access_words(meeting: Meeting) -> str:
    # Prefer what Meet reported after creation: the organizer's defaults may differ
    # from what the app asked for.
    return ACCESS_WORDS[meeting.access_type or meeting.settings.access_type]


def dial_in_widgets(dial_ins: Sequence[DialIn]) -> list[Json]:
    """The phone numbers as one widget, or no widget when Meet returned none."""
    if not dial_ins:
        return []
    shown = [_dial_in_line(entry) for entry in dial_ins[:MAX_DIAL_INS_SHOWN]]
    if len(dial_ins) > MAX_DIAL_INS_SHOWN:
        shown.append(f"and {len(dial_ins) - MAX_DIAL_INS_SHOWN} more")
    return [decorated_text(lines(*shown), icon="call")]


def names_html(names: Sequence[str]) -> str:
    """Escaped display names, comma separated, the tail summarised."""
    shown = ", ".join(escape(name) for name in names[:MAX_NAMES_SHOWN])
    if len(names) > MAX_NAMES_SHOWN:
        shown += f" and {len(names) - MAX_NAMES_SHOWN} more"
    return shown


def person_name(person: Person) -> str:
    """What to call someone: the display name, else the email, never an empty string."""
    return single_line(person.display_name) or (person.email or "") or "Unknown user"


def format_duration(delta: timedelta) -> str:
    """``"under 1 min"``, ``"42 min"``, ``"1 h 5 min"``; negative clock skew counts as zero."""
    minutes = max(int(delta.total_seconds()) // 60, 0)
    if minutes == 0:
        return "under 1 min"
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def format_clock(moment: datetime, *, now: datetime, zone: tzinfo = UTC) -> str:
    """A time of day in ``zone`` (the organizer's, on a shared card) labelled with it,
    with the date when it is not today there."""
    return clock(moment, now=now, zone=zone)


def _utc(moment: datetime) -> datetime:
    # Naive datetimes in this app are UTC (storage and the emulator clock use UTC).
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _dial_in_line(entry: DialIn) -> str:
    text = f"{bold(escape(entry.label))} {escape(entry.number)}"
    if entry.pin:
        text += f" · PIN {escape(entry.pin)}"
    return text


def _display_uri(uri: str) -> str:
    return uri.removeprefix("https://").removeprefix("http://")


_STATUS_ICONS = {
    MeetingStatus.WAITING: "schedule",
    MeetingStatus.IN_PROGRESS: "videocam",
    MeetingStatus.ENDED: "call_end",
}
_ACCESS_ICONS = {AccessType.OPEN: "public", AccessType.TRUSTED: "domain", AccessType.RESTRICTED: "lock", None: "shield"}


def _status_icon(status: MeetingStatus) -> str:
    return _STATUS_ICONS[status]


def _access_icon(meeting: Meeting) -> str:
    return _ACCESS_ICONS[meeting.access_type or meeting.settings.access_type]
