"""Fuzzing the two event endpoints over real HTTP, with genuine tokens.

``POST /``: arbitrary JSON, and valid MESSAGE, CARD_CLICKED and add-on events with
keys dropped, values swapped for others of any type and odd unicode, all signed as
Chat signs them. The app never answers 5xx; it answers JSON (an object), or an empty
200; and afterwards it still answers a normal /meethelp.

``POST /pubsub/push``: arbitrary envelopes and mutated CloudEvents with a genuine push
token. A genuine message is always acknowledged (204), usable or not, because
redelivery cannot fix it. The app asks for redelivery (a 5xx) on purpose only when
acting on a well-formed event failed on its own side (storage, or Google while
reading a subscription's state: ``bot/lifecycle/events.py``); nothing an envelope can
say leads there, so here every answer must be a 204.

The tests are derandomized (the same examples on every run, no example database) so
CI is reproducible; ``max_examples`` keeps them to a few seconds each.
"""

from __future__ import annotations

import base64
import copy
import json
import time
from typing import Any

import requests
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from local.stack import PUSH_SERVICE_ACCOUNT
from emulator.signing import GOOGLE_SIGNER
from tests.e2e.conftest import Stack

from .conftest import signed_post

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

ODD_STRINGS = [
    "", " ", "\x00", "\ud800", "\udfff", "\u202e", "\ufeff", "\U0001f600", "\u0000users/1", "users/", "spaces/",
    "users/\x00", "spaces/../../x", "/meet", "/meethelp", "<b>x</b>", "null", "1" * 300, "x" * 20_000,
    "users/" + "9" * 200, "spaces/\u202e", "CARD_CLICKED", "MESSAGE", "https://evil.example/",
]
ODD_TEXT = st.sampled_from(ODD_STRINGS)
TEXT = st.one_of(st.text(max_size=40), ODD_TEXT)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
                    st.floats(allow_nan=False, allow_infinity=False), TEXT)
JSON = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                     st.dictionaries(TEXT, inner, max_size=5)), max_leaves=25)


# -- valid events to mutate ------------------------------------------------------------------
USER = {"name": "users/1234567890", "displayName": "Fuzzy Person", "email": "fuzzy@example.com", "type": "HUMAN"}
SPACE = {"name": "spaces/FUZZSPACE", "spaceType": "SPACE", "displayName": "Fuzz"}
MESSAGE = {"name": "spaces/FUZZSPACE/messages/m1", "text": "/meethelp", "argumentText": "",
           "thread": {"name": "spaces/FUZZSPACE/threads/t1"}, "sender": USER, "space": SPACE,
           "slashCommand": {"commandId": "2"},
           "annotations": [{"type": "SLASH_COMMAND", "slashCommand": {"commandId": "2", "commandName": "/meethelp"}},
                           {"type": "USER_MENTION", "userMention": {"user": USER, "type": "MENTION"}}]}
COMMON = {"userLocale": "en", "hostApp": "CHAT", "timeZone": {"id": "Europe/Paris", "offset": 3600000}}
CLASSIC_MESSAGE = {"type": "MESSAGE", "eventTime": "2026-01-01T00:00:00Z", "message": MESSAGE, "user": USER,
                   "space": SPACE, "common": COMMON, "configCompleteRedirectUrl": "https://chat.google.com/x",
                   "appCommandMetadata": {"appCommandId": 2, "appCommandType": "SLASH_COMMAND"}}
CLASSIC_CLICK = {"type": "CARD_CLICKED", "eventTime": "2026-01-01T00:00:00Z", "message": MESSAGE, "user": USER,
                 "space": SPACE, "isDialogEvent": False,
                 "action": {"actionMethodName": "meeting_refresh", "parameters": [{"key": "meeting", "value": "1"}]},
                 "common": {**COMMON, "invokedFunction": "meeting_refresh", "parameters": {"meeting": "1"},
                            "formInputs": {"access_type": {"stringInputs": {"value": ["OPEN"]}}}}}
ADDON_COMMAND = {"commonEventObject": COMMON, "chat": {
    "user": USER, "space": SPACE, "eventTime": "2026-01-01T00:00:00Z",
    "appCommandPayload": {"appCommandMetadata": {"appCommandId": 2, "appCommandType": "SLASH_COMMAND"},
                          "space": SPACE, "thread": {"name": "spaces/FUZZSPACE/threads/t1"}, "message": MESSAGE,
                          "configCompleteRedirectUri": "https://chat.google.com/x"}}}
