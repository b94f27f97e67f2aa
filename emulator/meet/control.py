"""Control-plane calls for Meet."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("meet_control", __name__, url_prefix="/_emulator/meet")
