"""The meeting controls themselves: End for everyone, Lock, Unlock, Settings, Refresh.

Each runs with the organizer's credentials (the app checked, before, that the person
clicking is the organizer or a co-host: ``authority``), re-reads the truth from Meet
first, and is idempotent: a second End finds no call and changes nothing, a second
Lock finds the meeting locked. What it returns is the card as it now is, or a refusal
in words.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any, Union

from cards import settings as settings_cards
from cards.join_card import person_name
from cards.widgets import Json

from ..domain import AccessType, Meeting, MeetingSettings
from ..events import ChatEvent
from ..google.credentials import NeedsAuthorization
from ..google.errors import FailureKind, GoogleApiError
from ..lifecycle.reading import read_live_state
from ..lifecycle.sync import render_hash
from ..services import Services
from .authority import Role, Stale, clicked_meeting, role_of, who_can
from .card import render_join_card
from .forms import FormError, parse_meeting_settings, space_config_changes

log = logging.getLogger(__name__)

UNLOCKED_FALLBACK = AccessType.TRUSTED  # Meet's usual organisation default, when nothing better is known


@dataclass(frozen=True)
class Refusal:
    """Nothing changed; ``message`` tells the person why (privately)."""

    message: str
    status_code: str = "PERMISSION_DENIED"  # for dialogs (ActionStatus)


@dataclass(frozen=True)
class Control:
    """A click that may go ahead: the meeting, the clicker's role, the organizer's credentials."""

    meeting: Meeting
    role: Role | None
    credentials: Any


@dataclass(frozen=True)
class Redraw:
    """Done (or already so): the join card as it now is."""

    body: Json


def prepare(event: ChatEvent, services: Services, *, verb: str | None) -> Union[Control, Refusal]:
    """Find the clicked meeting and, for a controlling action (``verb`` given, e.g.
    "end"), check the clicker's right to it. Fails closed: any doubt is a refusal."""
    target = clicked_meeting(event, services.storage)
    if isinstance(target, Stale):
        return Refusal(target.message, "NOT_FOUND")
    meeting = target
    try:
        credentials = services.credentials.for_user(meeting.organizer)
    except NeedsAuthorization:
        return Refusal(f"I can't reach this meeting in Google Meet: {person_name(meeting.organizer)} (the organizer) "
                       "needs to link their Google account again. Any /meet they type will ask them to.",
                       "FAILED_PRECONDITION")
    except GoogleApiError:
        return Refusal(UNAVAILABLE, "UNAVAILABLE")
    if verb is None:
        return Control(meeting, None, credentials)
    try:
        role = role_of(meeting, event.user, services.meet, credentials)
    except GoogleApiError as error:
        log.warning("could not read the meeting's co-hosts", extra={"fields": {"kind": error.kind.value}})
        return Refusal("I couldn't check with Google Meet who co-hosts this meeting, so I didn't change anything. "
                       "Please try again in a minute.", "UNAVAILABLE")
    if role is None:
        return Refusal(f"Only {who_can(meeting)} can {verb} this meeting. Nothing was changed.")
    return Control(meeting, role, credentials)


UNAVAILABLE = "Google Meet didn't answer, so nothing was changed. Please try again in a minute."


def explain(error: GoogleApiError, services: Services, meeting: Meeting) -> Refusal:
    """A Meet failure during an action, in words; nothing the app recorded changed."""
    if error.kind is FailureKind.UNAUTHENTICATED:
        services.credentials.invalidate(meeting.organizer)
        return Refusal(f"Google refused {person_name(meeting.organizer)}'s authorization; they need to link their "
                       "Google account again (any /meet will ask them to).", "FAILED_PRECONDITION")
    if error.kind is FailureKind.NOT_FOUND:
        return Refusal("Google Meet no longer has this meeting, so there is nothing to change.", "NOT_FOUND")
    if error.kind is FailureKind.PERMISSION:
        return Refusal("Google Meet refused this change (permission denied). Nothing was changed.")
    return Refusal(UNAVAILABLE, "UNAVAILABLE")


def current_card(meeting: Meeting, credentials: Any, services: Services) -> Json:
    """The card for what Meet says now; remembered as drawn, so the sync worker does not
    edit it again for nothing."""
    state = read_live_state(services.meet, credentials, meeting.meet_space)
    body = render_join_card(meeting.with_changes(status=state.status), now=services.clock(), config=services.config,
                            call=state.call)
    if meeting.id is not None:
        services.storage.note_card(meeting.id, render_hash(body))
    return body


def _request_sync(meeting: Meeting, services: Services) -> None:
    if meeting.id is not None and services.lifecycle is not None:
        services.storage.request_sync(meeting.id)
        if services.lifecycle.worker is not None:
            services.lifecycle.worker.kick()


def _access(space: dict[str, Any]) -> AccessType | None:
    value = (space.get("config") or {}).get("accessType")
    return AccessType(value) if value in AccessType.__members__ else None


