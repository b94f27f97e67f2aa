"""``POST /``: Chat interaction events (``bot.pipeline.chat`` does the work)."""

from __future__ import annotations

from flask import Blueprint, Response

from . import core_request, flask_response, meetbot

blueprint = Blueprint("chat", __name__)


@blueprint.post("/")
def chat_event() -> Response:
    return flask_response(meetbot().chat(core_request()))
