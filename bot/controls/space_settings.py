"""Who may change a Chat space's meeting defaults (``/meetsettings``).

The space's managers (Chat membership role ROLE_MANAGER); in a space without managers
(group chats, direct messages) any member. Read from Chat's member list each time,
never from the event or the dialog; if Chat cannot be asked, nobody may (fail closed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from cards.join_card import person_name

from domain import Person
from ..google.chat import ChatGateway
from ..google.errors import GoogleApiError


@dataclass(frozen=True)
class Denied:
    message: str
    status_code: str = "PERMISSION_DENIED"


def may_change_defaults(chat: ChatGateway, space: str, user: Person) -> Union[bool, Denied]:
    """True when ``user`` may change ``space``'s defaults, else why not."""
    try:
        memberships = chat.human_members(space)
    except GoogleApiError:
        return Denied("I couldn't check with Google Chat who manages this space, so I didn't change anything. "
                      "Please try again in a minute.", "UNAVAILABLE")
    mine = next((m for m in memberships if m.person.user_name == user.user_name), None)
    if mine is None:
        return Denied("Only members of this space can change its meeting defaults.")
    managers = [m for m in memberships if m.manager]
    if not managers or mine.manager:
        return True
    names = [person_name(m.person) for m in managers[:5]]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    more = f" and {len(managers) - 5} more" if len(managers) > 5 else ""
    return Denied(f"Only this space's managers can change its meeting defaults: {listed}{more}.")
