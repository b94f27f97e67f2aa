"""Genuinely signed requests that still must not act: an old click replayed with a fresh
token, and a token of one kind carrying a body of the other format.

* A card click's ``eventTime`` says when the person clicked. End, Lock, Unlock, the
  meeting's Settings and the space's defaults refuse a click older than five minutes
  (or dated more than a minute ahead, or undated), privately, and change nothing. The
  app's clock is the emulator's, so clicks the emulated Chat makes after a jump of its
  clock are fresh, and still act.
* Chat's own token (project-number JWT or endpoint-URL ID token) comes with classic
  events, the add-on service agent's with add-on events; a mismatch is a 401 and nothing
  is read further.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest
import requests

from local.stack import PROJECT_NUMBER
from cards import buttons
from emulator.chat.delivery import CHAT_ISSUER, GOOGLE_ISSUER, addon_service_account
from emulator.clock import rfc3339
from emulator.signing import GOOGLE_SIGNER
from tests.e2e.conftest import Stack

from .conftest import all_calls, changing_calls, click_event, settle, signed_post
from .test_forged_actions import (
    DIALOG_ACTIONS,
    SETTINGS_INPUTS,
    SPACE_DEFAULTS,
    World,
    assert_dialog_refusal,
    assert_private_notice,
    positive_control,
)

OLD = "2020-03-02T10:00:00Z"  # an End captured years ago


def dated_click(world: World, action: str, event_time: str | None) -> dict[str, Any]:
    """Alice's genuine click of ``action`` on meeting X (a dialog submit for the dialog
    actions), with its ``eventTime`` replaced (None: removed), POSTed with a fresh token."""
    stack = world.stack
    addon = stack.local.event_format == "addon"
    wanted = {"meeting": world.x_id} if action != buttons.SPACE_SETTINGS_SAVE else {}
    function: str | None = action
    if addon:  # add-on buttons name the endpoint, the action travels as a parameter
        function, wanted = stack.local.app_url + "/", {**wanted, "action": action}
    inputs = {buttons.SETTINGS_SAVE: SETTINGS_INPUTS, buttons.SPACE_SETTINGS_SAVE: SPACE_DEFAULTS}.get(action)
    event = click_event(stack, message=world.x_card if action != buttons.SPACE_SETTINGS_SAVE else None,
                        user=world.alice, space=world.one["name"], function=function, parameters=wanted,
                        form_inputs=inputs, dialog_event_type="SUBMIT_DIALOG" if inputs is not None else None)
    holder = event["chat"] if addon else event
    assert "eventTime" in holder  # Chat dates every event
    if event_time is None:
        del holder["eventTime"]
    else:
        holder["eventTime"] = event_time
    response = signed_post(stack, event)
    assert response.status_code == 200, (response.status_code, response.text)
    return response.json()


def in_the_emulated_world(stack: Stack, **delta: float) -> str:
    """A time relative to the emulated world's now (the app's clock too)."""
    return rfc3339(stack.state.clock.time() + timedelta(**delta).total_seconds())


@pytest.mark.parametrize("when, words", [
    ("old", "too old to act on"),
    ("six minutes ago", "too old to act on"),
    ("tomorrow", "in the future"),
    ("undated", "could not tell when this click happened"),
])
def test_a_replayed_click_changes_nothing(controls_stack: Stack, when: str, words: str) -> None:
    world = World.build(controls_stack)
    stack = world.stack
    event_time = {"old": OLD, "six minutes ago": in_the_emulated_world(stack, minutes=-6),
                  "tomorrow": in_the_emulated_world(stack, days=1), "undated": None}[when]
    settle(stack)
    before, calls_before = world.snapshot(), len(all_calls(stack))
    for action in (buttons.END, buttons.LOCK, buttons.UNLOCK, buttons.SETTINGS_SAVE, buttons.SPACE_SETTINGS_SAVE):
        answer = dated_click(world, action, event_time)
        if action in DIALOG_ACTIONS or action == buttons.SPACE_SETTINGS_SAVE:
            assert_dialog_refusal(stack, answer, words)
        else:
            assert_private_notice(answer, world.alice, words)
            assert "Nothing was changed" in json.dumps(answer)
    settle(stack)
    assert changing_calls(all_calls(stack)[calls_before:]) == []
    assert world.snapshot() == before  # the call still runs, nothing edited, no defaults saved
    assert "activeConference" in stack.control("GET", f"meet/spaces/{world.x_code}")
    positive_control(world)  # the same click, dated now, does end the call


def test_a_click_a_few_minutes_old_or_slightly_ahead_still_acts(controls_stack: Stack) -> None:
    world = World.build(controls_stack)
    answer = dated_click(world, buttons.LOCK, in_the_emulated_world(world.stack, minutes=-4))
    assert "too old" not in json.dumps(answer)
    assert world.stack.control("GET", f"meet/spaces/{world.x_code}")["config"]["accessType"] == "RESTRICTED"
    answer = dated_click(world, buttons.UNLOCK, in_the_emulated_world(world.stack, seconds=30))
    assert "future" not in json.dumps(answer)
    assert world.stack.control("GET", f"meet/spaces/{world.x_code}")["config"]["accessType"] != "RESTRICTED"


def test_clicks_after_the_emulators_clock_jumps_are_fresh(controls_stack: Stack) -> None:
    """The emulated Chat dates events by its own clock, which is the app's: moving it
    (as lifecycle tests do) leaves genuine clicks fresh."""
    world = World.build(controls_stack)
    stack = world.stack
    stack.control("POST", "clock", {"advanceSeconds": 3 * 3600})
    function, parameters = buttons.LOCK, {"meeting": world.x_id}
    if stack.local.event_format == "addon":
        function, parameters = stack.local.app_url + "/", {**parameters, "action": buttons.LOCK}
    answer = stack.control("POST", "chat/clicks", {"message": world.x_card, "user": world.alice["name"],
                                                   "function": function, "parameters": parameters})
    assert "too old" not in json.dumps(answer)
    assert stack.control("GET", f"meet/spaces/{world.x_code}")["config"]["accessType"] == "RESTRICTED"


# -- the token's kind and the body's format ---------------------------------------------------
def chat_project_number_token(stack: Stack) -> str:
    now = int(time.time())
    return stack.state.keys.key_for(CHAT_ISSUER).sign(
        {"iss": CHAT_ISSUER, "aud": PROJECT_NUMBER, "iat": now, "exp": now + 3600})


def id_token(stack: Stack, email: str) -> str:
    now = int(time.time())
    return stack.state.keys.key_for(GOOGLE_SIGNER).sign({
        "iss": GOOGLE_ISSUER, "aud": stack.local.app_url + "/", "email": email, "email_verified": True,
        "sub": "113614745425117925126", "iat": now, "exp": now + 3600})


def post_with(stack: Stack, token: str, body: dict[str, Any]) -> requests.Response:
    return requests.post(stack.local.app_url + "/", data=json.dumps(body), timeout=30,
                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})


def test_a_token_of_one_kind_with_a_body_of_the_other_format_is_refused(controls_stack: Stack) -> None:
    world = World.build(controls_stack)
    stack = world.stack
    addon = stack.local.event_format == "addon"
    function, parameters = buttons.END, {"meeting": world.x_id}
    if addon:
        function, parameters = stack.local.app_url + "/", {**parameters, "action": buttons.END}
    body = click_event(stack, message=world.x_card, user=world.alice, space=world.one["name"], function=function,
                       parameters=parameters)
    # The other kind's token, genuine and accepted by this app's configuration on its own:
    # only its pairing with this body's format is wrong.
    mismatched = [chat_project_number_token(stack)] if addon else [id_token(stack, addon_service_account(PROJECT_NUMBER))]
    verifier = stack.local.app.extensions["meetbot"].verifier
    assert [verifier.verify(f"Bearer {token}").kind for token in mismatched] == ["chat" if addon else "addon"]
    settle(stack)
    before, calls_before = world.snapshot(), len(all_calls(stack))
    for token in mismatched:
        if addon:
            body = {**body, "authorizationEventObject": {"systemIdToken": token}}
        response = post_with(stack, token, body)
        assert response.status_code == 401 and response.json() == {"error": "unauthenticated"}, response.text
    settle(stack)
    assert changing_calls(all_calls(stack)[calls_before:]) == []
    assert world.snapshot() == before
    positive_control(world)  # the matching token and body do act
