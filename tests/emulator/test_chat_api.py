"""Conformance of the emulated Chat API v1 (spaces.get, members, messages).

Every method is driven through both of Google's Python clients — google-apps-chat
(GAPIC, REST transport, integer enums) and google-api-python-client (discovery,
enum names) — with app and with user credentials, and every JSON body is validated
against the discovery document that ships with google-api-python-client.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from google.api_core import exceptions as core_exceptions
from google.apps import chat_v1
from google.protobuf import field_mask_pb2
from googleapiclient.errors import HttpError

from emulator import schema
from emulator.chat.model import APP_USER, ChatSpace
from emulator.state import User
from tests.support import Emulator

CHAT_USER_SCOPES = [
    "https://www.googleapis.com/auth/chat.messages",
    "https://www.googleapis.com/auth/chat.spaces.readonly",
    "https://www.googleapis.com/auth/chat.memberships.readonly",
]


# -- fixtures and helpers ----------------------------------------------------------------
@dataclass
class World:
    emulator: Emulator
    alice: User  # manager of `space`
    bob: User  # member of `space`
    carol: User  # in no space
    space: ChatSpace  # SPACE with alice, bob and the app
    dm: ChatSpace  # alice's DM with the app
    foreign: ChatSpace  # a space without the app and without alice

    @property
    def app_name(self) -> str:
        """The app as Chat names it: ``users/{digits}``, never the ``users/app`` alias."""
        return self.emulator.state.chat.app_user_name

    def user_creds(self, user: User, scopes: list[str] | None = None) -> Any:
        return self.emulator.authorize(user.email, scopes or CHAT_USER_SCOPES)


@pytest.fixture
def world(emulator: Emulator) -> World:
    # These tests are about what each message call means, several calls a second to one
    # space; Chat's per-space write quota (on by default) has its own tests in test_quotas.py.
    emulator.control("POST", "quotas", {"chatSpaceQuotas": False})
    state = emulator.state
    with state.lock:
        alice = state.add_user("alice@example.com", "Alice")
        bob = state.add_user("bob@example.com", "Bob")
        carol = state.add_user("carol@example.com", "Carol")
        space = state.chat.create_space("Team", "SPACE", [alice, bob])
        dm = state.chat.create_space("", "DIRECT_MESSAGE", [alice])
        foreign = state.chat.create_space("Elsewhere", "SPACE", [bob])
        state.chat.remove_member(foreign, APP_USER)
    return World(emulator, alice, bob, carol, space, dm, foreign)


def validate(schema_name: str, body: dict[str, Any]) -> None:
    """The body conforms to the discovery schema, with its output-only fields present."""
    schema.validate("chat", schema_name, body)
    required_output = {
        "Message": ["name", "sender", "createTime", "thread", "space"],
        "Space": ["name", "type", "spaceType", "createTime", "spaceUri", "spaceThreadingState"],
        "Membership": ["name", "state", "role", "member", "createTime"],
    }.get(schema_name, [])
    missing = [name for name in required_output if name not in body]
    assert not missing, f"{schema_name} lacks {missing}: {body}"
    if schema_name == "ListMessagesResponse":
        for message in body.get("messages", []):
            validate("Message", message)
    if schema_name == "ListMembershipsResponse":
        for membership in body.get("memberships", []):
            validate("Membership", membership)


def raw(emulator: Emulator, method: str, path: str, creds: Any, *, params: dict[str, Any] | None = None,
        body: Any = None, data: bytes | None = None) -> requests.Response:
    """A plain HTTP call with the credentials' bearer token (for malformed input)."""
    from google.auth.transport import requests as google_requests

    if not creds.valid:
        creds.refresh(google_requests.Request())
    headers = {"Authorization": f"Bearer {creds.token}", "Content-Type": "application/json"}
    return requests.request(method, f"{emulator.url}/v1/{path}", params=params, headers=headers,
                            data=data if data is not None else (json.dumps(body) if body is not None else None),
                            timeout=10)


def google_error(response: requests.Response, code: int, status: str) -> dict[str, Any]:
    assert response.status_code == code, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["status"] == status, error
    assert error["message"]
    return error


def card(widgets: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "cardId": "join",
        "card": {
            "header": {"title": "Meeting", "subtitle": "abc-mnop-xyz"},
            "sections": [{"widgets": [{"textParagraph": {"text": f"line {i}"}} for i in range(widgets)]}],
            **extra,
        },
    }


# -- spaces.get --------------------------------------------------------------------------
def test_spaces_get_discovery_app_and_user(world: World) -> None:
    for creds in (world.emulator.app_credentials(), world.user_creds(world.alice)):
        body = world.emulator.chat_discovery(creds).spaces().get(name=world.space.name).execute()
        validate("Space", body)
        assert body["name"] == world.space.name
        assert body["spaceType"] == "SPACE" and body["type"] == "ROOM"
        assert body["displayName"] == "Team"


def test_space_membership_count_and_last_active_time(world: World) -> None:
    """Space.membershipCount (output only, "populated when the space_type is SPACE,
    DIRECT_MESSAGE or GROUP_CHAT") counts joined humans, not the app; lastActiveTime is
    "the timestamp of the last message in the space", absent before the first."""
    chat = world.emulator.chat_discovery(world.emulator.app_credentials())
    assert set(schema.schemas("chat")["MembershipCount"]["properties"]) == {
        "joinedDirectHumanUserCount", "joinedGroupCount"}
    body = chat.spaces().get(name=world.space.name).execute()
    validate("Space", body)
    assert body["membershipCount"] == {"joinedDirectHumanUserCount": 2}  # alice and bob; no groups
    assert "lastActiveTime" not in body
    dm = chat.spaces().get(name=world.dm.name).execute()
    assert dm["membershipCount"] == {"joinedDirectHumanUserCount": 1}
    world.emulator.control("POST", "clock", {"advanceSeconds": 90})
    posted = chat.spaces().messages().create(parent=world.space.name, body={"text": "hello"}).execute()
    body = chat.spaces().get(name=world.space.name).execute()
    assert body["lastActiveTime"] == posted["createTime"]
    with world.emulator.state.lock:
        world.emulator.state.chat.remove_member(world.space, world.bob.name)
    assert chat.spaces().get(name=world.space.name).execute()["membershipCount"] == {"joinedDirectHumanUserCount": 1}
    # The GAPIC client reads them too.
    space = world.emulator.chat(world.emulator.app_credentials()).get_space(name=world.space.name)
    assert space.membership_count.joined_direct_human_user_count == 1
    assert space.last_active_time.isoformat().startswith(posted["createTime"][:19])


