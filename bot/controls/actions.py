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
from datetime import timedelta
from typing import Any, Callable, TypeVar, Union

from cards import settings as settings_cards
from cards.join_card import person_name
from cards.widgets import Json

from domain import AccessType, Meeting, MeetingSettings
from ..chat_events import ChatEvent
from ..google.credentials import NeedsAuthorization
from ..google.errors import FailureKind, GoogleApiError
from ..lifecycle.reading import read_live_state
from ..services import Services
from .authority import Role, Stale, clicked_meeting, only_who_can, role_of
from ..card_publishing import Published, publish_card, render_join_card
from .forms import FormError, parse_meeting_settings, space_config_changes
from .freshness import stale_click

log = logging.getLogger(__name__)

T = TypeVar("T")

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
    """Done (or already so). ``body``: the join card as it now is, for the click's answer
    to carry; None when the card already shows a later reading of Meet than this click
    made (nothing to redraw). ``note``: instead, a private word for the clicker."""

    body: Json | None
    note: str | None = None


def prepare(event: ChatEvent, services: Services, *, verb: str | None) -> Union[Control, Refusal]:
    """Find the clicked meeting and, for a controlling action (``verb`` given, e.g.
    "end"), check that the click is recent (``freshness``) and the clicker's right to
    it. Fails closed: any doubt is a refusal."""
    if verb is not None:
        stale = stale_click(event, services.clock())
        if stale is not None:  # an old click replayed (End from years ago): change nothing
            log.warning("refused a stale click")
            return Refusal(stale, "FAILED_PRECONDITION")
    target = clicked_meeting(event, services.storage.meetings)
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
        return Refusal(f"{only_who_can(meeting, verb)} Nothing was changed.")
    return Control(meeting, role, credentials)


UNAVAILABLE = "Google Meet didn't answer, so nothing was changed. Please try again in a minute."
UNCONFIRMED = ("Google Meet didn't confirm this change in time, so it may still take effect. Press Refresh in a "
               "minute to see where the meeting stands, and try again if it didn't happen.")


class UnconfirmedChange(GoogleApiError):
    """A change Meet did not confirm in time: an attempt timed out, so Meet may still apply
    it (a late call is not a failed one). Never to be told as "nothing was changed"."""

    def __init__(self, error: GoogleApiError) -> None:
        super().__init__(error.kind, error.status, error.message, error.reason)
        self.may_have_applied = True


def _change(call: Callable[..., T], *args: Any) -> T:
    """Run a call that changes Meet; a timeout becomes :class:`UnconfirmedChange`."""
    try:
        return call(*args)
    except GoogleApiError as error:
        if error.may_have_applied:
            raise UnconfirmedChange(error) from error
        raise


def explain(error: GoogleApiError, services: Services, meeting: Meeting) -> Refusal:
    """A Meet failure during an action, in words; nothing the app recorded changed."""
    if isinstance(error, UnconfirmedChange):
        _request_sync(meeting, services)  # if it lands (an End), the card follows Meet
        return Refusal(UNCONFIRMED, "DEADLINE_EXCEEDED")
    if error.kind is FailureKind.UNAUTHENTICATED:
        services.credentials.invalidate(meeting.organizer)
        return Refusal(f"Google refused {person_name(meeting.organizer)}'s authorization; they need to link their "
                       "Google account again (any /meet will ask them to).", "FAILED_PRECONDITION")
    if error.kind is FailureKind.NOT_FOUND:
        return Refusal("Google Meet no longer has this meeting, so there is nothing to change.", "NOT_FOUND")
    if error.kind is FailureKind.PERMISSION:
        return Refusal("Google Meet refused this change (permission denied). Nothing was changed.")
    return Refusal(UNAVAILABLE, "UNAVAILABLE")


