"""The app's slash commands: the one list every other place derives from.

The Chat app's configuration (Google Cloud console) registers each command under an id;
the router maps names to handlers, ``/meethelp`` lists them, and the emulator registers
the same ids so local mode behaves like the console's configuration. A test checks that
every command here has a handler and every handled command is here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str  # without the slash: "meet"
    default_id: int  # the command id docs/deploy.md registers (COMMAND_ID_{NAME} overrides it)
    usage: str  # as the help shows it: "/meet [title] [@people…]"
    description: str
    example: str
    hint: str  # the short line a composer suggests beside the command

    @property
    def slash(self) -> str:
        return f"/{self.name}"


COMMANDS: tuple[Command, ...] = (
    Command(
        "meet", 1, "/meet [title] [@people…]",
        "Creates a Google Meet meeting with your account and posts its join card here, in a "
        "thread of its own. People you @mention become co-hosts. The space's default settings "
        "(access, automatic recording, transcription and smart notes) apply.",
        "/meet Weekly sync @Alex Kim",
        "[title] [@people…] — start a Google Meet meeting in this space",
    ),
    Command("meethelp", 2, "/meethelp", "Shows this help.", "/meethelp", "what this app can do"),
    Command(
        "meetsettings", 3, "/meetsettings",
        "Opens the settings of this space for new meetings: who can join without asking, "
        "automatic recording, transcription and smart notes, host management, and whether to "
        "post a summary. Space managers can change them.",
        "/meetsettings",
        "this space's meeting defaults",
    ),
    Command(
        "meetrecent", 5, "/meetrecent",
        "Lists this space's latest meetings, newest first, with their status, date, duration "
        "and links to recordings, transcripts and notes.",
        "/meetrecent",
        "recent meetings of this space",
    ),
    Command(
        "meetlogout", 4, "/meetlogout",
        "Disconnects your Google account from this app: your stored authorization is revoked "
        "and deleted. You will be asked to authorize again the next time you use /meet.",
        "/meetlogout",
        "unlink your Google account",
    ),
)

# Command name -> the id it is registered under unless configured otherwise.
DEFAULT_COMMAND_IDS: dict[str, int] = {command.name: command.default_id for command in COMMANDS}
# Command name -> its composer hint.
COMMAND_HINTS: dict[str, str] = {command.name: command.hint for command in COMMANDS}
