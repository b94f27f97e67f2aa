"""Pure functions from domain objects (``domain``) to Google Chat message and card JSON.

No Flask, no clients, no I/O: handlers build a value, call a function here and send what
it returns. Every card these functions emit is checked in ``tests/cards`` against the
Chat API discovery document's schemas.
"""

from .help import help_message
from .join_card import join_card, join_card_message
from .markup import escape
from .messages import Problem, error_message, text_message, unknown_command_message, welcome_message
from .summary import summary_card, summary_message
from .widgets import CardAction

__all__ = [
    "CardAction",
    "Problem",
    "error_message",
    "escape",
    "help_message",
    "join_card",
    "join_card_message",
    "summary_card",
    "summary_message",
    "text_message",
    "unknown_command_message",
    "welcome_message",
]
