"""The emulator as Google Chat towards an app: signed events in the classic format, and
the app's synchronous answers recorded as Chat records them.

A tiny fake Chat app (a Flask app on a free port) records every request it receives
and answers from a script; each test module runs its own emulator pointed at it.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from typing import Any, Iterator

import pytest
import requests
from flask import Flask, Response, request
from google.auth.transport import requests as google_requests
from google.oauth2 import id_token

from emulator import BackgroundServer, EmulatorConfig, create_emulator
from emulator import schema
from tests.support import Emulator, wait_until

CHAT_ISSUER = "chat@system.gserviceaccount.com"
PROJECT_NUMBER = "123456789012"


# -- a fake Chat app ---------------------------------------------------------------------------
class FakeChatApp:
    """Records what Chat sends; answers each request with the next scripted answer.

    An answer is a JSON-able object, ``(status, raw body)``, a callable taking the event,
    or ``Slow(seconds, answer)``. With nothing scripted it answers ``{}``.
    """

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.answered = 0  # requests whose answer has been worked out (and is being sent)
        self.script: deque[Any] = deque()
        self._lock = threading.Lock()
        app = Flask(__name__)

        @app.route("/", methods=["POST"], defaults={"path": ""})
        @app.route("/<path:path>", methods=["POST"])
        def receive(path: str) -> Response:
            event = request.get_json(force=True)
            with self._lock:
                self.received.append({"path": "/" + path, "headers": dict(request.headers), "event": event})
                answer = self.script.popleft() if self.script else {}
            while True:
                if isinstance(answer, Slow):
                    time.sleep(answer.seconds)
                    answer = answer.answer
                elif callable(answer):
                    answer = answer(event)
                else:
                    break
            with self._lock:
                self.answered += 1
            if isinstance(answer, tuple):
                status, raw = answer
                return Response(raw, status=status, mimetype="application/json")
            return Response(json.dumps(answer), mimetype="application/json")

        self.server = BackgroundServer(app).start()
        self.url = self.server.url + "/"

    def answer(self, *answers: Any) -> None:
        with self._lock:
            self.script.extend(answers)

    def clear(self) -> None:
        with self._lock:
            self.received.clear()
            self.script.clear()
            self.answered = 0

    @property
    def events(self) -> list[dict[str, Any]]:
        return [item["event"] for item in self.received]

    def last(self) -> dict[str, Any]:
        assert self.received, "the app received nothing"
        return self.received[-1]


class Slow:
    def __init__(self, seconds: float, answer: Any) -> None:
        self.seconds, self.answer = seconds, answer


def start(config: EmulatorConfig) -> tuple[Emulator, BackgroundServer]:
    app = create_emulator(config)
    server = BackgroundServer(app).start()
    return Emulator(server.url, app.extensions["emulator"]), server


@pytest.fixture(scope="module")
def fake_app() -> Iterator[FakeChatApp]:
    fake = FakeChatApp()
    yield fake
    fake.server.stop()


@pytest.fixture(scope="module")
def chat_server(fake_app: FakeChatApp) -> Iterator[Emulator]:
    # Every event carries the person's time zone here, so one space shows it on each kind;
    # the default (clicks only, as Chat's reference documents) has a test of its own.
    emulator, server = start(EmulatorConfig(app_url=fake_app.url, auto_consent=True, event_time_zone="every"))
    yield emulator
    server.stop()


@pytest.fixture
def chat(chat_server: Emulator, fake_app: FakeChatApp) -> Emulator:
    chat_server.state.reset()
    fake_app.clear()
    return chat_server


# -- helpers ----------------------------------------------------------------------------------
def people(emulator: Emulator) -> tuple[dict[str, Any], dict[str, Any]]:
    alice = emulator.add_user("alice@example.com", "Alice Smith")
    bob = emulator.add_user("bob@example.com", "Bob Jones")
    return alice, bob


def make_space(emulator: Emulator, members: list[str], space_type: str = "SPACE", **extra: Any) -> dict[str, Any]:
    return emulator.control("POST", "chat/spaces", {"displayName": "Team", "spaceType": space_type,
                                                    "members": members, **extra})


def post(emulator: Emulator, space: str, sender: str, text: str, **extra: Any) -> dict[str, Any]:
    return emulator.control("POST", "chat/messages", {"space": space, "sender": sender, "text": text, **extra})


def messages(emulator: Emulator, space: str) -> list[dict[str, Any]]:
    return emulator.control("GET", f"chat/{space}/messages")["messages"]


def bearer(received: dict[str, Any]) -> str:
    scheme, _, token = received["headers"]["Authorization"].partition(" ")
    assert scheme == "Bearer"
    return token


def card_message(text: str, buttons: list[dict[str, Any]]) -> dict[str, Any]:
    return {"text": text, "cardsV2": [{"cardId": "meeting", "card": {
        "header": {"title": "Meeting"},
        "sections": [{"widgets": [{"buttonList": {"buttons": buttons}}]}]}}]}


def button(label: str, function: str, parameters: dict[str, str] | None = None,
           interaction: str | None = None) -> dict[str, Any]:
    action: dict[str, Any] = {"function": function,
                              "parameters": [{"key": k, "value": v} for k, v in (parameters or {}).items()]}
    if interaction:
        action["interaction"] = interaction
    return {"text": label, "onClick": {"action": action}}


DIALOG_CARD = {"header": {"title": "Settings"}, "sections": [{"widgets": [
    {"textInput": {"name": "title", "label": "Title"}},
    {"buttonList": {"buttons": [button("Save", "saveSettings", {"scope": "space"})]}}]}]}


# -- signatures --------------------------------------------------------------------------------
def test_project_number_token_verifies_against_chat_certificates(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    make_space(chat, [alice["email"]])
    received = fake_app.last()
    assert received["headers"]["User-Agent"] == "Google-Dynamite"
    claims = id_token.verify_token(
        bearer(received), google_requests.Request(), audience=PROJECT_NUMBER,
        certs_url=f"{chat.url}/service_accounts/v1/metadata/x509/{CHAT_ISSUER}")
    assert claims["iss"] == CHAT_ISSUER
    assert claims["aud"] == PROJECT_NUMBER
    # Google's own keys must not verify it: it is Chat's service account that signed.
    with pytest.raises(ValueError):
        id_token.verify_token(bearer(received), google_requests.Request(), audience=PROJECT_NUMBER,
                              certs_url=f"{chat.url}/oauth2/v1/certs")


def test_endpoint_url_audience_is_a_google_id_token(fake_app: FakeChatApp) -> None:
    fake_app.clear()
    emulator, server = start(EmulatorConfig(app_url=fake_app.url, chat_audience="endpoint-url"))
    try:
        alice, _ = people(emulator)
        make_space(emulator, [alice["email"]])
        token = bearer(fake_app.last())
        for certs in ("/oauth2/v1/certs", "/oauth2/v3/certs"):
            claims = id_token.verify_token(token, google_requests.Request(), audience=fake_app.url,
                                           certs_url=emulator.url + certs)
            assert claims["iss"] == "https://accounts.google.com"
            assert claims["email"] == CHAT_ISSUER
            assert claims["email_verified"] is True
    finally:
        server.stop()


def test_endpoint_url_audience_can_be_configured(fake_app: FakeChatApp) -> None:
    fake_app.clear()
    audience = "https://meet-bot.example.com/"
    emulator, server = start(EmulatorConfig(app_url=fake_app.url, chat_audience="endpoint-url",
                                            chat_audience_url=audience))
    try:
        alice, _ = people(emulator)
        make_space(emulator, [alice["email"]])
        claims = id_token.verify_token(bearer(fake_app.last()), google_requests.Request(), audience=audience,
                                       certs_url=emulator.url + "/oauth2/v1/certs")
        assert claims["aud"] == audience
    finally:
        server.stop()


# -- events -------------------------------------------------------------------------------------
def test_added_to_space_event_and_welcome_message(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, bob = people(chat)
    fake_app.answer({"text": "Hello! Type /meet to start a meeting."})
    space = make_space(chat, [alice["email"], bob["name"]])
    assert space["name"].startswith("spaces/") and space["spaceType"] == "SPACE"
    event = fake_app.last()["event"]
    schema.validate("chat", "DeprecatedEvent", event)
    assert event["type"] == "ADDED_TO_SPACE"
    assert event["space"]["name"] == space["name"]
    assert event["user"] == {"name": alice["name"], "displayName": "Alice Smith", "type": "HUMAN",
                             "domainId": "example.com", "email": "alice@example.com",
                             "avatarUrl": chat.state.find_user(alice["name"]).avatar_url}
    assert event["eventTime"].endswith("Z")
    assert event["common"]["hostApp"] == "CHAT"
    assert event["configCompleteRedirectUrl"].startswith(chat.url)
    assert "message" not in event
    welcome, = messages(chat, space["name"])
    assert welcome["sender"]["type"] == "BOT"
    assert welcome["text"] == "Hello! Type /meet to start a meeting."
    assert "threadReply" not in welcome


def test_slash_command_with_arguments_and_mentions(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, bob = people(chat)
    space = make_space(chat, [alice["email"], bob["email"]])
    fake_app.answer({"text": "Meeting created"})
    text = "/meet Weekly sync @Bob Jones"
    result = post(chat, space["name"], alice["email"], text)
    event = fake_app.last()["event"]
    schema.validate("chat", "DeprecatedEvent", event)
    assert event["type"] == "MESSAGE"
    message = event["message"]
    assert message["text"] == text
    assert message["slashCommand"] == {"commandId": "1"}
    assert message["argumentText"] == " Weekly sync @Bob Jones"  # the command stripped, people's mentions kept
    slash, mention = message["annotations"]
    assert slash == {"type": "SLASH_COMMAND", "startIndex": 0, "length": 5, "slashCommand": {
        "bot": {"name": chat.state.chat.app_user_name, "displayName": "Meet", "type": "BOT",
                "avatarUrl": chat.state.config.app_avatar_url}, "type": "INVOKE",
        "commandName": "/meet", "commandId": "1"}}
    assert mention["type"] == "USER_MENTION"
    assert text[mention["startIndex"]:mention["startIndex"] + mention["length"]] == "@Bob Jones"
    assert mention["userMention"]["type"] == "MENTION"
    assert mention["userMention"]["user"]["name"] == bob["name"]
    assert message["sender"]["email"] == "alice@example.com"
    assert event["appCommandMetadata"] == {"appCommandId": 1, "appCommandType": "SLASH_COMMAND"}
    assert event["thread"]["name"] == message["thread"]["name"]
    assert event["user"]["name"] == alice["name"]
    # The answer is a message by the app in the same thread.
    reply = result["reply"]
    assert reply["sender"]["type"] == "BOT" and reply["text"] == "Meeting created"
    assert reply["thread"]["name"] == result["message"]["thread"]["name"]
    assert reply["threadReply"] is True
    listed = messages(chat, space["name"])
    assert [m["sender"]["type"] for m in listed] == ["HUMAN", "BOT"]


def test_other_commands_and_unknown_commands(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    post(chat, space["name"], alice["email"], "/meethelp")
    message = fake_app.last()["event"]["message"]
    assert message["slashCommand"] == {"commandId": "2"}
    assert message["argumentText"] == ""
    # An unregistered /word is just text; in a space the app does not hear it.
    count = len(fake_app.received)
    result = post(chat, space["name"], alice["email"], "/meeting tomorrow?")
    assert result["reply"] is None and len(fake_app.received) == count
    assert "slashCommand" not in result["message"]


def test_app_hears_a_space_only_when_mentioned_but_every_dm_message(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    count = len(fake_app.received)
    post(chat, space["name"], alice["email"], "just chatting")
    assert len(fake_app.received) == count
    fake_app.answer({"text": "hi!"})
    result = post(chat, space["name"], alice["email"], "@Meet hello there")
    message = fake_app.last()["event"]["message"]
    assert message["argumentText"] == " hello there"  # app mentions are stripped
    assert message["annotations"][0]["userMention"]["user"]["type"] == "BOT"
    assert result["reply"]["text"] == "hi!"
    dm = make_space(chat, [alice["email"]], "DIRECT_MESSAGE")
    assert dm["spaceType"] == "DIRECT_MESSAGE" and dm["singleUserBotDm"] is True
    post(chat, dm["name"], alice["email"], "hello")
    event = fake_app.last()["event"]
    assert event["type"] == "MESSAGE" and event["space"]["type"] == "DM"
    assert event["message"]["argumentText"] == "hello"


def test_longest_display_name_wins(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    ann = chat.add_user("ann@example.com", "Ann")
    anna = chat.add_user("anna@example.com", "Ann Lee")
    space = make_space(chat, [alice["email"], ann["email"], anna["email"]])
    post(chat, space["name"], alice["email"], "/meet @Ann Lee and @Ann")
    annotations = fake_app.last()["event"]["message"]["annotations"]
    mentioned = [a["userMention"]["user"]["name"] for a in annotations if a["type"] == "USER_MENTION"]
    assert mentioned == [anna["name"], ann["name"]]


def test_reply_in_a_thread(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    first = post(chat, space["name"], alice["email"], "@Meet start")
    thread = first["message"]["thread"]["name"]
    fake_app.answer({"text": "in thread"})
    second = post(chat, space["name"], alice["email"], "@Meet more", thread=thread)
    assert second["message"]["thread"]["name"] == thread and second["message"]["threadReply"] is True
    assert fake_app.last()["event"]["thread"]["name"] == thread
    assert second["reply"]["thread"]["name"] == thread


def test_card_click_updates_the_apps_message(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, bob = people(chat)
    space = make_space(chat, [alice["email"], bob["email"]])
    fake_app.answer(card_message("Waiting", [button("Lock", "lockMeeting", {"meeting": "m-1"}),
                                             button("Refresh", "refresh", {"meeting": "m-1"})]))
    card = post(chat, space["name"], alice["email"], "/meet")["reply"]
    fake_app.answer({"actionResponse": {"type": "UPDATE_MESSAGE"},
                     **card_message("Locked", [button("Unlock", "unlockMeeting", {"meeting": "m-1"})])})
    answer = chat.control("POST", "chat/clicks", {"message": card["name"], "user": bob["email"],
                                                  "function": "lockMeeting"})
    event = fake_app.last()["event"]
    schema.validate("chat", "DeprecatedEvent", event)
    assert event["type"] == "CARD_CLICKED"
    assert event["action"] == {"actionMethodName": "lockMeeting", "parameters": [{"key": "meeting", "value": "m-1"}]}
    assert event["common"]["invokedFunction"] == "lockMeeting"
    assert event["common"]["parameters"] == {"meeting": "m-1"}
    assert event["isDialogEvent"] is False
    # "populated for MESSAGE, ADDED_TO_SPACE, and APP_COMMAND interaction events" only.
    assert "configCompleteRedirectUrl" not in event
    assert event["message"]["name"] == card["name"] and event["message"]["sender"]["type"] == "BOT"
    assert event["user"]["name"] == bob["name"]
    assert answer["name"] == card["name"] and answer["text"] == "Locked" and "lastUpdateTime" in answer
    stored = [m for m in messages(chat, space["name"]) if m["name"] == card["name"]][0]
    assert stored["text"] == "Locked"
    assert stored["cardsV2"][0]["card"]["sections"][0]["widgets"][0]["buttonList"]["buttons"][0]["text"] == "Unlock"


def test_click_new_message_goes_to_the_clicked_messages_thread(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    fake_app.answer(card_message("Card", [button("Go", "go")]))
    card = post(chat, space["name"], alice["email"], "/meet")["reply"]
    fake_app.answer({"text": "Done"})
    answer = chat.control("POST", "chat/clicks", {"message": card["name"], "user": alice["name"], "function": "go"})
    assert answer["thread"]["name"] == card["thread"]["name"] and answer["name"] != card["name"]


def test_click_must_name_a_button_on_the_message(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    fake_app.answer(card_message("Card", [button("Lock", "lockMeeting", {"meeting": "m-1"})]))
    card = post(chat, space["name"], alice["email"], "/meet")["reply"]
    count = len(fake_app.received)
    error = chat.control("POST", "chat/clicks", {"message": card["name"], "user": alice["email"],
                                                 "function": "endMeeting"}, expect=400)["error"]
    assert error["status"] == "INVALID_ARGUMENT" and "lockMeeting" in error["message"]
    chat.control("POST", "chat/clicks", {"message": card["name"], "user": alice["email"], "function": "lockMeeting",
                                         "parameters": {"meeting": "m-2"}}, expect=400)
    assert len(fake_app.received) == count


def test_update_user_message_cards_only_on_peoples_messages(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    fake_app.answer(card_message("Card", [button("Go", "go")]))
    card = post(chat, space["name"], alice["email"], "/meet")["reply"]
    fake_app.answer({"actionResponse": {"type": "UPDATE_USER_MESSAGE_CARDS"}, **card_message("x", [])})
    answer = chat.control("POST", "chat/clicks", {"message": card["name"], "user": alice["email"], "function": "go"})
    assert answer["error"]["status"] == "INVALID_ARGUMENT"
    assert "UPDATE_USER_MESSAGE_CARDS" in answer["error"]["message"]


def test_dialog_request_submit_and_close(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    fake_app.answer(card_message("Card", [button("Settings", "openSettings", {"meeting": "m-1"}, "OPEN_DIALOG")]))
    card = post(chat, space["name"], alice["email"], "/meet")["reply"]
    fake_app.answer({"actionResponse": {"type": "DIALOG", "dialogAction": {"dialog": {"body": DIALOG_CARD}}}})
    opened = chat.control("POST", "chat/clicks", {"message": card["name"], "user": alice["email"],
                                                  "function": "openSettings"})
    event = fake_app.last()["event"]
    assert event["isDialogEvent"] is True and event["dialogEventType"] == "REQUEST_DIALOG"
    assert opened == {"actionResponse": {"type": "DIALOG", "dialogAction": {"dialog": {"body": DIALOG_CARD}}}}
    assert chat.control("GET", "chat/dialogs")["dialogs"][0]["user"] == alice["name"]

    fake_app.answer({"actionResponse": {"type": "DIALOG", "dialogAction": {"actionStatus": {"statusCode": "OK"}}}})
    closed = chat.control("POST", "chat/dialogs", {"user": alice["email"], "function": "saveSettings", "formInputs": {
        "title": "Standup", "features": ["recording", "transcript"],
        "start": {"dateTimeInput": {"msSinceEpoch": "1700000000000", "hasDate": True, "hasTime": True}}}})
    event = fake_app.last()["event"]
    schema.validate("chat", "DeprecatedEvent", event)
    assert event["type"] == "CARD_CLICKED"
    assert event["isDialogEvent"] is True and event["dialogEventType"] == "SUBMIT_DIALOG"
    assert event["message"]["name"] == card["name"]  # the dialog was opened from that message
    assert event["common"]["invokedFunction"] == "saveSettings"
    assert event["common"]["parameters"] == {"scope": "space"}  # the dialog button's own parameters
    assert event["common"]["formInputs"] == {
        "title": {"stringInputs": {"value": ["Standup"]}},
        "features": {"stringInputs": {"value": ["recording", "transcript"]}},
        "start": {"dateTimeInput": {"msSinceEpoch": "1700000000000", "hasDate": True, "hasTime": True}}}
    assert closed["actionResponse"]["dialogAction"] == {"actionStatus": {"statusCode": "OK"}}
    assert chat.control("GET", "chat/dialogs")["dialogs"] == []


def test_a_refused_dialog_submission_leaves_the_dialog_open(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    fake_app.answer({"actionResponse": {"type": "DIALOG", "dialogAction": {"dialog": {"body": DIALOG_CARD}}}})
    post(chat, space["name"], alice["email"], "/meetsettings")
    refusal = {"statusCode": "INVALID_ARGUMENT", "userFacingMessage": "Pick a title"}
    fake_app.answer({"actionResponse": {"type": "DIALOG", "dialogAction": {"actionStatus": refusal}}})
    answer = chat.control("POST", "chat/dialogs", {"user": alice["email"], "function": "saveSettings"})
    assert answer["actionResponse"]["dialogAction"] == {"actionStatus": refusal}
    [still_open] = chat.control("GET", "chat/dialogs")["dialogs"]  # the person corrects the form
    assert still_open["user"] == alice["name"] and still_open["body"] == DIALOG_CARD


def test_dialog_from_a_slash_command_and_cancel(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    fake_app.answer({"actionResponse": {"type": "DIALOG", "dialogAction": {"dialog": {"body": DIALOG_CARD}}}})
    result = post(chat, space["name"], alice["email"], "/meetsettings")
    assert result["reply"]["actionResponse"]["type"] == "DIALOG"
    chat.control("POST", "chat/dialogs", {"user": alice["email"], "cancel": True})
    event = fake_app.last()["event"]
    assert event["dialogEventType"] == "CANCEL_DIALOG" and event["space"]["name"] == space["name"]


def test_dialog_answer_to_a_plain_message_is_an_error(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    dm = make_space(chat, [alice["email"]], "DIRECT_MESSAGE")
    fake_app.answer({"actionResponse": {"type": "DIALOG", "dialogAction": {"dialog": {"body": DIALOG_CARD}}}})
    reply = post(chat, dm["name"], alice["email"], "hello")["reply"]
    assert reply["error"]["status"] == "INVALID_ARGUMENT"


def test_request_config_is_private_until_configured(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, bob = people(chat)
    space = make_space(chat, [alice["email"], bob["email"]])
    fake_app.answer({"actionResponse": {"type": "REQUEST_CONFIG", "url": "https://bot.example.com/oauth2/start"},
                     "text": "ignored"})
    result = post(chat, space["name"], alice["email"], "/meet Planning")
    redirect = fake_app.last()["event"]["configCompleteRedirectUrl"]
    reply = result["reply"]
    assert reply["actionResponse"] == {"type": "REQUEST_CONFIG", "url": "https://bot.example.com/oauth2/start"}
    assert reply["privateMessageViewer"] == {"name": alice["name"]}
    assert reply["sender"]["type"] == "BOT" and "https://bot.example.com/oauth2/start" in reply["text"]
    assert result["message"]["privateMessageViewer"] == {"name": alice["name"]}
    # Completing the configuration erases the prompt, makes the message public and dispatches it again.
    fake_app.answer({"text": "Meeting created"})
    done = requests.get(redirect, timeout=10).json()
    assert done["reply"]["text"] == "Meeting created"
    again = fake_app.last()["event"]
    assert again["type"] == "MESSAGE" and again["message"]["name"] == result["message"]["name"]
    listed = messages(chat, space["name"])
    assert [m["name"] for m in listed] == [result["message"]["name"], done["reply"]["name"]]
    assert "privateMessageViewer" not in listed[0]
    assert requests.get(f"{chat.url}/_emulator/chat/config-complete?token=forged", timeout=5).status_code == 400


def test_private_answer_with_private_message_viewer(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, bob = people(chat)
    space = make_space(chat, [alice["email"], bob["email"]])
    fake_app.answer({"text": "only you", "privateMessageViewer": {"name": alice["name"]}})
    reply = post(chat, space["name"], alice["email"], "/meethelp")["reply"]
    assert reply["privateMessageViewer"] == {"name": alice["name"]}


def test_invalid_card_answer_is_reported_and_not_recorded(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    fake_app.answer({"cardsV2": [{"cardId": "c", "card": {"sections": [{"widgets": [{"bogusWidget": {}}]}]}}]})
    result = post(chat, space["name"], alice["email"], "/meet")
    error = result["reply"]["error"]
    assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT"
    assert "bogusWidget" in error["message"]
    assert [m["sender"]["type"] for m in messages(chat, space["name"])] == ["HUMAN"]
    delivery = chat.control("GET", "chat/deliveries")["deliveries"][-1]
    assert delivery["outcome"] == "error" and delivery["eventType"] == "MESSAGE"


@pytest.mark.parametrize("answer, reason", [
    ((500, "oops"), "APP_HTTP_ERROR"),
    ((401, ""), "APP_HTTP_ERROR"),
    ((200, "<html>not json</html>"), "APP_ANSWER_UNPARSEABLE"),
])
def test_failed_answers_are_not_responding_errors(chat: Emulator, fake_app: FakeChatApp, answer: Any,
                                                   reason: str) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    fake_app.answer(answer)
    error = post(chat, space["name"], alice["email"], "/meet")["reply"]["error"]
    assert "Meet not responding" in error["message"]
    assert error["details"][0]["reason"] == reason
    assert len(messages(chat, space["name"])) == 1


def test_empty_answer_records_nothing(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    fake_app.answer((200, ""))
    assert post(chat, space["name"], alice["email"], "/meet")["reply"] is None
    fake_app.answer({})
    assert post(chat, space["name"], alice["email"], "/meet")["reply"] is None
    assert len(messages(chat, space["name"])) == 2


def test_answer_after_the_deadline_is_dropped(fake_app: FakeChatApp) -> None:
    fake_app.clear()
    emulator, server = start(EmulatorConfig(app_url=fake_app.url, chat_deadline_seconds=0.5))
    try:
        alice, _ = people(emulator)
        space = make_space(emulator, [alice["email"]])
        fake_app.answer(Slow(1.5, {"text": "too late"}))
        answered = fake_app.answered
        error = post(emulator, space["name"], alice["email"], "/meet")["reply"]["error"]
        assert error["status"] == "DEADLINE_EXCEEDED" and "not responding" in error["message"]
        assert fake_app.answered == answered  # Chat gave up while the app was still working on the event
        wait_until(lambda: fake_app.answered == answered + 1, what="the app to answer, too late")
        assert [m["sender"]["type"] for m in messages(emulator, space["name"])] == ["HUMAN"]  # it went nowhere
    finally:
        server.stop()


def test_the_app_may_call_the_chat_api_while_handling_an_event(chat: Emulator, fake_app: FakeChatApp) -> None:
    """No lock is held during delivery: the app's own API calls go through."""
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])

    def call_back(event: dict[str, Any]) -> dict[str, Any]:
        listed = requests.get(f"{chat.url}/_emulator/chat/{event['space']['name']}/messages", timeout=5).json()
        return {"text": f"I see {len(listed['messages'])} message(s)"}

    fake_app.answer(call_back)
    assert post(chat, space["name"], alice["email"], "/meet")["reply"]["text"] == "I see 1 message(s)"


