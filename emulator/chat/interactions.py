"""Interaction events as Google Chat builds them, in both formats Chat sends.

* The classic interaction event (``DeprecatedEvent`` in the Chat discovery document):
  ``type``, ``eventTime``, ``message``, ``user``, ``space``, ``thread``, ``action``,
  ``common``, ``isDialogEvent``, ``dialogEventType``, ``configCompleteRedirectUrl``,
  ``appCommandMetadata``.
* The Google Workspace add-on event object: ``commonEventObject``,
  ``authorizationEventObject`` (added at delivery, it carries the signed token) and
  ``chat`` with ``user``, ``space``, ``eventTime`` and exactly one payload
  (``messagePayload``, ``appCommandPayload``, ``addedToSpacePayload``,
  ``removedFromSpacePayload``, ``buttonClickedPayload``).

Shapes Chat sends besides the everyday ones, each produced here:

* A person adds the app *by* using it (a slash command or an @mention of the app in a
  space without it): a classic app gets one ``ADDED_TO_SPACE`` carrying the triggering
  ``message`` (with its ``slashCommand``); an add-on gets two events,
  ``addedToSpacePayload`` with ``interactionAdd: true``, then the message or command.
* A quick command (picked from the Chat menu, no message): classic ``type:
  APP_COMMAND`` with ``appCommandMetadata`` ``{appCommandId, appCommandType:
  QUICK_COMMAND}``; add-on ``appCommandPayload`` with the same metadata.
* A removal nobody performed in Chat (an administrator uninstalls the app): a
  ``REMOVED_FROM_SPACE`` without ``user`` (add-on: without ``chat.user``).

Both formats carry the person's client settings in ``common`` / ``commonEventObject``:
``userLocale`` and ``timeZone: {id, offset}`` (IANA id; offset in milliseconds from UTC
at the event's moment, DST included), from the user's ``timeZone`` / ``locale`` given to
``POST /_emulator/users`` (default ``UTC`` / ``en``) unless the control-plane call that
caused the event overrides them. Which events carry ``timeZone`` is
``EmulatorConfig.event_time_zone``: by default card clicks and dialogs only, as Chat's
reference documents ``TimeZone``; ``"every"`` puts it on every event a person causes.

Also here: how Chat reads what a person typed. A leading registered ``/command``
becomes a slash command (``message.slashCommand``, a SLASH_COMMAND annotation,
``argumentText`` = the rest, leading space included, as in Google's documented
example ``"/vote yes"`` -> ``" yes"``); ``@Display Name`` of a space member becomes a
USER_MENTION annotation; mentions of the app are stripped from ``argumentText`` while
mentions of people stay in it ("Plain-text body of the message with all Chat app
mentions stripped out").

Every function here reads the Chat model: call them with ``state.lock`` held.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from .. import i18n
from ..clock import rfc3339
from ..errors import invalid_argument
from .model import APP_USER, EVENT_VIEW, ChatSpace, StoredMessage

if TYPE_CHECKING:
    from ..state import EmulatorState, User

HOST_APP = "CHAT"
PLATFORM = "WEB"
DEFAULT_LOCALE = "en"
DEFAULT_TIME_ZONE = i18n.DEFAULT_TIME_ZONE

MESSAGE = "MESSAGE"
APP_COMMAND = "APP_COMMAND"
ADDED_TO_SPACE = "ADDED_TO_SPACE"
REMOVED_FROM_SPACE = "REMOVED_FROM_SPACE"
CARD_CLICKED = "CARD_CLICKED"

REQUEST_DIALOG = "REQUEST_DIALOG"
SUBMIT_DIALOG = "SUBMIT_DIALOG"
CANCEL_DIALOG = "CANCEL_DIALOG"

FORM_INPUT_KINDS = ("stringInputs", "dateTimeInput", "dateInput", "timeInput")


# -- reading what a person typed ---------------------------------------------------------
@dataclass
class ParsedText:
    annotations: list[dict[str, Any]] = field(default_factory=list)
    argument_text: str = ""
    slash_command: dict[str, Any] | None = None  # message.slashCommand
    command_name: str | None = None  # "/meet"
    command_id: int | None = None
    mentions_app: bool = False


def parse_text(state: "EmulatorState", space: ChatSpace, text: str) -> ParsedText:
    """Annotations, argumentText and slash command of a message a person posts."""
    parsed = ParsedText()
    app_spans: list[tuple[int, int]] = []
    command = _leading_command(text, state.config.commands)
    if command is not None:
        name, command_id = command
        parsed.command_name, parsed.command_id = f"/{name}", command_id
        # int64 fields are strings in Google's JSON mapping.
        parsed.slash_command = {"commandId": str(command_id)}
        parsed.annotations.append({
            "type": "SLASH_COMMAND",
            "startIndex": 0,
            "length": len(name) + 1,
            "slashCommand": {
                "bot": {"name": APP_USER},  # drawn as Chat names the app by ChatStore.message_json
                "type": "INVOKE",
                "commandName": f"/{name}",
                "commandId": str(command_id),
            },
        })
        app_spans.append((0, len(name) + 1))
    for start, length, member in _mentions(state, space, text, skip_until=app_spans[0][1] if app_spans else 0):
        parsed.annotations.append({
            "type": "USER_MENTION",
            "startIndex": start,
            "length": length,
            "userMention": {"user": {"name": member}, "type": "MENTION"},
        })
        if member == APP_USER:
            parsed.mentions_app = True
            app_spans.append((start, length))
    parsed.annotations.sort(key=lambda annotation: annotation["startIndex"])
    argument = text
    for start, length in sorted(app_spans, reverse=True):
        argument = argument[:start] + argument[start + length:]
    parsed.argument_text = argument
    return parsed


def _leading_command(text: str, commands: dict[str, int]) -> tuple[str, int] | None:
    match = re.match(r"/([A-Za-z0-9_\-]+)(?=\s|$)", text)
    if not match:
        return None
    typed = match.group(1)
    for name, command_id in commands.items():
        if name.lstrip("/").lower() == typed.lower():
            return name.lstrip("/"), int(command_id)
    return None


def _mentions(state: "EmulatorState", space: ChatSpace, text: str,
              skip_until: int = 0) -> Iterable[tuple[int, int, str]]:
    """(start, length, member) for each ``@Display Name`` of a member, longest names first."""
    chat = state.chat
    # The app can be @mentioned where it is not a member: that is one way to add it.
    names: list[tuple[str, str]] = [(chat.app_display_name, APP_USER)]  # (display name, member)
    for membership in chat.members_of(space.name):
        if membership.member == APP_USER:
            continue
        try:
            user = state.find_user(membership.member)
        except Exception:  # a member whose user was removed: nothing to mention
            continue
        names.append((user.display_name, user.name))
    names.sort(key=lambda item: len(item[0]), reverse=True)
    lowered = text.lower()
    position = skip_until
    while True:
        at = text.find("@", position)
        if at < 0:
            return
        for display_name, member in names:
            end = at + 1 + len(display_name)
            if display_name and lowered[at + 1:end] == display_name.lower() and (
                    end == len(text) or not (text[end].isalnum() or text[end] == "_")):
                yield at, end - at, member
                position = end
                break
        else:
            position = at + 1


# -- what a person submits ------------------------------------------------------------------
def form_inputs(simple: Any) -> dict[str, Any]:
    """``{name: value | [values] | {stringInputs|dateTimeInput|…}}`` in Chat's ``Inputs`` shape."""
    if simple is None:
        return {}
    if not isinstance(simple, dict):
        raise invalid_argument("formInputs must be an object of input names to values.", "formInputs")
    converted: dict[str, Any] = {}
    for name, value in simple.items():
        if isinstance(value, dict):
            if not value or any(key not in FORM_INPUT_KINDS for key in value):
                raise invalid_argument(
                    f"formInputs.{name} must be a value, a list of values, or one of {', '.join(FORM_INPUT_KINDS)}.",
                    f"formInputs.{name}")
            converted[name] = value
            continue
        values = value if isinstance(value, list) else [value]
        strings = []
        for item in values:
            if isinstance(item, (dict, list)) or item is None:
                raise invalid_argument(f"formInputs.{name} has a value Chat cannot send.", f"formInputs.{name}")
            strings.append(("true" if item else "false") if isinstance(item, bool) else str(item))
        converted[name] = {"stringInputs": {"value": strings}}
    return converted