# -- the actions ------------------------------------------------------------------------
def end_for_everyone(control: Control, services: Services) -> Redraw:
    """End the running call; with no call running (a double click) there is nothing to do."""
    meeting, credentials = control.meeting, control.credentials
    space = services.meet.get_space(credentials, meeting.meet_space)
    if space.get("activeConference"):
        services.meet.end_active_conference(credentials, meeting.meet_space)
        log.info("conference ended from the card", extra={"fields": {"meetSpace": meeting.meet_space,
                                                                     "role": control.role.value if control.role else ""}})
    _request_sync(meeting, services)  # the summary follows
    return Redraw(current_card(meeting, credentials, services))


def lock(control: Control, services: Services) -> Redraw:
    """Access RESTRICTED, remembering what it was so Unlock can restore it."""
    meeting, credentials = control.meeting, control.credentials
    current = _access(services.meet.get_space(credentials, meeting.meet_space))
    assert meeting.id is not None
    if current is AccessType.RESTRICTED:  # already locked (double click, or locked in Meet)
        meeting = services.storage.set_access(meeting.id, current, meeting.unlocked_access_type)
    else:
        services.meet.patch_space(credentials, meeting.meet_space, {"accessType": AccessType.RESTRICTED.value},
                                  ["config.accessType"])
        meeting = services.storage.set_access(meeting.id, AccessType.RESTRICTED, current)
    return Redraw(current_card(meeting, credentials, services))


def unlock(control: Control, services: Services) -> Redraw:
    """Back to the access type from before Lock (or the meeting's own, or Meet's usual default)."""
    meeting, credentials = control.meeting, control.credentials
    current = _access(services.meet.get_space(credentials, meeting.meet_space))
    assert meeting.id is not None
    if current is not AccessType.RESTRICTED:  # already unlocked
        meeting = services.storage.set_access(meeting.id, current, None)
    else:
        asked = meeting.settings.access_type
        target = meeting.unlocked_access_type or (asked if asked not in (None, AccessType.RESTRICTED) else None) \
            or UNLOCKED_FALLBACK
        services.meet.patch_space(credentials, meeting.meet_space, {"accessType": target.value},
                                  ["config.accessType"])
        meeting = services.storage.set_access(meeting.id, target, None)
    return Redraw(current_card(meeting, credentials, services))


def refresh(control: Control, services: Services) -> Redraw:
    """Re-read the meeting and redraw; a sync is requested too, so a summary that was
    missed is caught up as well."""
    _request_sync(control.meeting, services)
    return Redraw(current_card(control.meeting, control.credentials, services))


# -- settings ---------------------------------------------------------------------------
def settings_in_meet(control: Control, services: Services) -> MeetingSettings:
    """The meeting's settings as Meet has them now (the app's summary options kept)."""
    space = services.meet.get_space(control.credentials, control.meeting.meet_space)
    return MeetingSettings.from_space_config(space.get("config"), keep=control.meeting.settings)


def settings_dialog(control: Control, services: Services, *, error: str | None = None,
                    current: MeetingSettings | None = None) -> Json:
    shown = current if current is not None else settings_in_meet(control, services)
    return settings_cards.meeting_settings_dialog(control.meeting, shown, error=error,
                                                  may_change_host_only=control.role is Role.ORGANIZER)


@dataclass(frozen=True)
class Saved:
    meeting: Meeting
    changed: bool


def save_settings(control: Control, inputs: dict[str, tuple[str, ...]], services: Services) -> Union[Saved, FormError]:
    """Validate the dialog's values against what Meet has now and apply only the changes
    (``spaces.patch`` with exactly the changed paths in ``updateMask``)."""
    meeting, credentials = control.meeting, control.credentials
    current = settings_in_meet(control, services)
    wanted = parse_meeting_settings(inputs, current, may_change_host_only=control.role is Role.ORGANIZER)
    if isinstance(wanted, FormError):
        return wanted
    config, paths = space_config_changes(current, wanted)
    assert meeting.id is not None
    if paths:
        patched = services.meet.patch_space(credentials, meeting.meet_space, config, paths)
        wanted = MeetingSettings.from_space_config(patched.get("config"), keep=meeting.settings) \
            if patched.get("config") else wanted
    unlocked = meeting.unlocked_access_type
    if wanted.access_type is not AccessType.RESTRICTED:
        unlocked = None  # no longer locked: nothing to restore
    elif current.access_type is not AccessType.RESTRICTED:
        unlocked = current.access_type  # locked through the dialog: Unlock restores this
    meeting = services.storage.set_meeting_settings(meeting.id, dataclasses.replace(
        wanted, post_summary=meeting.settings.post_summary, list_absent=meeting.settings.list_absent))
    meeting = services.storage.set_access(meeting.id, wanted.access_type, unlocked)
    if meeting.card_message:
        # A dialog's answer cannot also edit the card, so the card is edited here. Meet
        # has the change already: if Chat fails now, the next sync redraws the card.
        try:
            body = current_card(meeting, credentials, services)
            services.chat.update_message(meeting.card_message, body, ["cards_v2"])
        except GoogleApiError as error:
            log.warning("settings saved but the card could not be redrawn; a sync will",
                        extra={"fields": {"kind": error.kind.value}})
            _request_sync(meeting, services)
    return Saved(meeting, bool(paths))
