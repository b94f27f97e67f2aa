"""The one event model: both of Chat's formats parse to the same typed events."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.chat_events import EventFormat, EventKind, MalformedEvent, MissingUser, parse_event
from bot.replies import CloseDialog, NewMessage, NoReply, OpenDialog, RequestConfig, UpdateMessage, render
from bot.text import has_unstorable_text, raw_json_is_storable

ALICE = {"name": "users/111", "displayName": "Alice Anders", "email": "alice@example.com", "type": "HUMAN"}
BOB = {"name": "users/222", "displayName": "Bob Brown", "email": "bob@example.com", "type": "HUMAN"}
SPACE = {"name": "spaces/AAA", "type": "ROOM", "spaceType": "SPACE", "displayName": "Team"}
DM = {"name": "spaces/DDD", "type": "DM", "spaceType": "DIRECT_MESSAGE", "singleUserBotDm": True}
# The app as Google names it in events: a numeric user id like anyone's, type BOT
# (the ``users/app`` alias is for requests; Chat never sends it).
APP = {"name": "users/104710123456789012345", "displayName": "Meet", "type": "BOT",
       "avatarUrl": "https://developers.google.com/chat/images/quickstart-app-avatar.png"}


def slash_message(text: str = "/meet Weekly sync @Bob Brown", argument: str = " Weekly sync @Bob Brown") -> dict[str, Any]:
    return {
        "name": "spaces/AAA/messages/M1", "sender": ALICE, "text": text, "argumentText": argument,
        "thread": {"name": "spaces/AAA/threads/T1"}, "space": SPACE,
        "slashCommand": {"commandId": "1"},
        "annotations": [
            {"type": "SLASH_COMMAND", "startIndex": 0, "length": 5,
             "slashCommand": {"bot": APP, "type": "INVOKE", "commandName": "/meet",
                              "commandId": "1"}},
            {"type": "USER_MENTION", "startIndex": 18, "length": 10, "userMention": {"user": BOB, "type": "MENTION"}},
            {"type": "USER_MENTION", "startIndex": 0, "length": 5,
             "userMention": {"user": APP, "type": "MENTION"}},
        ],
    }


def classic(event_type: str, **fields: Any) -> dict[str, Any]:
    return {"type": event_type, "eventTime": "2026-11-24T10:00:00Z", "space": SPACE, "user": ALICE,
            "common": {"userLocale": "en", "hostApp": "CHAT", "timeZone": {"id": "Europe/Paris"}}, **fields}


def addon(payload_name: str, payload: dict[str, Any], common: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"commonEventObject": {"hostApp": "CHAT", "platform": "WEB", "userLocale": "en", **(common or {})},
            "authorizationEventObject": {"systemIdToken": "x"},
            "chat": {"user": ALICE, "space": payload.get("space", SPACE), "eventTime": "2026-11-24T10:00:00Z",
                     payload_name: payload}}


def test_classic_slash_command() -> None:
    event = parse_event(classic("MESSAGE", message=slash_message(),
                                configCompleteRedirectUrl="https://chat.google.com/api/bot_config_complete?t=1"))
    assert event.format is EventFormat.CLASSIC and event.kind is EventKind.COMMAND
    assert event.command_id == 1
    assert event.argument_text == "Weekly sync @Bob Brown"
    assert [p.user_name for p in event.mentions] == ["users/222"]  # the app's own mention is not a person
    assert event.user.email == "alice@example.com"
    assert event.thread_name == "spaces/AAA/threads/T1"
    assert event.config_complete_url and event.time_zone == "Europe/Paris"


def test_addon_app_command_parses_to_the_same_event() -> None:
    message = slash_message()
    event = parse_event(addon("appCommandPayload", {
        "appCommandMetadata": {"appCommandId": 1, "appCommandType": "SLASH_COMMAND"}, "message": message,
        "space": SPACE, "configCompleteRedirectUri": "https://chat.google.com/api/bot_config_complete?t=1"}))
    classic_event = parse_event(classic("MESSAGE", message=message))
    assert event.format is EventFormat.ADDON
    for attribute in ("kind", "command_id", "argument_text", "mentions", "user", "space", "thread_name"):
        assert getattr(event, attribute) == getattr(classic_event, attribute), attribute


@pytest.mark.parametrize("body,kind", [
    (classic("ADDED_TO_SPACE"), EventKind.ADDED_TO_SPACE),
    (classic("REMOVED_FROM_SPACE"), EventKind.REMOVED_FROM_SPACE),
    (addon("addedToSpacePayload", {"space": SPACE, "interactionAdd": False}), EventKind.ADDED_TO_SPACE),
    (addon("removedFromSpacePayload", {"space": SPACE}), EventKind.REMOVED_FROM_SPACE),
    (classic("MESSAGE", message={"name": "spaces/DDD/messages/1", "text": "hello", "sender": ALICE}, space=DM),
     EventKind.MESSAGE),
    (addon("messagePayload", {"message": {"name": "spaces/DDD/messages/1", "text": "hi", "sender": ALICE},
                              "space": DM}), EventKind.MESSAGE),
    (classic("WIDGET_UPDATED"), EventKind.OTHER),
])
def test_kinds(body: dict[str, Any], kind: EventKind) -> None:
    assert parse_event(body).kind is kind


def test_dm_space_type_from_legacy_type() -> None:
    event = parse_event(classic("ADDED_TO_SPACE", space={"name": "spaces/X", "type": "DM"}))
    assert event.space.is_direct_message


def test_classic_card_click_and_dialog_submission() -> None:
    event = parse_event(classic(
        "CARD_CLICKED", message={"name": "spaces/AAA/messages/M2", "sender": APP},
        action={"actionMethodName": "end_meeting", "parameters": [{"key": "meeting", "value": "7"}]},
        common={"invokedFunction": "end_meeting", "parameters": {"meeting": "7"},
                "formInputs": {"access": {"stringInputs": {"value": ["OPEN"]}},
                               "when": {"dateTimeInput": {"msSinceEpoch": "1700000000000"}}}},
        isDialogEvent=True, dialogEventType="SUBMIT_DIALOG"))
    assert event.kind is EventKind.ACTION and event.function == "end_meeting"
    assert event.parameters == {"meeting": "7"}
    assert event.form_inputs == {"access": ("OPEN",), "when": ("1700000000000",)}
    assert event.is_dialog and event.dialog_event_type == "SUBMIT_DIALOG"


def test_addon_button_names_its_action_in_parameters() -> None:
    event = parse_event(addon("buttonClickedPayload", {"message": {"name": "spaces/AAA/messages/M2"}, "space": SPACE},
                              common={"invokedFunction": "https://bot.example/", "parameters": {"action": "refresh"}}))
    assert event.kind is EventKind.ACTION and event.function == "refresh"


@pytest.mark.parametrize("body", [
    None, [], "text", 42, {}, {"type": "MESSAGE"}, {"type": "MESSAGE", "user": ALICE},
    {"type": "MESSAGE", "user": {"name": "not-a-user"}, "space": SPACE},
    {"type": "MESSAGE", "user": ALICE, "space": {"name": "rooms/1"}},
    {"type": 7, "user": ALICE, "space": SPACE},
    {"chat": "nope"}, {"chat": {"user": ALICE}},
    {"type": "MESSAGE", "user": ALICE, "space": SPACE, "message": {"text": 5}},
])
def test_malformed_events_are_refused_with_a_reason(body: Any) -> None:
    with pytest.raises(MalformedEvent):
        parse_event(body)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=30)
event_like = st.fixed_dictionaries(
    {}, optional={"type": st.sampled_from(["MESSAGE", "CARD_CLICKED", "ADDED_TO_SPACE", "X"]) | json_values,
                  "user": st.just(ALICE) | json_values, "space": st.just(SPACE) | json_values,
                  "message": json_values, "common": json_values, "action": json_values,
                  "chat": json_values, "commonEventObject": json_values})


@settings(max_examples=300, deadline=None)
@given(event_like)
def test_parser_never_fails_with_anything_but_malformed_event(body: dict[str, Any]) -> None:
    try:
        parse_event(body)
    except MalformedEvent:
        pass


# -- replies in each format ----------------------------------------------------------
CLASSIC_EVENT = parse_event(classic("MESSAGE", message=slash_message()))
ADDON_EVENT = parse_event(addon("appCommandPayload", {"appCommandMetadata": {"appCommandId": 1},
                                                      "message": slash_message(), "space": SPACE}))


def test_new_message_rendering() -> None:
    reply = NewMessage({"text": "hi"}, private_to="users/111")
    assert render(reply, CLASSIC_EVENT) == {"text": "hi", "privateMessageViewer": {"name": "users/111"}}
    assert render(reply, ADDON_EVENT) == {"hostAppDataAction": {"chatDataAction": {"createMessageAction": {
        "message": {"text": "hi", "privateMessageViewer": {"name": "users/111"}}}}}}


def test_other_replies_rendering() -> None:
    assert render(UpdateMessage({"text": "x"}), CLASSIC_EVENT)["actionResponse"] == {"type": "UPDATE_MESSAGE"}
    assert "updateMessageAction" in render(UpdateMessage({"text": "x"}), ADDON_EVENT)["hostAppDataAction"]["chatDataAction"]
    assert render(RequestConfig("https://a/"), CLASSIC_EVENT) == {"actionResponse": {"type": "REQUEST_CONFIG",
                                                                                    "url": "https://a/"}}
    assert render(RequestConfig("https://a/"), ADDON_EVENT)["basicAuthorizationPrompt"]["authorizationUrl"] == "https://a/"
    card = {"sections": []}
    assert render(OpenDialog(card), CLASSIC_EVENT)["actionResponse"]["dialogAction"]["dialog"]["body"] == card
    assert render(OpenDialog(card), ADDON_EVENT) == {"action": {"navigations": [{"pushCard": card}]}}
    assert render(CloseDialog("Saved"), CLASSIC_EVENT)["actionResponse"]["dialogAction"]["actionStatus"] == {
        "statusCode": "OK", "userFacingMessage": "Saved"}
    assert render(CloseDialog("Saved"), ADDON_EVENT)["action"]["notification"] == {"text": "Saved"}
    assert render(NoReply(), CLASSIC_EVENT) == {} == render(NoReply(), ADDON_EVENT)


@pytest.mark.parametrize("zone, kept", [
    ("Europe/Paris", "Europe/Paris"), ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
    ("Etc/GMT+5", "Etc/GMT+5"), ("UTC", "UTC"),
    ("../../etc/passwd", None), ("Europe/Paris; DROP", None), ("", None), ("x" * 65, None), (42, None),
])
def test_the_users_time_zone_is_kept_only_when_it_looks_like_one(zone: Any, kept: str | None) -> None:
    common = {"userLocale": "en", "hostApp": "CHAT", "timeZone": {"id": zone, "offset": 3600000}}
    event = parse_event({**classic("MESSAGE", message=slash_message()), "common": common})
    assert event.time_zone == kept
    added = parse_event(addon("appCommandPayload", {"message": slash_message(), "space": SPACE},
                              common={"userLocale": "en", "hostApp": "CHAT", "timeZone": {"id": zone}}))
    assert added.time_zone == kept


# -- shapes from Google's documentation and samples ------------------------------------


def test_an_app_added_by_a_slash_command_gets_one_event_with_the_message() -> None:
    message = slash_message("/meet Kickoff", " Kickoff")
    event = parse_event(classic("ADDED_TO_SPACE", message=message,
                                configCompleteRedirectUrl="https://chat.google.com/api/bot_config_complete?t=1"))
    assert event.kind is EventKind.ADDED_TO_SPACE and event.carries_command
    assert event.command_id == 1 and event.argument_text == "Kickoff"
    assert event.thread_name == "spaces/AAA/threads/T1" and event.message and event.message.name == "spaces/AAA/messages/M1"
    assert event.config_complete_url


def test_an_app_added_by_an_at_mention_carries_the_message_but_no_command() -> None:
    message = {"name": "spaces/AAA/messages/M3", "text": "@Meet hello", "argumentText": " hello", "sender": ALICE,
               "annotations": [{"type": "USER_MENTION", "startIndex": 0, "length": 5, "userMention": {
                   "user": APP, "type": "ADD"}}]}
    event = parse_event(classic("ADDED_TO_SPACE", message=message))
    assert event.kind is EventKind.ADDED_TO_SPACE and not event.carries_command
    assert parse_event(classic("ADDED_TO_SPACE")).carries_command is False


def test_a_classic_quick_command_routes_as_the_addon_one_does() -> None:
    metadata = {"appCommandId": 5, "appCommandType": "QUICK_COMMAND"}
    classic_event = parse_event(classic("APP_COMMAND", appCommandMetadata=metadata))
    addon_event = parse_event(addon("appCommandPayload", {"appCommandMetadata": metadata, "space": SPACE}))
    for event in (classic_event, addon_event):
        assert event.kind is EventKind.COMMAND and event.command_id == 5 and event.argument_text == ""
        assert event.user.user_name == "users/111" and event.message is None


def test_a_classic_app_command_for_a_slash_command_keeps_its_message() -> None:
    event = parse_event(classic("APP_COMMAND", message=slash_message(),
                                appCommandMetadata={"appCommandId": 1, "appCommandType": "SLASH_COMMAND"}))
    assert event.kind is EventKind.COMMAND and event.command_id == 1
    assert event.argument_text == "Weekly sync @Bob Brown" and [p.user_name for p in event.mentions] == ["users/222"]


@pytest.mark.parametrize("body", [
    {"type": "REMOVED_FROM_SPACE", "eventTime": "2026-11-24T10:00:00Z", "space": SPACE},
    {"type": "WIDGET_UPDATED", "space": SPACE},
    {"type": "APP_HOME", "space": DM},
    {"type": "ADDED_TO_SPACE", "space": DM},  # an administrator's install
    {"chat": {"space": SPACE, "eventTime": "2026-11-24T10:00:00Z", "removedFromSpacePayload": {"space": SPACE}}},
    {"chat": {"space": SPACE, "widgetUpdatedPayload": {"space": SPACE}}},
])
def test_events_without_a_user_are_accepted_where_google_sends_them(body: dict[str, Any]) -> None:
    event = parse_event(body)
    assert event.actor is None and event.space.name.startswith("spaces/")
    with pytest.raises(MissingUser):
        _ = event.user


def test_a_removal_without_a_user_is_still_a_removal() -> None:
    assert parse_event({"type": "REMOVED_FROM_SPACE", "space": SPACE}).kind is EventKind.REMOVED_FROM_SPACE


@pytest.mark.parametrize("body", [
    {"type": "MESSAGE", "space": SPACE, "message": slash_message()},
    {"type": "APP_COMMAND", "space": SPACE, "appCommandMetadata": {"appCommandId": 1}},
    {"type": "CARD_CLICKED", "space": SPACE, "common": {"invokedFunction": "meeting_end"}},
    {"type": "ADDED_TO_SPACE", "space": SPACE, "message": slash_message()},  # a command needs its person
    {"type": "APP_COMMAND", "space": SPACE, "user": ALICE},  # which command?
    {"chat": {"space": SPACE, "appCommandPayload": {"space": SPACE, "appCommandMetadata": {"appCommandId": 1}}}},
    {"chat": {"user": ALICE, "space": SPACE, "appCommandPayload": {"space": SPACE}}},
])
def test_events_that_act_for_someone_still_need_them(body: dict[str, Any]) -> None:
    with pytest.raises(MalformedEvent):
        parse_event(body)


@pytest.mark.parametrize("value,expected", [(True, True), ("true", True), ("TRUE", True), (False, False),
                                            ("false", False), (None, False), (1, False)])
def test_is_dialog_event_may_arrive_as_a_string(value: Any, expected: bool) -> None:
    classic_event = parse_event(classic("CARD_CLICKED", isDialogEvent=value, dialogEventType="SUBMIT_DIALOG",
                                        common={"invokedFunction": "space_settings_save"}))
    addon_event = parse_event(addon("buttonClickedPayload", {"space": SPACE, "isDialogEvent": value,
                                                             "dialogEventType": "SUBMIT_DIALOG"},
                                    common={"invokedFunction": "space_settings_save"}))
    assert classic_event.is_dialog is expected and addon_event.is_dialog is expected


def test_submit_form_routes_like_a_click_when_it_names_a_function() -> None:
    event = parse_event(classic("SUBMIT_FORM", common={"invokedFunction": "space_settings_save",
                                                       "formInputs": {"access": {"stringInputs": {"value": ["OPEN"]}}}}))
    assert event.kind is EventKind.ACTION and event.function == "space_settings_save"
    assert event.form_inputs == {"access": ("OPEN",)}
    assert parse_event({"type": "SUBMIT_FORM", "user": ALICE, "space": DM}).kind is EventKind.OTHER


@pytest.mark.parametrize("event_type", ["APP_HOME", "WIDGET_UPDATED", "SOMETHING_CHAT_ADDS_LATER"])
def test_unknown_but_valid_events_are_other(event_type: str) -> None:
    assert parse_event(classic(event_type)).kind is EventKind.OTHER


# -- unstorable text: judged from the raw bytes when they cannot hold any -----------------------

any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=8)
raw_values = st.recursive(st.none() | st.integers() | any_text,
                          lambda children: st.lists(children, max_size=3) | st.dictionaries(any_text, children,
                                                                                            max_size=3),
                          max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(raw_values, st.booleans())
def test_bytes_said_storable_never_decode_to_unstorable_text(value: Any, ascii_only: bool) -> None:
    # Both ways a sender may write JSON: escapes (\ud800, \u0000), or the characters as bytes.
    raw = json.dumps({"type": "MESSAGE", "v": value}, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    decoded = json.loads(raw)
    if raw_json_is_storable(raw):
        assert not has_unstorable_text(decoded)
    with_raw: Any = None
    without_raw: Any = None
    try:
        with_raw = parse_event(decoded, raw=raw)
    except MalformedEvent as error:
        with_raw = str(error)
    try:
        without_raw = parse_event(decoded)
    except MalformedEvent as error:
        without_raw = str(error)
    assert with_raw == without_raw  # the bytes only spare the walk, never change the answer


@pytest.mark.parametrize("raw", [b'{"type": "MESSAGE", "text": "\\ud800"}', b'{"type": "MESSAGE", "text": "a\\u0000"}',
                                 '{"type": "MESSAGE", "text": "\ud800"}'.encode("utf-8", "surrogatepass"),
                                 '{"type": "MESSAGE", "text": "x"}'.encode("utf-16")])
def test_bytes_that_may_hold_unstorable_text_are_looked_at_closer(raw: bytes) -> None:
    assert not raw_json_is_storable(raw)
    decoded = json.loads(raw)
    if has_unstorable_text(decoded):
        with pytest.raises(MalformedEvent, match="not valid Unicode"):
            parse_event(decoded, raw=raw)


def test_plain_and_non_ascii_utf8_bytes_are_storable() -> None:
    assert raw_json_is_storable('{"type": "MESSAGE", "text": "Réunion 会議 🎉"}'.encode())
    assert not raw_json_is_storable('{"text": "한"}'.encode())  # U+D55C starts with 0xED: walked, still fine
    assert not has_unstorable_text(json.loads('{"text": "한"}'.encode()))


def test_the_help_built_once_is_never_changed_by_answering_with_it() -> None:
    import copy

    from bot.handlers.help import plain_message, show_help
    from cards.help import help_message, shown_help

    assert shown_help() is shown_help() and shown_help() == help_message()
    before = copy.deepcopy(shown_help())
    classic_reply = show_help(CLASSIC_EVENT, None)  # type: ignore[arg-type]  # the help needs no services
    assert isinstance(classic_reply, NewMessage) and classic_reply.body is shown_help()
    rendered = render(NewMessage(shown_help(), private_to="users/1"), CLASSIC_EVENT)
    assert rendered["privateMessageViewer"] == {"name": "users/1"}
    render(NewMessage(shown_help(), private_to="users/1"), ADDON_EVENT, endpoint_url="https://bot.example.com/")
    render(plain_message(ADDON_EVENT, None), ADDON_EVENT)  # type: ignore[arg-type]
    assert shown_help() == before and "privateMessageViewer" not in shown_help()
