"""``GET /tasks/reconcile``: the reconciler, for App Engine cron (``cron.yaml``).

Accepted only from App Engine cron (the ``X-Appengine-Cron`` header, which App Engine
removes from outside requests, and only when running on App Engine) or with the
configured secret as a bearer token. Anything else is refused: fail closed.
"""

from __future__ import annotations

import dataclasses
import hmac
import logging
import os

from flask import Blueprint, Response, current_app, jsonify, request

from ..lifecycle.reconcile import reconcile

log = logging.getLogger(__name__)
blueprint = Blueprint("tasks", __name__)


def _allowed() -> bool:
    config = current_app.extensions["meetbot"].config
    if os.environ.get("GAE_APPLICATION") and request.headers.get("X-Appengine-Cron") == "true":
        return True
    secret = config.reconcile_secret
    header = request.headers.get("Authorization", "")
    return bool(secret) and hmac.compare_digest(header.encode(), f"Bearer {secret}".encode())


@blueprint.get("/tasks/reconcile")
def reconcile_now() -> Response | tuple[Response, int]:
    if not _allowed():
        return jsonify({"error": "forbidden"}), 403
    app = current_app.extensions["meetbot"]
    report = reconcile(app.services, app.worker)
    log.info("reconciled", extra={"fields": dataclasses.asdict(report)})
    return jsonify(dataclasses.asdict(report))
