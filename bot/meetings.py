"""Creating a meeting for a ``/meet``: one function, used by the command handler and
by the OAuth callback when it finishes a command that was waiting for the user's consent.

The card is posted through the Chat API (app authentication) with a client-assigned
message id derived from the meeting code, rather than as the synchronous answer:
Chat never tells an app the name of a synchronous answer, and the card must be edited
in place for the rest of the meeting's life. The id also makes a retried post
idempotent. Order matters so nothing half-done is recorded as done: the meeting is
recorded only after Meet created the space, and forgotten again if its card cannot
be posted.

A Chat message creates at most one meeting. Chat delivers the same message again when
it retries a slow answer and after the user completes an authorization (the
configCompleteRedirectUrl re-delivers it, while the callback has already run the
command). So each command first claims its message name (an atomic insert, across
instances) and the meeting records it as ``source_message``; a second delivery finds
either and does nothing.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Union

from cards.account import link_needed_after_consent_message, rate_limited_message
from cards.messages import Problem, card_delayed_message, error_message

from .card_publishing import render_join_card
from .controls.cohosts import CohostTools, add_cohosts
from .controls.waiting_cohosts import ask_for_directory
from domain import Meeting, MeetingSettings, MeetRequest, MeetSpace
from .google.credentials import NeedsAuthorization
from .google.errors import FailureKind, GoogleApiError
from .services import Services
from .storage import ConflictError, StorageError

log = logging.getLogger(__name__)

MAX_TITLE_LENGTH = 200  # longer titles are clipped: a title, not an essay
RATE_WINDOW = timedelta(minutes=1)  # the limit is per minute, like Meet's spaces.create quota per user
RATE_KEY_PREFIX = "meet:"  # rate-limit keys of /meet, per organizer
CLAIM_PREFIX = "meet-command:"  # namespace of the command claims among processed ids


@dataclass(frozen=True)
class Created:
    meeting: Meeting


@dataclass(frozen=True)
class AlreadyHandled:
    """Another delivery of the same message created (or is creating) its meeting."""


@dataclass(frozen=True)
class NeedsLink:
    """The organizer has no usable authorization: ask them to link their account."""


@dataclass(frozen=True)
class Refused:
    message: dict[str, Any]  # a text message for the organizer alone


@dataclass(frozen=True)
class CardPending:
    """The meeting exists but Chat did not confirm its card in time. The post may still
    land, so the meeting is kept; the next sync adopts the card by its client-assigned
    name, or posts it (with the same id, so never twice)."""

    meeting: Meeting
    message: dict[str, Any]  # a text message for the organizer alone


Outcome = Union[Created, CardPending, AlreadyHandled, NeedsLink, Refused]


def meeting_title(request: MeetRequest) -> str:
    """The user's words after the command, without the @mentions (they become co-hosts)."""
    text = request.argument_text
    for person in request.mentions:
        text = text.replace(f"@{person.display_name}", " ")
    title = re.sub(r"\s+", " ", text).strip()
    return title[:MAX_TITLE_LENGTH] or f"{request.organizer.display_name}'s meeting"


def card_message_id(meeting_code: str) -> str:
    """``client-meet-abc-mnop-xyz``: meeting codes are unique, lowercase letters and hyphens."""
    safe = re.sub(r"[^a-z0-9-]", "", meeting_code.lower())
    return f"client-meet-{safe}"[:63]


def meeting_from_space(space: MeetSpace, request: MeetRequest, settings: MeetingSettings,
                       services: Services) -> Meeting:
    return Meeting(
        meet_space=space.name,
        meeting_code=space.meeting_code,
        meeting_uri=space.meeting_uri,
        chat_space=request.chat_space,
        organizer=request.organizer,
        title=meeting_title(request),
        created_at=services.clock(),
        settings=settings,
        access_type=space.access_type,
        requested_cohosts=tuple(p for p in request.mentions if p.user_name != request.organizer.user_name),
        dial_in=space.dial_in,
        source_message=request.source_message,
        event_format=request.event_format,
        # Shared cards and the summary show times in it; the transcript's dates are read in it.
        time_zone=request.time_zone or services.storage.people.time_zone_of(request.organizer.user_name),
    )


def explain(error: GoogleApiError) -> dict[str, Any]:
    if error.kind is FailureKind.PERMISSION:
        return error_message(Problem.PERMISSION_DENIED)
    if error.kind is FailureKind.QUOTA:
        return error_message(Problem.QUOTA_EXCEEDED, retry_after=timedelta(minutes=1))
    return error_message(Problem.MEET_UNAVAILABLE)


