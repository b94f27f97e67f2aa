"""``/meetsettings``: a dialog for this Chat space's meeting defaults.

Saved defaults apply to every later ``/meet`` in the space (``bot.meetings`` reads
them), including the summary options the lifecycle honours. Both the opening and the
saving check the person's right from Chat's member list (``space_settings``).
"""

from __future__ import annotations

from cards.buttons import notice_message
from cards.settings import space_settings_dialog

from ..controls.forms import FormError, parse_space_settings
from ..controls.freshness import stale_click
from ..controls.space_settings import Denied, may_change_defaults
from domain import MeetingSettings
from ..chat_events import ChatEvent
from ..replies import CloseDialog, DialogError, NewMessage, OpenDialog, Reply
from ..services import Services

SAVED = "Saved. New meetings in this space will use these settings."


def _defaults(event: ChatEvent, services: Services) -> MeetingSettings:
    return services.storage.spaces.get_space_defaults(event.space.name) or MeetingSettings()


def open_space_settings(event: ChatEvent, services: Services) -> Reply:
    services.storage.spaces.mark_installed(event.space.name, space_type=event.space.space_type)
    allowed = may_change_defaults(services.chat, event.space.name, event.user)
    if isinstance(allowed, Denied):
        if event.is_dialog:  # a command configured to open a dialog must be answered as one
            return DialogError(allowed.message, status_code=allowed.status_code)
        return NewMessage(notice_message(allowed.message), private_to=event.user.user_name)
    return OpenDialog(space_settings_dialog(_defaults(event, services), space_name=event.space.display_name))


def save_space_settings(event: ChatEvent, services: Services) -> Reply:
    if event.dialog_event_type == "CANCEL_DIALOG":
        return CloseDialog()
    stale = stale_click(event, services.clock())
    if stale is not None:  # an old Save replayed: the defaults stay as they are
        return DialogError(stale, status_code="FAILED_PRECONDITION")
    allowed = may_change_defaults(services.chat, event.space.name, event.user)
    if isinstance(allowed, Denied):
        return DialogError(allowed.message, status_code=allowed.status_code)
    settings = parse_space_settings(event.form_inputs)
    if isinstance(settings, FormError):
        card = space_settings_dialog(_defaults(event, services), space_name=event.space.display_name,
                                     error=settings.message)
        return DialogError(settings.message, card=card)
    services.storage.spaces.set_space_defaults(event.space.name, settings, updated_by=event.user.user_name)
    return CloseDialog(SAVED)