def current_card(meeting: Meeting, credentials: Any, services: Services, *,
                 write: Callable[[Json], None] | None = None) -> tuple[Json | None, Published]:
    """The card for what Meet says now, put through the card turn (``publish_card``): with
    ``write`` the caller's Chat edit, else the click's answer carries it. The body is None
    when the card already shows a later reading (a sync is requested, so the newest state
    wins either way)."""
    observed_at = services.clock()  # before reading: this drawing is a reading from then on
    state = read_live_state(services.meet, credentials, meeting.meet_space, organizer=meeting.organizer.user_name)
    body = render_join_card(meeting.with_changes(status=state.status), now=services.clock(), config=services.config,
                            call=state.call)
    if meeting.id is None:
        return body, Published.SHOWN
    published = publish_card(services.storage, meeting.id, observed_at, body, write or (lambda _card: None))
    if published in (Published.SUPERSEDED, Published.BUSY):
        _request_sync(meeting, services)
        return None, published
    return body, published


def _request_sync(meeting: Meeting, services: Services) -> None:
    if meeting.id is not None:
        services.lifecycle.sync_soon(meeting.id)


# -- the actions ------------------------------------------------------------------------
def end_for_everyone(control: Control, services: Services) -> Redraw:
    """End the running call; with no call running (a double click) there is nothing to do."""
    meeting, credentials = control.meeting, control.credentials
    space = services.meet.get_space(credentials, meeting.meet_space)
    if space.active_conference is not None:
        _change(services.meet.end_active_conference, credentials, meeting.meet_space)
        log.info("conference ended from the card", extra={"fields": {"meetSpace": meeting.meet_space,
                                                                     "role": control.role.value if control.role else ""}})
    _request_sync(meeting, services)  # the summary follows
    return Redraw(current_card(meeting, credentials, services)[0])


def lock(control: Control, services: Services) -> Redraw:
    """Access RESTRICTED, remembering what it was so Unlock can restore it."""
    meeting, credentials = control.meeting, control.credentials
    current = services.meet.get_space(credentials, meeting.meet_space).access_type
    assert meeting.id is not None
    if current is AccessType.RESTRICTED:  # already locked (double click, locked in Meet, a late Lock)
        meeting = _note_access(meeting, current, services)
    else:
        _change(services.meet.patch_space, credentials, meeting.meet_space,
                {"accessType": AccessType.RESTRICTED.value}, ["config.accessType"])
        meeting = services.storage.meetings.set_access(meeting.stored_id, AccessType.RESTRICTED, current)
    return Redraw(current_card(meeting, credentials, services)[0])


def unlock(control: Control, services: Services) -> Redraw:
    """Back to the access type from before Lock (or the meeting's own, or Meet's usual default)."""
    meeting, credentials = control.meeting, control.credentials
    current = services.meet.get_space(credentials, meeting.meet_space).access_type
    assert meeting.id is not None
    if current is not AccessType.RESTRICTED:  # already unlocked
        meeting = _note_access(meeting, current, services)
    else:
        asked = meeting.settings.access_type
        target = meeting.unlocked_access_type or (asked if asked not in (None, AccessType.RESTRICTED) else None) \
            or UNLOCKED_FALLBACK
        _change(services.meet.patch_space, credentials, meeting.meet_space, {"accessType": target.value},
                ["config.accessType"])
        meeting = services.storage.meetings.set_access(meeting.stored_id, target, None)
    return Redraw(current_card(meeting, credentials, services)[0])


def _note_access(meeting: Meeting, current: AccessType | None, services: Services) -> Meeting:
    """Record the access type Meet reports, when it is not what the app last knew (a Lock
    that landed after the app stopped waiting, a change made in Meet itself). Locked in
    the meantime: Unlock restores what the app last knew it to be."""
    assert meeting.id is not None
    if current is AccessType.RESTRICTED:
        if meeting.access_type is AccessType.RESTRICTED:
            return meeting
        before = meeting.access_type or meeting.settings.access_type
        unlocked = meeting.unlocked_access_type or (before if before is not AccessType.RESTRICTED else None)
        return services.storage.meetings.set_access(meeting.stored_id, current, unlocked)
    if current is None or (meeting.access_type is current and meeting.unlocked_access_type is None):
        return meeting
    return services.storage.meetings.set_access(meeting.stored_id, current, None)


