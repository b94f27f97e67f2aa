"""Control-plane calls for Chat: people acting in Chat, and what the app made of it.

JSON in, JSON out, Google's error shape for bad input. Handlers take ``state.lock``
only to read or change the Chat model, never while an event is with the app (the app
calls the emulator's APIs back while handling it).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from .. import i18n
from ..api import json_response
from ..control import json_body, state, typed
from ..errors import ApiError, invalid_argument, not_found, permission_denied
from ..state import EmulatorState, User
from . import delivery, interactions
from .interactions import ADDED_TO_SPACE, APP_COMMAND, CARD_CLICKED, MESSAGE, REMOVED_FROM_SPACE, EventInput
from .model import APP_USER, ChatSpace, StoredMessage


# -- helpers -------------------------------------------------------------------------------------
def _base_url() -> str:
    return request.host_url.rstrip("/")


def _space_name(reference: str) -> str:
    reference = reference.strip()
    return reference if reference.startswith("spaces/") else f"spaces/{reference}"


def _space(world: EmulatorState, reference: Any, field_name: str = "space") -> ChatSpace:
    if not isinstance(reference, str) or not reference.strip():
        raise invalid_argument(f"Field '{field_name}' must be a space name.", field_name)
    return world.chat.get_space(_space_name(reference))


def _user(world: EmulatorState, reference: Any, field_name: str = "user") -> User:
    if not isinstance(reference, str) or not reference.strip():
        raise invalid_argument(f"Field '{field_name}' must be a user name or email.", field_name)
    return world.find_user(reference.strip())


def _member(world: EmulatorState, space: ChatSpace, user: User) -> None:
    if not world.chat.is_member(space.name, user.name):
        raise permission_denied(f"{user.name} is not a member of {space.name}.")


def _visible_message(world: EmulatorState, name: Any, user: User, field_name: str = "message") -> StoredMessage:
    if not isinstance(name, str) or "/messages/" not in name:
        raise invalid_argument(f"Field '{field_name}' must be a message name (spaces/…/messages/…).", field_name)
    message = world.chat.find_message(name)
    if message.private_viewer and message.private_viewer != user.name:
        raise not_found(f"Message {name} not found.")
    return message


def _who(body: dict[str, Any]) -> dict[str, Any]:
    """Locale and time zone of the acting person's client for this one event, when the
    call overrides the user's own settings (``POST /_emulator/users`` timeZone/locale)."""
    options = {}
    locale = body.get("locale")
    zone = body.get("timeZone")
    if locale is not None:
        options["locale"] = i18n.language_code(locale, "locale")
    if zone is not None:
        options["time_zone"] = i18n.time_zone(zone, "timeZone")
    return options


# -- the app -------------------------------------------------------------------------------------
def read_app() -> Response:
    """How Chat names the app: ``{name: "users/{digits}", displayName, type: "BOT", avatarUrl}``."""
    world = state()
    with world.lock:
        return json_response(world.chat.app_json())


def configure_app() -> Response:
    """Set the app's Chat identity (``userId``: digits; ``displayName``; ``avatarUrl``), as the
    Chat API configuration page in Google Cloud does; it holds until ``/_emulator/reset``,
    which goes back to the emulator's configuration."""
    body = json_body()
    user_id = typed(body, "userId", str)
    display_name = typed(body, "displayName", str)
    avatar_url = typed(body, "avatarUrl", str)
    world = state()
    with world.lock:
        world.chat.set_app_identity(user_id=user_id, display_name=display_name, avatar_url=avatar_url)
        return json_response(world.chat.app_json())


# -- spaces --------------------------------------------------------------------------------------
def create_space() -> Response:
    body = json_body("members")
    who = _who(body)  # first: a bad override changes nothing
    world = state()
    members = typed(body, "members", list)
    if not members or not all(isinstance(member, str) for member in members):
        raise invalid_argument("members must be a non-empty list of user names or emails.", "members")
    display_name = typed(body, "displayName", str, "") or ""
    space_type = typed(body, "spaceType", str, "SPACE")
    with world.lock:
        users = [_user(world, member, "members") for member in members]
        unique = list({user.name: user for user in users}.values())
        space = world.chat.create_space(display_name, space_type, unique)
        adder = unique[0]
        spec = EventInput(ADDED_TO_SPACE, space, adder, **who,
                          config_complete_url=delivery.config_complete_url(world, _base_url(), space.name,
                                                                           adder.name, None))
    delivery.deliver(world, spec)  # the welcome, if any, is recorded in the space
    with world.lock:
        return json_response(space.to_json())


