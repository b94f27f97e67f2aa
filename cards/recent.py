"""``/meetrecent``: a Chat space's last meetings, newest first.

Each meeting is one widget: title, date, status, how long its last call lasted, and
links to the recording, transcript and smart notes that are ready. Pure; the handler
gathers the values from storage (no Meet calls: a list of ten meetings must be cheap).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Sequence

from domain import Artifact, ArtifactKind, Meeting, MeetingStatus

from .join_card import STATUS_WORDS, card_title, format_duration
from .markup import bold, clip, escape, link
from .summary import ARTIFACT_WORDS, format_date, safe_url
from .times import UTC, clock
from .widgets import Json, card, card_message, card_with_id, decorated_text, section, text_paragraph

RECENT_CARD_ID = "recent"
MAX_SHOWN = 10
TITLE_CHARS = 120
EMPTY = "No meetings yet in this space. Type /meet to start one."

_STATUS_ICONS = {MeetingStatus.WAITING: "schedule", MeetingStatus.IN_PROGRESS: "videocam",
                 MeetingStatus.ENDED: "event_available"}


@dataclass(frozen=True)
class RecentMeeting:
    """One meeting as /meetrecent shows it; the call fields describe its latest call."""

    meeting: Meeting
    started_at: datetime | None = None
    ended_at: datetime | None = None
    calls: int = 0  # calls (conferences) summarised so far
    artifacts: tuple[Artifact, ...] = ()


def recent_widget(entry: RecentMeeting, zone: tzinfo = UTC) -> Json:
    meeting = entry.meeting
    day = entry.started_at or meeting.created_at
    facts = [STATUS_WORDS[meeting.status]]
    if entry.started_at is not None and entry.ended_at is not None and meeting.status is not MeetingStatus.IN_PROGRESS:
        facts.append(f"lasted {format_duration(entry.ended_at - entry.started_at)}")
    if entry.calls > 1:
        facts.append(f"{entry.calls} calls")
    lines = [bold(escape(clip(card_title(meeting), TITLE_CHARS))), escape(" · ".join(facts))]
    links = [link(url, ARTIFACT_WORDS[a.kind]) for a in _ordered(entry.artifacts)
             if a.ready and (url := safe_url(a.url)) is not None]
    if links:
        lines.append(" · ".join(links))
    when = f"{format_date(day, zone)}, {clock(day, now=day, zone=zone)}"
    return decorated_text("<br>".join(lines), top_label=when, icon=_STATUS_ICONS[meeting.status])


def _ordered(artifacts: Sequence[Artifact]) -> list[Artifact]:
    order = {kind: index for index, kind in enumerate(ArtifactKind)}
    return sorted(artifacts, key=lambda artifact: order[artifact.kind])


def recent_meetings_message(entries: Sequence[RecentMeeting], zone: tzinfo = UTC) -> Json:
    """A ``Message`` body listing ``entries`` (already newest first) as one card, its
    times in ``zone``: the list is private, so the asker's."""
    if not entries:
        widgets = [text_paragraph(escape(EMPTY))]
    else:
        widgets = [recent_widget(entry, zone) for entry in entries[:MAX_SHOWN]]
    entry = card_with_id(RECENT_CARD_ID, card("Recent meetings", [section(widgets)], subtitle="Google Meet"))
    return card_message(entry, "Recent meetings in this space")
