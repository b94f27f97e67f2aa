"""One event model for both formats Google Chat sends.

Chat delivers interaction events to an HTTP endpoint in two shapes: the classic
interaction event (``type``, ``message``, ``space``, ``user``, ``action``, ``common``)
and, for apps built as Google Workspace add-ons, the add-on event object
(``commonEventObject`` and ``chat.*Payload``). :func:`parse_event` turns either into a
:class:`ChatEvent`; handlers never see raw JSON. Every answer is written back in the
format of the event it answers (see ``bot/replies.py``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from domain import Person
from .text import has_unstorable_text, raw_json_is_storable
from domain.timezones import known_zone


class MalformedEvent(ValueError):
    """The body is not an interaction event the app can act on."""


class EventFormat(str, enum.Enum):
    CLASSIC = "classic"
    ADDON = "addon"


class EventKind(str, enum.Enum):
    MESSAGE = "MESSAGE"  # a plain message (DM, or an @mention of the app)
    COMMAND = "COMMAND"  # a slash or quick command
    ADDED_TO_SPACE = "ADDED_TO_SPACE"
    REMOVED_FROM_SPACE = "REMOVED_FROM_SPACE"
    ACTION = "ACTION"  # a card button, a dialog submission, a form submitted
    OTHER = "OTHER"  # a valid event the app does not act on (WIDGET_UPDATED, APP_HOME, …): a quiet no-op


# Kinds whose handlers act for the person: an event of these kinds without a ``user`` is
# malformed. The others may come without one (Google's table shows REMOVED_FROM_SPACE and
# WIDGET_UPDATED that way, and an administrator's install or removal has nobody behind it).
_ACTING_KINDS = frozenset({EventKind.MESSAGE, EventKind.COMMAND, EventKind.ACTION})


class MissingUser(MalformedEvent):
    """An event without a ``user`` was asked who caused it."""


@dataclass(frozen=True)
class SpaceInfo:
    name: str
    space_type: str  # SPACE, GROUP_CHAT or DIRECT_MESSAGE
    display_name: str = ""

    @property
    def is_direct_message(self) -> bool:
        return self.space_type == "DIRECT_MESSAGE"


@dataclass(frozen=True)
class MessageInfo:
    name: str
    text: str
    thread_name: str | None
    sender: Person | None = None
    cards_v2: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class ChatEvent:
    format: EventFormat
    kind: EventKind
    actor: Person | None  # who caused it; None only where Chat names nobody (see _ACTING_KINDS)
    space: SpaceInfo
    event_time: str | None = None
    raw_type: str = ""  # the classic ``type`` or the add-on payload name, for logs
    message: MessageInfo | None = None
    command_id: int | None = None
    argument_text: str = ""  # what follows the command, with mentions as typed
    mentions: tuple[Person, ...] = ()  # people @mentioned (never the app itself)
    function: str | None = None  # the invoked action of a click or dialog
    parameters: dict[str, str] = field(default_factory=dict)
    form_inputs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    is_dialog: bool = False
    dialog_event_type: str | None = None  # REQUEST_DIALOG, SUBMIT_DIALOG, CANCEL_DIALOG
    config_complete_url: str | None = None
    user_locale: str | None = None
    time_zone: str | None = None

    @property
    def user(self) -> Person:
        """The person who caused the event. Commands, messages and clicks always have
        one (the parser refuses them otherwise); ask ``actor`` where it may be missing."""
        if self.actor is None:
            raise MissingUser(f"a {self.raw_type or self.kind.value} event names no user")
        return self.actor

    @property
    def thread_name(self) -> str | None:
        return self.message.thread_name if self.message else None

    @property
    def carries_command(self) -> bool:
        """An ADDED_TO_SPACE caused by a slash command (or a quick command): the app must
        also do what was asked."""
        return self.kind is EventKind.ADDED_TO_SPACE and self.command_id is not None


# -- small typed readers: every field is checked, so a malformed event fails here ------
def _obj(value: Any, where: str, *, required: bool = True) -> dict[str, Any]:
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise MalformedEvent(f"{where} must be an object")
    return value


def _field(value: Any, name: str) -> Any:
    """``value[name]`` when value is an object; None for anything else (a list, a string)."""
    return value.get(name) if isinstance(value, dict) else None


def _str(value: Any, where: str, *, required: bool = False) -> str:
    if value is None or value == "":
        if required:
            raise MalformedEvent(f"{where} is required")
        return ""
    if not isinstance(value, str):
        raise MalformedEvent(f"{where} must be a string")
    return value


def _person(value: Any, where: str) -> Person:
    data = _obj(value, where)
    name = _str(data.get("name"), f"{where}.name", required=True)
    if not name.startswith("users/"):
        raise MalformedEvent(f"{where}.name must be users/…")
    return Person(user_name=name, display_name=_str(data.get("displayName"), where) or name,
                  email=_str(data.get("email"), where) or None)


def _space(value: Any, where: str) -> SpaceInfo:
    data = _obj(value, where)
    name = _str(data.get("name"), f"{where}.name", required=True)
    if not name.startswith("spaces/"):
        raise MalformedEvent(f"{where}.name must be spaces/…")
    space_type = _str(data.get("spaceType"), where)
    if not space_type:  # older events only carry the deprecated ``type``
        legacy = _str(data.get("type"), where)
        space_type = "DIRECT_MESSAGE" if legacy == "DM" or data.get("singleUserBotDm") else "SPACE"
    return SpaceInfo(name=name, space_type=space_type, display_name=_str(data.get("displayName"), where))


def _message(value: Any, where: str) -> MessageInfo | None:
    if value is None:
        return None
    data = _obj(value, where)
    thread = _obj(data.get("thread"), f"{where}.thread", required=False)
    sender = _person(data["sender"], f"{where}.sender") if isinstance(data.get("sender"), dict) and \
        str(data["sender"].get("name", "")).startswith("users/") else None
    cards = data.get("cardsV2") or []
    return MessageInfo(
        name=_str(data.get("name"), f"{where}.name"),
        text=_str(data.get("text"), f"{where}.text"),
        thread_name=_str(thread.get("name"), f"{where}.thread.name") or None,
        sender=sender,
        cards_v2=tuple(card for card in cards if isinstance(card, dict)) if isinstance(cards, list) else (),
    )


def _mentions(message: Any) -> tuple[Person, ...]:
    """Humans @mentioned in the message, in order, without duplicates or the app."""
    if not isinstance(message, dict) or not isinstance(message.get("annotations"), list):
        return ()
    found: list[Person] = []
    for annotation in message["annotations"]:
        if not isinstance(annotation, dict) or annotation.get("type") != "USER_MENTION":
            continue
        user = (annotation.get("userMention") or {}).get("user") if isinstance(annotation.get("userMention"), dict) else None
        if not isinstance(user, dict) or user.get("type") == "BOT":
            continue
        try:
            person = _person(user, "annotation.userMention.user")
        except MalformedEvent:
            continue
        if all(existing.user_name != person.user_name for existing in found):
            found.append(person)
    return tuple(found)


def _command_id(*candidates: Any) -> int | None:
    for candidate in candidates:
        if isinstance(candidate, dict):
            candidate = candidate.get("commandId", candidate.get("appCommandId"))
        if isinstance(candidate, bool):
            continue
        if isinstance(candidate, int):
            return candidate
        if isinstance(candidate, str) and candidate.isdigit():
            return int(candidate)
    return None


def _argument_text(message: Any) -> str:
    if not isinstance(message, dict):
        return ""
    text = message.get("argumentText")
    return text.strip() if isinstance(text, str) else ""


def _form_inputs(common: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """``formInputs`` in Chat's shape, flattened to name -> values (strings)."""
    raw = common.get("formInputs")
    if not isinstance(raw, dict):
        return {}
    inputs: dict[str, tuple[str, ...]] = {}
    for name, value in raw.items():
        if not isinstance(value, dict):
            continue
        strings = value.get("stringInputs", {}).get("value") if isinstance(value.get("stringInputs"), dict) else None
        if isinstance(strings, list):
            inputs[name] = tuple(str(item) for item in strings)
        elif isinstance(value.get("dateTimeInput"), dict):
            inputs[name] = (str(value["dateTimeInput"].get("msSinceEpoch", "")),)
        elif isinstance(value.get("dateInput"), dict):
            inputs[name] = (str(value["dateInput"].get("msSinceEpoch", "")),)
    return inputs


