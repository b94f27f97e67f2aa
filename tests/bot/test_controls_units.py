"""Meeting controls without HTTP: form validation, the patch a change needs, who may act
(with small fakes for Meet and Chat), dialog errors in both formats, settings JSON."""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Iterator

import pytest

from bot.controls.authority import Role, Stale, clicked_meeting, only_who_can, role_of
from bot.controls.forms import (
    ABSENT_NEEDS_SUMMARY,
    NEXT_STEPS_NEED_SUMMARY,
    HOST_ONLY,
    RESTRICTIONS_NEED_MODERATION,
    FormError,
    parse_meeting_settings,
    parse_space_settings,
    space_config_changes,
)
from bot.controls.space_settings import Denied, may_change_defaults
from domain import (
    AccessType,
    Cohost,
    CohostState,
    MeetMember,
    MeetingSettings,
    ModerationRestrictions,
    Person,
    Restriction,
)
from bot.chat_events import ChatEvent, EventFormat, EventKind, MessageInfo, SpaceInfo
from bot.google.errors import FailureKind, GoogleApiError
from bot.google.resources import ChatMembership, parse_member, parse_membership
from bot.replies import DialogError, render
from tests.cards.support import make_meeting

ALICE = Person("users/1", "Ada Lovelace", "ada@example.com")
BOB = Person("users/2", "Bob Brown", "bob@example.com")
MALLORY = Person("users/9", "Mallory", "mallory@example.com")
CURRENT = MeetingSettings(access_type=AccessType.TRUSTED, moderation=False, post_summary=False)


# -- forms ---------------------------------------------------------------------------------
def test_meeting_settings_from_a_complete_form() -> None:
    parsed = parse_meeting_settings({"access_type": ("OPEN",), "moderation": ("ON",),
                                     "restrictions": ("chat_hosts_only", "join_as_viewer"),
                                     "auto": ("recording", "smart_notes")}, CURRENT, may_change_host_only=True)
    assert parsed == MeetingSettings(access_type=AccessType.OPEN, moderation=True, auto_recording=True,
                                     auto_smart_notes=True, post_summary=False,  # the app's options kept
                                     restrictions=ModerationRestrictions(chat=Restriction.HOSTS_ONLY,
                                                                         join_as_viewer=True))


@pytest.mark.parametrize("inputs, error", [
    ({}, "Choose who can join without asking."),
    ({"access_type": ("OPEN", "TRUSTED")}, "Choose who can join without asking."),
    ({"access_type": ("EVERYONE",)}, "Choose who can join without asking."),
    ({"access_type": ("OPEN",), "restrictions": ("chat_hosts_only",)}, RESTRICTIONS_NEED_MODERATION),
    ({"access_type": ("OPEN",), "auto": ("recording", "telepathy")}, "Unknown option 'telepathy'"),
])
def test_meeting_settings_refusals(inputs: dict[str, tuple[str, ...]], error: str) -> None:
    parsed = parse_meeting_settings(inputs, CURRENT, may_change_host_only=True)
    assert isinstance(parsed, FormError) and parsed.message.startswith(error)


def test_a_cohost_changes_access_only() -> None:
    on = MeetingSettings(access_type=AccessType.TRUSTED, moderation=True, auto_recording=True)
    parsed = parse_meeting_settings({"access_type": ("RESTRICTED",)}, on, may_change_host_only=False)
    assert parsed == MeetingSettings(access_type=AccessType.RESTRICTED, moderation=True, auto_recording=True)
    forged = parse_meeting_settings({"access_type": ("OPEN",), "auto": ()}, on, may_change_host_only=False)
    assert forged == FormError(HOST_ONLY)


def test_space_settings_from_the_form() -> None:
    parsed = parse_space_settings({"access_type": ("DEFAULT",), "moderation": ("DEFAULT",),
                                   "summary": ("post_summary",)})
    assert parsed == MeetingSettings(access_type=None, moderation=None, post_summary=True, list_absent=False,
                                     next_steps=False)
    assert parse_space_settings({"access_type": ("DEFAULT",), "moderation": ("DEFAULT",),
                                 "summary": ("post_summary", "next_steps")}) == MeetingSettings(
        post_summary=True, list_absent=False, next_steps=True)
    assert parse_space_settings({"access_type": ("OPEN",), "moderation": ("OFF",), "summary": ("list_absent",)}) \
        == FormError(ABSENT_NEEDS_SUMMARY)
    assert parse_space_settings({"access_type": ("OPEN",), "moderation": ("OFF",), "summary": ("next_steps",)}) \
        == FormError(NEXT_STEPS_NEED_SUMMARY)
    assert parse_space_settings({"access_type": ("OPEN",), "moderation": ("DEFAULT",),
                                 "restrictions": ("presenting_hosts_only",)}) == FormError(RESTRICTIONS_NEED_MODERATION)