ADDON_CLICK = {"commonEventObject": {**COMMON, "invokedFunction": "http://127.0.0.1/",
                                     "parameters": {"action": "meeting_settings_save", "meeting": "1"},
                                     "formInputs": {"access_type": {"stringInputs": {"value": ["OPEN"]}}}},
               "chat": {"user": USER, "space": SPACE, "eventTime": "2026-01-01T00:00:00Z",
                        "buttonClickedPayload": {"space": SPACE, "message": MESSAGE, "isDialogEvent": True,
                                                 "dialogEventType": "SUBMIT_DIALOG"}}}
VALID_EVENTS = [CLASSIC_MESSAGE, CLASSIC_CLICK, ADDON_COMMAND, ADDON_CLICK]


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``node`` (dict keys and list indexes)."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, prefix + (index,))
    return found


@st.composite
def mutated_events(draw: st.DrawFn) -> Any:
    event = copy.deepcopy(draw(st.sampled_from(VALID_EVENTS)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        where = paths(event)
        if not where:
            break
        path = draw(st.sampled_from(where))
        parent = event
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        how = draw(st.sampled_from(["drop", "replace", "odd-text", "wrap"]))
        if how == "drop":
            del parent[last]
        elif how == "replace":
            parent[last] = draw(JSON)
        elif how == "odd-text":
            parent[last] = draw(ODD_TEXT)
        else:
            parent[last] = [parent[last]] if draw(st.booleans()) else {"value": parent[last]}
    return event


# -- POST / ------------------------------------------------------------------------------------
def assert_acceptable_chat_answer(response: requests.Response, seen: dict[int, int]) -> None:
    seen[response.status_code] = seen.get(response.status_code, 0) + 1
    assert response.status_code < 500, response.text[:500]
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200 and not response.content.strip():
        return
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    assert isinstance(response.json(), dict)


def still_answers_meethelp(stack: Stack) -> None:
    person = stack.person("Helen Help")
    reply = stack.say(stack.space(person), person, "/meethelp")["reply"]
    assert reply is not None and "/meet" in json.dumps(reply), reply


def test_arbitrary_json_to_the_chat_endpoint_never_fails(security_stack: Stack) -> None:
    seen: dict[int, int] = {}

    @FUZZ
    @given(st.one_of(JSON, st.dictionaries(st.sampled_from(["type", "chat", "commonEventObject", "message", "user",
                                                            "space", "action", "common"]), JSON, max_size=6)))
    def run(body: Any) -> None:
        assert_acceptable_chat_answer(signed_post(security_stack, body), seen)

    run()
    assert seen.get(400, 0) > 0, seen  # the parser did refuse things…
    still_answers_meethelp(security_stack)


def test_mutated_events_to_the_chat_endpoint_never_fail(security_stack: Stack) -> None:
    seen: dict[int, int] = {}

    @FUZZ
    @given(mutated_events())
    @example(UNENCODABLE["sender email"])
    def run(body: Any) -> None:
        assert_acceptable_chat_answer(signed_post(security_stack, body), seen)

    for valid in VALID_EVENTS:  # the unmutated events are answered normally
        response = signed_post(security_stack, valid)
        assert response.status_code == 200 and response.json(), response.text
    run()
    assert seen.get(200, 0) > 20 and seen.get(400, 0) > 20, seen  # …and many mutants reached the handlers
    still_answers_meethelp(security_stack)


def with_value(event: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(event)
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return changed


NOT_UNICODE = "\ud800"  # a lone surrogate: valid JSON (as an escape), not valid Unicode
UNENCODABLE = {
    "sender email": with_value(CLASSIC_MESSAGE, ("user", "email"), f"a{NOT_UNICODE}@example.com"),
    "sender name": with_value(CLASSIC_MESSAGE, ("user", "name"), f"users/{NOT_UNICODE}"),
    "space name": with_value(CLASSIC_MESSAGE, ("space", "name"), f"spaces/{NOT_UNICODE}"),
    "message text": with_value(CLASSIC_MESSAGE, ("message", "argumentText"), f"Title {NOT_UNICODE}"),
    "parameter": with_value(CLASSIC_CLICK, ("common", "parameters", "meeting"), NOT_UNICODE),
    "a key": with_value(CLASSIC_CLICK, ("common", "parameters"), {NOT_UNICODE: "1"}),
    "add-on sender email": with_value(ADDON_COMMAND, ("chat", "user", "email"), f"{NOT_UNICODE}@example.com"),
}


def test_text_that_is_not_unicode_is_refused_not_a_500(security_stack: Stack) -> None:
    """Found by the fuzz: a sender email with a lone surrogate reached the database
    (which cannot encode it) and was answered 500. Refused as malformed now."""
    for name, event in UNENCODABLE.items():
        response = signed_post(security_stack, event)
        assert response.status_code == 400, (name, response.status_code, response.text[:300])
        assert "not valid Unicode" in response.json()["error"], name
    still_answers_meethelp(security_stack)


# -- POST /pubsub/push ------------------------------------------------------------------------------
def push_token(stack: Stack) -> str:
    now = int(time.time())
    return stack.state.keys.key_for(GOOGLE_SIGNER).sign({
        "iss": "https://accounts.google.com", "aud": stack.local.app_url + "/pubsub/push",
        "email": PUSH_SERVICE_ACCOUNT, "email_verified": True, "sub": "1", "iat": now, "exp": now + 3600})


def b64json(value: Any) -> str:
    return base64.b64encode(json.dumps(value).encode()).decode()


_PUSH_TEXT = st.one_of(st.text(max_size=40), st.sampled_from(ODD_STRINGS))
_PUSH_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
                          st.floats(allow_nan=False, allow_infinity=False), _PUSH_TEXT)
_PUSH_JSON = st.recursive(_PUSH_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                                 st.dictionaries(_PUSH_TEXT, inner, max_size=5)),
                          max_leaves=25)


@st.composite
def envelopes(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["arbitrary", "cloudevent"]))
    if kind == "arbitrary":
        return draw(st.one_of(_PUSH_JSON, st.fixed_dictionaries({"message": _PUSH_JSON}),
                              st.fixed_dictionaries({"message": st.fixed_dictionaries({"attributes": _PUSH_JSON,
                                                                                        "data": _PUSH_JSON})})))
    event_type = draw(st.one_of(st.sampled_from([
        "google.workspace.meet.conference.v2.started", "google.workspace.meet.participant.v2.joined",
        "google.workspace.meet.recording.v2.fileGenerated",
        "google.workspace.events.subscription.v1.expirationReminder",
        "google.workspace.events.subscription.v1.suspended", "google.workspace.events.subscription.v1.deleted"]),
        _PUSH_TEXT))
    attributes = {"ce-id": draw(_PUSH_TEXT), "ce-type": event_type,
                  "ce-source": draw(st.one_of(st.just("//workspaceevents.googleapis.com/subscriptions/s1"),
                                              _PUSH_TEXT)),
                  "ce-subject": draw(st.one_of(st.just("//meet.googleapis.com/spaces/abc"), _PUSH_TEXT, _PUSH_JSON)),
                  "ce-time": draw(st.one_of(_PUSH_TEXT, _PUSH_JSON))}
    data = draw(st.one_of(st.builds(b64json, _PUSH_JSON), _PUSH_TEXT, _PUSH_JSON))
    envelope = {"message": {"attributes": attributes, "data": data, "messageId": draw(_PUSH_TEXT)},
                "subscription": draw(_PUSH_TEXT), "deliveryAttempt": draw(_PUSH_SCALARS)}
    return envelope


def test_arbitrary_push_envelopes_are_acknowledged(security_stack: Stack) -> None:
    stack = security_stack
    token = push_token(stack)
    seen: dict[int, int] = {}

    @FUZZ
    @given(envelopes())
    def run(body: Any) -> None:
        response = requests.post(stack.local.app_url + "/pubsub/push", data=json.dumps(body), timeout=30,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        assert response.status_code == 204, (response.status_code, response.text[:500])

    run()
    assert seen == {204: sum(seen.values())}
    still_answers_meethelp(stack)


def test_push_text_that_is_not_unicode_is_acknowledged(security_stack: Stack) -> None:
    token = push_token(security_stack)
    for attributes in ({"ce-id": NOT_UNICODE, "ce-type": "x", "ce-source": "y"},
                       {"ce-id": "surrogate-2", "ce-type": "google.workspace.meet.conference.v2.started",
                        "ce-source": "y", "ce-subject": f"//meet.googleapis.com/spaces/{NOT_UNICODE}"}):
        response = requests.post(security_stack.local.app_url + "/pubsub/push", timeout=30,
                                 data=json.dumps({"message": {"attributes": attributes}}),
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        assert response.status_code == 204, (attributes, response.status_code)