def _parameters(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if isinstance(v, (str, int, float, bool))}
    if isinstance(value, list):  # the classic ``action.parameters`` list of {key, value}
        return {str(p["key"]): str(p.get("value", "")) for p in value if isinstance(p, dict) and "key" in p}
    return {}


def _time_zone(common: dict[str, Any]) -> str | None:
    """The user's IANA time zone id (``America/New_York``) when the event carries one this
    machine knows; anything else is ignored rather than kept (it is read much later)."""
    zone = common.get("timeZone")
    identifier = zone.get("id") if isinstance(zone, dict) else None
    return known_zone(identifier) if isinstance(identifier, str) else None


def _function(common: dict[str, Any], parameters: dict[str, str], fallback: Any = None) -> str | None:
    # Add-on buttons must name the endpoint URL as their function, so the action's own
    # name travels as the "action" parameter; the classic format names it directly.
    invoked = common.get("invokedFunction") or fallback
    if isinstance(invoked, str) and invoked and not invoked.startswith(("https://", "http://")):
        return invoked
    return parameters.get("action") or None


def _flag(value: Any) -> bool:
    """A boolean field (``isDialogEvent``): JSON ``true``, or the string ``"true"`` as
    Chat has been seen to send it; anything else is false."""
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() == "true"


def _optional_person(value: Any, where: str) -> Person | None:
    return None if value is None else _person(value, where)


