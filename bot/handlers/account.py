"""``/meetlogout``: revoke and delete the user's stored authorization."""

from __future__ import annotations

from cards.account import UnlinkOutcome, delegation_logout_message, unlinked_message

from ..authorization import Unlinked
from ..chat_events import ChatEvent
from ..lifecycle.paused import organizer_unlinked
from ..replies import NewMessage, Reply
from ..services import Services


def logout(event: ChatEvent, services: Services) -> Reply:
    if not services.authorization.links_accounts:
        return NewMessage(delegation_logout_message(), private_to=event.user.user_name)
    # Only ever the verified event's own user: nobody can unlink someone else.
    outcome = services.authorization.unlink(event.user)
    # Nothing can read their meetings now: each live one's card says so, until they link again.
    paused = organizer_unlinked(services, event.user) if outcome is not Unlinked.NOT_LINKED else 0
    return NewMessage(unlinked_message(UnlinkOutcome(outcome.value), paused_meetings=paused),
                      private_to=event.user.user_name)
