"""``GET /oauth2/start`` and ``GET /oauth2/callback``: account linking (``bot.pipeline.oauth``)."""

from __future__ import annotations

from flask import Blueprint, Response

from . import core_request, flask_response, meetbot

blueprint = Blueprint("oauth", __name__)


@blueprint.get("/oauth2/start")
def start() -> Response:
    return flask_response(meetbot().oauth_start(core_request()))


@blueprint.get("/oauth2/callback")
def callback() -> Response:
    return flask_response(meetbot().oauth_callback(core_request()))