def _slash(message: Any) -> Any:
    return message.get("slashCommand") if isinstance(message, dict) else None


def _finish(kind: EventKind, base: dict[str, Any], **fields: Any) -> ChatEvent:
    event = ChatEvent(kind=kind, **base, **fields)
    if event.actor is None and (kind in _ACTING_KINDS or event.carries_command):
        raise MalformedEvent(f"a {event.raw_type or kind.value} event needs a user")
    return event


def _command_fields(raw_message: Any, command_id: int | None) -> dict[str, Any]:
    return {"command_id": command_id, "argument_text": _argument_text(raw_message),
            "mentions": _mentions(raw_message)}


def parse_classic(body: dict[str, Any]) -> ChatEvent:
    event_type = _str(body.get("type"), "type", required=True)
    common = _obj(body.get("common"), "common", required=False)
    user = _optional_person(body.get("user"), "user")
    space = _space(body.get("space") or _field(body.get("message"), "space"), "space")
    raw_message = body.get("message")
    message = _message(raw_message, "message")
    metadata = body.get("appCommandMetadata")
    base: dict[str, Any] = dict(format=EventFormat.CLASSIC, actor=user, space=space, raw_type=event_type,
                                event_time=_str(body.get("eventTime"), "eventTime") or None, message=message,
                                config_complete_url=_str(body.get("configCompleteRedirectUrl"), "configCompleteRedirectUrl") or None,
                                user_locale=_str(common.get("userLocale"), "common.userLocale") or None,
                                time_zone=_time_zone(common),
                                is_dialog=_flag(body.get("isDialogEvent")),
                                dialog_event_type=_str(body.get("dialogEventType"), "dialogEventType") or None)
    if event_type == "MESSAGE":
        command = _command_id(_slash(raw_message), metadata)
        return _finish(EventKind.COMMAND if command is not None else EventKind.MESSAGE, base,
                       **_command_fields(raw_message, command))
    if event_type == "APP_COMMAND":
        # A slash command (with its message) or a quick command (without one), as
        # ``appCommandMetadata`` says: routed exactly like the add-on's appCommandPayload.
        command = _command_id(metadata, _slash(raw_message))
        if command is None:
            raise MalformedEvent("an APP_COMMAND event needs appCommandMetadata.appCommandId")
        return _finish(EventKind.COMMAND, base, **_command_fields(raw_message, command))
    if event_type == "ADDED_TO_SPACE":
        # Added *by* a slash command or an @mention, the one event carries that message.
        return _finish(EventKind.ADDED_TO_SPACE, base,
                       **_command_fields(raw_message, _command_id(_slash(raw_message), metadata)))
    if event_type == "REMOVED_FROM_SPACE":
        return _finish(EventKind.REMOVED_FROM_SPACE, base)
    if event_type in ("CARD_CLICKED", "SUBMIT_FORM"):
        action = _obj(body.get("action"), "action", required=False)
        parameters = _parameters(common.get("parameters")) or _parameters(action.get("parameters"))
        function = _function(common, parameters, action.get("actionMethodName"))
        if event_type == "SUBMIT_FORM" and function is None:
            # An app-home form (this app has no app home) names nothing to run.
            return _finish(EventKind.OTHER, base)
        return _finish(EventKind.ACTION, base, function=function, parameters=parameters,
                       form_inputs=_form_inputs(common))
    return _finish(EventKind.OTHER, base)  # WIDGET_UPDATED, APP_HOME, and types Chat adds later


