"""``GET /tasks/reconcile``: the reconciler for App Engine cron (``bot.pipeline.tasks``)."""

from __future__ import annotations

from flask import Blueprint, Response

from . import core_request, flask_response, meetbot

blueprint = Blueprint("tasks", __name__)


@blueprint.get("/tasks/reconcile")
def reconcile_now() -> Response:
    return flask_response(meetbot().reconcile(core_request()))
