"""Routing by table: command id -> handler, invoked function -> handler, event kind -> handler.

Command ids are configuration (they are set in the Chat app's configuration page), so
commands are registered by name and resolved through ``Config.command_ids``. Anything
no table knows goes to the explicit fallback.
"""

from __future__ import annotations

from typing import Callable

from .config import Config
from .chat_events import ChatEvent, EventKind
from .replies import Reply
from .services import Services

Handler = Callable[[ChatEvent, Services], Reply]


class Router:
    def __init__(self, config: Config, fallback: Handler) -> None:
        self._config = config
        self._commands: dict[str, Handler] = {}
        self._actions: dict[str, Handler] = {}
        self._kinds: dict[EventKind, Handler] = {}
        self._fallback = fallback

    def command(self, name: str, handler: Handler) -> None:
        if name not in self._config.command_ids:
            raise KeyError(f"no command id configured for /{name}")
        self._commands[name] = handler

    def action(self, function: str, handler: Handler) -> None:
        self._actions[function] = handler

    def kind(self, kind: EventKind, handler: Handler) -> None:
        self._kinds[kind] = handler

    def command_handler(self, event: ChatEvent) -> Handler:
        """The handler of the command ``event`` carries (the fallback for an unknown id)."""
        name = self._config.command_name(event.command_id)
        return self._commands.get(name or "", self._fallback)

    def route(self, event: ChatEvent) -> Handler:
        if event.kind is EventKind.COMMAND:
            return self.command_handler(event)
        if event.kind is EventKind.ACTION:
            return self._actions.get(event.function or "", self._fallback)
        return self._kinds.get(event.kind, self._fallback)
