"""Drawing a meeting's join card: the one place every drawing goes through.

Creation (``bot.meetings``), every lifecycle sync and every control click render the
card here (``render_join_card``), so the buttons a meeting shows
(``cards.buttons.control_actions``) and their shape for the Chat app's event format
cannot differ between drawings; and they put it in Chat here (``publish_card``), so the
card never goes backwards.
"""

from __future__ import annotations

import enum
import hashlib
import json
from datetime import datetime
from typing import Any, Callable

from cards.buttons import control_actions, shape_actions
from cards.join_card import join_card_message
from cards.widgets import Json

from .config import Config
from domain import CallState, Meeting
from .storage import CardBusyError, Repositories


def render_join_card(meeting: Meeting, *, now: datetime, config: Config, call: CallState | None = None) -> Json:
    """The join card ``Message`` body for ``meeting`` (its status as given) as of ``now``."""
    body = join_card_message(meeting, now=now, call=call, actions=control_actions(meeting))
    return shape_actions(body, event_format=meeting.event_format, endpoint_url=config.chat_endpoint_url)


def render_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


class Published(enum.Enum):
    SHOWN = "shown"  # written to Chat (or handed to Chat as the click's answer)
    UNCHANGED = "unchanged"  # the card already shows exactly this
    SUPERSEDED = "superseded"  # the card shows a later reading of Meet: this one is dropped
    BUSY = "busy"  # another drawing held the card too long; nothing was written


def publish_card(storage: Repositories, meeting_id: int, observed_at: datetime, body: Json,
                 write: Callable[[Json], None]) -> Published:
    """Put ``body``, drawn from a reading of Meet that began at ``observed_at``, on the
    meeting's card with ``write`` (a Chat edit, or nothing when a click's answer carries
    it), unless the card already shows a later reading.

    One writer at a time per meeting (the storage's card turn), and the time of the
    reading shown is recorded with it, so a drawing made from an older reading, however
    late it arrives (a sync that outlived its lease, a click racing a sync), is never
    written over a newer one: the card's history only moves forward. ``write`` raising
    leaves nothing recorded. SUPERSEDED or BUSY: the caller asks for a sync, whose fresh
    reading then decides.
    """
    card_hash = render_hash(body)
    try:
        with storage.card_turns.card_turn(meeting_id, observed_at) as turn:
            if turn.superseded:
                return Published.SUPERSEDED
            if turn.shown_hash == card_hash:
                turn.shown(card_hash)  # a fresher reading of the same card
                return Published.UNCHANGED
            write(body)
            turn.shown(card_hash)
            return Published.SHOWN
    except CardBusyError:
        return Published.BUSY