def test_spaces_get_gapic_round_trips_int_enums(world: World) -> None:
    client = world.emulator.chat(world.emulator.app_credentials())
    space = client.get_space(name=world.space.name)
    assert space.space_type == chat_v1.Space.SpaceType.SPACE
    assert space.type_ == chat_v1.Space.Type.ROOM
    assert space.space_threading_state == chat_v1.Space.SpaceThreadingState.THREADED_MESSAGES
    dm = client.get_space(name=world.dm.name)
    assert dm.space_type == chat_v1.Space.SpaceType.DIRECT_MESSAGE and dm.single_user_bot_dm
    # GAPIC asked for integer enums; the wire carried integers.
    response = raw(world.emulator, "GET", world.space.name, world.emulator.app_credentials(),
                   params={"$alt": "json;enum-encoding=int"})
    assert response.json()["spaceType"] == 1 and response.json()["type"] == 1


def test_spaces_get_auth_rules(world: World) -> None:
    app = world.emulator.chat_discovery(world.emulator.app_credentials())
    with pytest.raises(HttpError) as caught:
        app.spaces().get(name=world.foreign.name).execute()
    assert caught.value.resp.status == 404  # the app is not a member: the space does not exist for it
    carol = world.emulator.chat_discovery(world.user_creds(world.carol))
    with pytest.raises(HttpError) as caught:
        carol.spaces().get(name=world.space.name).execute()
    assert caught.value.resp.status == 403
    with pytest.raises(HttpError) as caught:
        carol.spaces().get(name="spaces/doesnotexist").execute()
    assert caught.value.resp.status == 404
    gapic = world.emulator.chat(world.user_creds(world.carol))
    with pytest.raises(core_exceptions.Forbidden):
        gapic.get_space(name=world.space.name)


