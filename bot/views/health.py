"""``GET /healthz``: liveness, cheap and dependency-free (``MeetBot.health``)."""

from __future__ import annotations

from flask import Blueprint, Response

from . import core_request, flask_response, meetbot

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> Response:
    return flask_response(meetbot().health(core_request()))
