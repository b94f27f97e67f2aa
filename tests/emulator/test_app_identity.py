"""The app's identity as Google Chat reports it.

Chat names an app by a numeric user id like any user's (``users/{digits}``, type BOT):
as the sender of its messages, as the member of its memberships, in the annotations of
its @mentions and slash commands, and in every interaction event. ``users/app`` is only
an alias a caller may use in requests ("users/app can be used as an alias for the
calling app bot user", the discovery document's ``User.name``), never what Chat returns.

``User.avatarUrl`` (discovery document: populated with user authentication for a
message's sender, users within annotations and memberships) is in user-authenticated
responses and in interaction events (Chat's example payloads carry it); the person of an
event and its sender also carry their email, as before.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

import pytest

from emulator import EmulatorConfig
from emulator.chat.model import APP_USER
from tests.emulator.test_chat_events import FakeChatApp, start
from tests.support import Emulator

APP_ID = "104712345678901234567"


@pytest.fixture(scope="module")
def fake_app() -> Iterator[FakeChatApp]:
    fake = FakeChatApp()
    yield fake
    fake.server.stop()


@pytest.fixture
def chat(fake_app: FakeChatApp) -> Iterator[Emulator]:
    emulator, server = start(EmulatorConfig(app_url=fake_app.url, auto_consent=True, app_user_id=APP_ID))
    fake_app.clear()
    try:
        yield emulator
    finally:
        server.stop()


def without_alias(document: Any) -> None:
    """No ``users/app`` anywhere in what the emulator sent (nor ``members/app``)."""
    text = json.dumps(document)
    assert not re.search(r"users/app\b|members/app\b", text), text


def test_the_id_is_digits_stable_per_app_and_configurable() -> None:
    derived = EmulatorConfig().app_user_name
    assert re.fullmatch(r"users/[0-9]{21}", derived)
    assert EmulatorConfig().app_user_name == derived  # stable: the same app, the same id
    other = EmulatorConfig(app_service_account="other-bot@emulated-project.iam.gserviceaccount.com")
    assert other.app_user_name != derived  # another app, another id
    assert EmulatorConfig(app_user_id=APP_ID).app_user_name == f"users/{APP_ID}"
    with pytest.raises(ValueError):
        EmulatorConfig(app_user_id="app")


def test_events_name_the_app_by_its_id(chat: Emulator, fake_app: FakeChatApp) -> None:
    alice = chat.add_user("alice@example.com", "Alice Smith")
    bob = chat.add_user("bob@example.com", "Bob Jones")
    space = chat.control("POST", "chat/spaces", {"displayName": "Team", "spaceType": "SPACE",
                                                 "members": [alice["name"], bob["name"]]})
    fake_app.answer({"text": "Created"})
    result = chat.control("POST", "chat/messages", {"space": space["name"], "sender": alice["name"],
                                                     "text": "/meet Sync @Meet @Bob Jones"})
    event = fake_app.last()["event"]
    message = event["message"]
    slash, app_mention, bob_mention = message["annotations"]
    app = {"name": f"users/{APP_ID}", "displayName": "Meet", "type": "BOT",
           "avatarUrl": chat.state.config.app_avatar_url}
    assert slash["slashCommand"]["bot"] == app
    assert app_mention["userMention"]["user"] == app
    # A person in an annotation: avatar, but no email (only the event's person and sender carry it).
    assert bob_mention["userMention"]["user"] == {"name": bob["name"], "displayName": "Bob Jones", "type": "HUMAN",
                                                  "domainId": "example.com",
                                                  "avatarUrl": chat.state.find_user(bob["name"]).avatar_url}
    for person in (event["user"], message["sender"]):
        assert person["name"] == alice["name"] and person["email"] == "alice@example.com"
        assert person["avatarUrl"].startswith("https://")
    assert message["argumentText"] == " Sync  @Bob Jones"  # the app's mention is stripped, people's stay
    assert result["reply"]["sender"] == {"name": f"users/{APP_ID}", "displayName": "Meet", "type": "BOT"}
    for received in fake_app.events:
        without_alias(received)
    without_alias(result)

    # A click on the app's own card: the event's message is the app's, named by its id.
    fake_app.answer({"cardsV2": [{"cardId": "c", "card": {"sections": [{"widgets": [{"buttonList": {"buttons": [
        {"text": "Go", "onClick": {"action": {"function": "go"}}}]}}]}]}}]})
    card = chat.control("POST", "chat/messages", {"space": space["name"], "sender": alice["name"],
                                                   "text": "/meet"})["reply"]
    chat.control("POST", "chat/clicks", {"message": card["name"], "user": alice["name"], "function": "go"})
    clicked = fake_app.last()["event"]
    assert clicked["type"] == "CARD_CLICKED" and clicked["message"]["sender"]["name"] == f"users/{APP_ID}"
    assert clicked["message"]["sender"]["type"] == "BOT"
    without_alias(clicked)


def test_the_apis_name_the_app_by_its_id(chat: Emulator) -> None:
    state = chat.state
    with state.lock:
        alice = state.add_user("alice@example.com", "Alice")
        space = state.chat.create_space("Team", "SPACE", [alice])
    app_chat = chat.chat_discovery(chat.app_credentials())
    created = app_chat.spaces().messages().create(parent=space.name, body={"text": "hello"}).execute()
    assert created["sender"] == {"name": f"users/{APP_ID}", "displayName": "Meet", "type": "BOT"}  # no avatar: app auth
    # A person reads it: with user authentication, avatars are populated.
    user_chat = chat.chat_discovery(chat.authorize(alice.email, [
        "https://www.googleapis.com/auth/chat.messages.readonly",
        "https://www.googleapis.com/auth/chat.memberships.readonly"]))
    read = user_chat.spaces().messages().get(name=created["name"]).execute()
    assert read["sender"]["name"] == f"users/{APP_ID}" and read["sender"]["avatarUrl"] == state.config.app_avatar_url
    memberships = user_chat.spaces().members().list(parent=space.name).execute()["memberships"]
    bots = [m for m in memberships if m["member"]["type"] == "BOT"]
    assert [(m["name"], m["member"]["name"]) for m in bots] == [(f"{space.name}/members/{APP_ID}", f"users/{APP_ID}")]
    assert all(m["member"].get("avatarUrl") for m in memberships)
    # The alias is still accepted in requests, and answered with the canonical names.
    for alias in ("app", APP_ID):
        got = user_chat.spaces().members().get(name=f"{space.name}/members/{alias}").execute()
        assert got["name"] == f"{space.name}/members/{APP_ID}" and got["member"]["name"] == f"users/{APP_ID}"
    without_alias([created, read, memberships])
    # The control plane shows the same.
    listed = chat.control("GET", f"chat/{space.name}/messages")["messages"]
    assert listed[-1]["sender"]["name"] == f"users/{APP_ID}"
    without_alias(chat.control("GET", "chat/spaces"))


def test_the_control_plane_reads_and_sets_the_apps_identity(chat: Emulator, fake_app: FakeChatApp) -> None:
    assert chat.control("GET", "chat/app") == {"name": f"users/{APP_ID}", "displayName": "Meet", "type": "BOT",
                                               "avatarUrl": chat.state.config.app_avatar_url}
    changed = chat.control("POST", "chat/app", {"userId": "123456789", "displayName": "Meetings"})
    assert changed["name"] == "users/123456789" and changed["displayName"] == "Meetings"
    alice = chat.add_user("alice@example.com", "Alice")
    space = chat.control("POST", "chat/spaces", {"displayName": "Team", "spaceType": "SPACE",
                                                 "members": [alice["name"]]})
    chat.control("POST", "chat/messages", {"space": space["name"], "sender": alice["name"], "text": "@Meetings hi"})
    mention = fake_app.last()["event"]["message"]["annotations"][0]["userMention"]["user"]
    assert mention["name"] == "users/123456789" and mention["displayName"] == "Meetings"
    # Bad input changes nothing.
    for body in ({"userId": "app"}, {"userId": "12a"}, {"displayName": " "}, {"userId": 5},
                 {"userId": "999", "displayName": " "}):
        chat.control("POST", "chat/app", body, expect=400)
    chat.control("POST", "chat/app", {"userId": alice["name"].split("/", 1)[1]}, expect=409)
    assert chat.control("GET", "chat/app")["name"] == "users/123456789"
    chat.control("POST", "reset", expect=200)
    assert chat.control("GET", "chat/app")["name"] == f"users/{APP_ID}"  # back to the configuration


def test_internally_the_alias_still_means_the_app(chat: Emulator) -> None:
    state = chat.state
    with state.lock:
        alice = state.add_user("alice@example.com", "Alice")
        space = state.chat.create_space("Team", "SPACE", [alice])
        assert state.chat.is_member(space.name, APP_USER) and state.chat.is_member(space.name, f"users/{APP_ID}")
        assert state.chat.user_json(f"users/{APP_ID}")["type"] == "BOT"
