"""``/meetlogout``: revoke and delete the user's stored authorization."""

from __future__ import annotations

from cards.account import UnlinkOutcome, delegation_logout_message, unlinked_message

from ..events import ChatEvent
from ..replies import NewMessage, Reply
from ..services import Services


def logout(event: ChatEvent, services: Services) -> Reply:
    if services.authorization is None:
        return NewMessage(delegation_logout_message(), private_to=event.user.user_name)
    # Only ever the verified event's own user: nobody can unlink someone else.
    outcome = services.authorization.unlink(event.user)
    return NewMessage(unlinked_message(UnlinkOutcome(outcome.value)), private_to=event.user.user_name)