def test_the_patch_names_only_what_changed() -> None:
    before = MeetingSettings(access_type=AccessType.TRUSTED, moderation=False)
    assert space_config_changes(before, before) == ({}, [])
    after = MeetingSettings(access_type=AccessType.OPEN, moderation=True, auto_transcription=True,
                            restrictions=ModerationRestrictions(presenting=Restriction.HOSTS_ONLY))
    config, paths = space_config_changes(before, after)
    assert paths == ["config.accessType", "config.moderation", "config.moderationRestrictions",
                     "config.artifactConfig.transcriptionConfig.autoTranscriptionGeneration"]
    assert config["moderationRestrictions"]["presentRestriction"] == "HOSTS_ONLY"  # type: ignore[index]
    assert config["artifactConfig"] == {"transcriptionConfig": {"autoTranscriptionGeneration": "ON"}}


def test_settings_json_round_trip_and_older_rows() -> None:
    settings = MeetingSettings(access_type=AccessType.OPEN, moderation=True, list_absent=False,
                               restrictions=ModerationRestrictions(reactions=Restriction.HOSTS_ONLY))
    assert MeetingSettings.from_json(settings.to_json()) == settings
    older = MeetingSettings.from_json({"accessType": "OPEN", "autoRecording": True})
    assert older.post_summary and older.list_absent and older.next_steps and older.restrictions.is_default
    quiet = MeetingSettings(next_steps=False)
    assert MeetingSettings.from_json(quiet.to_json()) == quiet
    assert "nextSteps" not in json.dumps(quiet.to_space_config())  # the app's option, never Meet's
    config = settings.to_space_config()
    assert config["moderationRestrictions"]["reactionRestriction"] == "HOSTS_ONLY"  # type: ignore[index]
    assert "moderationRestrictions" not in MeetingSettings(moderation=False).to_space_config()


# -- who may act -----------------------------------------------------------------------------
class FakeMeetings:
    def __init__(self, *meetings: Any) -> None:
        self.by_card = {m.card_message: m for m in meetings}

    def get_meeting_by_card_message(self, name: str) -> Any:
        return self.by_card.get(name)


class FakeMeet:
    """Meet's members list, given as Meet's JSON (so the parser reads it as the gateway would)."""

    def __init__(self, members: list[dict[str, Any]] | None = None, error: GoogleApiError | None = None) -> None:
        self.listed, self._members, self._error = 0, [parse_member(m) for m in members or []], error

    def members(self, credentials: Any, space: str) -> Iterator[MeetMember]:
        self.listed += 1
        if self._error:
            raise self._error
        return iter(self._members)


MEETING = make_meeting(id=4, card_message="spaces/AAAA/messages/card", organizer=ALICE,
                       cohosts=(Cohost(BOB, CohostState.ADDED),))


def click(parameters: dict[str, str], *, message: str = "spaces/AAAA/messages/card", space: str = "spaces/AAAA",
          user: Person = ALICE) -> ChatEvent:
    return ChatEvent(format=EventFormat.CLASSIC, kind=EventKind.ACTION, actor=user, space=SpaceInfo(space, "SPACE"),
                     message=MessageInfo(message, "", None), function="meeting_end", parameters=parameters)


def test_the_clicked_card_decides_the_meeting_and_the_parameter_must_agree() -> None:
    storage = FakeMeetings(MEETING)
    assert clicked_meeting(click({"meeting": "4"}), storage) is MEETING  # type: ignore[arg-type]
    assert isinstance(clicked_meeting(click({"meeting": "5"}), storage), Stale)  # type: ignore[arg-type]
    assert isinstance(clicked_meeting(click({}), storage), Stale)  # type: ignore[arg-type]
    assert isinstance(clicked_meeting(click({"meeting": "4"}, message="spaces/AAAA/messages/other"),
                                      storage), Stale)  # type: ignore[arg-type]
    assert isinstance(clicked_meeting(click({"meeting": "4"}, space="spaces/BBBB"), storage), Stale)  # type: ignore[arg-type]


