"""In-memory Meet resources."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..state import EmulatorState


class MeetStore:
    def __init__(self, state: "EmulatorState") -> None:
        self.state = state
