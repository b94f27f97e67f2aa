"""The app joining and leaving Chat spaces."""

from __future__ import annotations

from cards.messages import welcome_message

from ..events import ChatEvent
from ..replies import NewMessage, NoReply, Reply
from ..services import Services


def added_to_space(event: ChatEvent, services: Services) -> Reply:
    services.storage.mark_installed(event.space.name, space_type=event.space.space_type)
    return NewMessage(welcome_message(direct_message=event.space.is_direct_message))


def removed_from_space(event: ChatEvent, services: Services) -> Reply:
    # The app can no longer post there: remember it so nothing (summaries, card edits)
    # tries to. Chat ignores any answer to this event.
    services.storage.mark_uninstalled(event.space.name)
    return NoReply()
