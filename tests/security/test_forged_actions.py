"""Forged card clicks and dialog submits on ``POST /``, in both event formats.

Each event here is genuinely signed (as Chat signs it) but says something Chat's own UI
never would: parameters naming a meeting of another space, a meeting that does not
exist, an id that is not a number, an action the app does not have, no action at all,
a click by someone who may not use the button, a dialog submitted in another space.
Each is answered with a refusal the person can read (a private note, or the dialog's
own error), and nothing changes: no Meet or Chat call that changes anything (the
emulator's call log), no message edited, no stored meeting or space default touched,
no sync requested. ``tests/e2e/test_controls.py`` has the first forgeries (another
meeting's id on one's own card, a replay into another space, a double click); these
go wider. Events are POSTed straight to the app so its exact answer is what is checked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from bot.storage.tables import meetings
from cards import buttons
from tests.e2e.conftest import Stack

from .conftest import all_calls, changing_calls, click_event, settle, signed_post

SETTINGS_INPUTS = {"access_type": "OPEN", "moderation": "ON", "restrictions": ["chat_hosts_only"],
                   "auto": ["recording"]}
SPACE_DEFAULTS = {"access_type": "RESTRICTED", "moderation": "OFF", "auto": ["transcription"],
                  "summary": ["post_summary"]}
DIALOG_ACTIONS = (buttons.SETTINGS, buttons.SETTINGS_SAVE)
# Refused in the open dialog itself; a refused Settings click is a private message, as for
# every other button of the card (no dialog is open yet).
DIALOG_SUBMITS = (buttons.SETTINGS_SAVE,)


@dataclass
class World:
    """Alice organizes two meetings: X in space one (with Bob), call running, and Y in
    space two (with Eve). Eve is not a member of space one."""

    stack: Stack
    alice: dict[str, Any]
    bob: dict[str, Any]
    eve: dict[str, Any]
    one: dict[str, Any]
    two: dict[str, Any]
    x_card: str
    x_id: str
    x_code: str
    y_card: str
    y_id: str
    y_code: str

    @classmethod
    def build(cls, stack: Stack) -> "World":
        alice, bob, eve = stack.person("Alice Anders"), stack.person("Bob Brown"), stack.person("Eve Evans")
        one, two = stack.space(alice, bob), stack.space(alice, eve)
        x_card, x_id, x_code = cls._meet(stack, one, alice, "X")
        y_card, y_id, y_code = cls._meet(stack, two, alice, "Y")
        stack.control("POST", "meet/join", {"space": x_code, "user": alice["name"]})
        return cls(stack, alice, bob, eve, one, two, x_card, x_id, x_code, y_card, y_id, y_code)

    @staticmethod
    def _meet(stack: Stack, space: dict[str, Any], organizer: dict[str, Any], title: str) -> tuple[str, str, str]:
        stack.say(space, organizer, f"/meet {title}")
        card = next(m for m in stack.app_messages(space) if (m.get("cardsV2") or [{}])[0].get("cardId") == "meeting")
        record = stack.storage.meetings.get_meeting_by_card_message(card["name"])
        assert record is not None and record.id is not None
        return card["name"], str(record.id), card["clientAssignedMessageId"][len("client-meet-"):]

    def snapshot(self) -> Any:
        """Everything a click could change: the messages of both spaces (private ones
        too), both Meet spaces as Meet has them, the app's meeting rows and defaults."""
        stack = self.stack
        messages = {m["name"]: (m.get("text"), m.get("cardsV2")) for s in (self.one, self.two)
                    for m in stack.messages(s)}
        meet = {code: stack.control("GET", f"meet/spaces/{code}") for code in (self.x_code, self.y_code)}
        with stack.storage.engine.connect() as connection:
            rows = sorted(map(tuple, connection.execute(sa.select(meetings)).all()), key=repr)
        defaults = [stack.storage.spaces.get_space_defaults(s["name"]) for s in (self.one, self.two)]
        return messages, meet, rows, defaults

    def send(self, user: dict[str, Any], action: str | None, parameters: dict[str, str], *,
             message: str | None, space: dict[str, Any], inputs: dict[str, Any] | None = None,
             raw_function: str | None = None) -> dict[str, Any]:
        """A signed click (or, for the dialog actions, a dialog submit) as this format
        shapes it; the app's answer, which must be a 200 with JSON."""
        stack = self.stack
        wanted = dict(parameters)
        if raw_function is not None:
            function: str | None = raw_function
        elif stack.local.event_format == "addon":  # add-on buttons name the endpoint
            function = stack.local.app_url + "/"
            if action is not None:
                wanted["action"] = action
        else:
            function = action
        dialog = action in DIALOG_ACTIONS or action == buttons.SPACE_SETTINGS_SAVE
        event = click_event(stack, message=message, user=user, space=space["name"], function=function,
                            parameters=wanted, form_inputs=inputs,
                            dialog_event_type="SUBMIT_DIALOG" if dialog and inputs is not None else None)
        response = signed_post(stack, event)
        assert response.status_code == 200, (response.status_code, response.text)
        assert response.headers["Content-Type"].startswith("application/json")
        answer = response.json()
        assert isinstance(answer, dict)
        return answer


