"""Handlers: ``handler(event: ChatEvent, services: Services) -> Reply``, one purpose each."""

from __future__ import annotations

from cards import controls as buttons

from ..config import Config
from ..events import EventKind
from ..router import Router
from . import account, controls, help, meet, recent, settings, space


def build_router(config: Config) -> Router:
    """Every route the app answers, in one table."""
    router = Router(config, fallback=help.fallback)
    router.command("meet", meet.meet_command)
    router.command("meethelp", help.show_help)
    router.command("meetlogout", account.logout)
    router.command("meetsettings", settings.open_space_settings)
    router.command("meetrecent", recent.recent_meetings)
    router.action(buttons.END, controls.end_clicked)
    router.action(buttons.LOCK, controls.lock_clicked)
    router.action(buttons.UNLOCK, controls.unlock_clicked)
    router.action(buttons.SETTINGS, controls.settings_clicked)
    router.action(buttons.SETTINGS_SAVE, controls.settings_saved)
    router.action(buttons.REFRESH, controls.refresh_clicked)
    router.action(buttons.SPACE_SETTINGS_SAVE, settings.save_space_settings)
    router.kind(EventKind.MESSAGE, help.plain_message)
    router.kind(EventKind.ADDED_TO_SPACE, space.added_to_space_handler(router.command_handler))
    router.kind(EventKind.REMOVED_FROM_SPACE, space.removed_from_space)
    return router