_ADDON_PAYLOADS = ("appCommandPayload", "messagePayload", "addedToSpacePayload", "removedFromSpacePayload",
                   "buttonClickedPayload", "widgetUpdatedPayload")


def parse_addon(body: dict[str, Any]) -> ChatEvent:
    common = _obj(body.get("commonEventObject"), "commonEventObject", required=False)
    chat = _obj(body.get("chat"), "chat")
    payload_name = next((name for name in _ADDON_PAYLOADS if isinstance(chat.get(name), dict)), None)
    payload = chat.get(payload_name, {}) if payload_name else {}
    user = _optional_person(chat.get("user"), "chat.user")
    space = _space(payload.get("space") or chat.get("space") or _field(payload.get("message"), "space"),
                   "chat.space")
    raw_message = payload.get("message")
    message = _message(raw_message, f"chat.{payload_name}.message")
    if message is not None and message.thread_name is None and isinstance(payload.get("thread"), dict):
        message = MessageInfo(message.name, message.text, _str(payload["thread"].get("name"), "thread.name") or None,
                              message.sender, message.cards_v2)
    parameters = _parameters(common.get("parameters"))
    base: dict[str, Any] = dict(format=EventFormat.ADDON, actor=user, space=space, raw_type=payload_name or "",
                                event_time=_str(chat.get("eventTime"), "chat.eventTime") or None, message=message,
                                config_complete_url=_str(payload.get("configCompleteRedirectUri"), "configCompleteRedirectUri") or None,
                                user_locale=_str(common.get("userLocale"), "commonEventObject.userLocale") or None,
                                time_zone=_time_zone(common),
                                is_dialog=_flag(payload.get("isDialogEvent")),
                                dialog_event_type=_str(payload.get("dialogEventType"), "dialogEventType") or None)
    if payload_name == "appCommandPayload":
        command = _command_id(payload.get("appCommandMetadata"), _slash(raw_message))
        if command is None:
            raise MalformedEvent("an appCommandPayload needs appCommandMetadata.appCommandId")
        return _finish(EventKind.COMMAND, base, parameters=parameters, **_command_fields(raw_message, command))
    if payload_name == "messagePayload":
        command = _command_id(_slash(raw_message))
        return _finish(EventKind.COMMAND if command is not None else EventKind.MESSAGE, base,
                       **_command_fields(raw_message, command))
    if payload_name == "addedToSpacePayload":
        # The add-on format sends the triggering message or command as a second event.
        return _finish(EventKind.ADDED_TO_SPACE, base)
    if payload_name == "removedFromSpacePayload":
        return _finish(EventKind.REMOVED_FROM_SPACE, base)
    if payload_name == "buttonClickedPayload":
        return _finish(EventKind.ACTION, base, function=_function(common, parameters), parameters=parameters,
                       form_inputs=_form_inputs(common))
    return _finish(EventKind.OTHER, base)


def format_of(body: Any) -> EventFormat | None:
    """Which of Chat's two formats a decoded body is in (None: neither). The one place
    that decides it: the parser follows it, and so does the check that the body's format
    is the one its token's signer sends (``bot.verification``)."""
    if not isinstance(body, dict):
        return None
    if "chat" in body or "commonEventObject" in body:
        return EventFormat.ADDON
    if "type" in body:
        return EventFormat.CLASSIC
    return None


def parse_event(body: Any, *, raw: bytes | None = None) -> ChatEvent:
    """The typed event for a decoded JSON body, or MalformedEvent saying what is wrong.
    ``raw``: the bytes ``body`` was decoded from, when at hand; bytes that cannot decode
    to unstorable text spare walking the whole body for it."""
    if not isinstance(body, dict):
        raise MalformedEvent("the event must be a JSON object")
    if (raw is None or not raw_json_is_storable(raw)) and has_unstorable_text(body):
        raise MalformedEvent("the event contains text that is not valid Unicode, or a NUL")
    event_format = format_of(body)
    if event_format is EventFormat.ADDON:
        return parse_addon(body)
    if event_format is EventFormat.CLASSIC:
        return parse_classic(body)
    raise MalformedEvent("neither a Chat interaction event nor a Workspace add-on event")