def list_spaces() -> Response:
    world = state()
    with world.lock:
        spaces = []
        for space in world.chat.spaces.values():
            body = space.to_json()
            body["appInstalled"] = space.app_installed
            body["members"] = [world.chat.membership_json(m) for m in world.chat.members_of(space.name)]
            spaces.append(body)
    return json_response({"spaces": spaces})


def list_messages(space_id: str) -> Response:
    world = state()
    with world.lock:
        space = world.chat.get_space(_space_name(space_id))
        with_revisions = request.args.get("revisions") == "true"
        messages = []
        for message in world.chat.messages_in(space.name, include_private=True):
            body = world.chat.message_json(message)
            if with_revisions:  # the emulator's own field: every body the message had, oldest first
                body["revisions"] = [dict(revision) for revision in message.revisions]
            messages.append(body)
    return json_response({"messages": messages})


def add_member(space_id: str) -> Response:
    body = json_body("user")
    world = state()
    with world.lock:
        space = world.chat.get_space(_space_name(space_id))
        if space.space_type == "DIRECT_MESSAGE":
            raise invalid_argument("People cannot be added to a direct message.", "user")
        user = _user(world, body.get("user"))
        if world.chat.is_member(space.name, user.name):
            raise ApiError(409, f"{user.name} is already a member of {space.name}.", "ALREADY_EXISTS")
        membership = world.chat.add_member(space, user.name, typed(body, "role", str, "ROLE_MEMBER"))
        return json_response(world.chat.membership_json(membership))


def remove_member(space_id: str, member: str) -> Response:
    world = state()
    with world.lock:
        space = world.chat.get_space(_space_name(space_id))
        user = _user(world, member if "@" in member or member.startswith("users/") else f"users/{member}")
        membership = world.chat.remove_member(space, user.name)
        return json_response(world.chat.membership_json(membership))


def remove_app(space_id: str) -> Response:
    """A person removes the app from the space: REMOVED_FROM_SPACE is delivered. Without
    ``user``, an administrator uninstalls it: the event names nobody, as Google's table
    shows it (no ``user``; add-on: no ``chat.user``)."""
    body = json_body()
    who = _who(body)  # first: a bad override changes nothing
    world = state()
    with world.lock:
        space = world.chat.get_space(_space_name(space_id))
        user = None
        if body.get("user") is not None:
            user = _user(world, body.get("user"))
            _member(world, space, user)
        if not space.app_installed or not world.chat.is_member(space.name, APP_USER):
            raise ApiError(400, f"The app is not a member of {space.name}.", "FAILED_PRECONDITION")
        world.chat.remove_member(space, APP_USER)
        spec = EventInput(REMOVED_FROM_SPACE, space, user, **who)
    delivery.deliver(world, spec)
    with world.lock:
        return json_response(space.to_json())


def add_app(space_id: str) -> Response:
    """A person adds the app (again): ADDED_TO_SPACE is delivered."""
    body = json_body("user")
    who = _who(body)  # first: a bad override changes nothing
    world = state()
    with world.lock:
        space = world.chat.get_space(_space_name(space_id))
        user = _user(world, body.get("user"))
        _member(world, space, user)
        if world.chat.is_member(space.name, APP_USER):
            raise ApiError(409, f"The app is already a member of {space.name}.", "ALREADY_EXISTS")
        world.chat.add_member(space, APP_USER)
        space.app_installed = True
        spec = EventInput(ADDED_TO_SPACE, space, user, **who,
                          config_complete_url=delivery.config_complete_url(world, _base_url(), space.name,
                                                                           user.name, None))
    delivery.deliver(world, spec)
    with world.lock:
        return json_response(space.to_json())


