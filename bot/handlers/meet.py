"""``/meet [title] [@people…]``: create a Meet meeting space and post its join card.

The card is posted through the Chat API (app authentication) with a client-assigned
message id derived from the meeting code, rather than as the synchronous answer:
Chat never tells an app the name of a synchronous answer, and the card must be edited
in place for the rest of the meeting's life. The id also makes a retried post
idempotent. Order matters so nothing half-done is recorded as done: the meeting is
recorded only after Meet created the space, and forgotten again if its card cannot
be posted.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from cards.join_card import join_card_message
from cards.messages import Problem, error_message

from ..domain import AccessType, DialIn, Meeting, MeetingSettings, Person
from ..events import ChatEvent
from ..google.credentials import NeedsAuthorization
from ..google.errors import FailureKind, GoogleApiError
from ..replies import NewMessage, NoReply, Reply
from ..services import Services

log = logging.getLogger(__name__)

MAX_TITLE_LENGTH = 200  # longer titles are clipped: a title, not an essay


def meeting_title(event: ChatEvent) -> str:
    """The user's words after the command, without the @mentions (they become co-hosts)."""
    text = event.argument_text
    for person in event.mentions:
        text = text.replace(f"@{person.display_name}", " ")
    title = re.sub(r"\s+", " ", text).strip()
    return title[:MAX_TITLE_LENGTH] or f"{event.user.display_name}'s meeting"


def card_message_id(meeting_code: str) -> str:
    """``client-meet-abc-mnop-xyz``: meeting codes are unique, lowercase letters and hyphens."""
    safe = re.sub(r"[^a-z0-9-]", "", meeting_code.lower())
    return f"client-meet-{safe}"[:63]


def dial_in_from_space(space: dict[str, Any]) -> tuple[DialIn, ...]:
    entries: list[DialIn] = []
    for phone in space.get("phoneAccess") or []:  # v2beta shape, when Meet returns it
        if isinstance(phone, dict) and phone.get("phoneNumber"):
            entries.append(DialIn(str(phone.get("regionCode") or "Phone"), str(phone["phoneNumber"]), phone.get("pin")))
    for sip in space.get("gatewaySipAccess") or []:
        if isinstance(sip, dict) and sip.get("uri"):
            entries.append(DialIn("SIP", str(sip["uri"]), sip.get("sipAccessCode")))
    return tuple(entries)


def meeting_from_space(space: dict[str, Any], event: ChatEvent, settings: MeetingSettings,
                       services: Services) -> Meeting:
    access = (space.get("config") or {}).get("accessType")
    return Meeting(
        meet_space=space["name"],
        meeting_code=space.get("meetingCode", ""),
        meeting_uri=space.get("meetingUri", ""),
        chat_space=event.space.name,
        organizer=event.user,
        title=meeting_title(event),
        created_at=services.clock(),
        settings=settings,
        access_type=AccessType(access) if access in AccessType.__members__ else None,
        requested_cohosts=tuple(p for p in event.mentions if p.user_name != event.user.user_name),
        dial_in=dial_in_from_space(space),
    )


def explain(error: GoogleApiError) -> dict[str, Any]:
    if error.kind is FailureKind.PERMISSION:
        return error_message(Problem.PERMISSION_DENIED)
    if error.kind is FailureKind.QUOTA:
        return error_message(Problem.QUOTA_EXCEEDED, retry_after=timedelta(minutes=1))
    return error_message(Problem.MEET_UNAVAILABLE)


def create_meeting(event: ChatEvent, services: Services) -> Reply:
    privately = event.user.user_name
    services.storage.mark_installed(event.space.name, space_type=event.space.space_type)
    try:
        credentials = services.credentials.for_user(event.user)
    except NeedsAuthorization:
        return NewMessage(error_message(Problem.NOT_CONFIGURED, missing="access to your Google account"),
                          private_to=privately)
    settings = services.storage.get_space_defaults(event.space.name) or MeetingSettings()
    try:
        space = services.meet.create_space(credentials, settings.to_space_config())
    except GoogleApiError as error:
        log.warning("Meet refused spaces.create", extra={"fields": {"kind": error.kind.value, "status": error.status}})
        return NewMessage(explain(error), private_to=privately)

    meeting = services.storage.record_meeting(meeting_from_space(space, event, settings, services))
    assert meeting.id is not None
    message_id = card_message_id(meeting.meeting_code)
    try:
        posted = services.chat.create_message(event.space.name, join_card_message(meeting, now=services.clock()),
                                              message_id=message_id, request_id=message_id)
    except GoogleApiError as error:
        services.storage.delete_meeting(meeting.id)
        log.error("could not post the join card", extra={"fields": {"kind": error.kind.value, "status": error.status}})
        return NewMessage(error_message(Problem.MEET_UNAVAILABLE), private_to=privately)
    services.storage.attach_card(meeting.id, posted.get("name", ""), (posted.get("thread") or {}).get("name"))
    log.info("meeting created", extra={"fields": {"meetSpace": meeting.meet_space, "chatSpace": event.space.name}})
    return NoReply()
