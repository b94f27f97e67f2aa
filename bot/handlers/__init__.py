"""Handlers: ``handler(event: ChatEvent, services: Services) -> Reply``, one purpose each."""

from __future__ import annotations

from ..config import Config
from ..events import EventKind
from ..router import Router
from . import account, help, meet, space


def build_router(config: Config) -> Router:
    """Every route the app answers, in one table."""
    router = Router(config, fallback=help.fallback)
    router.command("meet", meet.meet_command)
    router.command("meethelp", help.show_help)
    router.command("meetlogout", account.logout)
    router.kind(EventKind.MESSAGE, help.plain_message)
    router.kind(EventKind.ADDED_TO_SPACE, space.added_to_space)
    router.kind(EventKind.REMOVED_FROM_SPACE, space.removed_from_space)
    return router
