"""Which meeting a click is about, and whether the person clicking may control it.

Nothing here trusts the click's parameters for authority. The meeting is the one whose
join card *is* the clicked message (the event's message name, which Chat fills in);
the parameter only has to agree with it, so a forged parameter naming another
meeting, a card from another space, or a card whose meeting is gone all end as
"this card is out of date" and change nothing.

Who may control a meeting: its organizer (the app's own record of who ran /meet) and
its co-hosts. A co-host is someone Meet's member list names with role COHOST right now
(read with the organizer's credentials), matched by the email the app recorded when it
made them co-host, or else the email Chat sent with this verified event. So a co-host
removed in Meet loses the controls at once, and nobody gains them by a parameter.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Union

from cards.buttons import MEETING_PARAMETER
from cards.join_card import person_name

from domain import CohostState, Meeting, MemberRole, Person
from ..chat_events import ChatEvent
from ..google.meet import MeetGateway
from ..storage import Meetings

STALE_CARD = ("This card is out of date: I can't find the meeting it belongs to any more, so I didn't change "
              "anything. Start a new one with /meet.")


class Role(str, enum.Enum):
    ORGANIZER = "organizer"
    COHOST = "co-host"


@dataclass(frozen=True)
class Stale:
    """The click does not lead to a meeting this card controls."""

    message: str = STALE_CARD


def clicked_meeting(event: ChatEvent, meetings: Meetings) -> Union[Meeting, Stale]:
    """The meeting whose join card was clicked, if the click agrees with it in every way."""
    if event.message is None or not event.message.name:
        return Stale()
    meeting = meetings.get_meeting_by_card_message(event.message.name)
    if meeting is None or meeting.id is None:
        return Stale()
    if event.parameters.get(MEETING_PARAMETER) != str(meeting.id):
        return Stale()  # a parameter that disagrees with the clicked card: forged or mixed up
    if meeting.chat_space != event.space.name:
        return Stale()  # a card of another space, however it got here
    return meeting


def cohost_email(meeting: Meeting, person: Person) -> str | None:
    """The address Meet knows ``person`` by as a co-host of ``meeting``."""
    for cohost in meeting.cohosts:
        if cohost.person.user_name == person.user_name and cohost.state is CohostState.ADDED and cohost.person.email:
            return cohost.person.email.lower()
    return person.email.lower() if person.email else None


def role_of(meeting: Meeting, person: Person, meet: MeetGateway, organizer_credentials: object) -> Role | None:
    """``person``'s right over ``meeting``, or None. Raises GoogleApiError when Meet cannot
    be asked: callers refuse then (fail closed) rather than guess."""
    if person.user_name == meeting.organizer.user_name:
        return Role.ORGANIZER
    email = cohost_email(meeting, person)
    if email is None:
        return None
    for member in meet.members(organizer_credentials, meeting.meet_space):  # type: ignore[arg-type]
        if member.role is MemberRole.COHOST and member.email.lower() == email:
            return Role.COHOST
    return None


def only_who_can(meeting: Meeting, verb: str) -> str:
    """The refusal's sentence naming who may ``verb`` the meeting, e.g. "Only the
    organizer, Alice Anders, can end this meeting." (the name set off by commas)."""
    cohosts = [person_name(c.person) for c in meeting.cohosts if c.state is CohostState.ADDED]
    who = f"the organizer, {person_name(meeting.organizer)},"
    if cohosts:
        listed = cohosts[0] if len(cohosts) == 1 else ", ".join(cohosts[:-1]) + " and " + cohosts[-1]
        who += f" and the co-{'host' if len(cohosts) == 1 else 'hosts'} {listed}"
    return f"Only {who} can {verb} this meeting."
