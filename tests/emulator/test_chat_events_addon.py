"""The emulator as Google Chat towards an app built as a Google Workspace add-on: the
add-on event object (``commonEventObject``, ``authorizationEventObject``, ``chat.*Payload``)
signed with an ID token of the add-on service agent, and add-on answers
(``hostAppDataAction``, ``action.navigations``, ``basicAuthorizationPrompt``)."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
import requests
from google.auth.transport import requests as google_requests
from google.oauth2 import id_token

from emulator import EmulatorConfig
from tests.emulator.test_chat_events import (DIALOG_CARD, FakeChatApp, bearer, button, card_message, make_space,
                                             messages, people, post, start)
from tests.support import Emulator

PROJECT_NUMBER = "987654321098"
SERVICE_AGENT = f"service-{PROJECT_NUMBER}@gcp-sa-gsuiteaddons.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def fake_app() -> Iterator[FakeChatApp]:
    fake = FakeChatApp()
    yield fake
    fake.server.stop()


@pytest.fixture(scope="module")
def addon_server(fake_app: FakeChatApp) -> Iterator[Emulator]:
    emulator, server = start(EmulatorConfig(app_url=fake_app.url, event_format="addon",
                                            project_number=PROJECT_NUMBER, event_time_zone="every"))
    yield emulator
    server.stop()


@pytest.fixture
def chat(addon_server: Emulator, fake_app: FakeChatApp) -> Emulator:
    addon_server.state.reset()
    fake_app.clear()
    return addon_server


def create_message(message: dict[str, Any]) -> dict[str, Any]:
    return {"hostAppDataAction": {"chatDataAction": {"createMessageAction": {"message": message}}}}


def test_token_is_an_id_token_of_the_addon_service_agent(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    make_space(chat, [alice["email"]])
    received = fake_app.last()
    token = bearer(received)
    assert received["event"]["authorizationEventObject"] == {"systemIdToken": token}
    claims = id_token.verify_token(token, google_requests.Request(), audience=fake_app.url,
                                   certs_url=f"{chat.url}/oauth2/v1/certs")
    assert claims["iss"] == "https://accounts.google.com"
    assert claims["email"] == SERVICE_AGENT and claims["email_verified"] is True


def test_added_to_space_payload(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    fake_app.answer(create_message({"text": "Welcome"}))
    space = make_space(chat, [alice["email"]])
    event = fake_app.last()["event"]
    assert event["commonEventObject"]["hostApp"] == "CHAT"
    assert event["commonEventObject"]["platform"] == "WEB"
    assert set(event["chat"]) == {"user", "space", "eventTime", "addedToSpacePayload"}
    payload = event["chat"]["addedToSpacePayload"]
    assert payload["space"]["name"] == space["name"] and payload["interactionAdd"] is False
    assert payload["configCompleteRedirectUri"].startswith(chat.url)
    assert event["chat"]["user"]["email"] == "alice@example.com"
    assert [m["text"] for m in messages(chat, space["name"])] == ["Welcome"]


def test_slash_command_is_an_app_command_payload(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, bob = people(chat)
    space = make_space(chat, [alice["email"], bob["email"]])
    fake_app.answer(create_message({"text": "Created"}))
    result = post(chat, space["name"], alice["email"], "/meet Retro @Bob Jones")
    chat_event = fake_app.last()["event"]["chat"]
    payload = chat_event["appCommandPayload"]
    assert payload["appCommandMetadata"] == {"appCommandId": 1, "appCommandType": "SLASH_COMMAND"}
    assert payload["message"]["slashCommand"] == {"commandId": "1"}
    assert payload["message"]["argumentText"] == " Retro @Bob Jones"
    assert [a["type"] for a in payload["message"]["annotations"]] == ["SLASH_COMMAND", "USER_MENTION"]
    assert payload["thread"]["name"] == result["message"]["thread"]["name"]
    assert payload["space"]["name"] == space["name"]
    assert "messagePayload" not in chat_event
    assert result["reply"]["text"] == "Created" and result["reply"]["threadReply"] is True


def test_plain_message_is_a_message_payload(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    dm = make_space(chat, [alice["email"]], "DIRECT_MESSAGE")
    post(chat, dm["name"], alice["email"], "hello")
    payload = fake_app.last()["event"]["chat"]["messagePayload"]
    assert payload["message"]["text"] == "hello" and payload["space"]["spaceType"] == "DIRECT_MESSAGE"
    assert "configCompleteRedirectUri" in payload


def test_button_click_and_update_message_action(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    fake_app.answer(create_message(card_message("Waiting", [button("End", "endMeeting", {"meeting": "m-9"})])))
    card = post(chat, space["name"], alice["email"], "/meet")["reply"]
    fake_app.answer({"hostAppDataAction": {"chatDataAction": {"updateMessageAction": {"message": {"text": "Ended"}}}}})
    answer = chat.control("POST", "chat/clicks", {"message": card["name"], "user": alice["email"],
                                                  "function": "endMeeting"})
    event = fake_app.last()["event"]
    assert event["commonEventObject"]["invokedFunction"] == "endMeeting"
    assert event["commonEventObject"]["parameters"] == {"meeting": "m-9"}
    clicked = event["chat"]["buttonClickedPayload"]
    assert clicked["message"]["name"] == card["name"] and clicked["space"]["name"] == space["name"]
    assert answer["name"] == card["name"] and answer["text"] == "Ended" and "cardsV2" not in answer


def test_button_with_an_endpoint_url_is_delivered_there(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    endpoint = fake_app.url + "actions/refresh"
    fake_app.answer(create_message(card_message("Card", [button("Refresh", endpoint)])))
    card = post(chat, space["name"], alice["email"], "/meet")["reply"]
    chat.control("POST", "chat/clicks", {"message": card["name"], "user": alice["email"], "function": endpoint})
    received = fake_app.last()
    assert received["path"] == "/actions/refresh"
    id_token.verify_token(bearer(received), google_requests.Request(), audience=endpoint,
                          certs_url=f"{chat.url}/oauth2/v1/certs")


def test_dialog_push_card_submit_and_end_navigation(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    fake_app.answer({"action": {"navigations": [{"pushCard": DIALOG_CARD}]}})
    opened = post(chat, space["name"], alice["email"], "/meetsettings")["reply"]
    assert opened == {"actionResponse": {"type": "DIALOG", "dialogAction": {"dialog": {"body": DIALOG_CARD}}}}
    fake_app.answer({"action": {"navigations": [{"endNavigation": {"action": "CLOSE_DIALOG"}}],
                                "notification": {"text": "Saved"}}})
    closed = chat.control("POST", "chat/dialogs", {"user": alice["email"], "function": "saveSettings",
                                                   "formInputs": {"title": "Standup"}})
    event = fake_app.last()["event"]
    assert event["commonEventObject"]["formInputs"] == {"title": {"stringInputs": {"value": ["Standup"]}}}
    payload = event["chat"]["buttonClickedPayload"]
    assert payload["isDialogEvent"] is True and payload["dialogEventType"] == "SUBMIT_DIALOG"
    assert closed["actionResponse"]["dialogAction"] == {"actionStatus": {"statusCode": "OK"}}
    assert closed["notification"] == {"text": "Saved"}


def test_render_actions_wrapper_is_accepted(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    fake_app.answer({"renderActions": {"action": {"navigations": [{"pushCard": DIALOG_CARD}]}}})
    reply = post(chat, space["name"], alice["email"], "/meetsettings")["reply"]
    assert reply["actionResponse"]["type"] == "DIALOG"


def test_basic_authorization_prompt_is_a_private_configuration_prompt(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, bob = people(chat)
    space = make_space(chat, [alice["email"], bob["email"]])
    url = "https://bot.example.com/oauth2/start?state=abc"
    fake_app.answer({"basicAuthorizationPrompt": {"authorizationUrl": url, "resource": "Meet bot"}})
    result = post(chat, space["name"], alice["email"], "/meet")
    reply = result["reply"]
    assert reply["actionResponse"] == {"type": "REQUEST_CONFIG", "url": url}
    assert reply["privateMessageViewer"] == {"name": alice["name"]}
    redirect = fake_app.last()["event"]["chat"]["appCommandPayload"]["configCompleteRedirectUri"]
    fake_app.answer(create_message({"text": "Now it works"}))
    assert requests.get(redirect, timeout=10).json()["reply"]["text"] == "Now it works"
    assert [m["text"] for m in messages(chat, space["name"])] == ["/meet", "Now it works"]


def test_invalid_addon_answers_are_reported(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    fake_app.answer({"text": "classic shape in an add-on"})
    error = post(chat, space["name"], alice["email"], "/meet")["reply"]["error"]
    assert error["status"] == "INVALID_ARGUMENT" and '"text"' in error["message"]
    fake_app.answer(create_message({"text": "x", "cardsV2": [{"cardId": "c", "card": {"sections": "nope"}}]}))
    error = post(chat, space["name"], alice["email"], "/meet")["reply"]["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    fake_app.answer({"action": {"navigations": [{"pushCard": {"sections": [{"widgets": [{"nope": {}}]}]}}]}})
    error = post(chat, space["name"], alice["email"], "/meetsettings")["reply"]["error"]
    assert "nope" in error["message"]
    assert [m["sender"]["type"] for m in messages(chat, space["name"])] == ["HUMAN"] * 3


def test_removed_from_space_payload(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    chat.control("POST", f"chat/{space['name']}/remove-app", {"user": alice["email"]})
    event = fake_app.last()["event"]
    assert event["chat"]["removedFromSpacePayload"] == {"space": event["chat"]["space"]}
    assert event["chat"]["space"]["name"] == space["name"]


def test_common_event_object_carries_the_users_time_zone_and_locale(chat: Emulator, fake_app: FakeChatApp) -> None:
    from tests.emulator.test_chat_events import expected_time_zone

    alice = chat.control("POST", "users", {"email": "alice@example.com", "displayName": "Alice Smith",
                                           "timeZone": "America/Sao_Paulo", "locale": "pt-BR"})
    space = make_space(chat, [alice["email"]])  # addedToSpacePayload
    dm = make_space(chat, [alice["email"]], "DIRECT_MESSAGE")
    post(chat, dm["name"], alice["email"], "hello")  # messagePayload
    fake_app.answer(create_message(card_message("Card", [button("Go", "go")])))
    card = post(chat, space["name"], alice["email"], "/meet")["reply"]  # appCommandPayload
    chat.control("POST", "chat/clicks", {"message": card["name"], "user": alice["email"], "function": "go"})
    fake_app.answer({"action": {"navigations": [{"pushCard": DIALOG_CARD}]}})
    post(chat, space["name"], alice["email"], "/meetsettings")
    chat.control("POST", "chat/dialogs", {"user": alice["email"], "function": "saveSettings",
                                          "formInputs": {"title": "Standup"}})
    chat.control("POST", f"chat/{space['name']}/remove-app", {"user": alice["email"]})

    payloads = [next(key for key in event["chat"] if key.endswith("Payload")) for event in fake_app.events]
    assert payloads == ["addedToSpacePayload", "addedToSpacePayload", "messagePayload", "appCommandPayload",
                        "buttonClickedPayload", "appCommandPayload", "buttonClickedPayload",
                        "removedFromSpacePayload"]
    for event in fake_app.events:
        common = event["commonEventObject"]
        assert common["timeZone"] == expected_time_zone("America/Sao_Paulo", event["chat"]["eventTime"])
        assert common["timeZone"]["offset"] == -10800000  # UTC-3, no daylight saving since 2019
        assert common["userLocale"] == "pt-BR" and common["hostApp"] == "CHAT"


def test_a_slash_command_adds_the_app_back_with_two_events(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    chat.control("POST", f"chat/{space['name']}/remove-app", {"user": alice["email"]})
    count = len(fake_app.received)
    fake_app.answer(create_message({"text": "Welcome"}), create_message({"text": "Your meeting"}))
    answer = post(chat, space["name"], alice["email"], "/meet Kickoff")
    assert answer["appAdded"] is True and answer["reply"]["text"] == "Your meeting"
    added, command = fake_app.events[count:]
    assert set(added["chat"]) == {"user", "space", "eventTime", "addedToSpacePayload"}
    assert added["chat"]["addedToSpacePayload"]["interactionAdd"] is True
    assert "message" not in added["chat"]["addedToSpacePayload"]
    payload = command["chat"]["appCommandPayload"]
    assert payload["appCommandMetadata"] == {"appCommandId": 1, "appCommandType": "SLASH_COMMAND"}
    assert payload["message"]["name"] == answer["message"]["name"]
    assert [m["text"] for m in messages(chat, space["name"]) if m["sender"]["type"] == "BOT"] == [
        "Welcome", "Your meeting"]


def test_a_quick_command_is_an_app_command_payload_without_a_message(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    chat.control("POST", "chat/commands", {"space": space["name"], "user": alice["email"], "command": "meet"})
    event = fake_app.last()["event"]
    payload = event["chat"]["appCommandPayload"]
    assert payload["appCommandMetadata"] == {"appCommandId": 1, "appCommandType": "QUICK_COMMAND"}
    assert "message" not in payload and payload["space"]["name"] == space["name"]
    assert event["chat"]["user"]["name"] == alice["name"]


def test_a_removal_by_nobody_in_chat_has_no_chat_user(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    chat.control("POST", f"chat/{space['name']}/remove-app", {})
    event = fake_app.last()["event"]
    assert set(event["chat"]) == {"space", "eventTime", "removedFromSpacePayload"}
    assert event["chat"]["removedFromSpacePayload"]["space"]["name"] == space["name"]
