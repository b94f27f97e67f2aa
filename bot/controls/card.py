"""Drawing a meeting's join card: the one function every drawing goes through.

Creation (``bot.meetings``), every lifecycle sync and every control click render the
card here, so the buttons a meeting shows (``cards.controls.control_actions``) and
their shape for the Chat app's event format cannot differ between drawings.
"""

from __future__ import annotations

from datetime import datetime

from cards.controls import control_actions, shape_actions
from cards.join_card import CallState, join_card_message
from cards.widgets import Json

from ..config import Config
from ..domain import Meeting


def render_join_card(meeting: Meeting, *, now: datetime, config: Config, call: CallState | None = None) -> Json:
    """The join card ``Message`` body for ``meeting`` (its status as given) as of ``now``."""
    body = join_card_message(meeting, now=now, call=call, actions=control_actions(meeting))
    return shape_actions(body, event_format=meeting.event_format, endpoint_url=config.chat_endpoint_url)
