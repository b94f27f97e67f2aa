"""Plain text messages: welcome, explanations of what went wrong, simple answers.

These are Chat *text* messages (``Message.text``), formatted with Chat's own syntax
(``*bold*``, ``_italic_``, `` `code` ``, ``<url|label>``, ``<users/123>``). That syntax
cannot be escaped, so nothing a user typed is ever copied into these texts; the one
exception, an unknown command's name, is echoed only when it is a plain word.
"""

from __future__ import annotations

import enum
import re
from datetime import timedelta

from .widgets import Json

NEW_MEETING_URL = "https://meet.google.com/new"


def text_message(text: str) -> Json:
    """A ``Message`` body with just text."""
    return {"text": text}


def card_delayed_message() -> Json:
    """The meeting exists, but Chat was slow to confirm its join card."""
    return text_message(
        "Your meeting is ready, but Google Chat was slow to show its card. It will appear here in a moment "
        "(nothing to do, and no need to type `/meet` again)."
    )


def welcome_message(*, direct_message: bool) -> Json:
    """The answer to ADDED_TO_SPACE: different words for a DM and for a space."""
    if direct_message:
        return text_message(
            "Hi! I create Google Meet meetings for you. Type `/meet Weekly sync` and I'll answer with "
            "a join card; mention people (`/meet Design review @Alex`) to make them co-hosts. "
            "Type `/meethelp` for everything I can do."
        )
    return text_message(
        "Thanks for adding me! Anyone here can type `/meet [title]` to start a Google Meet meeting: "
        "I'll post a join card in its own thread, keep it updated while the call runs, and post a "
        "summary with attendees and recording links when it ends. `/meetsettings` sets this space's "
        "defaults; `/meethelp` lists every command."
    )


class Problem(str, enum.Enum):
    """Things that can go wrong that a user should be told about in words."""

    PERMISSION_DENIED = "PERMISSION_DENIED"  # Meet API 403
    QUOTA_EXCEEDED = "QUOTA_EXCEEDED"  # Meet API 429
    MEET_UNAVAILABLE = "MEET_UNAVAILABLE"  # Meet API 5xx or timeout
    APP_UNAVAILABLE = "APP_UNAVAILABLE"  # the app's own database could not be reached
    NOT_CONFIGURED = "NOT_CONFIGURED"  # the app lacks a setting it needs for this
    MALFORMED_REQUEST = "MALFORMED_REQUEST"  # an event the app could not make sense of


_EXPLANATIONS: dict[Problem, str] = {
    Problem.PERMISSION_DENIED: (
        "Google Meet refused to create a meeting for your account (permission denied). "
        "This usually means one of these:\n"
        "• your account is a personal Google account: Meet's API only works for Google Workspace accounts;\n"
        "• your Workspace administrator has turned off Google Meet, or access to the Meet API, for your organization.\n"
        f"Ask your administrator, or start a meeting directly at <{NEW_MEETING_URL}|meet.google.com/new>."
    ),
    Problem.QUOTA_EXCEEDED: (
        "Google Meet is getting too many requests right now (quota exceeded). Please try `/meet` again {when}."
    ),
    Problem.MEET_UNAVAILABLE: (
        "Google Meet didn't answer in time or is temporarily unavailable. Please try `/meet` again in a "
        f"moment; if it keeps failing, start a meeting at <{NEW_MEETING_URL}|meet.google.com/new>."
    ),
    Problem.APP_UNAVAILABLE: (
        "Sorry, I can't save anything right now, so nothing was done. Please try again in a minute; "
        "if it keeps happening, tell the app's administrator."
    ),
    Problem.NOT_CONFIGURED: (
        "I can't do that yet: this app isn't fully set up{what}. "
        "Please ask the person who installed it to finish the setup."
    ),
    Problem.MALFORMED_REQUEST: (
        "Sorry, I couldn't make sense of that request. Please try again; if it keeps happening, "
        "tell the app's administrator."
    ),
}


def error_message(problem: Problem, *, retry_after: timedelta | None = None, missing: str | None = None) -> Json:
    """A text message explaining ``problem``.

    ``retry_after``: how long the caller suggests waiting (from a Retry-After header).
    ``missing``: what is not configured, in words for an administrator; it must come
    from the app's own configuration names, never from a request.
    """
    template = _EXPLANATIONS[problem]
    if problem is Problem.QUOTA_EXCEEDED:
        return text_message(template.format(when=_when(retry_after)))
    if problem is Problem.NOT_CONFIGURED:
        return text_message(template.format(what=f" ({missing} is missing)" if missing else ""))
    return text_message(template)


# A command name that is safe to echo: no Chat markup can hide in it.
_PLAIN_COMMAND = re.compile(r"/[A-Za-z0-9_-]{1,40}")


def unknown_command_message(command: str | None = None) -> Json:
    """The answer to a command the app does not have (or a command id it does not know)."""
    named = f"`{command}`" if command and _PLAIN_COMMAND.fullmatch(command) else "that command"
    return text_message(f"Sorry, I don't know {named}. Type `/meethelp` to see what I can do.")


def _when(retry_after: timedelta | None) -> str:
    if retry_after is None or retry_after <= timedelta(seconds=60):
        return "in a minute"
    minutes = -(-int(retry_after.total_seconds()) // 60)  # round up: never suggest too early
    return f"in {minutes} minutes"