def test_scope_from_discovery_is_enforced(world: World) -> None:
    creds = world.user_creds(world.alice, ["https://www.googleapis.com/auth/chat.messages"])
    error = google_error(raw(world.emulator, "GET", world.space.name, creds), 403, "PERMISSION_DENIED")
    assert error["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"


# -- members -----------------------------------------------------------------------------
def test_members_list_app_excludes_app_memberships(world: World) -> None:
    body = world.emulator.chat_discovery(world.emulator.app_credentials()).spaces().members().list(
        parent=world.space.name).execute()
    validate("ListMembershipsResponse", body)
    members = {m["member"]["name"]: m for m in body["memberships"]}
    assert set(members) == {world.alice.name, world.bob.name}
    assert members[world.alice.name]["role"] == "ROLE_MANAGER"
    assert members[world.bob.name]["member"]["type"] == "HUMAN"
    assert members[world.bob.name]["state"] == "JOINED"


def test_members_list_user_sees_app_and_filters(world: World) -> None:
    chat = world.emulator.chat_discovery(world.user_creds(world.alice))
    everyone = chat.spaces().members().list(parent=world.space.name).execute()
    validate("ListMembershipsResponse", everyone)
    assert {m["member"]["type"] for m in everyone["memberships"]} == {"HUMAN", "BOT"}
    cases = {
        'member.type = "HUMAN"': {world.alice.name, world.bob.name},
        'member.type != "BOT"': {world.alice.name, world.bob.name},
        'member.type = "BOT"': {world.app_name},
        'role = "ROLE_MANAGER"': {world.alice.name},
        'member.type = "HUMAN" AND role = "ROLE_MEMBER"': {world.bob.name},
        'role = "ROLE_MANAGER" OR role = "ROLE_MEMBER"': {world.alice.name, world.bob.name, world.app_name},
    }
    for query, expected in cases.items():
        body = chat.spaces().members().list(parent=world.space.name, filter=query, showInvited=True,
                                            showGroups=True).execute()
        assert {m["member"]["name"] for m in body.get("memberships", [])} == expected, query
    for query in ('member.type = "HUMAN" AND member.type = "BOT"', 'role = "ROLE_MANAGER" AND role = "ROLE_MEMBER"',
                  "nonsense", 'role = "ROLE_OWNER"', 'role != "ROLE_MEMBER"'):
        with pytest.raises(HttpError) as caught:
            chat.spaces().members().list(parent=world.space.name, filter=query).execute()
        assert caught.value.resp.status == 400, query


def test_members_gapic_round_trips_roles(world: World) -> None:
    client = world.emulator.chat(world.user_creds(world.alice))
    memberships = list(client.list_memberships(parent=world.space.name))
    roles = {m.member.name: m.role for m in memberships}
    assert roles[world.alice.name] == chat_v1.Membership.MembershipRole.ROLE_MANAGER
    assert roles[world.bob.name] == chat_v1.Membership.MembershipRole.ROLE_MEMBER
    types = {m.member.name: m.member.type_ for m in memberships}
    assert types[world.app_name] == chat_v1.User.Type.BOT
    assert all(m.state == chat_v1.Membership.MembershipState.JOINED for m in memberships)
    # ROLE_ASSISTANT_MANAGER is proto number 4 (3 is unused): the int encoding must say so.
    with world.emulator.state.lock:
        world.emulator.state.chat.membership_of(world.space.name, world.bob.name).role = "ROLE_ASSISTANT_MANAGER"
    bob = client.get_membership(name=f"{world.space.name}/members/{world.bob.id}")
    assert bob.role == chat_v1.Membership.MembershipRole.ROLE_ASSISTANT_MANAGER
    response = raw(world.emulator, "GET", f"{world.space.name}/members/{world.bob.id}", world.user_creds(world.alice),
                   params={"$alt": "json;enum-encoding=int"})
    assert response.json()["role"] == 4


def test_members_get_by_id_email_and_app(world: World) -> None:
    chat = world.emulator.chat_discovery(world.user_creds(world.bob))
    for member in (world.alice.id, world.alice.email):
        body = chat.spaces().members().get(name=f"{world.space.name}/members/{member}").execute()
        validate("Membership", body)
        assert body["name"] == f"{world.space.name}/members/{world.alice.id}"
    app_id = world.app_name.split("/", 1)[1]
    for alias in ("app", app_id):  # Chat's alias for the app's membership, and its canonical id
        app = chat.spaces().members().get(name=f"{world.space.name}/members/{alias}").execute()
        validate("Membership", app)
        assert app["name"] == f"{world.space.name}/members/{app_id}"
        assert app["member"]["name"] == world.app_name and app["member"]["type"] == "BOT"
    with pytest.raises(HttpError) as caught:
        chat.spaces().members().get(name=f"{world.space.name}/members/{world.carol.id}").execute()
    assert caught.value.resp.status == 404
    app_client = world.emulator.chat(world.emulator.app_credentials())
    assert app_client.get_membership(name=f"{world.space.name}/members/{world.bob.id}").member.name == world.bob.name
    with pytest.raises(core_exceptions.NotFound):
        app_client.get_membership(name=f"{world.foreign.name}/members/{world.bob.id}")


def test_members_pagination(world: World) -> None:
    state = world.emulator.state
    with state.lock:
        for index in range(7):
            state.chat.add_member(world.space, state.add_user(f"user{index}@example.com").name)
    chat = world.emulator.chat_discovery(world.emulator.app_credentials())
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        body = chat.spaces().members().list(parent=world.space.name, pageSize=4, pageToken=token).execute()
        validate("ListMembershipsResponse", body)
        seen += [m["name"] for m in body["memberships"]]
        pages += 1
        token = body.get("nextPageToken")
        if not token:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == 9
    client = world.emulator.chat(world.emulator.app_credentials())
    assert len(list(client.list_memberships(request={"parent": world.space.name, "page_size": 2}))) == 9
    creds = world.emulator.app_credentials()
    google_error(raw(world.emulator, "GET", f"{world.space.name}/members", creds, params={"pageToken": "forged"}),
                 400, "INVALID_ARGUMENT")
    google_error(raw(world.emulator, "GET", f"{world.space.name}/members", creds, params={"pageSize": -1}),
                 400, "INVALID_ARGUMENT")
    big = raw(world.emulator, "GET", f"{world.space.name}/members", creds, params={"pageSize": 5000})
    assert big.status_code == 200 and len(big.json()["memberships"]) == 9


# -- messages.create ---------------------------------------------------------------------
def test_create_as_app_discovery_with_card(world: World) -> None:
    chat = world.emulator.chat_discovery(world.emulator.app_credentials())
    body = chat.spaces().messages().create(parent=world.space.name, body={
        "text": "Meeting ready", "cardsV2": [card(3)], "fallbackText": "join"}).execute()
    validate("Message", body)
    assert body["sender"] == {"name": world.app_name, "displayName": "Meet", "type": "BOT"}
    assert body["text"] == body["formattedText"] == body["argumentText"] == "Meeting ready"
    assert body["space"]["name"] == world.space.name and body["space"]["spaceType"] == "SPACE"
    assert body["thread"]["name"].startswith(world.space.name + "/threads/")
    assert body["cardsV2"][0]["card"]["sections"][0]["widgets"][2]["textParagraph"]["text"] == "line 2"
    assert "threadReply" not in body and "lastUpdateTime" not in body


def test_create_as_user_gapic(world: World) -> None:
    client = world.emulator.chat(world.user_creds(world.bob))
    message = client.create_message(parent=world.space.name, message=chat_v1.Message(text="hello"))
    assert message.sender.name == world.bob.name
    assert message.sender.type_ == chat_v1.User.Type.HUMAN
    assert message.text == "hello" and message.space.name == world.space.name
    assert message.create_time.year >= 2024
    calls = [c for c in world.emulator.calls("chat") if c["method"] == "spaces.messages.create"]
    assert "enum-encoding=int" in calls[-1]["query"]["$alt"]


def test_user_auth_cannot_send_cards_or_private_messages(world: World) -> None:
    chat = world.emulator.chat_discovery(world.user_creds(world.alice))
    with pytest.raises(HttpError) as caught:
        chat.spaces().messages().create(parent=world.space.name, body={"cardsV2": [card()]}).execute()
    assert caught.value.resp.status == 400
    with pytest.raises(HttpError) as caught:
        chat.spaces().messages().create(parent=world.space.name, body={
            "text": "psst", "privateMessageViewer": {"name": world.bob.name}}).execute()
    assert caught.value.resp.status == 400


def test_create_requires_membership(world: World) -> None:
    app = world.emulator.chat(world.emulator.app_credentials())
    with pytest.raises(core_exceptions.NotFound):
        app.create_message(parent=world.foreign.name, message=chat_v1.Message(text="hi"))
    carol = world.emulator.chat_discovery(world.user_creds(world.carol))
    with pytest.raises(HttpError) as caught:
        carol.spaces().messages().create(parent=world.space.name, body={"text": "hi"}).execute()
    assert caught.value.resp.status == 403


def test_request_id_is_idempotent(world: World) -> None:
    chat = world.emulator.chat_discovery(world.emulator.app_credentials())
    first = chat.spaces().messages().create(parent=world.space.name, requestId="req-1", body={"text": "one"}).execute()
    again = chat.spaces().messages().create(parent=world.space.name, requestId="req-1",
                                            body={"text": "different"}).execute()
    assert again["name"] == first["name"] and again["text"] == "one"
    client = world.emulator.chat(world.emulator.app_credentials())
    gapic = client.create_message(request={"parent": world.space.name, "request_id": "req-1",
                                           "message": {"text": "x"}})
    assert gapic.name == first["name"]
    with world.emulator.state.lock:
        assert len(world.emulator.state.chat.messages_in(world.space.name)) == 1
    # The same request id from another caller is an error.
    bob = world.emulator.chat_discovery(world.user_creds(world.bob))
    with pytest.raises(HttpError) as caught:
        bob.spaces().messages().create(parent=world.space.name, requestId="req-1", body={"text": "mine"}).execute()
    assert caught.value.resp.status == 400


def test_client_assigned_message_id(world: World) -> None:
    chat = world.emulator.chat_discovery(world.emulator.app_credentials())
    body = chat.spaces().messages().create(parent=world.space.name, messageId="client-join-card",
                                           body={"text": "card"}).execute()
    validate("Message", body)
    assert body["clientAssignedMessageId"] == "client-join-card"
    assert not body["name"].endswith("client-join-card")
    with pytest.raises(HttpError) as caught:
        chat.spaces().messages().create(parent=world.space.name, messageId="client-join-card",
                                        body={"text": "again"}).execute()
    assert caught.value.resp.status == 409
    assert json.loads(caught.value.content)["error"]["status"] == "ALREADY_EXISTS"
    # The same id is free in another space.
    chat.spaces().messages().create(parent=world.dm.name, messageId="client-join-card", body={"text": "dm"}).execute()
    for bad in ("join-card", "client-UPPER", "client-" + "x" * 60, "client-under_score"):
        with pytest.raises(HttpError) as caught:
            chat.spaces().messages().create(parent=world.space.name, messageId=bad, body={"text": "x"}).execute()
        assert caught.value.resp.status == 400, bad
    by_client = chat.spaces().messages().get(name=f"{world.space.name}/messages/client-join-card").execute()
    assert by_client["name"] == body["name"]
    client = world.emulator.chat(world.emulator.app_credentials())
    assert client.get_message(name=f"{world.space.name}/messages/client-join-card").name == body["name"]


def test_threading_with_thread_key_and_reply_option(world: World) -> None:
    chat = world.emulator.chat_discovery(world.emulator.app_credentials())
    messages = chat.spaces().messages()
    root = messages.create(parent=world.space.name, messageReplyOption="REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD",
                           body={"text": "root", "thread": {"threadKey": "meeting-1"}}).execute()
    assert root["thread"]["threadKey"] == "meeting-1" and "threadReply" not in root
    reply = messages.create(parent=world.space.name, messageReplyOption="REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD",
                            body={"text": "reply", "thread": {"threadKey": "meeting-1"}}).execute()
    validate("Message", reply)
    assert reply["thread"]["name"] == root["thread"]["name"] and reply["threadReply"] is True
    # The deprecated threadKey query parameter works too.
    legacy = messages.create(parent=world.space.name, threadKey="meeting-1",
                             messageReplyOption="REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD",
                             body={"text": "legacy"}).execute()
    assert legacy["thread"]["name"] == root["thread"]["name"]
    by_name = messages.create(parent=world.space.name, messageReplyOption="REPLY_MESSAGE_OR_FAIL",
                              body={"text": "by name", "thread": {"name": root["thread"]["name"]}}).execute()
    assert by_name["thread"]["name"] == root["thread"]["name"] and by_name["threadReply"] is True
    with pytest.raises(HttpError) as caught:
        messages.create(parent=world.space.name, messageReplyOption="REPLY_MESSAGE_OR_FAIL",
                        body={"text": "x", "thread": {"threadKey": "unknown"}}).execute()
    assert caught.value.resp.status == 404
    # Without a reply option a message starts a new thread, whatever key it carries.
    fresh = messages.create(parent=world.space.name,
                            body={"text": "new", "thread": {"threadKey": "meeting-1"}}).execute()
    assert fresh["thread"]["name"] != root["thread"]["name"]


def test_gapic_sends_reply_option_as_int_and_it_is_understood(world: World) -> None:
    client = world.emulator.chat(world.emulator.app_credentials())
    option = chat_v1.CreateMessageRequest.MessageReplyOption
    root = client.create_message(request={"parent": world.space.name, "message": {
        "text": "root", "thread": {"thread_key": "k"}},
        "message_reply_option": option.REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD})
    reply = client.create_message(request={"parent": world.space.name, "message": {
        "text": "reply", "thread": {"thread_key": "k"}}, "message_reply_option": option.REPLY_MESSAGE_OR_FAIL})
    assert reply.thread.name == root.thread.name and reply.thread_reply
    sent = [c for c in world.emulator.calls("chat") if c["method"] == "spaces.messages.create"][-1]
    assert sent["query"]["messageReplyOption"] == "2"  # proto number of REPLY_MESSAGE_OR_FAIL
    with pytest.raises(core_exceptions.NotFound):
        client.create_message(request={"parent": world.space.name, "message": {
            "text": "x", "thread": {"thread_key": "missing"}}, "message_reply_option": option.REPLY_MESSAGE_OR_FAIL})


def test_private_message_visibility(world: World) -> None:
    app = world.emulator.chat_discovery(world.emulator.app_credentials())
    private = app.spaces().messages().create(parent=world.space.name, body={
        "text": "only for alice", "privateMessageViewer": {"name": f"users/{world.alice.email}"}}).execute()
    validate("Message", private)
    assert private["privateMessageViewer"]["name"] == world.alice.name
    public = app.spaces().messages().create(parent=world.space.name, body={"text": "for all"}).execute()
    alice = world.emulator.chat_discovery(world.user_creds(world.alice))
    bob = world.emulator.chat_discovery(world.user_creds(world.bob))
    assert alice.spaces().messages().get(name=private["name"]).execute()["text"] == "only for alice"
    with pytest.raises(HttpError) as caught:
        bob.spaces().messages().get(name=private["name"]).execute()
    assert caught.value.resp.status == 404
    def names(chat: Any) -> list[str]:
        return [m["name"] for m in chat.spaces().messages().list(parent=world.space.name).execute()["messages"]]

    assert names(alice) == [private["name"], public["name"]]
    assert names(bob) == [public["name"]]
    with pytest.raises(HttpError) as caught:
        app.spaces().messages().create(parent=world.space.name, body={
            "text": "x", "privateMessageViewer": {"name": world.carol.name}}).execute()
    assert caught.value.resp.status == 400


# -- cards -------------------------------------------------------------------------------
def test_card_errors_name_the_field(world: World) -> None:
    creds = world.emulator.app_credentials()
    bad_field = card()
    bad_field["card"]["sections"][0]["widgets"][0]["textParagraph"]["colour"] = "red"
    error = google_error(raw(world.emulator, "POST", f"{world.space.name}/messages", creds,
                             body={"cardsV2": [bad_field]}), 400, "INVALID_ARGUMENT")
    field = error["details"][0]["fieldViolations"][0]["field"]
    assert field == "message.cards_v2[0].card.sections[0].widgets[0].text_paragraph.colour"
    bad_enum = card()
    bad_enum["card"]["sections"][0]["widgets"] = [{"buttonList": {"buttons": [
        {"text": "Join", "type": "SHINY", "onClick": {"openLink": {"url": "https://meet.google.com/x"}}}]}}]
    error = google_error(raw(world.emulator, "POST", f"{world.space.name}/messages", creds,
                             body={"cardsV2": [bad_enum]}), 400, "INVALID_ARGUMENT")
    assert error["details"][0]["fieldViolations"][0]["field"] == \
        "message.cards_v2[0].card.sections[0].widgets[0].button_list.buttons[0].type"
    chat = world.emulator.chat_discovery(creds)
    with pytest.raises(HttpError) as caught:
        chat.spaces().messages().create(parent=world.space.name, body={"cardsV2": [bad_field]}).execute()
    assert caught.value.resp.status == 400 and "colour" in str(caught.value)


def test_card_with_int_enums_from_gapic_round_trips(world: World) -> None:
    client = world.emulator.chat(world.emulator.app_credentials())
    from google.apps import card_v1

    message = client.create_message(parent=world.space.name, message=chat_v1.Message(cards_v2=[chat_v1.CardWithId(
        card_id="c", card=card_v1.Card(sections=[card_v1.Card.Section(widgets=[card_v1.Widget(
            button_list=card_v1.ButtonList(buttons=[card_v1.Button(
                text="Join", type_=card_v1.Button.Type.FILLED,
                on_click=card_v1.OnClick(open_link=card_v1.OpenLink(url="https://meet.google.com/x")))]))])]))]))
    button = message.cards_v2[0].card.sections[0].widgets[0].button_list.buttons[0]
    assert button.type_ == card_v1.Button.Type.FILLED
    stored = world.emulator.chat_discovery(world.emulator.app_credentials()).spaces().messages().get(
        name=message.name).execute()
    assert stored["cardsV2"][0]["card"]["sections"][0]["widgets"][0]["buttonList"]["buttons"][0]["type"] == "FILLED"


def test_int_encoded_message_validates_against_schema(world: World) -> None:
    creds = world.emulator.app_credentials()
    button = {"text": "Join", "type": "OUTLINED", "onClick": {"openLink": {"url": "https://meet.google.com/x"}}}
    message = card()
    message["card"]["sections"][0]["widgets"].append({"buttonList": {"buttons": [button]}})
    response = raw(world.emulator, "POST", f"{world.space.name}/messages", creds,
                   params={"$alt": "json;enum-encoding=int"}, body={"text": "x", "cardsV2": [message]})
    assert response.status_code == 200, response.text
    body = response.json()
    validate("Message", body)
    assert body["sender"]["type"] == 2 and body["space"]["spaceType"] == 1
    assert body["cardsV2"][0]["card"]["sections"][0]["widgets"][1]["buttonList"]["buttons"][0]["type"] == 1  # OUTLINED
    named = raw(world.emulator, "GET", body["name"], creds).json()
    validate("Message", named)
    assert named["sender"]["type"] == "BOT"
    assert named["cardsV2"][0]["card"]["sections"][0]["widgets"][1]["buttonList"]["buttons"][0]["type"] == "OUTLINED"
    # Integer enums are accepted in request bodies and query parameters too.
    button["type"] = 3
    as_ints = raw(world.emulator, "POST", f"{world.space.name}/messages", creds,
                  params={"messageReplyOption": "1"}, body={"cardsV2": [message], "thread": {"threadKey": "t"}})
    assert as_ints.status_code == 200, as_ints.text
    assert as_ints.json()["cardsV2"][0]["card"]["sections"][0]["widgets"][1]["buttonList"]["buttons"][0]["type"] == \
        "FILLED_TONAL"
    google_error(raw(world.emulator, "POST", f"{world.space.name}/messages", creds,
                     params={"messageReplyOption": "9"}, body={"text": "x"}), 400, "INVALID_ARGUMENT")


def test_message_over_32000_bytes_is_refused(world: World) -> None:
    chat = world.emulator.chat_discovery(world.emulator.app_credentials())
    with pytest.raises(HttpError) as caught:
        chat.spaces().messages().create(parent=world.space.name, body={"text": "é" * 16_100}).execute()
    assert caught.value.resp.status == 400
    ok = chat.spaces().messages().create(parent=world.space.name, body={"text": "a" * 31_000}).execute()
    validate("Message", ok)


def test_empty_message_is_refused(world: World) -> None:
    google_error(raw(world.emulator, "POST", f"{world.space.name}/messages", world.emulator.app_credentials(),
                     body={}), 400, "INVALID_ARGUMENT")


# -- messages.get / list -----------------------------------------------------------------
def test_get_message_rules_for_app(world: World) -> None:
    bob = world.emulator.chat_discovery(world.user_creds(world.bob))
    human = bob.spaces().messages().create(parent=world.space.name, body={"text": "by bob"}).execute()
    app = world.emulator.chat_discovery(world.emulator.app_credentials())
    with pytest.raises(HttpError) as caught:  # chat.bot reads only messages the app has access to
        app.spaces().messages().get(name=human["name"]).execute()
    assert caught.value.resp.status == 404
    own = app.spaces().messages().create(parent=world.space.name, body={"text": "by app"}).execute()
    assert app.spaces().messages().get(name=own["name"]).execute()["text"] == "by app"
    with world.emulator.state.lock:
        dm_message = world.emulator.state.chat.create_message(world.dm.name, world.alice.name, {"text": "in dm"},
                                                             app_auth=False)
    got = app.spaces().messages().get(name=dm_message.name).execute()
    validate("Message", got)
    assert got["sender"]["name"] == world.alice.name and got["sender"]["type"] == "HUMAN"
    with pytest.raises(HttpError) as caught:
        app.spaces().messages().get(name=f"{world.space.name}/messages/nope.nope").execute()
    assert caught.value.resp.status == 404


def test_user_get_returns_space_name_only(world: World) -> None:
    bob = world.emulator.chat_discovery(world.user_creds(world.bob))
    created = bob.spaces().messages().create(parent=world.space.name, body={"text": "hi"}).execute()
    got = bob.spaces().messages().get(name=created["name"]).execute()
    validate("Message", got)
    assert got["space"] == {"name": world.space.name}
    client = world.emulator.chat(world.user_creds(world.alice))
    message = client.get_message(name=created["name"])
    assert message.sender.name == world.bob.name and message.text == "hi"


def test_list_messages_requires_user_auth_scope(world: World) -> None:
    error = google_error(raw(world.emulator, "GET", f"{world.space.name}/messages", world.emulator.app_credentials()),
                         403, "PERMISSION_DENIED")
    assert error["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    readonly = world.user_creds(world.alice, ["https://www.googleapis.com/auth/chat.messages.readonly"])
    assert world.emulator.chat_discovery(readonly).spaces().messages().list(parent=world.space.name).execute() == {}
    carol = world.emulator.chat_discovery(world.user_creds(world.carol))
    with pytest.raises(HttpError) as caught:
        carol.spaces().messages().list(parent=world.space.name).execute()
    assert caught.value.resp.status == 403


def _post(world: World, count: int, **kwargs: Any) -> list[dict[str, Any]]:
    chat = world.emulator.chat_discovery(world.emulator.app_credentials())
    posted = []
    for index in range(count):
        posted.append(chat.spaces().messages().create(parent=world.space.name, body={"text": f"m{index}"},
                                                      **kwargs).execute())
        world.emulator.control("POST", "clock", {"advanceSeconds": 60})
    return posted


def test_list_messages_pagination_and_order(world: World) -> None:
    posted = _post(world, 30)
    chat = world.emulator.chat_discovery(world.user_creds(world.alice))
    first = chat.spaces().messages().list(parent=world.space.name).execute()
    validate("ListMessagesResponse", first)
    assert len(first["messages"]) == 25 and first["nextPageToken"]  # default page size 25
    second = chat.spaces().messages().list(parent=world.space.name, pageToken=first["nextPageToken"]).execute()
    assert [m["name"] for m in first["messages"] + second["messages"]] == [m["name"] for m in posted]
    assert "nextPageToken" not in second
    desc = chat.spaces().messages().list(parent=world.space.name, orderBy="create_time DESC", pageSize=3).execute()
    assert [m["text"] for m in desc["messages"]] == ["m29", "m28", "m27"]
    client = world.emulator.chat(world.user_creds(world.alice))
    assert [m.text for m in client.list_messages(request={"parent": world.space.name, "page_size": 7})] == \
        [f"m{i}" for i in range(30)]
    creds = world.user_creds(world.alice)
    for params in ({"pageToken": "forged"}, {"pageSize": -2}, {"orderBy": "name ASC"}):
        google_error(raw(world.emulator, "GET", f"{world.space.name}/messages", creds, params=params),
                     400, "INVALID_ARGUMENT")
    # A token is bound to its query: reusing it with another filter is refused.
    google_error(raw(world.emulator, "GET", f"{world.space.name}/messages", creds,
                     params={"pageToken": first["nextPageToken"], "orderBy": "create_time DESC"}),
                 400, "INVALID_ARGUMENT")
    google_error(raw(world.emulator, "GET", f"{world.space.name}/messages", creds,
                     params={"pageToken": first["nextPageToken"], "showDeleted": "true"}),
                 400, "INVALID_ARGUMENT")
    # showDeleted=false is the query without it (its default): the token continues it.
    same = raw(world.emulator, "GET", f"{world.space.name}/messages", creds,
               params={"pageToken": first["nextPageToken"], "showDeleted": "false"})
    assert [m["name"] for m in same.json()["messages"]] == [m["name"] for m in second["messages"]]
    # Another member's token is not bob's to continue.
    google_error(raw(world.emulator, "GET", f"{world.space.name}/messages", world.user_creds(world.bob),
                     params={"pageToken": first["nextPageToken"]}), 400, "INVALID_ARGUMENT")
    big = raw(world.emulator, "GET", f"{world.space.name}/messages", creds, params={"pageSize": 100000})
    assert len(big.json()["messages"]) == 30


def test_list_messages_filters(world: World) -> None:
    posted = _post(world, 4)
    app = world.emulator.chat_discovery(world.emulator.app_credentials())
    reply = app.spaces().messages().create(parent=world.space.name,
                                           messageReplyOption="REPLY_MESSAGE_OR_FAIL",
                                           body={"text": "reply", "thread": posted[1]["thread"]}).execute()
    chat = world.emulator.chat_discovery(world.user_creds(world.alice))
    after = posted[1]["createTime"]
    body = chat.spaces().messages().list(parent=world.space.name, filter=f'create_time > "{after}"').execute()
    assert [m["text"] for m in body["messages"]] == ["m2", "m3", "reply"]
    window = (f'create_time > "{posted[0]["createTime"]}" AND create_time < "{posted[3]["createTime"]}"')
    body = chat.spaces().messages().list(parent=world.space.name, filter=window).execute()
    assert [m["text"] for m in body["messages"]] == ["m1", "m2"]
    thread = posted[1]["thread"]["name"]
    body = chat.spaces().messages().list(parent=world.space.name, filter=f"thread.name = {thread}").execute()
    assert [m["name"] for m in body["messages"]] == [posted[1]["name"], reply["name"]]
    both = f'create_time > "{posted[1]["createTime"]}" AND thread.name = {thread}'
    assert [m["text"] for m in chat.spaces().messages().list(parent=world.space.name, filter=both).execute()[
        "messages"]] == ["reply"]
    with_offset = chat.spaces().messages().list(parent=world.space.name,
                                                filter='create_time > "2000-01-01T00:00:00-04:00"').execute()
    assert len(with_offset["messages"]) == 5
    creds = world.user_creds(world.alice)
    for bad in ("create_time > yesterday", f"thread.name = {thread} AND thread.name = {thread}", "text = 'x'",
                'create_time > "not a time"'):
        google_error(raw(world.emulator, "GET", f"{world.space.name}/messages", creds, params={"filter": bad}),
                     400, "INVALID_ARGUMENT")


# -- messages.patch / update -------------------------------------------------------------
def test_patch_and_update_as_app(world: World) -> None:
    chat = world.emulator.chat_discovery(world.emulator.app_credentials())
    created = chat.spaces().messages().create(parent=world.space.name, body={"text": "waiting",
                                                                             "cardsV2": [card()]}).execute()
    world.emulator.control("POST", "clock", {"advanceSeconds": 5})
    patched = chat.spaces().messages().patch(name=created["name"], updateMask="text",
                                             body={"text": "in progress"}).execute()
    validate("Message", patched)
    assert patched["text"] == "in progress" and patched["cardsV2"] == created["cardsV2"]
    assert patched["lastUpdateTime"] > patched["createTime"]
    updated = chat.spaces().messages().update(name=created["name"], updateMask="cards_v2",
                                              body={"cardsV2": [card(2)]}).execute()
    assert len(updated["cardsV2"][0]["card"]["sections"][0]["widgets"]) == 2 and updated["text"] == "in progress"
    client = world.emulator.chat(world.emulator.app_credentials())
    gapic = client.update_message(message=chat_v1.Message(name=created["name"], text="ended"),
                                  update_mask=field_mask_pb2.FieldMask(paths=["text"]))
    assert gapic.text == "ended" and gapic.last_update_time.year >= 2024
    both = client.update_message(message=chat_v1.Message(name=created["name"], text="final"),
                                 update_mask=field_mask_pb2.FieldMask(paths=["*"]))
    assert both.text == "final" and not both.cards_v2  # "*" replaces every updatable field


def test_update_mask_errors(world: World) -> None:
    chat = world.emulator.chat_discovery(world.emulator.app_credentials())
    created = chat.spaces().messages().create(parent=world.space.name, body={"text": "x"}).execute()
    creds = world.emulator.app_credentials()
    path = created["name"]
    google_error(raw(world.emulator, "PATCH", path, creds, body={"text": "y"}), 400, "INVALID_ARGUMENT")
    google_error(raw(world.emulator, "PATCH", path, creds, params={"updateMask": "sender"}, body={"text": "y"}),
                 400, "INVALID_ARGUMENT")
    google_error(raw(world.emulator, "PUT", path, creds, params={"updateMask": "text,bogus"}, body={"text": "y"}),
                 400, "INVALID_ARGUMENT")


def test_only_own_messages_can_be_updated(world: World) -> None:
    bob = world.emulator.chat_discovery(world.user_creds(world.bob))
    by_bob = bob.spaces().messages().create(parent=world.space.name, body={"text": "bob"}).execute()
    app = world.emulator.chat_discovery(world.emulator.app_credentials())
    by_app = app.spaces().messages().create(parent=world.space.name, body={"text": "app"}).execute()
    with pytest.raises(HttpError) as caught:
        bob.spaces().messages().patch(name=by_app["name"], updateMask="text", body={"text": "hijack"}).execute()
    assert caught.value.resp.status == 403
    alice = world.emulator.chat_discovery(world.user_creds(world.alice))
    with pytest.raises(HttpError) as caught:
        alice.spaces().messages().patch(name=by_bob["name"], updateMask="text", body={"text": "hijack"}).execute()
    assert caught.value.resp.status == 403
    edited = bob.spaces().messages().patch(name=by_bob["name"], updateMask="text", body={"text": "edited"}).execute()
    assert edited["text"] == "edited" and edited["sender"]["name"] == world.bob.name
    with pytest.raises(HttpError) as caught:  # a person cannot add cards
        bob.spaces().messages().patch(name=by_bob["name"], updateMask="cards_v2", body={"cardsV2": [card()]}).execute()
    assert caught.value.resp.status == 400


def test_allow_missing_creates_with_client_id(world: World) -> None:
    chat = world.emulator.chat_discovery(world.emulator.app_credentials())
    name = f"{world.space.name}/messages/client-summary-1"
    created = chat.spaces().messages().patch(name=name, updateMask="text", allowMissing=True,
                                             body={"text": "summary"}).execute()
    validate("Message", created)
    assert created["clientAssignedMessageId"] == "client-summary-1" and created["text"] == "summary"
    again = chat.spaces().messages().patch(name=name, updateMask="text", allowMissing=True,
                                           body={"text": "summary v2"}).execute()
    assert again["name"] == created["name"] and again["text"] == "summary v2"
    with pytest.raises(HttpError) as caught:
        chat.spaces().messages().patch(name=f"{world.space.name}/messages/client-missing", updateMask="text",
                                       body={"text": "x"}).execute()
    assert caught.value.resp.status == 404
    with pytest.raises(HttpError) as caught:
        chat.spaces().messages().patch(name=f"{world.space.name}/messages/AAAA.BBBB", updateMask="text",
                                       allowMissing=True, body={"text": "x"}).execute()
    assert caught.value.resp.status == 404
    client = world.emulator.chat(world.emulator.app_credentials())
    gapic = client.update_message(request={"message": {"name": f"{world.space.name}/messages/client-gapic",
                                                        "text": "made"}, "allow_missing": True,
                                           "update_mask": {"paths": ["text"]}})
    assert gapic.client_assigned_message_id == "client-gapic"


# -- messages.delete ---------------------------------------------------------------------
def test_delete_as_app_and_show_deleted(world: World) -> None:
    chat = world.emulator.chat_discovery(world.emulator.app_credentials())
    created = chat.spaces().messages().create(parent=world.space.name, messageId="client-gone",
                                              body={"text": "bye"}).execute()
    assert chat.spaces().messages().delete(name=f"{world.space.name}/messages/client-gone").execute() == {}
    with pytest.raises(HttpError) as caught:
        chat.spaces().messages().get(name=created["name"]).execute()
    assert caught.value.resp.status == 404
    alice = world.emulator.chat_discovery(world.user_creds(world.alice))
    assert alice.spaces().messages().list(parent=world.space.name).execute() == {}
    shown = alice.spaces().messages().list(parent=world.space.name, showDeleted=True).execute()
    validate("ListMessagesResponse", shown)
    tombstone = shown["messages"][0]
    assert tombstone["deletionMetadata"]["deletionType"] == "CREATOR" and "deleteTime" in tombstone
    assert "text" not in tombstone
    client = world.emulator.chat(world.user_creds(world.alice))
    listed = list(client.list_messages(request={"parent": world.space.name, "show_deleted": True}))
    assert listed[0].deletion_metadata.deletion_type == chat_v1.DeletionMetadata.DeletionType.CREATOR
    with pytest.raises(HttpError) as caught:
        chat.spaces().messages().delete(name=created["name"]).execute()
    assert caught.value.resp.status == 404


def test_delete_rules_for_users(world: World) -> None:
    app = world.emulator.chat_discovery(world.emulator.app_credentials())
    by_app = app.spaces().messages().create(parent=world.space.name, body={"text": "app"}).execute()
    bob = world.emulator.chat(world.user_creds(world.bob))
    root = bob.create_message(parent=world.space.name, message=chat_v1.Message(text="root"))
    bob.create_message(request={"parent": world.space.name, "message": {"text": "reply", "thread": {
        "name": root.thread.name}}, "message_reply_option": 2})
    with pytest.raises(core_exceptions.Forbidden):
        bob.delete_message(name=by_app["name"])
    with pytest.raises(core_exceptions.BadRequest) as precondition:  # a thread with replies needs force
        bob.delete_message(name=root.name)
    assert "force" in precondition.value.message
    bob.delete_message(request={"name": root.name, "force": True})
    with world.emulator.state.lock:
        assert [m.body.get("text") for m in world.emulator.state.chat.messages_in(world.space.name)] == ["app"]
    # A space manager may delete a member's message; a member may not delete the manager's.
    alice = world.emulator.chat_discovery(world.user_creds(world.alice))
    other = bob.create_message(parent=world.space.name, message=chat_v1.Message(text="bob again"))
    alice.spaces().messages().delete(name=other.name).execute()
    shown = alice.spaces().messages().list(parent=world.space.name, showDeleted=True,
                                           filter=f"thread.name = {other.thread.name}").execute()
    assert shown["messages"][0]["deletionMetadata"]["deletionType"] == "SPACE_OWNER"
    by_alice = alice.spaces().messages().create(parent=world.space.name, body={"text": "alice"}).execute()
    with pytest.raises(core_exceptions.Forbidden):
        bob.delete_message(name=by_alice["name"])
    # The app cannot delete people's messages.
    with pytest.raises(HttpError) as caught:
        app.spaces().messages().delete(name=by_alice["name"]).execute()
    assert caught.value.resp.status in (403, 404)


# -- malformed input ---------------------------------------------------------------------
def test_malformed_requests_get_google_errors(world: World) -> None:
    creds = world.emulator.app_credentials()
    messages = f"{world.space.name}/messages"
    google_error(raw(world.emulator, "POST", messages, creds, data=b"{not json"), 400, "INVALID_ARGUMENT")
    google_error(raw(world.emulator, "POST", messages, creds, data=b"[1, 2]"), 400, "INVALID_ARGUMENT")
    error = google_error(raw(world.emulator, "POST", messages, creds, body={"text": "x", "colour": "red"}),
                         400, "INVALID_ARGUMENT")
    assert "colour" in error["message"]
    google_error(raw(world.emulator, "POST", messages, creds, body={"text": 5}), 400, "INVALID_ARGUMENT")
    google_error(raw(world.emulator, "POST", messages, creds, params={"messageReplyOption": "SOMETIMES"},
                     body={"text": "x"}), 400, "INVALID_ARGUMENT")
    google_error(raw(world.emulator, "POST", messages, creds, params={"bogus": "1"}, body={"text": "x"}),
                 400, "INVALID_ARGUMENT")
    google_error(raw(world.emulator, "POST", messages, creds, body={"text": "x", "thread": {"name": "threads/1"}}),
                 400, "INVALID_ARGUMENT")
    google_error(raw(world.emulator, "GET", "spaces/nope", creds), 404, "NOT_FOUND")
    google_error(raw(world.emulator, "GET", f"{world.space.name}/messages/a/b", creds), 404, "NOT_FOUND")
    google_error(raw(world.emulator, "GET", f"{world.space.name}/members/unknown@example.com", creds),
                 404, "NOT_FOUND")
    google_error(raw(world.emulator, "DELETE", world.space.name + "/members", creds), 405, "UNIMPLEMENTED")
    google_error(raw(world.emulator, "GET", f"{world.space.name}/members", creds, params={"pageSize": "ten"}),
                 400, "INVALID_ARGUMENT")
    google_error(raw(world.emulator, "GET", f"{world.space.name}/members", creds, params={"filter": "(("}),
                 400, "INVALID_ARGUMENT")
    unauthenticated = requests.get(f"{world.emulator.url}/v1/{world.space.name}", timeout=5)
    assert unauthenticated.status_code == 401


def test_fault_injection_on_chat_method(world: World) -> None:
    world.emulator.control("POST", "faults", {"api": "chat", "method": "spaces.messages.create", "status": 503,
                                              "times": 1})
    chat = world.emulator.chat_discovery(world.emulator.app_credentials())
    with pytest.raises(HttpError) as caught:
        chat.spaces().messages().create(parent=world.space.name, body={"text": "x"}).execute(num_retries=0)
    assert caught.value.resp.status == 503
    assert chat.spaces().messages().create(parent=world.space.name, body={"text": "x"}).execute()["text"] == "x"


# -- response filtering (the ``fields`` system parameter, the X-Goog-FieldMask header) ----
def test_a_field_mask_header_selects_what_a_post_answers_with(world: World) -> None:
    app = world.emulator.chat(world.emulator.app_credentials())
    body = chat_v1.Message.from_json(json.dumps({"text": "Meeting ready", "cardsV2": [card(3)]}))
    message = app.create_message(request=chat_v1.CreateMessageRequest(parent=world.space.name, message=body),
                                 metadata=(("x-goog-fieldmask", "name,thread.name"),))
    assert message.name.startswith(world.space.name + "/messages/")
    assert message.thread.name.startswith(world.space.name + "/threads/")
    assert not message.text and not message.cards_v2 and not message.sender.name  # not sent back
    stored = app.get_message(name=message.name)  # the message itself is whole
    assert stored.text == "Meeting ready" and len(stored.cards_v2) == 1


def test_the_fields_parameter_selects_items_of_a_list(world: World) -> None:
    creds = world.emulator.app_credentials()
    raw(world.emulator, "POST", f"{world.space.name}/messages", creds, body={"text": "one"})
    answer = raw(world.emulator, "GET", f"{world.space.name}/members", creds,
                 params={"fields": "memberships(name,role),nextPageToken"})
    assert answer.status_code == 200, answer.text
    memberships = answer.json()["memberships"]
    assert memberships and all(set(m) == {"name", "role"} for m in memberships)
    star = raw(world.emulator, "GET", f"{world.space.name}/members", creds, params={"fields": "*"})
    assert "member" in star.json()["memberships"][0]


def test_selecting_an_unknown_field_is_a_400_and_changes_nothing(world: World) -> None:
    creds = world.emulator.app_credentials()
    before = len(world.emulator.state.chat.messages_in(world.space.name, include_private=True))
    for selection in ("name,nothing", "thread.nothing", "name,,thread", "thread(name"):
        answer = raw(world.emulator, "POST", f"{world.space.name}/messages", creds, body={"text": "x"},
                     params={"fields": selection})
        google_error(answer, 400, "INVALID_ARGUMENT")
    assert len(world.emulator.state.chat.messages_in(world.space.name, include_private=True)) == before
