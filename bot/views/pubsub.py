"""``POST /pubsub/push``: Workspace Events from the Pub/Sub push subscription.

Verify (401 before reading the body), decode, act, answer fast. A genuine message that
cannot be decoded is acknowledged (204) and logged: redelivery would never fix it.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, jsonify, request

from ..lifecycle.pushes import handle_event
from ..pubsub import MalformedPush, parse_push
from ..verification import VerificationError

log = logging.getLogger(__name__)
blueprint = Blueprint("pubsub", __name__)


@blueprint.post("/pubsub/push")
def push() -> Response | tuple[Response, int]:
    app = current_app.extensions["meetbot"]
    if app.push_verifier is None:
        return jsonify({"error": "Pub/Sub push is not configured"}), 404
    try:
        app.push_verifier.verify(request.headers.get("Authorization"))
    except VerificationError as error:
        log.warning("refused a push", extra={"fields": {"reason": str(error)}})
        return jsonify({"error": "unauthenticated"}), 401
    try:
        event = parse_push(request.get_json(silent=True))
    except MalformedPush as error:
        log.error("acknowledged a malformed push message", extra={"fields": {"reason": str(error)}})
        return Response(status=204)
    outcome = handle_event(app.services, app.worker, event)
    log.info("workspace event", extra={"fields": {"type": event.type, "id": event.id, "outcome": outcome}})
    return Response(status=204)
