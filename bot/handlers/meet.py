"""``/meet [title] [@people…]``: create a Meet meeting space and post its join card.

The work itself is ``bot.meetings.create_meeting``, shared with the OAuth callback
(which finishes a ``/meet`` that had to wait for the user's consent). This handler
turns its outcome into Chat's answer: nothing (the card was posted through the Chat
API), a private explanation, or Chat's configuration prompt asking the user to link
their Google account.
"""

from __future__ import annotations

from cards.messages import Problem, error_message

from domain import MeetRequest
from ..chat_events import ChatEvent
from ..meetings import AlreadyHandled, CardPending, Created, NeedsLink, Refused, create_meeting
from ..replies import NewMessage, NoReply, Reply, RequestConfig
from ..services import Services


def request_from_event(event: ChatEvent) -> MeetRequest:
    return MeetRequest(organizer=event.user, chat_space=event.space.name, argument_text=event.argument_text,
                       mentions=event.mentions, source_message=event.message.name if event.message else None,
                       thread_name=event.thread_name, event_format=event.format.value,
                       time_zone=event.time_zone)


def link_prompt(event: ChatEvent, services: Services, request: MeetRequest | None) -> Reply:
    """Chat's private configuration prompt with the link to authorize the app (or, when
    users do not link accounts here, an honest note for the administrator)."""
    if not services.authorization.links_accounts:
        return NewMessage(error_message(Problem.NOT_CONFIGURED, missing="access to your Google account"),
                          private_to=event.user.user_name)
    url = services.authorization.begin(event.user, request, event_format=event.format.value,
                                       config_complete_url=event.config_complete_url)
    return RequestConfig(url=url, resource=f"{services.config.app_name}: Google Meet")


def meet_command(event: ChatEvent, services: Services) -> Reply:
    services.storage.spaces.mark_installed(event.space.name, space_type=event.space.space_type)
    request = request_from_event(event)
    outcome = create_meeting(request, services)
    if isinstance(outcome, CardPending):
        return NewMessage(outcome.message, private_to=event.user.user_name)
    if isinstance(outcome, (Created, AlreadyHandled)):
        return NoReply()
    if isinstance(outcome, NeedsLink):
        return link_prompt(event, services, request)
    assert isinstance(outcome, Refused)
    return NewMessage(outcome.message, private_to=event.user.user_name)
