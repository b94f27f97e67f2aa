"""The app joining and leaving Chat spaces.

A person can add the app *by* using it: a slash command or an @mention of the app in a
space without it. A classic Chat app then gets one ADDED_TO_SPACE event carrying the
triggering message (``/meet Kickoff``), and must both welcome the space and do what was
asked; an add-on gets two events (added, then the command) and needs nothing special.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable

from cards.messages import welcome_message

from ..chat_events import ChatEvent, EventKind
from ..google.errors import GoogleApiError
from ..replies import NewMessage, NoReply, Reply
from ..services import Services

log = logging.getLogger(__name__)

Handler = Callable[[ChatEvent, Services], Reply]


def added_to_space_handler(command_handler: Callable[[ChatEvent], Handler]) -> Handler:
    """The ADDED_TO_SPACE handler; ``command_handler`` finds the handler of a command
    event (the router's own table), for the command an addition may carry."""

    def added_to_space(event: ChatEvent, services: Services) -> Reply:
        services.storage.spaces.mark_installed(event.space.name, space_type=event.space.space_type)
        welcome = welcome_message(direct_message=event.space.is_direct_message)
        if not event.carries_command:
            return NewMessage(welcome)
        # One event for two things. The welcome goes first, through the Chat API, so it
        # reads before the command's own answer (a join card, a prompt); then the command
        # runs exactly as if it had come as a MESSAGE.
        welcomed = _post_welcome(event, services, welcome)
        command = dataclasses.replace(event, kind=EventKind.COMMAND)
        reply = command_handler(command)(command, services)
        if not welcomed and isinstance(reply, NoReply):
            return NewMessage(welcome)  # the welcome still arrives, as the answer
        return reply

    return added_to_space


def _post_welcome(event: ChatEvent, services: Services, welcome: dict[str, object]) -> bool:
    # A redelivered event posts nothing new: the request id is the triggering message's.
    source = event.message.name if event.message and event.message.name else None
    request_id = f"welcome-{hashlib.sha256(source.encode()).hexdigest()[:32]}" if source else None
    try:
        services.chat.create_message(event.space.name, welcome, request_id=request_id)
    except GoogleApiError as error:
        log.warning("could not post the welcome", extra={"fields": {"space": event.space.name,
                                                                    "reason": error.kind.value}})
        return False
    return True


def removed_from_space(event: ChatEvent, services: Services) -> Reply:
    # The app can no longer post there: remember it so nothing (summaries, card edits)
    # tries to. Chat ignores any answer to this event, which may name nobody.
    services.storage.spaces.mark_uninstalled(event.space.name)
    return NoReply()
