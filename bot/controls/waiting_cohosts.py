"""Co-hosts waiting for the organizer to allow directory lookups (OAuth mode).

Linking an account asks for Meet only. The first time a mention needs the directory to
find someone's email, the card says so and the organizer gets, privately in the
meeting's thread, a link that adds ``directory.readonly`` to their grant (incremental
authorization, the same linking flow). Once they allow it, the callback adds that
meeting's waiting co-hosts and the card is redrawn by the next sync; later ``/meet``s
look people up directly.
"""

from __future__ import annotations

import hashlib
import logging

from domain import Cohost, CohostState, Meeting
from ..google.credentials import NeedsAuthorization
from ..google.errors import GoogleApiError
from ..services import Services
from .cohosts import CohostTools, add_cohosts

log = logging.getLogger(__name__)


def waiting(meeting: Meeting) -> list[Cohost]:
    return [cohost for cohost in meeting.cohosts if cohost.state is CohostState.NEEDS_DIRECTORY]


def _names(cohosts: list[Cohost]) -> str:
    names = [cohost.person.display_name for cohost in cohosts]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _request_id(meeting: Meeting) -> str:
    """One prompt per meeting, however often a post is retried."""
    digest = hashlib.sha256(f"directory|{meeting.meet_space}".encode()).hexdigest()
    return f"directory-{digest[:32]}"


def ask_for_directory(services: Services, meeting: Meeting) -> None:
    """Tell the organizer privately, in the meeting's thread, why some mentions are not
    co-hosts yet, with the link that allows directory lookups. Never fatal."""
    pending = waiting(meeting)
    if not pending or not services.authorization.links_accounts or not meeting.card_message:
        return
    url = services.authorization.begin_directory(meeting.organizer, meeting.card_message)
    # Chat's <url|label> markup cannot be escaped: the names stay out of the link's label.
    text = (f"To make {_names(pending)} co-host{'s' if len(pending) > 1 else ''} of this meeting I need their "
            "email address, which Chat doesn't give me for mentions. Your organization's directory has it, but "
            f"you haven't allowed me to look people up there. <{url}|Allow directory lookups> and I'll add them "
            "to this meeting; your later meetings will need nothing more. (The link works for ten minutes; "
            "mentioning them in a later /meet asks again.)")
    try:
        services.chat.create_message(meeting.chat_space, {"text": text,
                                                          "privateMessageViewer": {"name": meeting.organizer.user_name}},
                                     thread_name=meeting.thread_name, request_id=_request_id(meeting))
    except GoogleApiError as error:
        log.warning("could not ask the organizer to allow directory lookups",
                    extra={"fields": {"kind": error.kind.value}})


def add_waiting_cohosts(services: Services, meeting_card: str) -> int:
    """The organizer has just allowed directory lookups: add the co-hosts that waited on
    them in that meeting (how many became co-hosts), and have its card redrawn."""
    meeting = services.storage.meetings.get_meeting_by_card_message(meeting_card)
    if meeting is None or meeting.id is None:
        return 0
    pending = waiting(meeting)
    if not pending:
        return 0
    try:
        credentials = services.credentials.for_user(meeting.organizer)
    except (NeedsAuthorization, GoogleApiError) as error:
        log.warning("could not add the waiting co-hosts", extra={"fields": {"reason": type(error).__name__}})
        return 0
    outcomes = {c.person.user_name: c for c in
                add_cohosts(meeting, credentials, CohostTools.of(services), [c.person for c in pending])}
    merged = tuple(outcomes.get(c.person.user_name, c) if c.state is CohostState.NEEDS_DIRECTORY else c
                   for c in meeting.cohosts)
    updated = services.storage.meetings.set_cohosts(meeting.id, merged)
    services.lifecycle.cohosts_changed(updated)
    return sum(1 for c in outcomes.values() if c.state is CohostState.ADDED)
