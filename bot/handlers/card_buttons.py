"""The join card's buttons: End for everyone, Lock, Unlock, Settings (a dialog), Refresh.

Thin: find the meeting and check the clicker's right (``bot.controls.actions.prepare``),
run the action, and answer. A button answers by redrawing the card in place
(``UpdateMessage``); a refusal of any of the card's buttons, Settings included, is a
private note to the clicker alone; in an open dialog (Save), a refusal is the dialog's
own error status.
"""

from __future__ import annotations

from typing import Callable

from cards.buttons import notice_message

from ..controls import actions
from ..controls.actions import Control, Redraw, Refusal, Saved
from ..controls.forms import FormError
from ..chat_events import ChatEvent
from ..google.errors import GoogleApiError
from ..replies import CloseDialog, DialogError, NewMessage, NoReply, OpenDialog, Reply, UpdateMessage
from ..services import Services

Action = Callable[[Control, Services], Redraw]


def _private(event: ChatEvent, words: str) -> Reply:
    return NewMessage(notice_message(words), private_to=event.user.user_name)


def _button(event: ChatEvent, services: Services, action: Action, verb: str | None) -> Reply:
    control = actions.prepare(event, services, verb=verb)
    if isinstance(control, Refusal):
        return _private(event, control.message)
    try:
        redraw = action(control, services)
    except GoogleApiError as error:
        return _private(event, actions.explain(error, services, control.meeting).message)
    if redraw.note is not None:
        return _private(event, redraw.note)
    if redraw.body is None:
        return NoReply()  # the card already shows a later reading than this click made
    return UpdateMessage(redraw.body)


def end_clicked(event: ChatEvent, services: Services) -> Reply:
    return _button(event, services, actions.end_for_everyone, "end")


def lock_clicked(event: ChatEvent, services: Services) -> Reply:
    return _button(event, services, actions.lock, "lock")


def unlock_clicked(event: ChatEvent, services: Services) -> Reply:
    return _button(event, services, actions.unlock, "unlock")


def refresh_clicked(event: ChatEvent, services: Services) -> Reply:
    # Anyone who can see the card may refresh it: it shows nothing new to them, and
    # changes nothing in Meet.
    return _button(event, services, actions.refresh, None)


def settings_clicked(event: ChatEvent, services: Services) -> Reply:
    """Open the meeting's Settings dialog, filled in from Meet's current settings. When it
    cannot open, the clicker is told in a private message, like every other button of the
    card (no dialog is open yet for an error status to show in)."""
    control = actions.prepare(event, services, verb="change the settings of")
    if isinstance(control, Refusal):
        return _private(event, control.message)
    try:
        return OpenDialog(actions.settings_dialog(control, services))
    except GoogleApiError as error:
        return _private(event, actions.explain(error, services, control.meeting).message)


def settings_saved(event: ChatEvent, services: Services) -> Reply:
    """The dialog's Save: checked again from scratch (a dialog can be submitted by anyone
    who can forge one), validated, applied."""
    if event.dialog_event_type == "CANCEL_DIALOG":
        return CloseDialog()
    control = actions.prepare(event, services, verb="change the settings of")
    if isinstance(control, Refusal):
        return DialogError(control.message, status_code=control.status_code)
    try:
        outcome = actions.save_settings(control, dict(event.form_inputs), services)
        if isinstance(outcome, FormError):
            return DialogError(outcome.message, card=actions.settings_dialog(control, services, error=outcome.message))
    except GoogleApiError as error:
        refusal = actions.explain(error, services, control.meeting)
        return DialogError(refusal.message, status_code=refusal.status_code)
    assert isinstance(outcome, Saved)
    return CloseDialog("Saved in Google Meet." if outcome.changed else "Nothing to change.")