def viewers(node: Any) -> list[str]:
    """Every ``privateMessageViewer`` name in an answer."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "privateMessageViewer" and isinstance(value, dict):
                found.append(value.get("name"))
            else:
                found.extend(viewers(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(viewers(item))
    return found


def assert_private_notice(answer: dict[str, Any], user: dict[str, Any], words: str) -> None:
    text = json.dumps(answer)
    assert words in text, text
    assert viewers(answer) == [user["name"]], text  # only the clicker sees it
    for edit in ("UPDATE_MESSAGE", "updateMessageAction", "DIALOG", "pushCard"):
        assert edit not in text, text  # neither the card redrawn nor a dialog opened


def assert_dialog_refusal(stack: Stack, answer: dict[str, Any], words: str) -> None:
    text = json.dumps(answer)
    assert words in text, text
    if stack.local.event_format == "addon":
        assert answer["action"]["notification"]["text"] and "navigations" not in answer["action"], text
    else:
        status = answer["actionResponse"]["dialogAction"]["actionStatus"]
        assert status["statusCode"] not in ("OK", "", None) and words in status["userFacingMessage"], text
        assert "dialog" not in answer["actionResponse"]["dialogAction"], text  # no form handed out


def assert_refused(world: World, action: str | None, answer: dict[str, Any], user: dict[str, Any],
                   words: str) -> None:
    if action in DIALOG_SUBMITS:
        assert_dialog_refusal(world.stack, answer, words)
    else:
        assert_private_notice(answer, user, words)


def refused_without_side_effects(world: World, attempts: list[tuple[Any, ...]]) -> None:
    """Send each attempt, check its refusal and that it made no changing call; then that
    the whole world is as it was (background work included)."""
    stack = world.stack
    settle(stack)
    before, calls_before = world.snapshot(), len(all_calls(stack))
    for user, action, parameters, where, words in attempts:
        message, space = where
        inputs = SETTINGS_INPUTS if action == buttons.SETTINGS_SAVE else None
        answer = world.send(user, action, parameters, message=message, space=space, inputs=inputs)
        assert_refused(world, action, answer, user, words)
        made = changing_calls(all_calls(stack)[calls_before:])
        assert made == [], (action, parameters, made)
    settle(stack)
    assert changing_calls(all_calls(stack)[calls_before:]) == []
    after = world.snapshot()
    # Private refusals may have been posted by nothing but the answer itself (the tests
    # POST straight to the app, so none are recorded): every message is as it was.
    assert after == before


def positive_control(world: World) -> None:
    """The genuine click does change things, so the checks above can fail."""
    answer = world.send(world.alice, buttons.END, {"meeting": world.x_id}, message=world.x_card, space=world.one)
    assert "Ended" in json.dumps(answer) and "activeConference" not in world.stack.control(
        "GET", f"meet/spaces/{world.x_code}")
    assert "spaces.endActiveConference" in changing_calls(all_calls(world.stack))


# -- the tests -------------------------------------------------------------------------------
def test_parameters_that_do_not_match_the_clicked_card_are_refused(controls_stack: Stack) -> None:
    world = World.build(controls_stack)
    x, y = (world.x_card, world.one), (world.y_card, world.two)
    forged_ids = [world.y_id,  # a meeting of another space (Alice's own, even)
                  "999999", "0", "-1", "", "abc", "1 OR 1=1", "9" * 400, "1e3", f"{world.x_id}.0",
                  f" {world.x_id}", f"{world.x_id}\n", "\u0661", "null", "[1]", "%s" % ("<b>" * 50)]
    attempts: list[tuple[Any, ...]] = []
    for action in (buttons.END, buttons.SETTINGS_SAVE):  # one button, one dialog: every odd id
        attempts += [(world.alice, action, {"meeting": forged}, x, "out of date") for forged in forged_ids]
    for action in (buttons.END, buttons.LOCK, buttons.UNLOCK, buttons.SETTINGS, buttons.SETTINGS_SAVE):
        attempts += [
            (world.alice, action, {}, x, "out of date"),  # no meeting parameter at all
            (world.alice, action, {"meetingId": world.x_id}, x, "out of date"),  # a look-alike key
            # The genuine parameters, but the card of the other space's meeting…
            (world.alice, action, {"meeting": world.x_id}, y, "out of date"),
            # …or the right card, delivered as if clicked in the other space.
            (world.alice, action, {"meeting": world.x_id}, (world.x_card, world.two), "out of date"),
            # No message at all (as from a dialog or a slash command), the right id.
            (world.alice, action, {"meeting": world.x_id}, (None, world.one), "out of date"),
            # Many parameters, the right one among them: the card still decides.
            (world.alice, action, {**{f"p{i}": "x" * 50 for i in range(300)}, "meeting": world.y_id}, x,
             "out of date"),
        ]
    refused_without_side_effects(world, attempts)
    positive_control(world)


def test_people_without_the_right_are_refused(controls_stack: Stack) -> None:
    world = World.build(controls_stack)
    x = (world.x_card, world.one)
    attempts: list[tuple[Any, ...]] = []
    for action in (buttons.END, buttons.LOCK, buttons.UNLOCK, buttons.SETTINGS, buttons.SETTINGS_SAVE):
        attempts.append((world.bob, action, {"meeting": world.x_id}, x, "Only the organizer"))  # a member
        attempts.append((world.eve, action, {"meeting": world.x_id}, x, "Only the organizer"))  # an outsider
        # Eve's click on the card, replayed as if she were in her own space with Alice.
        attempts.append((world.eve, action, {"meeting": world.x_id}, (world.x_card, world.two), "out of date"))
    refused_without_side_effects(world, attempts)
    positive_control(world)


def test_unknown_and_missing_actions_change_nothing(controls_stack: Stack) -> None:
    world = World.build(controls_stack)
    stack = world.stack
    settle(stack)
    before, calls_before = world.snapshot(), len(all_calls(stack))
    addon = stack.local.event_format == "addon"
    tries: list[dict[str, Any]] = [
        {"action": "meeting_destroy"}, {"action": "MEETING_END"}, {"action": "meeting_end "},
        {"action": "__init__"}, {"action": "x" * 5000}, {"action": "\u202emeeting_end"},
        {"action": None},  # no action named at all
        {"action": None, "raw_function": "https://evil.example/"},  # an endpoint that is not the app's
        {"action": None, "raw_function": ""},
    ]
    if not addon:  # the classic format names the function itself; the add-on "action" parameter is not it
        tries.append({"action": None, "raw_function": buttons.END.upper()})
    for attempt in tries:
        answer = world.send(world.alice, attempt["action"], {"meeting": world.x_id}, message=world.x_card,
                            space=world.one, raw_function=attempt.get("raw_function"))
        assert_private_notice(answer, world.alice, "no longer does anything")
    assert changing_calls(all_calls(stack)[calls_before:]) == []
    assert all_calls(stack)[calls_before:] == []  # not even a read: nothing was looked up in Meet
    settle(stack)
    assert world.snapshot() == before


def test_dialog_submits_for_another_space_change_nothing(controls_stack: Stack) -> None:
    world = World.build(controls_stack)
    stack = world.stack
    # Eve manages a space of her own (its first member); her Save names space one instead.
    eves = stack.space(world.eve)
    settle(stack)
    before, calls_before = world.snapshot(), len(all_calls(stack))

    # The meeting's Settings Save, submitted in space two about space one's meeting.
    for message in (world.x_card, world.y_card, None):
        answer = world.send(world.alice, buttons.SETTINGS_SAVE, {"meeting": world.x_id}, message=message,
                            space=world.two, inputs=SETTINGS_INPUTS)
        assert_dialog_refusal(stack, answer, "out of date")
    # Bob submits it from space one with his own id forged as the card's: still refused.
    answer = world.send(world.bob, buttons.SETTINGS_SAVE, {"meeting": world.x_id}, message=world.x_card,
                        space=world.one, inputs=SETTINGS_INPUTS)
    assert_dialog_refusal(stack, answer, "Only the organizer")

    # /meetsettings' Save for space one by Eve, who is not in it.
    answer = world.send(world.eve, buttons.SPACE_SETTINGS_SAVE, {}, message=None, space=world.one,
                        inputs=SPACE_DEFAULTS)
    assert_dialog_refusal(stack, answer, "Only members of this space")
    # …and by Bob, a member but not a manager of space one.
    answer = world.send(world.bob, buttons.SPACE_SETTINGS_SAVE, {}, message=None, space=world.one,
                        inputs=SPACE_DEFAULTS)
    assert_dialog_refusal(stack, answer, "managers")

    assert changing_calls(all_calls(stack)[calls_before:]) == []
    settle(stack)
    assert world.snapshot() == before

    # Positive control: Eve saving her own space's defaults works, and only that space's.
    answer = world.send(world.eve, buttons.SPACE_SETTINGS_SAVE, {}, message=None, space=eves, inputs=SPACE_DEFAULTS)
    assert "New meetings in this space" in json.dumps(answer)
    assert stack.storage.spaces.get_space_defaults(eves["name"]) is not None
    assert stack.storage.spaces.get_space_defaults(world.one["name"]) is None
