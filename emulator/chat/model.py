"""In-memory Chat resources."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..state import EmulatorState


class ChatStore:
    def __init__(self, state: "EmulatorState") -> None:
        self.state = state