# -- people acting -----------------------------------------------------------------------------------
def post_message() -> Response:
    """A person posts; the app hears it if it is a DM, a slash command or an @mention of it.

    In a space without the app, a slash command for it or an @mention of it adds it, as
    Chat does: a classic app gets one ADDED_TO_SPACE carrying the message; an add-on gets
    ADDED_TO_SPACE (``interactionAdd``) and then the message. ``reply`` is the answer to
    the message (classic: to that one event); ``appAdded`` says whether it happened.
    """
    body = json_body("space", "sender", "text")
    who = _who(body)  # first: a bad override changes nothing
    world = state()
    text = typed(body, "text", str)
    thread = typed(body, "thread", str)
    with world.lock:
        space = _space(world, body.get("space"))
        sender = _user(world, body.get("sender"), "sender")
        _member(world, space, sender)
        parsed = interactions.parse_text(world, space, text)
        message = world.chat.create_message(
            space.name, sender.name, {"text": text}, app_auth=False,
            thread_name=thread, reply_option="REPLY_MESSAGE_OR_FAIL" if thread else "MESSAGE_REPLY_OPTION_UNSPECIFIED",
            annotations=parsed.annotations, argument_text=parsed.argument_text, slash_command=parsed.slash_command)
        present = space.app_installed and world.chat.is_member(space.name, APP_USER)
        invoked = parsed.slash_command is not None or parsed.mentions_app
        heard = present and (space.space_type == "DIRECT_MESSAGE" or invoked)
        adds_app = not present and invoked and space.space_type != "DIRECT_MESSAGE"
        config_url = delivery.config_complete_url(world, _base_url(), space.name, sender.name, message.name)
        specs = [EventInput(MESSAGE, space, sender, message=message, **who, config_complete_url=config_url)]
        if adds_app:
            world.chat.add_member(space, APP_USER)
            space.app_installed = True
            added = EventInput(ADDED_TO_SPACE, space, sender, message=message, interaction_add=True, **who,
                               config_complete_url=config_url)
            if world.config.event_format == "addon":
                added.message = None  # the add-on hears the message itself in a second event
                specs.insert(0, added)
            else:
                specs = [added]
    reply = None
    if heard or adds_app:
        for spec in specs:
            reply = delivery.deliver(world, spec)
    with world.lock:
        return json_response({"message": world.chat.message_json(message), "reply": reply, "appAdded": adds_app})


def quick_command() -> Response:
    """A person picks one of the app's commands from Chat's menu (a quick command: no
    message is posted). Classic: ``type: APP_COMMAND`` with ``appCommandMetadata``
    ``{appCommandId, appCommandType: QUICK_COMMAND}``; add-on: ``appCommandPayload``.
    ``command`` is a registered command's name (``meet`` or ``/meet``) or its id."""
    body = json_body("space", "user", "command")
    who = _who(body)  # first: a bad override changes nothing
    world = state()
    command_id = _registered_command(world, body.get("command"))
    with world.lock:
        space = _space(world, body.get("space"))
        user = _user(world, body.get("user"))
        _member(world, space, user)
        if not space.app_installed or not world.chat.is_member(space.name, APP_USER):
            raise ApiError(400, f"The app is not a member of {space.name}: its commands are not offered there.",
                           "FAILED_PRECONDITION")
        spec = EventInput(APP_COMMAND, space, user, command_id=command_id, **who,
                          config_complete_url=delivery.config_complete_url(world, _base_url(), space.name,
                                                                           user.name, None))
    return json_response({"reply": delivery.deliver(world, spec)})


def _registered_command(world: EmulatorState, command: Any) -> int:
    registered = {name.lstrip("/").lower(): int(number) for name, number in world.config.commands.items()}
    if isinstance(command, int) and not isinstance(command, bool) and command in registered.values():
        return command
    if isinstance(command, str) and command.lstrip("/").lower() in registered:
        return registered[command.lstrip("/").lower()]
    raise invalid_argument(f"Field 'command' must name a registered command ({', '.join(sorted(registered))}) "
                           "or give its id.", "command")


def click() -> Response:
    """A person clicks a button of a card message; the app's answer."""
    body = json_body("message", "user", "function")
    who = _who(body)  # first: a bad override changes nothing
    world = state()
    function = typed(body, "function", str)
    wanted = interactions.string_parameters(body.get("parameters"))
    inputs = interactions.form_inputs(body.get("formInputs"))
    with world.lock:
        user = _user(world, body.get("user"))
        message = _visible_message(world, body.get("message"), user)
        space = world.chat.get_space(message.space)
        _member(world, space, user)
        action = interactions.find_action(message.body, function, wanted)
        if action is None:
            available = sorted({str(a["function"]) for a in interactions.card_actions(message.body)
                                if a.get("function")})
            raise invalid_argument(
                f"Message {message.name} has no button invoking {function!r}"
                + (f" with parameters {wanted}" if wanted else "")
                + f". Buttons on it invoke: {', '.join(available) or 'nothing'}.", "function")
        parameters = {p.get("key"): p.get("value") for p in action.get("parameters") or []}
        dialog = interactions.REQUEST_DIALOG if action.get("interaction") == "OPEN_DIALOG" else None
        spec = EventInput(CARD_CLICKED, space, user, message=message, function=function, parameters=parameters,
                          form_inputs=inputs, dialog_event_type=dialog, **who,
                          config_complete_url=delivery.config_complete_url(world, _base_url(), space.name,
                                                                           user.name, None))
    return json_response(delivery.deliver(world, spec))