def test_a_click_without_a_message_or_on_an_unsaved_meeting_is_stale() -> None:
    storage = FakeMeetings(MEETING)
    no_message = dataclasses.replace(click({"meeting": "4"}), message=None)
    assert isinstance(clicked_meeting(no_message, storage), Stale)  # type: ignore[arg-type]
    assert isinstance(clicked_meeting(click({"meeting": "4"}, message=""), storage), Stale)  # type: ignore[arg-type]
    unsaved = MEETING.with_changes(id=None)
    for parameters in ({"meeting": "None"}, {}):
        assert isinstance(clicked_meeting(click(parameters), FakeMeetings(unsaved)), Stale)  # type: ignore[arg-type]


def test_the_organizer_needs_no_meet_call() -> None:
    meet = FakeMeet()
    assert role_of(MEETING, ALICE, meet, None) is Role.ORGANIZER and meet.listed == 0  # type: ignore[arg-type]


def test_a_cohost_only_while_meet_lists_them_as_one() -> None:
    assert role_of(MEETING, BOB, FakeMeet([{"email": "BOB@example.com", "role": "COHOST"}]), None) is Role.COHOST  # type: ignore[arg-type]
    assert role_of(MEETING, BOB, FakeMeet([{"email": "bob@example.com"}]), None) is None  # type: ignore[arg-type]
    assert role_of(MEETING, MALLORY, FakeMeet([{"email": "bob@example.com", "role": "COHOST"}]), None) is None  # type: ignore[arg-type]


def test_a_cohost_is_matched_by_the_address_the_app_made_cohost() -> None:
    """Added by the app under the directory's address, they are found by that address,
    whatever email Chat sends with the click."""
    robert = Cohost(Person(BOB.user_name, "Bob Brown", "Robert@Example.com"), CohostState.ADDED)
    meeting = MEETING.with_changes(cohosts=(robert,))
    assert role_of(meeting, BOB, FakeMeet([{"email": "robert@example.com", "role": "COHOST"}]), None) is Role.COHOST  # type: ignore[arg-type]
    assert role_of(meeting, BOB, FakeMeet([{"email": "bob@example.com", "role": "COHOST"}]), None) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("state", [s for s in CohostState if s is not CohostState.ADDED])
def test_a_cohost_the_app_did_not_add_is_matched_by_the_events_email(state: CohostState) -> None:
    """A mention Meet refused (or that waits for an address) recorded an address Meet never
    made co-host: only the verified event's email can match (say the organizer made them
    co-host in Meet by hand)."""
    recorded = Cohost(Person(BOB.user_name, "Bob Brown", "bob@old.example.com"), state)
    meeting = MEETING.with_changes(cohosts=(recorded,))
    listed = FakeMeet([{"email": "bob@example.com", "role": "COHOST"}, {"email": "bob@old.example.com"}])
    assert role_of(meeting, BOB, listed, None) is Role.COHOST  # type: ignore[arg-type]
    assert role_of(meeting, BOB, FakeMeet([{"email": "bob@old.example.com", "role": "COHOST"}]), None) is None  # type: ignore[arg-type]


def test_someone_made_cohost_in_meet_by_hand_is_matched_by_the_events_email() -> None:
    meeting = MEETING.with_changes(cohosts=())
    shouting = Person(MALLORY.user_name, "Mallory", "Mallory@Example.com")
    assert role_of(meeting, shouting, FakeMeet([{"email": "mallory@example.com", "role": "COHOST"}]), None) \
        is Role.COHOST  # type: ignore[arg-type]
    nameless = FakeMeet([{"email": "", "role": "COHOST"}])
    assert role_of(meeting, Person(MALLORY.user_name, "Mallory", None), nameless, None) is None  # type: ignore[arg-type]
    assert nameless.listed == 0  # no address to match: Meet is not asked


def test_a_cohost_recorded_without_an_address_is_matched_by_the_events_email() -> None:
    recorded = Cohost(Person(BOB.user_name, "Bob Brown", None), CohostState.ADDED)
    meeting = MEETING.with_changes(cohosts=(recorded,))
    assert role_of(meeting, BOB, FakeMeet([{"email": "bob@example.com", "role": "COHOST"}]), None) is Role.COHOST  # type: ignore[arg-type]


def test_meet_unreachable_fails_closed() -> None:
    error = GoogleApiError(FailureKind.UNAVAILABLE, 503, "down")
    with pytest.raises(GoogleApiError):
        role_of(MEETING, BOB, FakeMeet(error=error), None)  # type: ignore[arg-type]


