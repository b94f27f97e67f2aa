"""``/meethelp``: what the app does and every command (``domain.commands``), each with an example."""

from __future__ import annotations

from functools import cache
from typing import Sequence

from domain.commands import COMMANDS, Command

from .markup import bold, escape, lines
from .widgets import Json, card, card_message, card_with_id, section, text_paragraph

HELP_CARD_ID = "help"

ABOUT = (
    "I create Google Meet meetings from Chat and keep this space up to date about them: "
    "a join card that shows whether the call has started and who is in it, then a summary "
    "with attendees and links to the recording, transcript and smart notes."
)


def command_html(command: Command) -> str:
    # Command texts are configuration, not user input, but escaping costs nothing and
    # keeps "<" in a usage string from ever becoming markup.
    return lines(
        bold(escape(command.usage)),
        escape(command.description),
        f"<i>Example:</i> {escape(command.example)}",
    )


def help_card(commands: Sequence[Command] = COMMANDS) -> Json:
    """The ``cardsV2`` entry listing every command."""
    about = section([text_paragraph(escape(ABOUT))])
    listed = section([text_paragraph(command_html(command)) for command in commands], header_html="Commands")
    return card_with_id(HELP_CARD_ID, card("Google Meet for Chat", [about, listed], subtitle="What I can do"))


def help_text(commands: Sequence[Command] = COMMANDS) -> str:
    """The help as plain text: the fallback for clients that cannot show the card."""
    listed = "\n".join(f"{command.usage}: {command.description} Example: {command.example}" for command in commands)
    return f"{ABOUT}\n\n{listed}"


def help_message(commands: Sequence[Command] = COMMANDS) -> Json:
    """A ``Message`` body: the help card with a plain-text fallback."""
    return card_message(help_card(commands), help_text(commands))


@cache
def shown_help() -> Json:
    """``help_message()`` of the app's commands, built once per process: the help is the
    same for everyone, always, and building the card was a third of what ``/meethelp``
    cost the app beyond checking Chat's token. Shared: callers never modify it (replies
    are rendered into new structures)."""
    return help_message()
