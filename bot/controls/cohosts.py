"""Making the people @mentioned in ``/meet`` co-hosts of the new meeting.

Right after Meet created the space, with the organizer's credentials: the emails of
those the app has not seen yet are looked up in the organization's directory (one
People API call, ``directory``), then one ``spaces.members.create`` (role COHOST) per
mention. Meet may refuse someone (outside the organization, an address it rejects) and
the directory may not hold them: that is reported on the card, never fatal to the
meeting. The outcome is kept with the meeting; the authority check later reads the
co-host's address from it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, ContextManager

from domain import Cohost, CohostState, Meeting, MemberRole, Person
from ..google.credentials import UserCredentialsProvider
from ..google.errors import FailureKind, GoogleApiError
from ..google.meet import MeetGateway
from ..google.people import PeopleGateway
from ..retry import MIN_ATTEMPT_SECONDS, remaining_seconds, request_deadline
from ..storage import Repositories
from .directory import Unresolved, resolve_emails

if TYPE_CHECKING:
    from ..services import Services

log = logging.getLogger(__name__)

# Each co-host costs one Meet call before the card can be posted, inside Chat's 30 s
# deadline; a meeting with more mentions than this gets the rest reported, not added.
MAX_COHOSTS = 20
# The co-hosts may use at most this share of what is left of the answer's deadline: the
# card is posted after them, and an outage of spaces.members.create must not leave it
# no time (the card would then only be "on its way").
DEADLINE_SHARE = 0.5

REFUSED_PERMISSION = "Google Meet refused (they may be outside your organization)"
REFUSED_INVALID = "Google Meet doesn't accept their address"
UNAVAILABLE = "Google Meet didn't answer"
UNCONFIRMED = ("Google Meet didn't confirm in time, so they may or may not be one (the meeting's settings in Meet "
               "show it)")
NOT_TRIED = "Google Meet was too slow to add everyone before I had to answer"
TOO_MANY = f"only the first {MAX_COHOSTS} mentions become co-hosts"


def _refusal(error: GoogleApiError) -> str:
    if error.kind is FailureKind.PERMISSION:
        return REFUSED_PERMISSION
    if error.kind is FailureKind.INVALID:
        return REFUSED_INVALID
    if error.may_have_applied:
        return UNCONFIRMED  # an attempt may land after we stopped waiting: not a refusal
    return UNAVAILABLE


def _share_of_deadline() -> ContextManager[None]:
    left = remaining_seconds()
    return nullcontext() if left is None else request_deadline(left * DEADLINE_SHARE)


@dataclasses.dataclass(frozen=True)
class CohostTools:
    """What adding co-hosts uses: Meet, the directory and storage."""

    meet: MeetGateway
    people: PeopleGateway
    credentials: UserCredentialsProvider
    storage: Repositories

    @classmethod
    def of(cls, services: Services) -> CohostTools:
        return cls(services.meet, services.people, services.credentials, services.storage)


def add_cohosts(meeting: Meeting, credentials: Any, tools: CohostTools,
                people: Sequence[Person] | None = None) -> tuple[Cohost, ...]:
    """Try each requested co-host (or only ``people`` of them) once; what became of
    each, in mention order."""
    wanted = tuple(meeting.requested_cohosts if people is None else people)
    with _share_of_deadline():
        with _share_of_deadline():  # the directory gets half of it: an outage there leaves Meet the rest
            emails = resolve_emails(wanted[:MAX_COHOSTS], meeting.organizer, tools.storage, tools.people,
                                    tools.credentials)
        return _add_each(meeting, wanted, credentials, tools.meet, emails)


def _add_each(meeting: Meeting, wanted: tuple[Person, ...], credentials: Any, meet: MeetGateway,
              emails: dict[str, str | Unresolved]) -> tuple[Cohost, ...]:
    outcomes: list[Cohost] = []
    for index, person in enumerate(wanted):
        if index >= MAX_COHOSTS:
            outcomes.append(Cohost(person, CohostState.REFUSED, reason=TOO_MANY))
            continue
        email = emails.get(person.user_name)
        if isinstance(email, Unresolved) or email is None:
            unresolved = email or Unresolved(CohostState.REFUSED, NOT_TRIED)
            outcomes.append(Cohost(person, unresolved.state, reason=unresolved.reason))
            continue
        left = remaining_seconds()
        if left is not None and left <= MIN_ATTEMPT_SECONDS:  # the share is spent: asking would only time out
            outcomes.append(Cohost(person, CohostState.REFUSED, reason=NOT_TRIED))
            continue
        known = dataclasses.replace(person, email=email)
        try:
            member = meet.add_member(credentials, meeting.meet_space, email, MemberRole.COHOST)
        except GoogleApiError as error:
            if error.kind is FailureKind.CONFLICT:  # already a member (a retried creation)
                outcomes.append(Cohost(known, CohostState.ADDED))
                continue
            log.info("Meet refused a co-host", extra={"fields": {"meetSpace": meeting.meet_space,
                                                                 "kind": error.kind.value, "status": error.status}})
            outcomes.append(Cohost(known, CohostState.REFUSED, reason=_refusal(error)))
            continue
        outcomes.append(Cohost(known, CohostState.ADDED, member=member.name or None))
    return tuple(outcomes)
