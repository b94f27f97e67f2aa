"""The emails of people @mentioned in ``/meet``, for those the app has not seen yet.

Chat's mentions carry ``users/{id}`` only; Meet adds co-hosts by email. The app knows
the address of everyone who has used one of its commands (``people.email_for``); for
the others it asks the organization's directory (People API, ``directory.readonly``)
with the organizer's credentials, in one call for all of them, and remembers what it
found, so the next meeting with the same people asks nothing.

Nothing here may stop the meeting: whoever cannot be resolved comes back as
``Unresolved`` with the reason the card shows. In OAuth mode the organizer grants the
directory scope separately from linking (``CohostState.NEEDS_DIRECTORY`` until they do).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Sequence, Union

from domain import CohostState, Person
from ..google.credentials import MissingScope, NeedsAuthorization, UserCredentialsProvider
from ..google.errors import FailureKind, GoogleApiError
from ..google.people import PeopleGateway
from ..retry import MIN_ATTEMPT_SECONDS, remaining_seconds
from ..storage import Repositories, StorageError
from .people import email_for, remember

log = logging.getLogger(__name__)

NO_EMAIL = ("I don't know their email address yet (Chat doesn't tell me for mentions); once they've "
            "used any of my commands, mentioning them works")
NOT_IN_DIRECTORY = ("they aren't in your organization's directory (people from other organizations and groups "
                    "can't be made co-hosts by a mention)")
DIRECTORY_REFUSED = ("Google didn't let me look them up in your organization's directory (an administrator may "
                     "need to allow this app to read it)")
DIRECTORY_UNAVAILABLE = ("Google's directory didn't answer, so I couldn't find their email address (mentioning "
                         "them in a later /meet tries again)")


def needs_directory_reason(organizer: Person) -> str:
    return (f"finding their email address needs {organizer.display_name}'s permission to look people up in the "
            "organization's directory, which I've asked them for privately")


@dataclass(frozen=True)
class Unresolved:
    """Why a mentioned person's email is not known: the co-host's state and the card's words."""

    state: CohostState
    reason: str


Resolution = Union[str, Unresolved]


def resolve_emails(mentioned: Sequence[Person], organizer: Person, storage: Repositories,
                   people: PeopleGateway, credentials: UserCredentialsProvider) -> dict[str, Resolution]:
    """Each mentioned person's email (by ``users/{id}``), or why it is not known."""
    found: dict[str, Resolution] = {}
    missing: list[Person] = []
    for person in mentioned:
        email = email_for(storage, person)
        if email is not None:
            found[person.user_name] = email
        elif person.user_name not in found:
            found[person.user_name] = Unresolved(CohostState.NO_EMAIL, NO_EMAIL)
            missing.append(person)
    if missing:
        found.update(_from_directory(missing, organizer, storage, people, credentials))
    return found


def _from_directory(missing: list[Person], organizer: Person, storage: Repositories, people: PeopleGateway,
                    credentials: UserCredentialsProvider) -> dict[str, Resolution]:
    def everyone(state: CohostState, reason: str) -> dict[str, Resolution]:
        return {person.user_name: Unresolved(state, reason) for person in missing}

    try:
        directory_credentials = credentials.for_directory(organizer)
    except MissingScope:
        return everyone(CohostState.NEEDS_DIRECTORY, needs_directory_reason(organizer))
    except NeedsAuthorization:
        return everyone(CohostState.NO_EMAIL, NO_EMAIL)
    except GoogleApiError:  # the token endpoint is down
        return everyone(CohostState.NO_EMAIL, DIRECTORY_UNAVAILABLE)
    left = remaining_seconds()
    if left is not None and left <= MIN_ATTEMPT_SECONDS:
        return everyone(CohostState.NO_EMAIL, DIRECTORY_UNAVAILABLE)
    try:
        emails = people.emails(directory_credentials, [person.user_name for person in missing])
    except GoogleApiError as error:
        log.info("directory lookup failed", extra={"fields": {"kind": error.kind.value, "status": error.status,
                                                              "people": len(missing)}})
        refused = error.kind in (FailureKind.PERMISSION, FailureKind.UNAUTHENTICATED)
        return everyone(CohostState.NO_EMAIL, DIRECTORY_REFUSED if refused else DIRECTORY_UNAVAILABLE)
    resolved: dict[str, Resolution] = {}
    for person in missing:
        email = emails.get(person.user_name)
        if email is None:
            resolved[person.user_name] = Unresolved(CohostState.NO_EMAIL, NOT_IN_DIRECTORY)
            continue
        resolved[person.user_name] = email
        try:  # kept like an email Chat sent: the next meeting with them asks nothing
            remember(storage, Person(person.user_name, person.display_name, email))
        except StorageError:
            log.warning("could not remember an email found in the directory")
    return resolved
