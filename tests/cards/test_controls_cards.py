"""The meeting controls' cards: which buttons, their shape per event format, the two
settings dialogs, the co-host report and /meetrecent, each valid against Chat's schema."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest

from domain import (
    AccessType,
    Artifact,
    ArtifactKind,
    Cohost,
    CohostState,
    MeetingSettings,
    MeetingStatus,
    ModerationRestrictions,
    Person,
    Restriction,
)
from cards import buttons as controls, settings
from cards.join_card import join_card_message
from cards.recent import RecentMeeting, recent_meetings_message
from emulator.schema import validate
from tests.cards.support import EVIL, NOW, assert_valid_message, html_fields, make_meeting, parse_html, visible_text

ENDPOINT = "https://bot.example.com/"


def labels(actions: list) -> list[str]:
    return [action.label for action in actions]


@pytest.mark.parametrize("status, access, expected", [
    (MeetingStatus.WAITING, None, ["Lock", "Settings", "Refresh"]),
    (MeetingStatus.IN_PROGRESS, AccessType.TRUSTED, ["End for everyone", "Lock", "Settings", "Refresh"]),
    (MeetingStatus.IN_PROGRESS, AccessType.RESTRICTED, ["End for everyone", "Unlock", "Settings", "Refresh"]),
    (MeetingStatus.ENDED, AccessType.RESTRICTED, ["Unlock", "Settings", "Refresh"]),
])
def test_which_buttons_a_meeting_shows(status: MeetingStatus, access: AccessType | None, expected: list[str]) -> None:
    meeting = make_meeting(id=7, status=status, access_type=access)
    actions = controls.control_actions(meeting)
    assert labels(actions) == expected
    assert all(dict(action.parameters) == {"meeting": "7"} for action in actions)  # the id, nothing else
    assert [a.opens_dialog for a in actions if a.function == controls.SETTINGS] == [True]


def test_a_meeting_not_yet_recorded_has_no_controls() -> None:
    assert controls.control_actions(make_meeting()) == []


def test_addon_shape_names_the_endpoint_and_carries_the_action() -> None:
    body = join_card_message(make_meeting(id=3), now=NOW, actions=controls.control_actions(make_meeting(id=3)))
    original = copy.deepcopy(body)
    shaped = controls.shape_actions(body, event_format="addon", endpoint_url=ENDPOINT)
    assert body == original  # not modified in place
    actions = [b["onClick"] for b in shaped["cardsV2"][0]["card"]["sections"][0]["widgets"][-1]["buttonList"]["buttons"]]
    assert actions[0] == {"openLink": {"url": "https://meet.google.com/abc-defg-hij"}}  # links untouched
    invoked = [a["action"] for a in actions[1:]]
    assert all(a["function"] == ENDPOINT for a in invoked)
    assert [a["parameters"] for a in invoked][0] == [{"key": "action", "value": controls.LOCK},
                                                     {"key": "meeting", "value": "3"}]
    assert controls.shape_actions(shaped, event_format="addon", endpoint_url=ENDPOINT) == shaped  # idempotent
    assert_valid_message(shaped)


def test_classic_shape_and_missing_endpoint_leave_names_alone() -> None:
    body = join_card_message(make_meeting(id=3), now=NOW, actions=controls.control_actions(make_meeting(id=3)))
    assert controls.shape_actions(body, event_format="classic", endpoint_url=ENDPOINT) is body
    assert controls.shape_actions(body, event_format="addon", endpoint_url=None) is body


def test_cohost_outcomes_on_the_card_are_escaped_and_name_the_refusals() -> None:
    meeting = make_meeting(id=1, cohosts=(
        Cohost(Person("users/2", "Bob Brown", "bob@example.com"), CohostState.ADDED),
        Cohost(Person("users/3", EVIL), CohostState.REFUSED, reason="Google Meet refused"),
    ))
    body = join_card_message(meeting, now=NOW)
    assert_valid_message(body)
    text = visible_text(body["cardsV2"][0]["card"])
    assert "Bob Brown" in text and f"Couldn't add {EVIL} as co-host: Google Meet refused" in text
    hrefs = [h for field in html_fields(body["cardsV2"][0]["card"]) for h in parse_html(field).hrefs]
    assert hrefs == ["https://meet.google.com/abc-defg-hij"]  # the name made no link


def test_meeting_settings_dialog_for_the_organizer_and_for_a_cohost() -> None:
    current = MeetingSettings(access_type=AccessType.OPEN, moderation=True, auto_recording=True,
                              restrictions=ModerationRestrictions(chat=Restriction.HOSTS_ONLY))
    meeting = make_meeting(id=5, title=EVIL)
    full = settings.meeting_settings_dialog(meeting, current, may_change_host_only=True, error="Bad <input>")
    validate("chat", "GoogleAppsCardV1Card", full)
    text = json.dumps(full)
    assert '"name": "moderation"' in text and '"name": "auto"' in text
    assert "Bad &lt;input&gt;" in text and "<a href" not in text
    selected = {item["value"] for w in _inputs(full) for item in w["items"] if item["selected"]}
    assert {"OPEN", "ON", "chat_hosts_only", "recording"} <= selected and "transcription" not in selected

    limited = settings.meeting_settings_dialog(meeting, current, may_change_host_only=False)
    validate("chat", "GoogleAppsCardV1Card", limited)
    assert [w["name"] for w in _inputs(limited)] == ["access_type"]
    assert "Only the organizer can change moderation" in json.dumps(limited)


def test_space_settings_dialog_shows_the_defaults() -> None:
    dialog = settings.space_settings_dialog(MeetingSettings(moderation=False, post_summary=True, list_absent=False,
                                                            next_steps=False), space_name="Team <x>")
    validate("chat", "GoogleAppsCardV1Card", dialog)
    chosen = {w["name"]: [i["value"] for i in w["items"] if i["selected"]] for w in _inputs(dialog)}
    assert chosen["access_type"] == ["DEFAULT"] and chosen["moderation"] == ["OFF"]
    assert chosen["summary"] == ["post_summary"]
    assert "Team &lt;x&gt;" in json.dumps(dialog)
    # Next steps from the transcript are on unless a space turned them off.
    default = settings.space_settings_dialog(MeetingSettings())
    summary = next(w for w in _inputs(default) if w["name"] == "summary")
    assert [i["value"] for i in summary["items"] if i["selected"]] == ["post_summary", "list_absent", "next_steps"]


def _inputs(card: dict) -> list[dict]:
    return [w["selectionInput"] for s in card["sections"] for w in s["widgets"] if "selectionInput" in w]


def test_recent_meetings_card() -> None:
    ended = make_meeting(id=2, title="Retro", status=MeetingStatus.ENDED)
    entries = [
        RecentMeeting(ended, NOW - timedelta(hours=2), NOW - timedelta(hours=1, minutes=15), 2, (
            Artifact(ArtifactKind.TRANSCRIPT, True, "https://docs.google.com/t"),
            Artifact(ArtifactKind.RECORDING, True, "javascript:alert(1)"),
            Artifact(ArtifactKind.SMART_NOTES, False, None))),
        RecentMeeting(make_meeting(id=1, title=EVIL)),
    ]
    message = recent_meetings_message(entries)
    assert_valid_message(message)
    text = visible_text(message["cardsV2"][0]["card"])
    assert "Retro" in text and "lasted 45 min" in text and "2 calls" in text and EVIL in text
    hrefs = [h for w in message["cardsV2"][0]["card"]["sections"][0]["widgets"]
             for h in parse_html(w["decoratedText"]["text"]).hrefs]
    assert hrefs == ["https://docs.google.com/t"]  # the unsafe link is not offered
    assert "No meetings yet" in json.dumps(recent_meetings_message([]))


def test_notice_escapes_names() -> None:
    notice = controls.notice_message(f"Only the organizer, {EVIL}, can end this meeting.")
    assert_valid_message(notice)
    assert "text" not in notice and "&lt;a href" in json.dumps(notice)
