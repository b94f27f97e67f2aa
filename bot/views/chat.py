"""``POST /``: Chat interaction events, in either format.

Verify first (a 401 before the body is read; then a 401 too if the body is not in the
format the token's signer sends), then parse into a typed event, route,
and render the reply in the event's own format. A handler's failure is logged and
answered with an apology, never a 500: Chat would show the user "not responding".
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, jsonify, request

from cards.messages import Problem, error_message

from ..controls.people import remember
from ..chat_events import ChatEvent, MalformedEvent, format_of, parse_event
from ..replies import NewMessage, NoReply, Reply, render
from ..storage import StorageError
from ..verification import VerificationError

log = logging.getLogger(__name__)
blueprint = Blueprint("chat", __name__)


@blueprint.post("/")
def chat_event() -> Response | tuple[Response, int]:
    app = current_app.extensions["meetbot"]
    try:
        caller = app.verifier.verify(request.headers.get("Authorization"))
        body = request.get_json(silent=True)  # read only once the token is Google's
        caller.require_event_format(_format_value(body))
    except VerificationError as error:
        log.warning("refused a Chat request", extra={"fields": {"reason": str(error)}})
        return jsonify({"error": "unauthenticated"}), 401

    try:
        event = parse_event(body)
    except MalformedEvent as error:
        log.warning("malformed Chat event", extra={"fields": {"reason": str(error)}})
        return jsonify({"error": f"malformed event: {error}", **error_message(Problem.MALFORMED_REQUEST)}), 400

    # Chat sends the sender's email only with events: keep it, since Meet needs it to
    # make this person a co-host when someone mentions them later; and their time zone,
    # when the event has one, for the dates they say in meetings.
    try:
        if event.actor is not None:  # a removal may name nobody
            remember(app.services.storage, event.actor, time_zone=event.time_zone)
    except StorageError:
        log.warning("could not remember a person's email")
    handler = app.router.route(event)
    try:
        reply = handler(event, app.services)
    except StorageError:
        # Our database, not Google: say so (work that needs it was not done, or undone).
        log.exception("handler could not reach the database", extra={"fields": {
            "handler": getattr(handler, "__name__", "?"), "event": event.raw_type}})
        reply = _apology(event, Problem.APP_UNAVAILABLE)
    except Exception:  # noqa: BLE001 - the user gets an answer whatever went wrong
        log.exception("handler failed", extra={"fields": {"handler": getattr(handler, "__name__", "?"),
                                                          "event": event.raw_type}})
        reply = _apology(event, Problem.MEET_UNAVAILABLE)
    return jsonify(render(reply, event, endpoint_url=app.config.chat_endpoint_url))


def _format_value(body: object) -> str | None:
    event_format = format_of(body)
    return event_format.value if event_format is not None else None


def _apology(event: ChatEvent, problem: Problem) -> Reply:
    """A private apology to whoever caused the event; nothing when nobody did (a removal
    by an administrator, which Chat does not answer anyway)."""
    if event.actor is None:
        return NoReply()
    return NewMessage(error_message(problem), private_to=event.actor.user_name)
