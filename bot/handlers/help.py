"""Help, plain messages, and the fallback for anything the app has no handler for."""

from __future__ import annotations

from cards.help import shown_help
from cards.messages import unknown_command_message

from ..chat_events import ChatEvent, EventKind
from ..replies import CloseDialog, NewMessage, NoReply, Reply
from ..services import Services


def show_help(event: ChatEvent, services: Services) -> Reply:
    return NewMessage(shown_help())


def plain_message(event: ChatEvent, services: Services) -> Reply:
    """A message without a command (any DM message, or an @mention in a space): help."""
    return NewMessage(shown_help())


def fallback(event: ChatEvent, services: Services) -> Reply:
    if event.kind is EventKind.COMMAND:
        name = services.config.command_name(event.command_id)
        return NewMessage(unknown_command_message(f"/{name}" if name else None), private_to=event.user.user_name)
    if event.kind is EventKind.ACTION and event.dialog_event_type == "CANCEL_DIALOG":
        return CloseDialog()  # a dialog closed without a known action: nothing to say
    if event.kind is EventKind.ACTION:
        # A button from an older card version, or a forged click: say so, change nothing.
        return NewMessage({"text": "That button no longer does anything. Type `/meethelp` to see what I can do."},
                          private_to=event.user.user_name)
    return NoReply()