def test_removed_from_space_is_delivered_and_the_app_hears_no_more(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    fake_app.answer({"text": "bye"})  # Chat ignores answers to REMOVED_FROM_SPACE
    chat.control("POST", f"chat/{space['name']}/remove-app", {"user": alice["email"]})
    event = fake_app.last()["event"]
    schema.validate("chat", "DeprecatedEvent", event)
    assert event["type"] == "REMOVED_FROM_SPACE" and event["space"]["name"] == space["name"]
    assert event["user"]["name"] == alice["name"]
    assert messages(chat, space["name"]) == []
    count = len(fake_app.received)
    answer = post(chat, space["name"], alice["email"], "hello everyone")  # not for the app
    assert answer["reply"] is None and answer["appAdded"] is False
    assert len(fake_app.received) == count
    chat.control("POST", f"chat/{space['name']}/add-app", {"user": alice["email"]})
    assert fake_app.last()["event"]["type"] == "ADDED_TO_SPACE"


def test_a_removal_by_nobody_in_chat_names_no_user(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    chat.control("POST", f"chat/{space['name']}/remove-app", {})
    event = fake_app.last()["event"]
    schema.validate("chat", "DeprecatedEvent", event)
    assert event["type"] == "REMOVED_FROM_SPACE" and "user" not in event
    assert event["space"]["name"] == space["name"]
    # Removed for good: a second removal has nothing to remove.
    error = chat.control("POST", f"chat/{space['name']}/remove-app", {}, expect=400)["error"]
    assert error["status"] == "FAILED_PRECONDITION"


def test_a_slash_command_adds_the_app_back_with_one_event_carrying_the_message(chat: Emulator,
                                                                              fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    chat.control("POST", f"chat/{space['name']}/remove-app", {"user": alice["email"]})
    count = len(fake_app.received)
    fake_app.answer({"text": "Welcome, and here is your meeting"})
    answer = post(chat, space["name"], alice["email"], "/meet Kickoff")
    assert answer["appAdded"] is True and answer["reply"]["text"] == "Welcome, and here is your meeting"
    assert len(fake_app.received) == count + 1  # one event, not two
    event = fake_app.last()["event"]
    schema.validate("chat", "DeprecatedEvent", event)
    assert event["type"] == "ADDED_TO_SPACE" and event["user"]["name"] == alice["name"]
    assert event["message"]["name"] == answer["message"]["name"]
    assert event["message"]["slashCommand"] == {"commandId": "1"}
    assert event["message"]["argumentText"] == " Kickoff"
    assert event["appCommandMetadata"] == {"appCommandId": 1, "appCommandType": "SLASH_COMMAND"}
    assert event["thread"]["name"] == answer["message"]["thread"]["name"]
    assert event["configCompleteRedirectUrl"].startswith(chat.url)
    listed = chat.control("GET", "chat/spaces")["spaces"]
    assert next(s for s in listed if s["name"] == space["name"])["appInstalled"] is True
    # Back in the space: the next command is an ordinary MESSAGE again.
    post(chat, space["name"], alice["email"], "/meethelp")
    assert fake_app.last()["event"]["type"] == "MESSAGE"


def test_an_at_mention_adds_the_app_back_too(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    chat.control("POST", f"chat/{space['name']}/remove-app", {"user": alice["email"]})
    answer = post(chat, space["name"], alice["email"], "@Meet what can you do?")
    event = fake_app.last()["event"]
    assert answer["appAdded"] is True and event["type"] == "ADDED_TO_SPACE"
    assert "slashCommand" not in event["message"] and "appCommandMetadata" not in event
    assert event["message"]["argumentText"] == " what can you do?"
    assert any(a["type"] == "USER_MENTION" and a["userMention"]["user"]["type"] == "BOT"
               for a in event["message"]["annotations"])


def test_a_quick_command_is_an_app_command_event(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    fake_app.answer({"text": "Recent meetings"})
    answer = chat.control("POST", "chat/commands", {"space": space["name"], "user": alice["email"],
                                                    "command": "/meetrecent"})
    assert answer["reply"]["text"] == "Recent meetings"
    event = fake_app.last()["event"]
    schema.validate("chat", "DeprecatedEvent", event)
    assert event["type"] == "APP_COMMAND" and "message" not in event
    assert event["appCommandMetadata"] == {"appCommandId": 5, "appCommandType": "QUICK_COMMAND"}
    assert event["user"]["name"] == alice["name"] and event["configCompleteRedirectUrl"].startswith(chat.url)
    chat.control("POST", "chat/commands", {"space": space["name"], "user": alice["email"], "command": 1})
    assert fake_app.last()["event"]["appCommandMetadata"]["appCommandId"] == 1


def test_a_quick_command_must_be_registered_and_the_app_present(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    count = len(fake_app.received)
    for command in ("/nope", 99, True, None):
        error = chat.control("POST", "chat/commands", {"space": space["name"], "user": alice["email"],
                                                       "command": command}, expect=400)["error"]
        assert error["status"] == "INVALID_ARGUMENT"
    chat.control("POST", f"chat/{space['name']}/remove-app", {"user": alice["email"]})
    error = chat.control("POST", "chat/commands", {"space": space["name"], "user": alice["email"],
                                                   "command": "meet"}, expect=400)["error"]
    assert error["status"] == "FAILED_PRECONDITION"
    assert len(fake_app.received) == count + 1  # the removal only


def test_members_and_space_listing(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, bob = people(chat)
    space = make_space(chat, [alice["email"]])
    membership = chat.control("POST", f"chat/{space['name']}/members", {"user": bob["email"]})
    assert membership["member"]["name"] == bob["name"]
    chat.control("POST", f"chat/{space['name']}/members", {"user": bob["email"]}, expect=409)
    post(chat, space["name"], bob["email"], "/meethelp")
    assert fake_app.last()["event"]["user"]["name"] == bob["name"]
    listed = chat.control("GET", "chat/spaces")["spaces"]
    assert [s["name"] for s in listed] == [space["name"]]
    assert {m["member"]["name"] for m in listed[0]["members"]} == {alice["name"], bob["name"],
                                                                   chat.state.chat.app_user_name}
    chat.control("DELETE", f"chat/{space['name']}/members/{bob['email']}")
    error = chat.control("POST", "chat/messages", {"space": space["name"], "sender": bob["email"], "text": "hi"},
                         expect=403)["error"]
    assert error["status"] == "PERMISSION_DENIED"


@pytest.mark.parametrize("path, body, status", [
    ("chat/spaces", {"displayName": "X", "members": ["nobody@example.com"]}, 404),
    ("chat/spaces", {"displayName": "X"}, 400),
    ("chat/spaces", {"displayName": "X", "members": "alice@example.com"}, 400),
    ("chat/spaces", {"displayName": "X", "spaceType": "ROOM", "members": ["alice@example.com"]}, 400),
    ("chat/messages", {"space": "spaces/nope", "sender": "alice@example.com", "text": "hi"}, 404),
    ("chat/messages", {"space": "SPACE", "sender": "nobody@example.com", "text": "hi"}, 404),
    ("chat/messages", {"space": "SPACE", "sender": "alice@example.com"}, 400),
    ("chat/messages", {"space": "SPACE", "sender": "alice@example.com", "text": 7}, 400),
    ("chat/messages", {"space": "SPACE", "sender": "alice@example.com", "text": "hi",
                       "thread": "spaces/x/threads/y"}, 404),
    ("chat/clicks", {"message": "spaces/x/messages/y", "user": "alice@example.com", "function": "f"}, 404),
    ("chat/clicks", {"message": "nonsense", "user": "alice@example.com", "function": "f"}, 400),
    ("chat/dialogs", {"user": "alice@example.com", "function": "f"}, 400),
    ("chat/dialogs", {"user": "alice@example.com", "function": "f", "space": "SPACE", "formInputs": [1]}, 400),
    ("chat/spaces/nope/remove-app", {"user": "alice@example.com"}, 404),
])
def test_bad_control_input_gets_googles_error_shape(chat: Emulator, path: str, body: dict[str, Any],
                                                    status: int) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    body = {key: (space["name"] if value == "SPACE" else value) for key, value in body.items()}
    error = chat.control("POST", path, body, expect=status)["error"]
    assert error["code"] == status and error["status"] and error["message"]


def test_malformed_json_is_a_400(chat: Emulator) -> None:
    for path in ("chat/spaces", "chat/messages", "chat/clicks", "chat/dialogs"):
        response = requests.post(f"{chat.url}/_emulator/{path}", data="{not json", timeout=5,
                                 headers={"Content-Type": "application/json"})
        assert response.status_code == 400, path
        assert response.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert requests.get(f"{chat.url}/_emulator/chat/spaces/nope/messages", timeout=5).status_code == 404


def test_without_an_app_url_nothing_is_delivered(emulator: Emulator) -> None:
    alice = emulator.add_user("alice@example.com")
    space = make_space(emulator, [alice["email"]])
    assert post(emulator, space["name"], alice["email"], "/meet")["reply"] is None
    assert emulator.control("GET", "chat/deliveries")["deliveries"] == []


def test_messages_list_shows_private_messages_and_both_senders(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, bob = people(chat)
    space = make_space(chat, [alice["email"], bob["email"]])
    fake_app.answer({"text": "for alice", "privateMessageViewer": {"name": alice["name"]}})
    post(chat, space["name"], alice["email"], "/meethelp")
    listed = messages(chat, space["name"])
    assert [(m["sender"]["type"], "privateMessageViewer" in m) for m in listed] == [("HUMAN", False), ("BOT", True)]
    for message in listed:
        schema.validate("chat", "Message", message)


def test_event_timestamps_follow_the_emulator_clock(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    chat.control("POST", "clock", {"advanceSeconds": 86400 * 2})
    post(chat, space["name"], alice["email"], "/meet")
    event_time = fake_app.last()["event"]["eventTime"]
    now = chat.control("GET", "clock")["now"]
    assert event_time[:10] == now[:10]
    # ...while the token stays valid for a verifier on real time.
    id_token.verify_token(bearer(fake_app.last()), google_requests.Request(), audience=PROJECT_NUMBER,
                          certs_url=f"{chat.url}/service_accounts/v1/metadata/x509/{CHAT_ISSUER}")


def test_locale_and_time_zone_reach_the_event(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice, _ = people(chat)
    space = make_space(chat, [alice["email"]])
    post(chat, space["name"], alice["email"], "/meet", locale="de", timeZone="Europe/Berlin")
    common = fake_app.last()["event"]["common"]
    assert common["userLocale"] == "de"
    assert common["timeZone"]["id"] == "Europe/Berlin" and common["timeZone"]["offset"] in (3600000, 7200000)


# -- the person's time zone and locale ------------------------------------------------------------------
def expected_time_zone(zone: str, event_time: str) -> dict[str, Any]:
    """Chat's ``TimeZone`` for ``zone`` at the event's instant: the offset in milliseconds."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from emulator.clock import parse_rfc3339

    offset = datetime.fromtimestamp(parse_rfc3339(event_time), tz=UTC).astimezone(ZoneInfo(zone)).utcoffset()
    assert offset is not None
    return {"id": zone, "offset": int(offset.total_seconds() * 1000)}


def test_a_users_time_zone_and_locale_reach_every_event_they_cause(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice = chat.control("POST", "users", {"email": "alice@example.com", "displayName": "Alice Smith",
                                           "timeZone": "America/New_York", "locale": "en-US"})
    assert (alice["timeZone"], alice["locale"]) == ("America/New_York", "en-US")
    bob = chat.add_user("bob@example.com", "Bob Jones")
    assert (bob["timeZone"], bob["locale"]) == ("UTC", "en")  # nobody set anything

    space = make_space(chat, [alice["email"], bob["email"]])  # ADDED_TO_SPACE, by Alice
    dm = make_space(chat, [alice["email"]], "DIRECT_MESSAGE")
    post(chat, dm["name"], alice["email"], "hello")  # MESSAGE
    fake_app.answer(card_message("Card", [button("Go", "go"), button("Settings", "openSettings", None, "OPEN_DIALOG")]))
    card = post(chat, space["name"], alice["email"], "/meet")["reply"]  # MESSAGE with a slash command
    chat.control("POST", "chat/clicks", {"message": card["name"], "user": alice["email"], "function": "go"})
    fake_app.answer({"actionResponse": {"type": "DIALOG", "dialogAction": {"dialog": {"body": DIALOG_CARD}}}},
                    {"actionResponse": {"type": "DIALOG", "dialogAction": {"actionStatus": {"statusCode": "OK"}}}})
    chat.control("POST", "chat/clicks", {"message": card["name"], "user": alice["email"], "function": "openSettings"})
    chat.control("POST", "chat/dialogs", {"user": alice["email"], "function": "saveSettings",
                                          "formInputs": {"title": "Standup"}})
    chat.control("POST", f"chat/{space['name']}/remove-app", {"user": alice["email"]})
    chat.control("POST", f"chat/{space['name']}/add-app", {"user": alice["email"]})

    events = fake_app.events
    assert [(e["type"], e.get("dialogEventType")) for e in events] == [
        ("ADDED_TO_SPACE", None), ("ADDED_TO_SPACE", None), ("MESSAGE", None), ("MESSAGE", None),
        ("CARD_CLICKED", None), ("CARD_CLICKED", "REQUEST_DIALOG"), ("CARD_CLICKED", "SUBMIT_DIALOG"),
        ("REMOVED_FROM_SPACE", None), ("ADDED_TO_SPACE", None)]
    for event in events:
        schema.validate("chat", "DeprecatedEvent", event)
        assert event["user"]["name"] == alice["name"]
        assert event["common"]["timeZone"] == expected_time_zone("America/New_York", event["eventTime"])
        assert event["common"]["timeZone"]["offset"] in (-18000000, -14400000)  # EST or EDT, in milliseconds
        assert event["common"]["userLocale"] == "en-US"

    fake_app.clear()
    chat.control("POST", "chat/clicks", {"message": card["name"], "user": bob["email"], "function": "go"})
    assert fake_app.last()["event"]["common"]["timeZone"] == {"id": "UTC", "offset": 0}
    assert fake_app.last()["event"]["common"]["userLocale"] == "en"


def test_the_time_zone_offset_follows_daylight_saving_on_the_emulator_clock(chat: Emulator,
                                                                           fake_app: FakeChatApp) -> None:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from emulator.clock import parse_rfc3339

    chat.control("POST", "users", {"email": "alice@example.com", "timeZone": "Europe/Paris"})
    space = make_space(chat, ["alice@example.com"])
    before = fake_app.last()["event"]["common"]["timeZone"]

    # Move the emulator's clock a day past Paris's next change of offset.
    paris = ZoneInfo("Europe/Paris")
    now = parse_rfc3339(chat.control("GET", "clock")["now"])

    def offset_at(instant: float) -> timedelta | None:
        return datetime.fromtimestamp(instant, tz=UTC).astimezone(paris).utcoffset()

    change = now
    while offset_at(change) == offset_at(now):
        change += 6 * 3600
    chat.control("POST", "clock", {"advanceSeconds": change - now + 86400})

    post(chat, space["name"], "alice@example.com", "/meet")
    after = fake_app.last()["event"]["common"]["timeZone"]
    assert before["id"] == after["id"] == "Europe/Paris"
    assert {before["offset"], after["offset"]} == {3600000, 7200000}  # CET and CEST


def test_a_users_settings_can_change_and_a_call_can_override_them(chat: Emulator, fake_app: FakeChatApp) -> None:
    first = chat.control("POST", "users", {"email": "alice@example.com", "timeZone": "Asia/Tokyo"})
    again = chat.control("POST", "users", {"email": "alice@example.com", "timeZone": "Australia/Adelaide"})
    assert again["name"] == first["name"] and again["timeZone"] == "Australia/Adelaide"
    assert chat.control("POST", "users", {"email": "alice@example.com"})["timeZone"] == "Australia/Adelaide"
    space = make_space(chat, ["alice@example.com"])
    assert fake_app.last()["event"]["common"]["timeZone"]["id"] == "Australia/Adelaide"
    post(chat, space["name"], "alice@example.com", "/meet", timeZone="Asia/Kolkata", locale="hi-in")
    common = fake_app.last()["event"]["common"]
    assert common["timeZone"] == {"id": "Asia/Kolkata", "offset": 19800000} and common["userLocale"] == "hi-IN"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../../etc/passwd", "America/New York", "america/new_york",
                                  "", 5, "+05:00"])
def test_an_unknown_time_zone_is_refused(chat: Emulator, fake_app: FakeChatApp, zone: Any) -> None:
    error = chat.control("POST", "users", {"email": "alice@example.com", "timeZone": zone}, expect=400)["error"]
    assert error["status"] == "INVALID_ARGUMENT" and "timeZone" in error["message"]
    assert [v["field"] for d in error["details"] for v in d.get("fieldViolations", [])] == ["timeZone"]
    assert chat.control("GET", "users")["users"] == []  # nobody was created

    alice = chat.add_user("alice@example.com")
    space = make_space(chat, [alice["email"]])
    count = len(messages(chat, space["name"]))
    refused = chat.control("POST", "chat/messages", {"space": space["name"], "sender": alice["email"], "text": "/meet",
                                                     "timeZone": zone}, expect=400)["error"]
    assert refused["status"] == "INVALID_ARGUMENT"
    assert len(messages(chat, space["name"])) == count  # the message was not posted either


def test_bad_locales_are_refused(chat: Emulator) -> None:
    for locale in ("en_US", "english", 42):
        error = chat.control("POST", "users", {"email": "alice@example.com", "locale": locale}, expect=400)["error"]
        assert error["status"] == "INVALID_ARGUMENT" and "locale" in error["message"]


def test_by_default_only_clicks_carry_the_time_zone_as_the_reference_documents(fake_app: FakeChatApp) -> None:
    fake_app.clear()
    emulator, server = start(EmulatorConfig(app_url=fake_app.url))
    try:
        emulator.control("POST", "users", {"email": "alice@example.com", "timeZone": "America/Chicago"})
        space = make_space(emulator, ["alice@example.com"])
        fake_app.answer(card_message("Card", [button("Go", "go")]))
        card = post(emulator, space["name"], "alice@example.com", "/meet")["reply"]
        emulator.control("POST", "chat/clicks", {"message": card["name"], "user": "alice@example.com",
                                                 "function": "go"})
        added, command, click = fake_app.events
        assert "timeZone" not in added["common"] and "timeZone" not in command["common"]
        assert click["common"]["timeZone"] == expected_time_zone("America/Chicago", click["eventTime"])
        assert all(event["common"]["userLocale"] == "en" for event in (added, command, click))
        # A zone given for one event is what that person's client reports with it.
        post(emulator, space["name"], "alice@example.com", "/meet", timeZone="Asia/Tokyo")
        told = fake_app.last()["event"]
        assert told["common"]["timeZone"] == expected_time_zone("Asia/Tokyo", told["eventTime"])
    finally:
        server.stop()