def test_who_can_names_organizer_and_cohosts() -> None:
    assert only_who_can(MEETING, "end") == \
        "Only the organizer, Ada Lovelace, and the co-host Bob Brown can end this meeting."
    # The organizer's name alone is still set off by a comma on both sides.
    assert only_who_can(MEETING.with_changes(cohosts=()), "lock") == \
        "Only the organizer, Ada Lovelace, can lock this meeting."
    carol, dan = Person("users/3", "Carol Chen", "carol@example.com"), Person("users/4", "Dan Diaz", None)
    two = MEETING.with_changes(cohosts=(Cohost(BOB, CohostState.ADDED), Cohost(carol, CohostState.ADDED),
                                        Cohost(dan, CohostState.NO_EMAIL)))
    assert only_who_can(two, "end") == \
        "Only the organizer, Ada Lovelace, and the co-hosts Bob Brown and Carol Chen can end this meeting."
    three = two.with_changes(cohosts=two.cohosts[:2] + (Cohost(dan, CohostState.ADDED),))
    assert only_who_can(three, "end") == \
        "Only the organizer, Ada Lovelace, and the co-hosts Bob Brown, Carol Chen and Dan Diaz can end this meeting."


# -- space managers ---------------------------------------------------------------------------
class FakeChat:
    def __init__(self, memberships: list[dict[str, Any]] | None = None, fail: bool = False) -> None:
        self.memberships, self.fail = [parse_membership(m) for m in memberships or []], fail

    def human_members(self, space: str) -> list[ChatMembership]:
        if self.fail:
            raise GoogleApiError(FailureKind.UNAVAILABLE, 503, "down")
        return self.memberships


def membership(person: Person, role: str) -> dict[str, Any]:
    return {"member": {"name": person.user_name, "displayName": person.display_name, "type": "HUMAN"}, "role": role}


def test_managers_decide_where_there_are_any() -> None:
    chat = FakeChat([membership(ALICE, "ROLE_MANAGER"), membership(BOB, "ROLE_MEMBER")])
    assert may_change_defaults(chat, "spaces/A", ALICE) is True  # type: ignore[arg-type]
    refused = may_change_defaults(chat, "spaces/A", BOB)  # type: ignore[arg-type]
    assert isinstance(refused, Denied) and "Ada Lovelace" in refused.message
    assert isinstance(may_change_defaults(chat, "spaces/A", MALLORY), Denied)  # type: ignore[arg-type]


def test_without_managers_any_member_and_chat_down_nobody() -> None:
    chat = FakeChat([membership(ALICE, "ROLE_MEMBER"), membership(BOB, "ROLE_MEMBER")])
    assert may_change_defaults(chat, "spaces/G", BOB) is True  # type: ignore[arg-type]
    down = may_change_defaults(FakeChat(fail=True), "spaces/G", BOB)  # type: ignore[arg-type]
    assert isinstance(down, Denied) and down.status_code == "UNAVAILABLE"


# -- dialog errors in both formats --------------------------------------------------------------
def test_dialog_error_keeps_the_dialog_open_in_both_formats() -> None:
    card = {"header": {"title": "Settings"}, "sections": [{"widgets": [{"buttonList": {"buttons": [
        {"text": "Save", "onClick": {"action": {"function": "meeting_settings_save"}}}]}}]}]}
    classic = render(DialogError("Turn moderation on", card=card), click({}))
    assert classic == {"actionResponse": {"type": "DIALOG", "dialogAction": {
        "actionStatus": {"statusCode": "INVALID_ARGUMENT", "userFacingMessage": "Turn moderation on"},
        "dialog": {"body": card}}}}
    addon_event = ChatEvent(format=EventFormat.ADDON, kind=EventKind.ACTION, actor=ALICE,
                            space=SpaceInfo("spaces/AAAA", "SPACE"))
    addon = render(DialogError("Turn moderation on", card=card), addon_event, endpoint_url="https://bot.example/")
    assert addon["action"]["notification"] == {"text": "Turn moderation on"}
    save = addon["action"]["navigations"][0]["updateCard"]["sections"][0]["widgets"][0]["buttonList"]["buttons"][0]
    assert save["onClick"]["action"] == {"function": "https://bot.example/",
                                         "parameters": [{"key": "action", "value": "meeting_settings_save"}]}