def refresh(control: Control, services: Services) -> Redraw:
    """Re-read the meeting (its call and its access type) and redraw; a sync is requested
    too, so a summary that was missed is caught up as well. A dormant meeting wakes up:
    watched again, and that sync subscribes it to Meet's events again.

    Refresh costs Meet reads with the organizer's credentials whoever clicks, so clicks
    coalesce: while the card shows a reading of Meet younger than
    ``REFRESH_INTERVAL_SECONDS`` (a sync's or another click's) and no event has asked for
    a newer one since, the answer is "Up to date" and nothing is read."""
    meeting = control.meeting
    assert meeting.id is not None
    read_at = services.storage.card_turns.card_reading(meeting.id)
    if meeting.dormant:
        services.storage.sync_queue.wake_meetings([meeting.id])
        meeting = meeting.with_changes(dormant_since=None, woken_at=services.clock())
    elif read_at is not None and services.clock() - read_at < timedelta(seconds=services.config.refresh_interval_seconds):
        return Redraw(None, note=up_to_date(services.clock() - read_at))
    _request_sync(meeting, services)
    meeting = _note_access(meeting, services.meet.get_space(control.credentials, meeting.meet_space).access_type,
                           services)
    body, published = current_card(meeting, control.credentials, services)
    if published is Published.UNCHANGED:
        return Redraw(None, note=up_to_date(timedelta(0)))
    return Redraw(body)


def up_to_date(age: timedelta) -> str:
    seconds = max(int(age.total_seconds()), 0)
    when = "just now" if seconds < 2 else f"{seconds} seconds ago"
    return f"Up to date: the card shows what Google Meet said {when}."


# -- settings ---------------------------------------------------------------------------
def settings_in_meet(control: Control, services: Services) -> MeetingSettings:
    """The meeting's settings as Meet has them now (the app's summary options kept)."""
    space = services.meet.get_space(control.credentials, control.meeting.meet_space)
    return (space.settings or MeetingSettings()).keeping_app_options(control.meeting.settings)


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
        patched = _change(services.meet.patch_space, credentials, meeting.meet_space, config, paths)
        wanted = patched.settings.keeping_app_options(meeting.settings) if patched.settings is not None else wanted
    unlocked = meeting.unlocked_access_type
    if wanted.access_type is not AccessType.RESTRICTED:
        unlocked = None  # no longer locked: nothing to restore
    elif current.access_type is not AccessType.RESTRICTED:
        unlocked = current.access_type  # locked through the dialog: Unlock restores this
    meeting = services.storage.meetings.set_meeting_settings(meeting.id, dataclasses.replace(
        wanted, post_summary=meeting.settings.post_summary, list_absent=meeting.settings.list_absent,
        next_steps=meeting.settings.next_steps))
    meeting = services.storage.meetings.set_access(meeting.stored_id, wanted.access_type, unlocked)
    if meeting.card_message:
        # A dialog's answer cannot also edit the card, so the card is edited here. Meet
        # has the change already: if Chat fails now, the next sync redraws the card.
        try:
            card_message = meeting.card_message

            def edit(body: Json) -> None:
                services.chat.update_message(card_message, body, ["cards_v2"])

            # Recorded as shown only once Chat took it: a failed edit must not look done to
            # the sync, which would then never redraw the card.
            current_card(meeting, credentials, services, write=edit)
        except GoogleApiError as error:
            log.warning("settings saved but the card could not be redrawn; a sync will",
                        extra={"fields": {"kind": error.kind.value}})
            _request_sync(meeting, services)
    return Saved(meeting, bool(paths))
