"""Control-plane calls for Chat."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("chat_control", __name__, url_prefix="/_emulator/chat")