def string_parameters(parameters: Any, field_name: str = "parameters") -> dict[str, str]:
    if parameters is None:
        return {}
    if not isinstance(parameters, dict):
        raise invalid_argument(f"{field_name} must be an object of string values.", field_name)
    return {str(key): value if isinstance(value, str) else str(value) for key, value in parameters.items()}


# -- buttons on a card ------------------------------------------------------------------------
def card_actions(body: Any) -> Iterable[dict[str, Any]]:
    """Every ``action`` (an ``Action`` with a ``function``) anywhere in a card or message body."""
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "action" and isinstance(value, dict) and "function" in value:
                yield value
            else:
                yield from card_actions(value)
    elif isinstance(body, list):
        for item in body:
            yield from card_actions(item)


def find_action(body: Any, function: str, parameters: dict[str, str] | None) -> dict[str, Any] | None:
    """The button action a click on ``function`` (with these parameters, if any) refers to."""
    for action in card_actions(body):
        if action.get("function") != function:
            continue
        own = {p.get("key"): p.get("value") for p in action.get("parameters") or []}
        if not parameters or all(own.get(key) == value for key, value in parameters.items()):
            return action
    return None


# -- the events ---------------------------------------------------------------------------------
@dataclass
class EventInput:
    """Everything one interaction event is made from."""

    kind: str  # MESSAGE, APP_COMMAND, ADDED_TO_SPACE, REMOVED_FROM_SPACE, CARD_CLICKED
    space: ChatSpace
    user: "User | None"  # None: nobody in Chat did it (an administrator's removal)
    message: StoredMessage | None = None
    function: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    form_inputs: dict[str, Any] = field(default_factory=dict)
    dialog_event_type: str | None = None
    config_complete_url: str | None = None
    # What the person's client reports; None: the user's own settings (POST /_emulator/users).
    locale: str | None = None
    time_zone: str | None = None
    # APP_COMMAND: the command picked (quick commands carry no message).
    command_id: int | None = None
    command_type: str = "QUICK_COMMAND"
    # ADDED_TO_SPACE: the person added the app by using it (the add-on's interactionAdd).
    interaction_add: bool = False

    @property
    def is_slash_command(self) -> bool:
        """A MESSAGE with a slash command, or the ADDED_TO_SPACE such a message caused."""
        return bool(self.kind in (MESSAGE, ADDED_TO_SPACE) and self.message is not None
                    and self.message.slash_command)

    @property
    def is_command(self) -> bool:
        """Whether Chat lets the app answer with a dialog, as it does for any command."""
        return self.is_slash_command or self.kind == APP_COMMAND

    @property
    def app_command_metadata(self) -> dict[str, Any] | None:
        """``AppCommandMetadata`` (``appCommandId`` is int32 there, so a JSON number)."""
        if self.kind == APP_COMMAND and self.command_id is not None:
            return {"appCommandId": self.command_id, "appCommandType": self.command_type}
        if self.is_slash_command:
            return {"appCommandId": int(self.message.slash_command["commandId"]),  # type: ignore[union-attr,index]
                    "appCommandType": "SLASH_COMMAND"}
        return None


