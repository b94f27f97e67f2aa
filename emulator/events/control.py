"""Control-plane calls for Pub/Sub push and Workspace Events subscriptions.

* ``POST /_emulator/pubsub`` ``{duplicates?, shuffle?, paused?, pushUrl?, audience?, serviceAccount?,
  subscription?, shuffleWindowSeconds?, minBackoffSeconds?, maxBackoffSeconds?, ackDeadlineSeconds?,
  deadLetterTopic?, maxDeliveryAttempts?, messageOrdering?, concurrency?, seed?}`` — change delivery
  behaviour: push each message ``duplicates`` extra times, push ``shuffle``d (held
  ``shuffleWindowSeconds``, then random order), hold everything while ``paused`` (unpausing
  releases what was held). ``deadLetterTopic`` (``projects/{project}/topics/{topic}``, null to
  remove) gives the push subscription a dead-letter policy, with ``maxDeliveryAttempts`` (5 to
  100, default 5; refused without a dead-letter topic, as Pub/Sub's policy holds both): pushes
  then carry ``deliveryAttempt``. ``messageOrdering`` makes pushes carry ``orderingKey``.
  ``{"reset": true}`` restores the start-up settings. Returns what ``GET`` returns.
* ``GET /_emulator/pubsub`` — ``{settings, stats: {published, delivered, pending, inFlight, held,
  attempts, failedAttempts, deadLettered, topics}, deliveries: [...]}``; each delivery is one push
  attempt: ``{messageId, topic, subscription, url, ceType, ceId, deliveryAttempt, copy,
  status, outcome: acked|nacked|deadLettered, error, time, elapsedMs}`` (``deliveryAttempt``
  here counts attempts whatever the subscription's policy).
* ``GET /_emulator/pubsub/messages`` — every published message, payload decoded:
  ``{messages: [{messageId, topic, attributes, data, orderingKey, publishTime}]}``
  (``?type=`` filters by ``ce-type``).
* ``POST /_emulator/pubsub/flush`` ``{timeoutSeconds?: 10}`` — wait until nothing is pending or
  in flight; ``{idle, …GET}``. ``idle`` is false on timeout or while paused with messages held.
* ``GET /_emulator/events/subscriptions`` — every subscription, any owner, as the API shows it.
* ``POST /_emulator/events/suspend`` ``{subscription, reason?: "OTHER"}`` — suspend it with a
  ``Subscription.suspensionReason`` value; the ``suspended`` lifecycle event is published.
* ``POST /_emulator/events/settle`` — let lifecycle events that are due fall now.
* ``GET /_emulator/events/settings``, ``POST /_emulator/events/settings`` ``{refusedEventTypes?: [...]}`` —
  Meet event types this project may not subscribe to, as for a project outside the Developer Preview
  Program asking for a preview type (``google.workspace.meet.smartNote.v2.fileGenerated``): a create or
  an ``eventTypes`` update naming one is 403 PERMISSION_DENIED. Default (and after a reset): none.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from ..api import json_response
from ..control import json_body, state, typed
from ..errors import failed_precondition, invalid_argument, not_found
from ..meet.model import EVENT_TYPES as MEET_EVENT_TYPES
from .model import ACTIVE, SUSPENSION_REASONS, EventsStore
from .pubsub import MAX_DELIVERY_ATTEMPTS_RANGE
from .topics import check_topic_name


_SETTING_TYPES: dict[str, tuple[str, Any]] = {
    "pushUrl": ("push_url", str), "audience": ("audience", str), "serviceAccount": ("service_account", str),
    "subscription": ("subscription", str), "duplicates": ("duplicates", int), "shuffle": ("shuffle", bool),
    "shuffleWindowSeconds": ("shuffle_window_seconds", (int, float)), "paused": ("paused", bool),
    "minBackoffSeconds": ("min_backoff_seconds", (int, float)),
    "maxBackoffSeconds": ("max_backoff_seconds", (int, float)),
    "ackDeadlineSeconds": ("ack_deadline_seconds", (int, float)),
    "maxDeliveryAttempts": ("max_delivery_attempts", int), "concurrency": ("concurrency", int), "seed": ("seed", int),
    "deadLetterTopic": ("dead_letter_topic", str), "messageOrdering": ("message_ordering", bool),
}
_NULLABLE = {"pushUrl", "audience", "subscription", "seed", "deadLetterTopic"}
_LIMITS = {"duplicates": (0, 100), "concurrency": (1, 8), "maxDeliveryAttempts": MAX_DELIVERY_ATTEMPTS_RANGE}


def _store() -> EventsStore:
    return state().events


def _overview() -> dict[str, Any]:
    pubsub = _store().pubsub
    return {"settings": pubsub.settings.to_json(), "stats": pubsub.stats(), "deliveries": pubsub.deliveries()}


def read_pubsub() -> Response:
    return json_response(_overview())


def configure_pubsub() -> Response:
    body = json_body()
    pubsub = _store().pubsub
    unknown = [key for key in body if key not in _SETTING_TYPES and key != "reset"]
    if unknown:
        raise invalid_argument(f"Unknown field(s): {', '.join(unknown)}. Allowed: reset, "
                               f"{', '.join(_SETTING_TYPES)}.", unknown[0])
    changes: dict[str, Any] = {}
    for key, value in body.items():
        if key == "reset":
            continue
        attribute, kind = _SETTING_TYPES[key]
        if value is None and key in _NULLABLE:
            changes[attribute] = None
            continue
        typed(body, key, kind)
        if value is None:
            raise invalid_argument(f"Field '{key}' can't be null.", key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            low, high = _LIMITS.get(key, (0, float("inf")))
            if not low <= value <= high:
                raise invalid_argument(f"Field '{key}' must be between {low} and {high:g}.", key)
        changes[attribute] = value
    if changes.get("dead_letter_topic"):
        check_topic_name(changes["dead_letter_topic"], "deadLetterTopic")
    dead_letter_topic = changes.get("dead_letter_topic", None if typed(body, "reset", bool, False)
                                    else pubsub.settings.dead_letter_topic)
    if changes.get("max_delivery_attempts") and not dead_letter_topic:
        raise invalid_argument("maxDeliveryAttempts belongs to a dead-letter policy: set deadLetterTopic too "
                               "(without one, Pub/Sub retries a message until it is acknowledged).",
                               "maxDeliveryAttempts")
    if "dead_letter_topic" in changes and changes["dead_letter_topic"] is None:
        changes["max_delivery_attempts"] = 0  # the policy goes as a whole
    if typed(body, "reset", bool, False):
        pubsub.reset_settings()
    if changes:
        pubsub.configure(**changes)
    return json_response(_overview())


def published_messages() -> Response:
    messages = _store().pubsub.published()
    wanted = request.args.get("type")
    if wanted:
        messages = [m for m in messages if m["attributes"].get("ce-type") == wanted]
    return json_response({"messages": messages})


def flush() -> Response:
    body = json_body()
    timeout = typed(body, "timeoutSeconds", (int, float), 10)
    if not 0 <= timeout <= 120:
        raise invalid_argument("timeoutSeconds must be between 0 and 120.", "timeoutSeconds")
    idle = _store().pubsub.wait_idle(float(timeout))
    return json_response({"idle": idle, **_overview()})


def all_subscriptions() -> Response:
    store = _store()
    store.settle()
    with state().lock:
        return json_response({"subscriptions": [s.to_json() for s in store.subscriptions.values()]})


def suspend() -> Response:
    body = json_body("subscription")
    reason = typed(body, "reason", str, "OTHER")
    if reason not in SUSPENSION_REASONS:
        raise invalid_argument(f"reason must be one of {', '.join(SUSPENSION_REASONS)}.", "reason")
    store = _store()
    store.settle()
    with state().lock:
        subscription = store.find(typed(body, "subscription", str))
        if subscription is None:
            raise not_found(f"Subscription {body['subscription']} not found.")
        if subscription.state != ACTIVE:
            raise failed_precondition(f"{subscription.name} is {subscription.state}, not ACTIVE.")
        store.suspend(subscription, reason)
        return json_response(subscription.to_json())


def settle() -> Response:
    _store().settle()
    return json_response({})


def _events_settings() -> dict[str, Any]:
    return {"refusedEventTypes": sorted(_store().refused_event_types)}


def read_events_settings() -> Response:
    return json_response(_events_settings())


def configure_events() -> Response:
    body = json_body()
    unknown = [key for key in body if key != "refusedEventTypes"]
    if unknown:
        raise invalid_argument(f"Unknown field(s): {', '.join(unknown)}. Allowed: refusedEventTypes.", unknown[0])
    if "refusedEventTypes" in body:
        refused = typed(body, "refusedEventTypes", list)
        if refused is None or not all(isinstance(t, str) for t in refused):
            raise invalid_argument("refusedEventTypes must be a list of event types.", "refusedEventTypes")
        unknown_types = [t for t in refused if t not in MEET_EVENT_TYPES]
        if unknown_types:
            raise invalid_argument(f"Not a Meet event type: {', '.join(unknown_types)}.", "refusedEventTypes")
        with state().lock:
            _store().refused_event_types = frozenset(refused)
    return json_response(_events_settings())


def blueprint() -> Blueprint:
    """The control plane's Workspace Events and Pub/Sub routes, built afresh for each emulator app."""
    routes = Blueprint("events_control", __name__, url_prefix="/_emulator")
    routes.add_url_rule("/pubsub", view_func=read_pubsub, methods=["GET"])
    routes.add_url_rule("/pubsub", view_func=configure_pubsub, methods=["POST"])
    routes.add_url_rule("/pubsub/messages", view_func=published_messages, methods=["GET"])
    routes.add_url_rule("/pubsub/flush", view_func=flush, methods=["POST"])
    routes.add_url_rule("/events/subscriptions", view_func=all_subscriptions, methods=["GET"])
    routes.add_url_rule("/events/suspend", view_func=suspend, methods=["POST"])
    routes.add_url_rule("/events/settle", view_func=settle, methods=["POST"])
    routes.add_url_rule("/events/settings", view_func=read_events_settings, methods=["GET"])
    routes.add_url_rule("/events/settings", view_func=configure_events, methods=["POST"])
    return routes
