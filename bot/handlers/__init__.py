"""Handlers: ``handler(event: ChatEvent, services: Services) -> Reply``, one purpose each."""

from __future__ import annotations

from cards import buttons
from domain.commands import COMMANDS

from ..config import Config
from ..chat_events import EventKind
from ..router import Handler, Router
from . import account, card_buttons, help, meet, recent, settings, space

# Each command of the catalogue (domain.commands) and what answers it.
COMMAND_HANDLERS: dict[str, Handler] = {
    "meet": meet.meet_command,
    "meethelp": help.show_help,
    "meetlogout": account.logout,
    "meetsettings": settings.open_space_settings,
    "meetrecent": recent.recent_meetings,
}


def build_router(config: Config) -> Router:
    """Every route the app answers, in one table."""
    router = Router(config, fallback=help.fallback)
    for command in COMMANDS:
        router.command(command.name, COMMAND_HANDLERS[command.name])
    router.action(buttons.END, card_buttons.end_clicked)
    router.action(buttons.LOCK, card_buttons.lock_clicked)
    router.action(buttons.UNLOCK, card_buttons.unlock_clicked)
    router.action(buttons.SETTINGS, card_buttons.settings_clicked)
    router.action(buttons.SETTINGS_SAVE, card_buttons.settings_saved)
    router.action(buttons.REFRESH, card_buttons.refresh_clicked)
    router.action(buttons.SPACE_SETTINGS_SAVE, settings.save_space_settings)
    router.kind(EventKind.MESSAGE, help.plain_message)
    router.kind(EventKind.ADDED_TO_SPACE, space.added_to_space_handler(router.command_handler))
    router.kind(EventKind.REMOVED_FROM_SPACE, space.removed_from_space)
    return router