def build_event(state: "EmulatorState", spec: EventInput) -> dict[str, Any]:
    if state.config.event_format == "addon":
        return addon_event(state, spec)
    return classic_event(state, spec)


def _time_zone(name: str, at: float) -> dict[str, Any]:
    """Chat's ``TimeZone``: ``{id, offset}``, the offset in milliseconds from UTC at the
    event's moment (emulated clock), so it follows daylight saving time."""
    return {"id": name, "offset": i18n.utc_offset_ms(name, at)}


def _carries_time_zone(state: "EmulatorState", spec: EventInput) -> bool:
    """Whether this event says the person's time zone (``EmulatorConfig.event_time_zone``).

    "every": every event a person causes, as this project's app expects from Chat.
    "clicks": only CARD_CLICKED events (button clicks and every dialog event), which is
    all the Chat reference promises ("Only supported for the event types CARD_CLICKED
    and SUBMIT_DIALOG"): an app must cope with messages that carry none.
    """
    # A zone given for this one event (the control plane's ``timeZone``) is what the
    # person's client reports with it, whatever the kind.
    if spec.user is None:
        return False
    return state.config.event_time_zone == "every" or spec.kind == CARD_CLICKED or spec.time_zone is not None


def _common(state: "EmulatorState", spec: EventInput, at: float) -> dict[str, Any]:
    user_zone = getattr(spec.user, "time_zone", None) or DEFAULT_TIME_ZONE
    user_locale = getattr(spec.user, "locale", None) or DEFAULT_LOCALE
    common: dict[str, Any] = {"userLocale": spec.locale or user_locale, "hostApp": HOST_APP, "platform": PLATFORM}
    if _carries_time_zone(state, spec):
        common["timeZone"] = _time_zone(spec.time_zone or user_zone, at)
    if spec.kind == CARD_CLICKED:
        if spec.function is not None:
            common["invokedFunction"] = spec.function
        if spec.parameters:
            common["parameters"] = dict(spec.parameters)
        if spec.form_inputs:
            common["formInputs"] = spec.form_inputs
    return common


