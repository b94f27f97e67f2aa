"""Which Workspace Events announce a conference's files (``files_announced``): those ask
their meeting's sync to look only at that conference; every other event, or a payload that
does not name an artifact as Meet does, asks for a full look."""

from __future__ import annotations

from typing import Any

import pytest

from bot.google.workspace_events import MEET_EVENT_TYPES
from bot.lifecycle.pushes import FILE_EVENTS, file_events, files_announced
from bot.pubsub import WorkspaceEvent

MEET = "google.workspace.meet."


def event(kind: str, data: dict[str, Any]) -> WorkspaceEvent:
    return WorkspaceEvent(id="e1", type=MEET + kind, source="//workspaceevents.googleapis.com/subscriptions/s1",
                          subject="//meet.googleapis.com/spaces/abc", time=None, data=data)


@pytest.mark.parametrize(("kind", "field", "collection"), [
    ("recording.v2.fileGenerated", "recording", "recordings"),
    ("transcript.v2.fileGenerated", "transcript", "transcripts"),
    ("smartNote.v2.fileGenerated", "smartNote", "smartNotes"),
])
def test_a_file_event_names_its_conference(kind: str, field: str, collection: str) -> None:
    name = f"conferenceRecords/conf-1_A/{collection}/file-9_z"
    assert files_announced(event(kind, {field: {"name": name}})) == "conferenceRecords/conf-1_A"


@pytest.mark.parametrize(("kind", "data"), [
    ("conference.v2.ended", {"conferenceRecord": {"name": "conferenceRecords/c1"}}),
    ("participant.v2.left", {"participantSession": {"name": "conferenceRecords/c1/participants/p/participantSessions/s"}}),
    ("recording.v2.fileGenerated", {}),  # no artifact named
    ("recording.v2.fileGenerated", {"recording": "conferenceRecords/c1/recordings/r1"}),  # not an object
    ("recording.v2.fileGenerated", {"recording": {"name": 7}}),
    ("recording.v2.fileGenerated", {"transcript": {"name": "conferenceRecords/c1/transcripts/t1"}}),  # wrong field
    ("recording.v2.fileGenerated", {"recording": {"name": "conferenceRecords/c1"}}),  # not an artifact
    ("recording.v2.fileGenerated", {"recording": {"name": "conferenceRecords/c1/recordings/r1/x"}}),
    ("recording.v2.fileGenerated", {"recording": {"name": "conferenceRecords/../recordings/r1"}}),
    ("recording.v2.fileGenerated", {"recording": {"name": "conferenceRecords/c1/participants/r1"}}),
    ("recording.v2.fileGenerated", {"recording": {"name": "conferenceRecords/" + "c" * 201 + "/recordings/r1"}}),
    ("recording.v3.fileGenerated", {"recording": {"name": "conferenceRecords/c1/recordings/r1"}}),  # unknown type
])
def test_anything_else_asks_for_a_full_look(kind: str, data: dict[str, Any]) -> None:
    assert files_announced(event(kind, data)) is None


def test_the_file_events_are_the_subscriptions_own() -> None:
    """Named once, where the subscription asks for them: a file event type added there (or
    renamed) is one the pushes recognise, with its payload field."""
    assert FILE_EVENTS == file_events(MEET_EVENT_TYPES) == {
        MEET + "recording.v2.fileGenerated": "recording",
        MEET + "transcript.v2.fileGenerated": "transcript",
        MEET + "smartNote.v2.fileGenerated": "smartNote",
    }
    assert file_events([MEET + "conference.v2.ended", MEET + "recording.v3.fileGenerated",
                        "google.workspace.chat.message.v1.fileGenerated"]) == {
        MEET + "recording.v3.fileGenerated": "recording"}
