"""Handlers: ``handler(event: ChatEvent, services: Services) -> Reply``, one purpose each."""

from __future__ import annotations

from cards import buttons

from ..config import Config
from ..chat_events import EventKind
from ..router import Router
from . import account, card_buttons, help, meet, recent, settings, space


def build_router(config: Config) -> Router:
    """Every route the app answers, in one table."""
    router = Router(config, fallback=help.fallback)
    router.command("meet", meet.meet_command)
    router.command("meethelp", help.show_help)
    router.command("meetlogout", account.logout)
    router.command("meetsettings", settings.open_space_settings)
    router.command("meetrecent", recent.recent_meetings)
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
