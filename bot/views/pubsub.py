"""``POST /pubsub/push``: Workspace Events pushed by Pub/Sub (``bot.pipeline.pushes``)."""

from __future__ import annotations

from flask import Blueprint, Response

from . import core_request, flask_response, meetbot

blueprint = Blueprint("pubsub", __name__)


@blueprint.post("/pubsub/push")
def push() -> Response:
    return flask_response(meetbot().push(core_request()))
