"""``/meethelp``: what the app does and every command, each with an example."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .markup import bold, escape, lines
from .widgets import Json, card, card_message, card_with_id, section, text_paragraph

HELP_CARD_ID = "help"

ABOUT = (
    "I create Google Meet meetings from Chat and keep this space up to date about them: "
    "a join card that shows whether the call has started and who is in it, then a summary "
    "with attendees and links to the recording, transcript and smart notes."
)


@dataclass(frozen=True)
class CommandHelp:
    """One slash command as the help shows it."""

    usage: str  # e.g. "/meet [title] [@people…]"
    description: str
    example: str

    @property
    def name(self) -> str:
        """The command itself, e.g. ``/meet``."""
        return self.usage.split()[0]


COMMANDS: tuple[CommandHelp, ...] = (
    CommandHelp(
        "/meet [title] [@people…]",
        "Creates a Google Meet meeting with your account and posts its join card here, in a "
        "thread of its own. People you @mention become co-hosts. The space's default settings "
        "(access, automatic recording, transcription and smart notes) apply.",
        "/meet Weekly sync @Alex Kim",
    ),
    CommandHelp("/meethelp", "Shows this help.", "/meethelp"),
    CommandHelp(
        "/meetsettings",
        "Opens the settings of this space for new meetings: who can join without asking, "
        "automatic recording, transcription and smart notes, host management, and whether to "
        "post a summary. Space managers can change them.",
        "/meetsettings",
    ),
    CommandHelp(
        "/meetrecent",
        "Lists this space's latest meetings, newest first, with their status, date, duration "
        "and links to recordings, transcripts and notes.",
        "/meetrecent",
    ),
    CommandHelp(
        "/meetlogout",
        "Disconnects your Google account from this app: your stored authorization is revoked "
        "and deleted. You will be asked to authorize again the next time you use /meet.",
        "/meetlogout",
    ),
)


def command_html(command: CommandHelp) -> str:
    # Command texts are configuration, not user input, but escaping costs nothing and
    # keeps "<" in a usage string from ever becoming markup.
    return lines(
        bold(escape(command.usage)),
        escape(command.description),
        f"<i>Example:</i> {escape(command.example)}",
    )


def help_card(commands: Sequence[CommandHelp] = COMMANDS) -> Json:
    """The ``cardsV2`` entry listing every command."""
    about = section([text_paragraph(escape(ABOUT))])
    listed = section([text_paragraph(command_html(command)) for command in commands], header_html="Commands")
    return card_with_id(HELP_CARD_ID, card("Google Meet for Chat", [about, listed], subtitle="What I can do"))


def help_text(commands: Sequence[CommandHelp] = COMMANDS) -> str:
    """The help as plain text: the fallback for clients that cannot show the card."""
    listed = "\n".join(f"{command.usage}: {command.description} Example: {command.example}" for command in commands)
    return f"{ABOUT}\n\n{listed}"


def help_message(commands: Sequence[CommandHelp] = COMMANDS) -> Json:
    """A ``Message`` body: the help card with a plain-text fallback."""
    return card_message(help_card(commands), help_text(commands))
