"""Chat's less everyday events, end to end: each shape Google documents, signed as Chat
signs it and sent to the real app.

The emulator produces most of them itself (an app added back by a slash command, quick
commands, removals without a user); the rest (WIDGET_UPDATED, SUBMIT_FORM, a string
``isDialogEvent``, event types Chat may add) are Google's documented payloads sent
with a genuine Chat token (``tests.security.conftest.signed_post``).
"""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.conftest import Stack
from tests.security.conftest import signed_post


def space_id(space: dict[str, Any]) -> str:
    return space["name"].split("/", 1)[1]


def cards(stack: Stack, space: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in stack.app_messages(space) if m.get("cardsV2")]


def deliveries(stack: Stack) -> list[dict[str, Any]]:
    return stack.control("GET", "chat/deliveries")["deliveries"]


def test_a_slash_command_that_adds_the_app_welcomes_and_creates_the_meeting(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    stack.control("POST", f"chat/spaces/{space_id(space)}/remove-app", {"user": alice["name"]})
    assert not stack.storage.spaces.is_installed(space["name"])
    before = len(deliveries(stack))

    answer = stack.say(space, alice, "/meet Kickoff")

    assert answer["appAdded"] is True
    sent = deliveries(stack)[before:]
    # Classic: one ADDED_TO_SPACE carrying the message; add-on: added, then the command.
    assert [d["eventType"] for d in sent] == (["ADDED_TO_SPACE"] if stack.local.event_format == "classic"
                                              else ["ADDED_TO_SPACE", "MESSAGE"])
    assert all(d["httpStatus"] == 200 and d["outcome"] != "error" for d in sent), sent
    texts = [m.get("text", "") for m in stack.app_messages(space)]
    welcomes = [i for i, text in enumerate(texts) if text.startswith("Thanks for adding me")]
    assert len(welcomes) == 2  # the first install's, and this one's
    joined = cards(stack, space)
    assert len(joined) == 1 and joined[0]["cardsV2"][0]["card"]["header"]["title"] == "Kickoff"
    # The welcome reads first, then the join card.
    names = [m["name"] for m in stack.app_messages(space)]
    assert names.index(joined[0]["name"]) > welcomes[1]
    meeting = stack.storage.meetings.recent_meetings(space["name"])
    assert [m.title for m in meeting] == ["Kickoff"] and meeting[0].organizer.user_name == alice["name"]
    assert stack.storage.spaces.is_installed(space["name"])


def test_a_redelivered_addition_makes_nothing_twice(classic_stack: Stack) -> None:
    stack = classic_stack
    stack.control("POST", "reset")
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    stack.control("POST", f"chat/spaces/{space_id(space)}/remove-app", {"user": alice["name"]})
    stack.say(space, alice, "/meet Kickoff")
    event = deliveries(stack)[-1]["event"]
    assert event["type"] == "ADDED_TO_SPACE" and event["message"]["slashCommand"]
    before = len(stack.app_messages(space))
    assert signed_post(stack, event).status_code == 200  # Chat delivers it again
    assert len(stack.app_messages(space)) == before
    assert len(stack.storage.meetings.recent_meetings(space["name"])) == 1


def test_an_unlinked_person_adding_the_app_by_a_command_is_welcomed_and_asked_to_link(stack: Stack) -> None:
    bob = stack.person("Bob Brown")
    space = stack.space(bob)
    stack.control("POST", f"chat/spaces/{space_id(space)}/remove-app", {"user": bob["name"]})
    answer = stack.say(space, bob, "/meet Kickoff")
    url = stack.prompt_url(answer)
    assert sum(m.get("text", "").startswith("Thanks for adding me") for m in stack.app_messages(space)) == 2
    assert stack.follow(url).status_code == 200  # Bob links; his /meet finishes by itself
    assert [m.title for m in stack.storage.meetings.recent_meetings(space["name"])] == ["Kickoff"]


def test_a_quick_command_routes_like_the_slash_command(stack: Stack) -> None:
    alice = stack.linked_person("Alice Anders")
    space = stack.space(alice)
    stack.control("POST", "chat/commands", {"space": space["name"], "user": alice["name"], "command": "meet"})
    joined = cards(stack, space)
    assert len(joined) == 1
    [meeting] = stack.storage.meetings.recent_meetings(space["name"])
    assert meeting.organizer.user_name == alice["name"] and "Alice Anders" in meeting.title
    recent = stack.control("POST", "chat/commands", {"space": space["name"], "user": alice["name"],
                                                     "command": "/meetrecent"})["reply"]
    assert recent["privateMessageViewer"]["name"] == alice["name"]
    assert "Recent meetings" in json.dumps(recent)


def test_a_removal_naming_nobody_is_recorded(stack: Stack) -> None:
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    stack.control("POST", f"chat/spaces/{space_id(space)}/remove-app", {})
    last = deliveries(stack)[-1]
    assert last["eventType"] == "REMOVED_FROM_SPACE" and last["httpStatus"] == 200
    assert not stack.storage.spaces.is_installed(space["name"])


# -- Google's documented payloads the emulator does not make -------------------------------------
def _classic_or_addon(stack: Stack, space: dict[str, Any], classic: dict[str, Any],
                      payload_name: str, payload: dict[str, Any], common: dict[str, Any] | None = None,
                      user: dict[str, Any] | None = None) -> dict[str, Any]:
    if stack.local.event_format == "classic":
        return classic
    chat: dict[str, Any] = {"space": {"name": space["name"], "spaceType": "SPACE"}, "eventTime": "2026-11-24T10:00:00Z",
                            payload_name: payload}
    if user is not None:
        chat["user"] = user
    return {"commonEventObject": {"hostApp": "CHAT", "platform": "WEB", **(common or {})}, "chat": chat}


def test_a_widget_update_without_a_user_is_a_quiet_no_op(stack: Stack) -> None:
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    body = _classic_or_addon(stack, space, {"type": "WIDGET_UPDATED", "eventTime": "2026-11-24T10:00:00Z",
                                            "space": {"name": space["name"], "type": "ROOM", "spaceType": "SPACE"}},
                             "widgetUpdatedPayload", {"space": {"name": space["name"]}})
    before = len(stack.app_messages(space))
    response = signed_post(stack, body)
    assert response.status_code == 200 and response.json() == {}
    assert len(stack.app_messages(space)) == before


def test_event_types_chat_adds_later_are_a_quiet_no_op_and_garbage_still_400(classic_stack: Stack) -> None:
    stack = classic_stack
    stack.control("POST", "reset")
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    user = {"name": alice["name"], "displayName": alice["displayName"], "email": alice["email"], "type": "HUMAN"}
    for event_type in ("APP_HOME", "SOMETHING_NEW"):
        response = signed_post(stack, {"type": event_type, "user": user, "space": {"name": space["name"]}})
        assert response.status_code == 200 and response.json() == {}
    assert signed_post(stack, {"type": "MESSAGE", "space": {"name": space["name"]}}).status_code == 400  # who?
    assert signed_post(stack, {"type": "APP_COMMAND", "user": user,
                               "space": {"name": space["name"]}}).status_code == 400  # which command?


def test_submit_form_routes_like_a_click_and_a_string_dialog_flag_is_understood(classic_stack: Stack) -> None:
    stack = classic_stack
    stack.control("POST", "reset")
    alice = stack.person("Alice Anders")
    space = stack.space(alice)
    user = {"name": alice["name"], "displayName": alice["displayName"], "email": alice["email"], "type": "HUMAN"}
    inputs = {"access_type": {"stringInputs": {"value": ["OPEN"]}}}
    body = {"type": "SUBMIT_FORM", "user": user, "space": {"name": space["name"], "spaceType": "SPACE"},
            "isDialogEvent": "true", "dialogEventType": "SUBMIT_DIALOG",
            "common": {"invokedFunction": "space_settings_save", "formInputs": inputs}}
    answer = signed_post(stack, body).json()
    text = json.dumps(answer)
    assert "no longer does anything" not in text
    assert answer["actionResponse"]["type"] == "DIALOG"  # answered as the dialog it is
    # An app-home form naming nothing this app runs: nothing to say.
    quiet = signed_post(stack, {"type": "SUBMIT_FORM", "user": user, "space": {"name": space["name"]}})
    assert quiet.status_code == 200 and quiet.json() == {}


# -- each person's time zone ---------------------------------------------------------------------
def test_times_are_the_organizers_on_shared_cards_and_the_askers_in_private(stack: Stack) -> None:
    from tests.support import wait_until

    alice = stack.person("Alice Anders")
    stack.control("POST", "users", {"email": alice["email"], "timeZone": "Asia/Tokyo"})
    stack.link(alice)
    bob = stack.person("Bob Brown")
    space = stack.space(alice, bob)
    # Chat says the zone with this /meet (the reference promises it only with clicks: the
    # emulator sends it when the call names one).
    stack.control("POST", "chat/messages", {"space": space["name"], "sender": alice["name"], "text": "/meet Sync",
                                            "timeZone": "Asia/Tokyo"})
    [card] = cards(stack, space)
    code = card["clientAssignedMessageId"][len("client-meet-"):]
    stack.control("POST", "meet/join", {"space": code, "user": alice["name"]})
    wait_until(lambda: "JST" in json.dumps(cards(stack, space)[0]), what="the card in Alice's zone")
    assert "UTC" not in json.dumps(cards(stack, space)[0]["cardsV2"])
    recent = stack.control("POST", "chat/messages", {"space": space["name"], "sender": bob["name"],
                                                     "text": "/meetrecent", "timeZone": "America/New_York"})["reply"]
    shown = json.dumps(recent["cardsV2"])
    assert recent["privateMessageViewer"]["name"] == bob["name"]
    assert ("EDT" in shown or "EST" in shown) and "JST" not in shown