def create_meeting(request: MeetRequest, services: Services) -> Outcome:
    """Create the Meet space for ``request`` and post its join card, at most once per message."""
    storage = services.storage
    if request.source_message and storage.meetings.get_meeting_by_source_message(request.source_message) is not None:
        return AlreadyHandled()
    try:
        credentials = services.credentials.for_user(request.organizer)
    except NeedsAuthorization:
        return NeedsLink()
    except GoogleApiError as error:  # the token endpoint is down: not a revocation
        log.warning("could not refresh the organizer's token", extra={"fields": {"kind": error.kind.value}})
        return Refused(error_message(Problem.MEET_UNAVAILABLE))

    # A place in the organizer's window is taken before anything else, atomically in the
    # database: simultaneous commands (any worker, any instance) cannot all pass the check.
    # The message's claim (at most one meeting per message) is taken with it, in the same
    # transaction: a redelivery finds it taken and takes no place.
    limit = services.config.rate_limit_meetings_per_minute
    key = RATE_KEY_PREFIX + request.organizer.user_name
    claim = CLAIM_PREFIX + request.source_message if request.source_message else None
    if claim is None:
        reservation = storage.limits.reserve(key, limit=limit, window=RATE_WINDOW)
    else:
        claimed = storage.limits.reserve_claiming(key, limit=limit, window=RATE_WINDOW, claim=claim)
        if claimed.duplicate:
            return AlreadyHandled()
        reservation = claimed.id
    if reservation is None:
        log.info("meeting rate limit reached", extra={"fields": {"user": request.organizer.user_name}})
        return Refused(rate_limited_message(limit))

    try:
        outcome = _create(request, credentials, services)
    except BaseException:
        # The place is kept: the failure may have come after Meet created the space.
        if claim is not None:
            storage.processed_events.forget_processed(claim)
        raise
    if not isinstance(outcome, (Created, CardPending)):
        storage.limits.release(reservation)  # no meeting came of it: it does not count
    if claim is not None and not isinstance(outcome, (Created, CardPending, AlreadyHandled)):
        storage.processed_events.forget_processed(claim)  # nothing was created: a later delivery may try again
    return outcome


def _create(request: MeetRequest, credentials: Any, services: Services) -> Outcome:
    settings = services.storage.spaces.get_space_defaults(request.chat_space) or MeetingSettings()
    try:
        space = services.meet.create_space(credentials, settings.to_space_config())
    except GoogleApiError as error:
        log.warning("Meet refused spaces.create", extra={"fields": {"kind": error.kind.value, "status": error.status}})
        if error.kind is FailureKind.UNAUTHENTICATED:
            # The access token was refused and refreshing it failed with invalid_grant:
            # the user revoked the app (or the grant expired). Forget it, ask again.
            services.credentials.invalidate(request.organizer)
            return NeedsLink()
        return Refused(explain(error))

    # The card's name is known before it is posted (a client-assigned id), and is recorded
    # with the meeting: whatever happens to this process or its database after the post,
    # the next sync finds the card by that name, adopts it, or posts it with the same id.
    message_id = card_message_id(space.meeting_code)
    card_name = f"{request.chat_space}/messages/{message_id}"
    try:
        meeting = services.storage.meetings.record_meeting(
            meeting_from_space(space, request, settings, services).with_changes(card_message=card_name))
    except ConflictError:
        # Only possible if the claim was pruned and the message delivered again since.
        log.warning("meeting for this message already recorded", extra={"fields": {"meetSpace": space.name}})
        return AlreadyHandled()
    assert meeting.id is not None
    if meeting.requested_cohosts:
        # Before the card is posted, so the card says from the start who is a co-host
        # and who Meet refused (not fatal: the meeting exists either way).
        meeting = services.storage.meetings.set_cohosts(meeting.id, add_cohosts(meeting, credentials, CohostTools.of(services)))
    card = render_join_card(meeting, now=services.clock(), config=services.config)
    try:
        posted = services.chat.create_message(request.chat_space, card, message_id=message_id, request_id=message_id)
    except GoogleApiError as error:
        if error.may_have_applied or error.kind is FailureKind.QUOTA:
            # Ambiguous: Chat may have created the card after we stopped waiting; or Chat
            # refused it for the space's write quota (1 a second) longer than the answer
            # can wait. Either way keep the meeting and let the next sync adopt (or post)
            # the card by its id: "try again shortly", never a lost meeting.
            log.warning("join card not confirmed in time; the next sync adopts or posts it",
                        extra={"fields": {"meetSpace": meeting.meet_space, "kind": error.kind.value}})
            services.lifecycle.card_unconfirmed(meeting)
            return CardPending(meeting, card_delayed_message())
        services.storage.meetings.delete_meeting(meeting.stored_id)
        log.error("could not post the join card", extra={"fields": {"kind": error.kind.value, "status": error.status}})
        return Refused(error_message(Problem.MEET_UNAVAILABLE))
    try:
        # Where the card is, what it shows and a first sync: one write.
        meeting = services.lifecycle.card_posted(meeting, posted.name, posted.thread, posted_card=card)
    except StorageError:
        # The card is in the space but the database went away: the reconciler's next pass
        # adopts it by its recorded name. Saying "try again" would make a second meeting.
        log.exception("join card posted, but not recorded; the next sync adopts it",
                      extra={"fields": {"meetSpace": meeting.meet_space}})
        return CardPending(meeting, card_delayed_message())
    log.info("meeting created", extra={"fields": {"meetSpace": meeting.meet_space, "chatSpace": request.chat_space}})
    ask_for_directory(services, meeting)  # only when mentions wait for the organizer to allow lookups
    return Created(meeting)


def finish_after_link(request: MeetRequest, services: Services) -> Outcome:
    """Run a ``/meet`` that waited for the user's consent, now that the grant is stored.

    Nobody is waiting on a synchronous answer, so whatever goes wrong is told to the
    organizer privately, in the space (and thread) where they asked.
    """
    outcome = create_meeting(request, services)
    note: dict[str, Any] | None = None
    if isinstance(outcome, (Refused, CardPending)):
        note = outcome.message
    elif isinstance(outcome, NeedsLink):
        note = link_needed_after_consent_message()
    if note is not None:
        try:
            services.chat.create_message(request.chat_space,
                                         {**note, "privateMessageViewer": {"name": request.organizer.user_name}},
                                         thread_name=request.thread_name)
        except GoogleApiError as error:
            log.warning("could not tell the organizer why their meeting was not created",
                        extra={"fields": {"kind": error.kind.value}})
    return outcome