def submit_dialog() -> Response:
    """A person submits (or, with ``cancel: true``, closes) a dialog; the app's answer."""
    body = json_body("user")
    who = _who(body)  # first: a bad override changes nothing
    world = state()
    cancel = typed(body, "cancel", bool, False)
    function = typed(body, "function", str)
    if not function and not cancel:
        raise invalid_argument("Missing required field(s): function.", "function")
    wanted = interactions.string_parameters(body.get("parameters"))
    inputs = interactions.form_inputs(body.get("formInputs"))
    with world.lock:
        user = _user(world, body.get("user"))
        opened = delivery.open_dialogs(world).get(user.name)
        message = None
        if body.get("message"):
            message = _visible_message(world, body.get("message"), user)
        elif opened is not None and opened.message:
            message = world.chat.messages.get(opened.message)
        if message is not None:
            space = world.chat.get_space(message.space)
        elif body.get("space"):
            space = _space(world, body.get("space"))
        elif opened is not None:
            space = world.chat.get_space(opened.space)
        else:
            raise invalid_argument(f"{user.name} has no open dialog: give the message or space it belongs to.",
                                   "message")
        _member(world, space, user)
        parameters = wanted
        if opened is not None and opened.space == space.name and function:
            action = interactions.find_action(opened.card, function, wanted)
            if action is not None:
                parameters = {p.get("key"): p.get("value") for p in action.get("parameters") or []}
        spec = EventInput(CARD_CLICKED, space, user, message=message, function=function, parameters=parameters,
                          form_inputs=inputs,
                          dialog_event_type=interactions.CANCEL_DIALOG if cancel else interactions.SUBMIT_DIALOG,
                          **who)
    return json_response(delivery.deliver(world, spec))


def list_open_dialogs() -> Response:
    world = state()
    with world.lock:
        return json_response({"dialogs": [
            {"user": user, "space": d.space, "message": d.message, "thread": d.thread, "body": d.card}
            for user, d in delivery.open_dialogs(world).items()]})


def config_complete() -> Response:
    """Where ``configCompleteRedirectUrl`` points: the prompt is erased, the message made
    public and dispatched to the app a second time, as Chat does."""
    world = state()
    parsed = delivery.read_config_complete_token(world, request.args.get("token", ""))
    if parsed is None:
        raise invalid_argument("Invalid or forged configuration token.", "token")
    space_name, user_name, message_name = parsed
    with world.lock:
        space = world.chat.get_space(space_name)
        user = world.find_user(user_name)
        original = delivery.complete_configuration(world, space_name, user_name, message_name)
        spec = None
        if original is not None and space.app_installed:
            spec = EventInput(MESSAGE, space, user, message=original,
                              config_complete_url=delivery.config_complete_url(world, _base_url(), space.name,
                                                                               user.name, original.name))
    reply = delivery.deliver(world, spec) if spec is not None else None
    return json_response({"configured": True, "reply": reply})


def list_deliveries() -> Response:
    """Every event delivered to the app, with its answer and what was recorded (or the error)."""
    world = state()
    with world.lock:
        return json_response({"deliveries": [record.to_json() for record in delivery.deliveries(world)]})


def blueprint() -> Blueprint:
    """The control plane's Chat routes, built afresh for each emulator app."""
    routes = Blueprint("chat_control", __name__, url_prefix="/_emulator/chat")
    routes.add_url_rule("/app", view_func=read_app, methods=["GET"])
    routes.add_url_rule("/app", view_func=configure_app, methods=["POST"])
    routes.add_url_rule("/spaces", view_func=create_space, methods=["POST"])
    routes.add_url_rule("/spaces", view_func=list_spaces, methods=["GET"])
    routes.add_url_rule("/spaces/<path:space_id>/messages", view_func=list_messages, methods=["GET"])
    routes.add_url_rule("/spaces/<path:space_id>/members", view_func=add_member, methods=["POST"])
    routes.add_url_rule("/spaces/<path:space_id>/members/<path:member>", view_func=remove_member, methods=["DELETE"])
    routes.add_url_rule("/spaces/<path:space_id>/remove-app", view_func=remove_app, methods=["POST"])
    routes.add_url_rule("/spaces/<path:space_id>/add-app", view_func=add_app, methods=["POST"])
    routes.add_url_rule("/messages", view_func=post_message, methods=["POST"])
    routes.add_url_rule("/commands", view_func=quick_command, methods=["POST"])
    routes.add_url_rule("/clicks", view_func=click, methods=["POST"])
    routes.add_url_rule("/dialogs", view_func=submit_dialog, methods=["POST"])
    routes.add_url_rule("/dialogs", view_func=list_open_dialogs, methods=["GET"])
    routes.add_url_rule("/config-complete", view_func=config_complete, methods=["GET"])
    routes.add_url_rule("/deliveries", view_func=list_deliveries, methods=["GET"])
    return routes