def classic_event(state: "EmulatorState", spec: EventInput) -> dict[str, Any]:
    chat = state.chat
    now = state.clock.time()
    event: dict[str, Any] = {"type": spec.kind, "eventTime": rfc3339(now)}
    if spec.message is not None and spec.kind in (MESSAGE, APP_COMMAND, ADDED_TO_SPACE, CARD_CLICKED):
        message = chat.message_json(spec.message, EVENT_VIEW)
        event["message"] = message
        if spec.kind != CARD_CLICKED:
            event["thread"] = dict(message["thread"])
            if spec.message.thread_key:
                event["threadKey"] = spec.message.thread_key
    if spec.user is not None:
        event["user"] = chat.user_json(spec.user.name, avatar=True, email=True)
    event["space"] = spec.space.to_json()
    if spec.kind == CARD_CLICKED:
        event["action"] = {
            "actionMethodName": spec.function or "",
            "parameters": [{"key": key, "value": value} for key, value in spec.parameters.items()],
        }
    # "This URL is populated for MESSAGE, ADDED_TO_SPACE, and APP_COMMAND interaction
    # events" (DeprecatedEvent.configCompleteRedirectUrl, chat.v1 discovery): not on clicks.
    if spec.config_complete_url and spec.kind in CONFIG_COMPLETE_EVENT_TYPES:
        event["configCompleteRedirectUrl"] = spec.config_complete_url
    if spec.dialog_event_type:
        event["isDialogEvent"] = True
        event["dialogEventType"] = spec.dialog_event_type
    elif spec.kind == CARD_CLICKED:
        event["isDialogEvent"] = False
    if spec.user is not None:  # client settings come from a person's client
        event["common"] = _common(state, spec, now)
    metadata = spec.app_command_metadata
    if metadata is not None:
        event["appCommandMetadata"] = metadata
    return event


CONFIG_COMPLETE_EVENT_TYPES = (MESSAGE, ADDED_TO_SPACE, APP_COMMAND)


def addon_event(state: "EmulatorState", spec: EventInput) -> dict[str, Any]:
    chat = state.chat
    now = state.clock.time()
    space = spec.space.to_json()
    body: dict[str, Any] = {"space": space, "eventTime": rfc3339(now)}
    if spec.user is not None:
        body["user"] = chat.user_json(spec.user.name, avatar=True, email=True)
    message = chat.message_json(spec.message, EVENT_VIEW) if spec.message is not None else None
    if (spec.kind == MESSAGE and spec.is_slash_command) or spec.kind == APP_COMMAND:
        payload: dict[str, Any] = {
            "appCommandMetadata": spec.app_command_metadata,
            "space": space,
            "thread": dict(message["thread"]) if message else None,
            "message": message,
        }
        if spec.config_complete_url:
            payload["configCompleteRedirectUri"] = spec.config_complete_url
        if spec.dialog_event_type:
            payload["isDialogEvent"] = True
            payload["dialogEventType"] = spec.dialog_event_type
        body["appCommandPayload"] = {k: v for k, v in payload.items() if v is not None}
    elif spec.kind == MESSAGE:
        payload = {"message": message, "space": space}
        if spec.config_complete_url:
            payload["configCompleteRedirectUri"] = spec.config_complete_url
        body["messagePayload"] = payload
    elif spec.kind == ADDED_TO_SPACE:
        payload = {"space": space, "interactionAdd": spec.interaction_add}
        if spec.config_complete_url:
            payload["configCompleteRedirectUri"] = spec.config_complete_url
        body["addedToSpacePayload"] = payload
    elif spec.kind == REMOVED_FROM_SPACE:
        body["removedFromSpacePayload"] = {"space": space}
    elif spec.kind == CARD_CLICKED:
        payload = {"space": space}
        if message is not None:
            payload["message"] = message
        if spec.dialog_event_type:
            payload["isDialogEvent"] = True
            payload["dialogEventType"] = spec.dialog_event_type
        body["buttonClickedPayload"] = payload
    event: dict[str, Any] = {"chat": body}
    if spec.user is not None:
        event = {"commonEventObject": _common(state, spec, now), **event}
    return event
